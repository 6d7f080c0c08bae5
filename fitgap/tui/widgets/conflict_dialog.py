"""Telling the user that someone else changed items since they were shown, with the current values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from fitgap.services.assessment import Conflict
from fitgap.tui.labels import when


def conflict_content(conflicts: Sequence[Conflict], *, limit: int = 50) -> Content:
    lines = [Content.styled(
        f"{len(conflicts)}件は、表示したあとに他の利用者が変更していたため、上書きしませんでした。"
        "いまの内容を確かめてから、必要ならもう一度判定してください。", "bold $text-warning")]
    for c in conflicts[:limit]:
        cur = c.current
        lines.append(Content.assemble(
            (f"{cur.key.label} ", "bold"), f"{cur.name}\n  いま: 状況 ", (cur.status.value, "bold"),
            f"　方針 {cur.disposition.value if cur.disposition else '—'}",
            f"　更新 {when(cur.assessed_at)} {cur.assessed_by or ''}",
            f"\n  メモ: {' '.join(cur.note.split()) or '（なし）'}",
        ))
    if len(conflicts) > limit:
        lines.append(Content(f"…ほか {len(conflicts) - limit}件"))
    return Content("\n").join(lines)


class ConflictDialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "閉じる", id="conflict.close", tooltip="閉じて一覧に戻ります",
                key_display="enter"),
    ]
    DEFAULT_CSS = """
    ConflictDialog { align: center middle; }
    ConflictDialog > VerticalScroll {
        width: 90%; max-width: 110; height: auto; max-height: 80%;
        border: thick $warning; border-title-color: $text-warning; background: $surface; padding: 0 1;
    }
    ConflictDialog Static { height: auto; }
    """

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        super().__init__()
        self.conflicts = list(conflicts)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = "他の利用者による変更"
            yield Static(conflict_content(self.conflicts), id="conflict-text")
        yield Footer()
