"""Which statuses need a note (the municipality's rule): a small modal list of statuses."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, SelectionList, Static
from textual.widgets.selection_list import Selection

from fitgap.domain.enums import Status


class NoteRulePicker(ModalScreen[frozenset[Status] | None]):
    """Returns the statuses that need a note, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,ctrl+s", "save", "保存", id="note_rule.save", tooltip="この設定を保存します", priority=True),
        Binding("escape", "cancel", "取消", id="note_rule.cancel", tooltip="変更せずに閉じます", key_display="esc"),
    ]
    DEFAULT_CSS = """
    NoteRulePicker { align: center middle; }
    NoteRulePicker > Vertical {
        width: 60; height: auto; border: round $accent; border-title-color: $text-accent; background: $surface;
    }
    NoteRulePicker .picker-hint { color: $text-muted; height: auto; padding: 0 1; }
    NoteRulePicker SelectionList { height: auto; border: none; }
    """

    def __init__(self, current: frozenset[Status]) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "メモが必要な状況"
            yield Static("選んだ状況にするときはメモ（理由）が必要になります。space: 選択　enter: 保存",
                         classes="picker-hint")
            yield SelectionList[str](*[Selection(s.value, s.value, s in self.current) for s in Status],
                                     id="note-rule")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_save(self) -> None:
        self.dismiss(frozenset(Status(v) for v in self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)
