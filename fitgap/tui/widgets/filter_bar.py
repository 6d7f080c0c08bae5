"""The search box and a summary of the active filters; the search narrows the list as the user types.

Every change of the box is passed on at once (no debounce): the screen queries it in a worker and drops
results the box has moved past (see screens/live_search.py)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label, Static


class FilterBar(Horizontal):
    DEFAULT_CSS = """
    FilterBar {
        height: 1; background: $panel;
        & > Label { padding: 0 1; color: $text-muted; }
        & > Input { width: 1fr; height: 1; border: none; padding: 0; background: $panel; }
        & > Input:focus { background: $boost; }
        & > #filter-summary { width: auto; max-width: 60%; padding: 0 1; color: $text-accent; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,down", "done", "一覧へ", id="search.done", tooltip="検索を確定して一覧へ戻ります",
                show=True, key_display="enter"),
    ]

    class SearchChanged(Message):
        """The box says ``text``; ``settle``: apply it now, before the keys that follow (enter, ↓)."""

        def __init__(self, text: str, *, settle: bool = False) -> None:
            super().__init__()
            self.text = text
            self.settle = settle

    class Done(Message):
        pass

    def __init__(self, *, text: str = "", blink: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = text
        self._blink = blink

    def compose(self) -> ComposeResult:
        yield Label("検索")
        search = Input(self._initial, placeholder="ID・名称・本文（/ で入力、入力しながら絞り込み）", id="search",
                       compact=True)
        search.cursor_blink = self._blink
        yield search
        yield Static(id="filter-summary")

    @property
    def search_input(self) -> Input:
        return self.query_one("#search", Input)

    def set_text(self, text: str) -> None:
        with self.search_input.prevent(Input.Changed):
            self.search_input.value = text

    def set_summary(self, summary: str) -> None:
        self.query_one("#filter-summary", Static).update(summary)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.SearchChanged(event.value))

    def flush(self) -> None:
        """Apply the search as the box says it now, before anything that follows."""
        self.post_message(self.SearchChanged(self.search_input.value, settle=True))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_done()

    def action_done(self) -> None:
        self.flush()
        self.post_message(self.Done())
