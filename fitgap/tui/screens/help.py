"""Help: every key, grouped. Reached with ? or from the command palette ("help: キー一覧")."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from fitgap.tui.cells import fit
from fitgap.tui.keymap import help_groups
from fitgap.tui.labels import FLAG_LEGEND

KEY_WIDTH = 22


def help_text() -> str:
    parts = []
    for title, rows in help_groups():
        lines = [f"[b $text-accent]{escape(title)}[/]"]
        lines += [f"  [b]{escape(fit(keys, KEY_WIDTH))}[/b] {escape(desc)}" for keys, desc in rows]
        parts.append("\n".join(lines))
    parts.append(f"[b $text-accent]表のフラグ[/]\n  {escape(FLAG_LEGEND)}")
    parts.append("[b $text-accent]重要度[/]\n  要対応 = 実装必須 × ギャップ　要廃止 = 実装不可 × 適合（逆ギャップ）"
                 "　要判断 = 標準オプションで未決定")
    return "\n\n".join(parts)


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

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "キー一覧（ヘルプ）"
            yield Static(help_text(), id="help-text")
        yield Footer()
