"""Small modal pickers: one choice from a list (disposition, sort column, saved view) and a name prompt."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from fitgap.errors import FitGapError

T = TypeVar("T")

PICKER_CSS = """
    align: center middle;
    & > Vertical {
        width: auto; min-width: 40; max-width: 90%; height: auto; max-height: 80%;
        border: round $accent; border-title-color: $text-accent; background: $surface; padding: 0 1;
    }
    & .picker-hint { color: $text-muted; height: auto; }
    & OptionList { height: auto; max-height: 24; border: none; }
"""


class ChoiceModal(ModalScreen[T | None], Generic[T]):
    """Pick one of ``choices`` (label, value); number keys pick directly. None when cancelled.

    Choices listed in ``disabled`` are shown greyed and cannot be picked: a dialog whose choices depend
    on the situation keeps each choice under the same number."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "取消", id="picker.cancel", tooltip="選ばずに閉じます", key_display="esc"),
    ]
    DEFAULT_CSS = "ChoiceModal {" + PICKER_CSS + "}"

    def __init__(self, *, title: str, choices: Sequence[tuple[str, T]], hint: str = "", current: int = 0,
                 disabled: Collection[int] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.hint = hint
        self.unavailable = frozenset(disabled)
        self.current = current if current not in self.unavailable else next(
            (i for i in range(len(self.choices)) if i not in self.unavailable), 0)
        self.chose = False  # tells a None choice from a cancel

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.hint:
                yield Static(Content(self.hint), classes="picker-hint")
            options = [Option(Content(f"{i + 1 if i < 9 else ' '} {label}"), id=str(i), disabled=i in self.unavailable)
                       for i, (label, _v) in enumerate(self.choices)]
            yield OptionList(*options, id="choices")
        yield Footer()

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = min(self.current, len(self.choices) - 1) if self.choices else None
        ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(int(event.option.id or 0))

    def choose(self, index: int) -> None:
        if index in self.unavailable:
            self.app.bell()
            return
        self.chose = True
        self.dismiss(self.choices[index][1])

    def on_key(self, event: events.Key) -> None:
        key = event.key
        if key.isdigit() and key != "0" and int(key) <= len(self.choices):
            event.stop()
            self.choose(int(key) - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NameDraft(Protocol):
    """Where a name prompt keeps what was typed and not used (tui.drafts.DraftHandle)."""

    def load(self) -> Any: ...

    def keep(self, *, text: str = "", fields: dict[str, Any] | None = None) -> None: ...

    def drop(self) -> None: ...


class NameModal(ModalScreen[str | None]):
    """Ask for a name (saving a view, a new system). With ``draft``, a name typed and not used (esc, quitting)
    is kept as the user's draft and offered the next time; using it drops the draft."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "取消", id="name.cancel", tooltip="閉じます（入力は下書きとして残します）",
                key_display="esc"),
    ]
    DEFAULT_CSS = "NameModal {" + PICKER_CSS + "} NameModal Input { width: 50; }"

    def __init__(self, *, title: str, hint: str = "", value: str = "", blink: bool = True,
                 draft: NameDraft | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.value = value
        self.initial = value
        self.blink = blink
        self.draft = draft
        self.entered = False  # enter was pressed (an empty name), not esc
        if draft is not None and not value:
            try:
                found = draft.load()
            except FitGapError:
                found = None
            if found is not None and found.text:
                self.value = found.text
                self.hint = (hint + "\n" if hint else "") + "（前に入力して使わなかった名前です）"

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.hint:
                yield Static(Content(self.hint), classes="picker-hint")
            name = Input(self.value, placeholder="名前（例: 住記の必須ギャップ）", id="name")
            name.cursor_blink = self.blink
            yield name
        yield Footer()

    def typed(self) -> str:
        return self.query_one("#name", Input).value.strip() if self.is_mounted else ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.entered = True
        if self.draft is not None:
            self.draft.drop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.keep_input()

    # ---- what quitting asks about (tui.drafts.HoldsInput) ------------------------------------

    def unsaved_input(self) -> str | None:
        text = self.typed()
        if self.draft is None or not text or text == self.initial:
            return None
        return f"入力: {self.title_text}"

    def save_input(self) -> bool:
        self.keep_input()  # a name is used by its own next step (a view saved, a decision made): kept for it
        return True

    def keep_input(self) -> None:
        text = self.typed()
        if self.draft is not None and text and text != self.initial:
            self.draft.keep(text=text)
        self.dismiss(None)

    def discard_input(self) -> None:
        if self.draft is not None:
            self.draft.drop()
        self.dismiss(None)
