"""One file action of the workbench (import a list, send or read back a sheet): a form, a preview of what
would happen (the CLI's --dry-run figures) before anything is written, the work in a worker with a progress
bar, and a result view that lists every problem and where the files went. Errors open one error dialog.

What the user typed is kept per action (``remembered``) so that esc, an error or a second try never loses it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from fitgap.errors import FitGapError, file_error
from fitgap.tui.widgets.path_input import PathInput

Progress = Callable[[str, int, int], None]  # (stage, done, total); total 0 = unknown


@dataclass(frozen=True)
class ActionField:
    key: str
    label: str
    kind: str = "text"  # text | path | select
    initial: str = ""
    options: Sequence[tuple[str, str]] = ()
    placeholder: str = ""
    suffixes: Sequence[str] = ()
    required: bool = True


@dataclass
class Preview:
    """What would happen: the lines shown, whether it can be applied, and what apply needs."""

    lines: list[str]
    can_apply: bool = True
    state: Any = None
    apply_label: str = "適用"
    caution: bool = False  # applying it loses something (a list replaced): the button in red, never focused


@dataclass
class FileAction:
    title: str  # the palette title, e.g. "取り込み: 要件一覧…"
    help: str
    fields: Sequence[ActionField]
    preview: Callable[[dict[str, str], Progress], Preview]
    apply: Callable[[dict[str, str], Preview, Progress], list[str]]
    remembered: dict[str, str] = field(default_factory=dict)
    # what was typed, kept as the user's draft so that it survives quitting (None: kept for the session only)
    keep_typed: Callable[[dict[str, str]], None] | None = None
    forget_typed: Callable[[], None] | None = None


KEEP_AFTER = 0.5  # seconds without typing before what was typed is kept as a draft


class ErrorDialog(ModalScreen[None]):
    """エラー and 対処 of a FitGapError, in one place."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "閉じる", id="error.close", tooltip="閉じます", key_display="esc"),
    ]
    DEFAULT_CSS = """
    ErrorDialog { align: center middle; }
    ErrorDialog > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 90%; border: round $error; background: $surface;
        padding: 0 1; border-title-color: $text-error;
    }
    ErrorDialog #error-hint { margin-top: 1; color: $text-warning; }
    ErrorDialog Button { margin-top: 1; }
    """

    def __init__(self, exc: FitGapError, *, title: str = "エラー") -> None:
        super().__init__()
        self.exc, self.error_title = exc, title

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.error_title
            with VerticalScroll():
                yield Static(Content.assemble(("エラー: ", "bold"), self.exc.message), id="error-message")
                if self.exc.hint:
                    yield Static(Content.assemble(("対処: ", "bold"), self.exc.hint), id="error-hint")
            yield Button("閉じる", id="error-close", variant="primary")

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class FileActionDialog(ModalScreen[None]):
    """Form → 確認 (preview, nothing written) → 適用 (in a worker, with progress) → result."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "閉じる", id="action.close", tooltip="閉じます（入力は次回も残ります）",
                key_display="esc"),
    ]
    DEFAULT_CSS = """
    FileActionDialog { align: center middle; }
    FileActionDialog > #action-box {
        width: 96; max-width: 100%; height: auto; max-height: 95%; border: round $accent;
        border-title-color: $text-accent; background: $surface; padding: 0 1;
    }
    FileActionDialog .action-row { height: 1; margin-top: 1; }
    FileActionDialog .action-row:first-of-type { margin-top: 1; }
    FileActionDialog .action-row > Label { width: 36; color: $text-muted; }
    FileActionDialog .action-row > Input, FileActionDialog .action-row > Select { width: 1fr; }
    FileActionDialog #action-help { color: $text-muted; }
    FileActionDialog #action-output { height: auto; max-height: 14; margin-top: 1; border: tall $panel; }
    FileActionDialog #action-output.-empty { display: none; }
    FileActionDialog #action-progress { margin-top: 1; display: none; }
    FileActionDialog #action-progress.-shown { display: block; }
    FileActionDialog #action-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    FileActionDialog #action-buttons > Button { margin-left: 2; }
    """

    def __init__(self, action: FileAction) -> None:
        super().__init__()
        self.action_spec = action
        self.preview_result: Preview | None = None
        self.state = "form"  # form | previewing | previewed | applying | done
        self.result_lines: list[str] = []
        self._keep_timer: Any = None

    def compose(self) -> ComposeResult:
        a = self.action_spec
        with Vertical(id="action-box") as box:
            box.border_title = a.title.rstrip("…")
            yield Static(a.help, id="action-help")
            for f in a.fields:
                value = a.remembered.get(f.key, f.initial)
                with Horizontal(classes="action-row"):
                    yield Label(f.label + ("" if f.required else "（省略可）"))
                    if f.kind == "select":
                        yield Select(list(f.options), value=value or f.options[0][1], allow_blank=False,
                                     id=f"af-{f.key}", compact=True)
                    elif f.kind == "path":
                        yield PathInput(value, suffixes=f.suffixes, placeholder=f.placeholder, id=f"af-{f.key}")
                    else:
                        yield Input(value=value, placeholder=f.placeholder, id=f"af-{f.key}", compact=True)
            yield ProgressBar(id="action-progress", show_eta=False)
            with VerticalScroll(id="action-output", classes="-empty"):
                yield Static(id="action-text")
            with Horizontal(id="action-buttons"):
                yield Button("確認（書き込まない）", variant="primary", id="action-preview", compact=True)
                yield Button("適用", variant="success", id="action-apply", disabled=True, compact=True)
                yield Button("閉じる", id="action-close", compact=True)

    # ---- values ---------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in self.action_spec.fields:
            widget = self.query_one(f"#af-{f.key}")
            if isinstance(widget, Input):
                out[f.key] = widget.value.strip()
            elif isinstance(widget, Select):
                out[f.key] = str(widget.value)
        return out

    def _remember(self) -> dict[str, str]:
        values = self.values()
        self.action_spec.remembered.update(values)
        if self.action_spec.keep_typed is not None:  # written once typing pauses, not at every key
            if self._keep_timer is not None:
                self._keep_timer.stop()
            self._keep_timer = self.set_timer(KEEP_AFTER, self._keep_typed)
        return values

    def _keep_typed(self) -> None:
        """What differs from the dialog's starting values is the user's draft (survives quitting and a crash);
        nothing typed, no draft."""
        a = self.action_spec
        self._keep_timer = None
        typed = {f.key: a.remembered.get(f.key, f.initial) for f in a.fields}
        try:
            if any(typed[f.key] != f.initial for f in a.fields):
                if a.keep_typed is not None:
                    a.keep_typed(typed)
            elif a.forget_typed is not None:
                a.forget_typed()
        except FitGapError:
            pass  # the session still remembers it; the next pause tries again

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._remember()
        if self.state in ("previewed", "done"):
            self._to_form()  # a changed input needs a new preview before anything is applied

    def on_select_changed(self, _event: Select.Changed) -> None:
        self.on_input_changed(None)  # type: ignore[arg-type]

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.start_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "action-preview":
            self.start_preview()
        elif event.button.id == "action-apply":
            self.start_apply()
        else:
            self.action_close()

    def action_close(self) -> None:
        if self.state in ("previewing", "applying"):
            self.notify("処理中です。終わるまでお待ちください。", timeout=3)
            return
        self._remember()
        if self.action_spec.keep_typed is not None and self.state != "done":
            self._keep_typed()  # now: the dialog closes
        self.dismiss(None)

    # ---- steps ----------------------------------------------------------------------------------

    def _to_form(self) -> None:
        self.state = "form"
        self.preview_result = None
        self.query_one("#action-apply", Button).disabled = True

    def _show(self, lines: Sequence[str]) -> None:
        out = self.query_one("#action-output")
        out.set_class(not lines, "-empty")
        self.query_one("#action-text", Static).update(Content("\n".join(lines)))
        out.scroll_home(animate=False)

    def _busy(self, label: str | None) -> None:
        bar = self.query_one("#action-progress", ProgressBar)
        bar.set_class(label is not None, "-shown")
        if label is not None:
            bar.update(total=None, progress=0)
            self._show([f"{label}…"])
        for bid in ("#action-preview", "#action-apply"):
            self.query_one(bid, Button).disabled = label is not None or (
                bid == "#action-apply" and not (self.preview_result and self.preview_result.can_apply))

    def _missing(self, values: dict[str, str]) -> list[str]:
        return [f.label for f in self.action_spec.fields if f.required and not values.get(f.key)]

    def start_preview(self) -> None:
        if self.state in ("previewing", "applying"):
            return
        values = self._remember()
        missing = self._missing(values)
        if missing:
            self._show([f"入力してください: {'、'.join(missing)}"])
            return
        self.state = "previewing"
        self.preview_result = None
        self._busy("確認しています（まだ何も書き込みません）")
        self._run_preview(values)

    def start_apply(self) -> None:
        if self.state != "previewed" or self.preview_result is None or not self.preview_result.can_apply:
            return
        self.state = "applying"
        self._busy("書き込んでいます")
        self._run_apply(self.values(), self.preview_result)

    def _progress(self) -> Progress:
        def report(stage: str, done: int, total: int) -> None:
            self.app.call_from_thread(self._update_progress, stage, done, total)
        return report

    def _update_progress(self, stage: str, done: int, total: int) -> None:
        bar = self.query_one("#action-progress", ProgressBar)
        bar.update(total=total or None, progress=done)
        self.query_one("#action-text", Static).update(f"{stage}… {done:,}" + (f" / {total:,}" if total else ""))

    @work(thread=True, exclusive=True, group="file-action")
    def _run_preview(self, values: dict[str, str]) -> None:
        try:
            result = self.action_spec.preview(values, self._progress())
        except (FitGapError, OSError) as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._previewed, result)

    @work(thread=True, exclusive=True, group="file-action")
    def _run_apply(self, values: dict[str, str], preview: Preview) -> None:
        try:
            lines = self.action_spec.apply(values, preview, self._progress())
        except (FitGapError, OSError) as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._applied, lines)

    def _previewed(self, result: Preview) -> None:
        self.state = "previewed"
        self.preview_result = result
        self._busy(None)
        apply_button = self.query_one("#action-apply", Button)
        apply_button.label = result.apply_label
        apply_button.variant = "error" if result.caution else "success"
        apply_button.disabled = not result.can_apply
        label = result.apply_label  # the button's own word (取り込む / 書き出す): the text says the same
        tail = ["", f"よければ「{label}」を押してください（まだ何も書き込んでいません）。" if result.can_apply
                else f"{label}ものがありません（何も書き込んでいません）。"]
        self._show([*result.lines, *tail])
        if result.can_apply and not result.caution:
            apply_button.focus()

    def _applied(self, lines: list[str]) -> None:
        self.state = "done"
        if self._keep_timer is not None:
            self._keep_timer.stop()
            self._keep_timer = None
        if self.action_spec.forget_typed is not None:  # done: nothing is left unsaved
            self.action_spec.forget_typed()
        self.preview_result = None
        self.result_lines = lines
        self._busy(None)
        self.query_one("#action-apply", Button).disabled = True
        self._show(lines)
        refresh = getattr(self.app, "refresh_screens", None)
        if refresh is not None:
            refresh()
        self.query_one("#action-close", Button).focus()

    def _failed(self, exc: FitGapError | OSError) -> None:
        if isinstance(exc, OSError):  # anything a service did not word itself: still エラー / 対処, as the CLI says it
            exc = file_error(exc, exc.filename or "ファイル", writing=None)
        self.state = "form"
        self.preview_result = None
        self._busy(None)
        self._show(["エラーのため、何も書き込んでいません。"])
        self.app.push_screen(ErrorDialog(exc, title=self.action_spec.title.rstrip("…")))
