"""A small modal form: text inputs, drop-downs and check boxes; returns the values or None when cancelled.

With a draft handle, what is typed and not saved is kept in the database when the user says so (esc →
下書きとして残す, quitting) and offered the next time the same form opens, with the saved values named."""

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

from fitgap.errors import ConflictError, FitGapError
from fitgap.tui.drafts import DraftHandle
from fitgap.tui.labels import when
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
    """The value the field's widget shows for what is saved."""
    if f.checkbox:
        return bool(f.initial)
    return f.initial if f.options else str(f.initial or "")


def _stored(f: Field, value: Any) -> str | bool:
    """A field's value as a draft keeps it: a drop-down by the label of its choice (values may be enums or
    tuples), a check box as a flag, a text as typed."""
    if f.checkbox:
        return bool(value)
    if f.options:
        return next((label for label, v in f.options if v == value), "")
    return str(value or "")


def _restored(f: Field, stored: Any) -> tuple[bool, Any]:
    """(found, widget value) of a draft's value; a choice the form no longer offers is not restored."""
    if f.checkbox:
        return isinstance(stored, bool), bool(stored)
    if f.options:
        found = [v for label, v in f.options if label == stored]
        return bool(found), found[0] if found else None
    return isinstance(stored, str), stored


def _display(f: Field, value: Any) -> str:
    if f.checkbox:
        return "あり" if value else "なし"
    text = _stored(f, value)
    return str(text) if text != "" else "（空欄）"


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
    FormDialog #form-draft { color: $text-warning; height: auto; }
    FormDialog #form-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    FormDialog Button { margin-left: 1; }
    """

    def __init__(self, title: str, fields: Sequence[Field], *, help: str = "",
                 submit: Callable[[dict[str, Any]], None] | None = None, draft: DraftHandle | None = None) -> None:
        super().__init__()
        self.form_title, self.fields, self.help = title, list(fields), help
        self.submit = submit
        self.handle = draft
        self.start: dict[str, Any] = {}  # the draft's values the fields start with
        self.kept = False  # closed with "keep as a draft"

    def _load_draft(self) -> str:
        """Fill ``start`` from the draft, if any; the notice that says so and names the saved values."""
        if self.handle is None:
            return ""
        found = self.handle.load()
        if found is None:
            return ""
        for f in self.fields:
            ok, value = _restored(f, found.fields.get(f.key)) if f.key in found.fields else (False, None)
            if ok and value != _shown(f):
                self.start[f.key] = value
        if not self.start:
            self.handle.drop()  # the draft is what is saved now
            return ""
        saved = "、".join(f"{f.label} {_display(f, _shown(f))}" for f in self.fields if f.key in self.start)
        return (f"保存していない下書きを表示しています（{when(found.updated_at)} に残したもの）。"
                f"保存されている値: {saved}")

    def compose(self) -> ComposeResult:
        notice = self._load_draft()
        with Vertical(id="form-box") as box:
            box.border_title = self.form_title
            if notice:
                yield Static(Content(notice), id="form-draft")
            for f in self.fields:
                value = self.start.get(f.key, _shown(f))
                if f.checkbox:
                    yield Checkbox(f.label, value=bool(value), id=f"f-{f.key}")
                    continue
                yield Label(f.label)
                if f.options:
                    yield Select(list(f.options), value=value, allow_blank=False, id=f"f-{f.key}")
                else:
                    yield Input(value=str(value or ""), placeholder=f.placeholder, id=f"f-{f.key}")
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

    def typed(self) -> bool:
        """Whether any field differs from what is saved."""
        values = self.values()
        return any(values.get(f.key) != _shown(f) for f in self.fields)

    def draft_fields(self) -> dict[str, Any]:
        values = self.values()
        return {f.key: _stored(f, values.get(f.key)) for f in self.fields}

    def save(self) -> bool:
        """Save (through ``submit``) and close; False when the save was refused (said in the form, which
        keeps everything typed — and, after someone else's save, keeps it as a draft too)."""
        values = self.values()
        if self.submit is not None:
            try:
                self.submit(values)
            except FitGapError as exc:
                error = self.query_one("#form-error", Static)
                error.update(Content(f"エラー: {exc.message}" + (f"\n対処: {exc.hint}" if exc.hint else "")))
                error.display = True
                if isinstance(exc, ConflictError) and self.handle is not None:
                    try:
                        self.handle.keep(fields=self.draft_fields())
                    except FitGapError:
                        pass  # still in the form, and asked about on esc or quit
                return False
        if self.handle is not None:
            self.handle.drop()
        if self.is_current:  # (when quitting, a question may still be open above it: the app ends anyway)
            self.dismiss(values)
        return True

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "form-save":
            self.save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        """esc: closes at once when nothing was typed; otherwise asks, so that no input is lost by a slip."""
        if not self.typed():
            if self.handle is not None and self.handle.loaded is not None:
                self.handle.drop()  # back to what is saved: the old draft is done with
            self.dismiss(None)
            return

        def chosen(value: str | None) -> None:
            if value == "save":
                self.save()
            elif value == "keep":
                try:
                    self.keep_input()
                except FitGapError as exc:
                    self.notify(exc.message, title="エラー", severity="error", timeout=8)
                    return
                self.dismiss(None)
            elif value == "discard":
                self.discard_input()
                self.dismiss(None)

        choices: list[tuple[str, str | None]] = [("編集に戻る", None), ("保存する", "save")]
        if self.handle is not None:
            choices.append(("下書きとして残して閉じる（次にこの画面を開くと戻ります）", "keep"))
        choices.append(("入力を捨てて閉じる", "discard"))
        self.app.push_screen(ChoiceModal[str | None](
            title="保存していない入力", hint="入力した内容はまだ保存していません。", choices=choices), chosen)

    # ---- HoldsInput: what quitting asks about (forms that keep drafts) -------------------------

    def unsaved_input(self) -> str | None:
        if self.submit is None or self.handle is None or not self.is_mounted or not self.typed():
            return None
        return f"入力: {self.form_title}"

    def save_input(self) -> bool:
        return self.save()

    def keep_input(self) -> None:
        if self.handle is not None:
            self.handle.keep(fields=self.draft_fields())
        self.kept = True

    def discard_input(self) -> None:
        if self.handle is not None:
            self.handle.drop()
