"""Help: the keys of the screen the user is on first, then the keys that work everywhere. Reached with ? or
from the command palette ("ヘルプ: キー一覧")."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from fitgap.tui.cells import fit
from fitgap.tui.keymap import help_groups, screen_help_groups
from fitgap.tui.labels import FLAG_LEGEND

KEY_WIDTH = 22


def help_content(screen: Screen | None = None) -> Content:
    """The help: ``screen``'s own keys first (every key when no screen is given). Built as Content, not
    markup, so keys such as [ and ] are shown as they are."""
    parts: list[Content] = []
    groups = screen_help_groups(screen) if screen is not None else help_groups()
    for title, rows in groups:
        lines = [Content.styled(title, "bold $text-accent")]
        lines += [Content.assemble("  ", (fit(keys, KEY_WIDTH), "bold"), " ", desc) for keys, desc in rows]
        parts.append(Content("\n").join(lines))
    parts.append(Content("\n").join([Content.styled("表のフラグ", "bold $text-accent"), Content("  " + FLAG_LEGEND)]))
    parts.append(Content("\n").join([
        Content.styled("重要度", "bold $text-accent"),
        Content("  要対応 = 実装必須 × ギャップ　要廃止 = 実装不可 × 適合（逆ギャップ）　要判断 = 標準オプションで未決定"),
    ]))
    return Content("\n\n").join(parts)


def help_text(screen: Screen | None = None) -> str:
    """The help as plain text (what the user reads)."""
    return help_content(screen).plain


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "閉じる", id="help.close", tooltip="ヘルプを閉じます",
                key_display="esc"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-box {
        width: 96; max-width: 100%; height: 90%;
        border: round $accent; border-title-color: $text-accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, for_screen: Screen | None = None) -> None:
        super().__init__()
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "キー一覧（ヘルプ）"
            yield Static(help_content(self.for_screen), id="help-text")
        yield Footer()
