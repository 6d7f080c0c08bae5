"""A small modal form: text inputs, drop-downs and check boxes; returns the values or None when cancelled."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from fitgap.errors import FitGapError
from fitgap.tui.widgets.pickers import ChoiceModal


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    initial: Any = ""
    options: Sequence[tuple[str, Any]] = field(default_factory=tuple)  # a drop-down when given
    checkbox: bool = False
    placeholder: str = ""


def _shown(f: Field) -> Any:
    """The value the field's widget starts with."""
    if f.checkbox:
        return bool(f.initial)
    return f.initial if f.options else str(f.initial or "")


class FormDialog(ModalScreen[dict[str, Any] | None]):
    """Enter (or 保存) returns {key: value}; Esc (or 取消) returns None.

    With ``submit``, the values are saved from inside the dialog: a FitGapError (a bad date…) is shown in
    the dialog, which stays open with everything the user typed, until the input is right or cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "取消", id="form.cancel",
                tooltip="変更せずに閉じます（入力を変えていれば、保存するか捨てるかを選びます）", key_display="esc"),
    ]
    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > #form-box {
        width: 72; max-width: 100%; height: auto; border: round $accent; border-title-color: $text-accent;
        background: $surface; padding: 0 1;
    }
    FormDialog Label { margin-top: 1; }
    FormDialog #form-help { color: $text-muted; margin-top: 1; }
    FormDialog #form-error { color: $text-error; text-style: bold; margin-top: 1; height: auto; display: none; }
    FormDialog #form-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    FormDialog Button { margin-left: 1; }
    """

    def __init__(self, title: str, fields: Sequence[Field], *, help: str = "",
                 submit: Callable[[dict[str, Any]], None] | None = None) -> None:
        super().__init__()
        self.form_title, self.fields, self.help = title, list(fields), help
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = self.form_title
            for f in self.fields:
                if f.checkbox:
                    yield Checkbox(f.label, value=bool(f.initial), id=f"f-{f.key}")
                    continue
                yield Label(f.label)
                if f.options:
                    yield Select(list(f.options), value=f.initial, allow_blank=False, id=f"f-{f.key}")
                else:
                    yield Input(value=str(f.initial or ""), placeholder=f.placeholder, id=f"f-{f.key}")
            if self.help:
                yield Label(self.help, id="form-help")
            yield Static(id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button("保存", variant="primary", id="form-save")
                yield Button("取消", id="form-cancel")

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            widget = self.query_one(f"#f-{f.key}")
            if isinstance(widget, Checkbox | Input | Select):
                out[f.key] = widget.value
        return out

    def save(self) -> None:
        values = self.values()
        if self.submit is not None:
            try:
                self.submit(values)
            except FitGapError as exc:
                error = self.query_one("#form-error", Static)
                error.update(Content(f"エラー: {exc.message}" + (f"\n対処: {exc.hint}" if exc.hint else "")))
                error.display = True
                return
        self.dismiss(values)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "form-save":
            self.save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """esc: closes at once when nothing was typed; otherwise asks, so that no input is lost by a slip."""
        values = self.values()
        if all(values.get(f.key) == _shown(f) for f in self.fields):
            self.dismiss(None)
            return

        def chosen(value: str | None) -> None:
            if value == "save":
                self.save()
            elif value == "discard":
                self.dismiss(None)

        self.app.push_screen(ChoiceModal[str | None](
            title="保存していない入力", hint="入力した内容はまだ保存していません。",
            choices=[("編集に戻る", None), ("保存する", "save"), ("入力を捨てて閉じる", "discard")]), chosen)
