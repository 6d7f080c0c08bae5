"""Editing a note (or a reason): a modal with a multi-line text area; $EDITOR for long Japanese text."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea

from fitgap.errors import FitGapError
from fitgap.tui.drafts import DraftHandle, NoteConflict, Theirs
from fitgap.tui.labels import when
from fitgap.tui.widgets.pickers import ChoiceModal

KEEP_DRAFT, DISCARD, SAVE = "keep", "discard", "save"
OVERWRITE, TAKE_IN, TAKE_THEIRS = "overwrite", "take_in", "take_theirs"


def _plain(text: str) -> str:
    return " ".join(text.split())


class NoteEditor(ModalScreen[str | None]):
    """Returns the note saved (without ``submit``: the note to save), or None when closed without saving.

    Nothing typed is lost without the user's say: esc on a changed text asks whether to save, keep it as a
    draft (kept in the database through ``handle``, offered the next time the item is edited) or throw it
    away; quitting asks the same (:class:`fitgap.tui.drafts.HoldsInput`).

    With ``submit``, the note is saved from inside the editor: a refused save (FitGapError) is shown there
    and the text stays; a save refused because someone saved the item meanwhile (NoteConflict), or a draft
    begun before someone else's save (``theirs``), shows what they saved beside the text, and saving again
    never replaces it unseen: the user takes it in and edits (merge), overwrites it knowingly, or keeps it
    and throws their own text away."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="note.save", tooltip="メモを保存して閉じます", priority=True),
        Binding("ctrl+t", "take_in", "相手のメモを取り込む", id="note.take_in", priority=True,
                tooltip="他の利用者が保存したメモを入力欄の末尾に入れます（直してから保存）"),
        Binding("escape", "cancel", "閉じる", id="note.cancel",
                tooltip="閉じます（変更していれば、保存・下書きとして残す・捨てるを選びます）", key_display="esc"),
    ]
    DEFAULT_CSS = """
    NoteEditor { align: center middle; }
    NoteEditor > #note-box {
        width: 80%; max-width: 110; height: 60%; min-height: 12;
        border: round $accent; border-title-color: $text-accent; background: $surface; padding: 0 1;
    }
    NoteEditor > #note-box.-compare { width: 96%; max-width: 170; height: 75%; }
    NoteEditor #note-about { height: auto; color: $text-muted; }
    NoteEditor #note-required { height: auto; color: $text-error; text-style: bold; }
    NoteEditor #note-draft { height: auto; color: $text-warning; display: none; }
    NoteEditor #note-error { height: auto; color: $text-error; text-style: bold; display: none; }
    NoteEditor #note-body { height: 1fr; }
    NoteEditor TextArea { height: 1fr; width: 1fr; }
    NoteEditor #note-other { width: 1fr; height: 1fr; display: none; border-left: solid $panel; padding: 0 1; }
    NoteEditor #note-other-title { color: $text-accent; text-style: bold; }
    """

    def __init__(self, *, note: str, about: str, required: str = "", blink: bool = True,
                 draft: str | None = None, draft_notice: str = "", handle: DraftHandle | None = None,
                 submit: Callable[[str], None] | None = None, theirs: Theirs | None = None,
                 what: str = "メモ") -> None:
        super().__init__()
        self.note = note  # what is saved now
        self.about = about
        self.required = required
        self.blink = blink
        self.initial = draft if draft is not None else note
        self.from_draft = draft is not None and draft != note
        self.draft_notice = draft_notice
        self.handle = handle
        self.submit = submit
        self.theirs = theirs
        self.base_text = handle.base_text if handle is not None else note  # what the typing began from
        self.what = what
        self.merged = False  # their note was taken in, or overwriting it was chosen
        self.submit_tried = False  # a save was tried here (the notice words a conflict met then)
        self.draft: str | None = None  # set when closed with "keep as a draft"

    # ---- showing ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box") as box:
            box.border_title = f"{self.what}の編集（ctrl+s 保存 ・ esc 閉じる）"
            yield Static(Content(self.about), id="note-about")  # names from spec files: never markup
            if self.required:
                yield Static(Content(self.required), id="note-required")
            yield Static(id="note-draft")
            yield Static(id="note-error")
            with Horizontal(id="note-body"):
                area = TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
                area.cursor_blink = self.blink
                yield area
                with VerticalScroll(id="note-other"):
                    yield Static(id="note-other-title")
                    yield Static(id="note-other-text")
        yield Footer()

    def on_mount(self) -> None:
        self.show_comparison()
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def show_comparison(self) -> None:
        """Beside the text: what someone else saved meanwhile (a conflict), or what is saved (a draft)."""
        notice, title, other = "", "", None
        w = self.what
        if self.theirs is not None:
            t = self.theirs
            head = (f"{t.who}が先にこの項目を保存したため（{when(t.at)}）、入力した{w}は保存していません。"
                    if self.submit_tried else f"下書きを残したあとで、{t.who}がこの項目を保存しました（{when(t.at)}）。")
            tail = (f"右がいま保存されている{w}です。ctrl+t で取り込んで直すか、ctrl+s で「自分の入力で上書き」"
                    f"「{t.who}の{w}のまま」を選べます。" if self.theirs_changed
                    else f"{w}は変わっていません（右）。確かめて ctrl+s で保存してください。")
            notice = head + tail
            title = f"{t.who}が保存した{w}（{when(t.at)}）" + (f"　{t.detail}" if t.detail else "")
            other = t.text
        elif self.from_draft:
            kept = self.handle.loaded.updated_at if self.handle is not None and self.handle.loaded else None
            notice = self.draft_notice or (
                f"保存していない下書きを表示しています{f'（{when(kept)} に残したもの）' if kept else ''}。"
                f"ctrl+s で保存、esc で閉じます（下書きのまま残す・捨てるも選べます）。")
            if _plain(self.note) != _plain(self.initial):
                title, other = f"保存されている{w}", self.note
        draft = self.query_one("#note-draft", Static)
        draft.update(Content(notice))
        draft.display = bool(notice)
        shown = other is not None
        self.query_one("#note-other").display = shown
        self.query_one("#note-box").set_class(shown, "-compare")
        if shown:
            self.query_one("#note-other-title", Static).update(Content(title))
            self.query_one("#note-other-text", Static).update(Content(other or "（なし）"))
        self.refresh_bindings()

    def show_error(self, exc: FitGapError | None) -> None:
        error = self.query_one("#note-error", Static)
        error.update(Content(f"エラー: {exc.message}" + (f"\n対処: {exc.hint}" if exc.hint else "")) if exc else "")
        error.display = exc is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_in":
            return self.theirs is not None and bool(self.theirs.text.strip())
        return True

    # ---- saving -------------------------------------------------------------------------------

    @property
    def theirs_changed(self) -> bool:
        """Someone else saved a note, not empty, other than the one the typing began from."""
        t = self.theirs
        return t is not None and bool(_plain(t.text)) and _plain(t.text) != _plain(self.base_text)

    def would_replace(self, text: str) -> bool:
        """Whether saving ``text`` would replace, unseen, a note someone else saved after the typing began:
        their note changed and was neither taken in nor is it part of the text."""
        if self.theirs is None or self.merged or not self.theirs_changed:
            return False
        return _plain(self.theirs.text) not in _plain(text)

    def action_save(self) -> None:
        text = self.text
        if self.would_replace(text):
            self.ask_replace(text)
            return
        self.save(text)

    def save(self, text: str) -> bool:
        """Save ``text`` (through ``submit``); True when saved and closed."""
        self.show_error(None)
        if self.submit is not None:
            self.submit_tried = True
            try:
                self.submit(text)
            except NoteConflict as exc:
                self.conflict(exc.theirs, text)
                return False
            except FitGapError as exc:
                self.show_error(exc)
                return False
        if self.handle is not None:
            self.handle.drop()
        if self.is_current:  # (when quitting, a question may still be open above it: the app ends anyway)
            self.dismiss(text)
        return True

    def conflict(self, theirs: Theirs, text: str) -> None:
        """Someone saved the item meanwhile: show what they saved, keep the text (also as a draft, so that
        nothing is lost whatever happens next)."""
        self.theirs, self.note, self.merged = theirs, theirs.text, False
        self.show_comparison()
        if self.handle is not None:
            try:
                self.handle.keep(text=text)
            except FitGapError:
                pass  # the text is still in the editor; keeping it is asked again on esc or quit
        self.query_one(TextArea).focus()

    def ask_replace(self, text: str) -> None:
        assert self.theirs is not None
        who, w = self.theirs.who, self.what

        def chosen(value: str | None) -> None:
            if value == OVERWRITE:
                self.merged = True  # chosen knowingly: no second question
                self.save(text)
            elif value == TAKE_IN:
                self.action_take_in()
            elif value == TAKE_THEIRS:
                self.take_theirs()
            else:
                self.query_one(TextArea).focus()

        self.app.push_screen(ChoiceModal[str | None](
            title=f"{who}の{w}があります", hint=f"このまま保存すると、{who}が保存した{w}は消えます。", choices=[
                ("編集に戻る", None),
                (f"自分の入力で上書きする（{who}の{w}は消えます）", OVERWRITE),
                (f"{who}の{w}を取り込んで直す", TAKE_IN),
                (f"{who}の{w}のままにする（自分の入力は捨てる）", TAKE_THEIRS),
            ]), chosen)

    def action_take_in(self) -> None:
        """Put their note at the end of the text, to be merged by editing."""
        if self.theirs is None or not self.theirs.text.strip():
            return
        area = self.query_one(TextArea)
        mine = area.text.rstrip()
        area.text = f"{mine}\n{self.theirs.text}" if mine else self.theirs.text
        self.merged = True
        area.focus()
        area.move_cursor(area.document.end)
        self.notify(f"{self.theirs.who}の{self.what}を末尾に入れました。直して ctrl+s で保存してください。", timeout=4)

    def take_theirs(self) -> None:
        if self.handle is not None:
            self.handle.drop()
        who = self.theirs.who if self.theirs is not None else "相手"
        self.notify(f"{who}の{self.what}のままにしました（入力は捨てました）。", timeout=4)
        self.dismiss(None)

    # ---- closing ------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        text = self.text
        if text == self.note:
            if self.handle is not None and self.handle.loaded is not None:
                self.handle.drop()  # back to what is saved: the old draft is done with
            self.dismiss(None)
            return
        w = self.what
        choices: list[tuple[str, str | None]] = [
            ("編集に戻る", None), ("保存する", SAVE), (f"下書きとして残して閉じる（次に{w}を開くと戻ります）", KEEP_DRAFT),
            ("変更を捨てて閉じる", DISCARD)]

        def chosen(value: str | None) -> None:
            if value == SAVE:
                self.action_save()
            elif value == KEEP_DRAFT:
                try:
                    self.keep_input()
                except FitGapError as exc:
                    self.show_error(exc)
                    return
                self.dismiss(None)
            elif value == DISCARD:
                self.discard_input()
                self.dismiss(None)
            else:
                self.query_one(TextArea).focus()

        self.app.push_screen(ChoiceModal[str | None](title=f"保存していない{w}", choices=choices,
                                                     hint=f"入力した{w}はまだ保存していません。"), chosen)

    # ---- HoldsInput: what quitting asks about -------------------------------------------------

    def unsaved_input(self) -> str | None:
        return None if self.text == self.note else f"{self.what}: {self.about}"

    def save_input(self) -> bool:
        text = self.text
        if self.would_replace(text):
            self.ask_replace(text)  # never replaced unseen, not even on the way out
            return False
        if self.submit is None:
            return False  # the caller saves after the editor closes: not something to do on the way out
        return self.save(text)

    def keep_input(self) -> None:
        text = self.text
        if self.handle is not None:
            self.handle.keep(text=text)
        self.draft = text

    def discard_input(self) -> None:
        if self.handle is not None:
            self.handle.drop()


def editor_command() -> list[str]:
    """$VISUAL, $EDITOR, or the platform's plain editor."""
    raw = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if raw:
        return shlex.split(raw, posix=sys.platform != "win32")
    return ["notepad"] if sys.platform == "win32" else ["vi"]


def edit_in_editor(text: str) -> str | None:
    """Open ``text`` in the external editor (blocking); the edited text, or None when the editor failed."""
    with tempfile.TemporaryDirectory(prefix="fitgap-note-") as tmp:
        path = Path(tmp) / "note.txt"
        path.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run([*editor_command(), str(path)], check=False)
        except OSError:
            return None
        if done.returncode != 0:
            return None
        return path.read_text(encoding="utf-8").rstrip("\n")
