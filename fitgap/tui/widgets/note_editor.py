"""Editing a note: a modal with a multi-line text area; $EDITOR for long Japanese text."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea

from fitgap.tui.widgets.pickers import ChoiceModal

KEEP_DRAFT, DISCARD, SAVE = "keep", "discard", "save"


class NoteEditor(ModalScreen[str | None]):
    """Returns the new note, or None when cancelled.

    Nothing typed is lost without the user's say: esc on a changed text asks whether to save, keep it as a
    draft (``draft`` is then the text, offered the next time the note is edited) or throw it away."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="note.save", tooltip="メモを保存して閉じます", priority=True),
        Binding("escape", "cancel", "閉じる", id="note.cancel",
                tooltip="閉じます（変更していれば、保存・下書きとして残す・捨てるを選びます）", key_display="esc"),
    ]
    DEFAULT_CSS = """
    NoteEditor { align: center middle; }
    NoteEditor > #note-box {
        width: 80%; max-width: 110; height: 60%; min-height: 12;
        border: round $accent; border-title-color: $text-accent; background: $surface; padding: 0 1;
    }
    NoteEditor #note-about { height: auto; color: $text-muted; }
    NoteEditor #note-required { height: auto; color: $text-error; text-style: bold; }
    NoteEditor #note-draft { height: auto; color: $text-warning; }
    NoteEditor TextArea { height: 1fr; }
    """

    def __init__(self, *, note: str, about: str, required: str = "", blink: bool = True,
                 draft: str | None = None, draft_notice: str = "") -> None:
        super().__init__()
        self.note = note  # what is saved now
        self.about = about
        self.required = required
        self.blink = blink
        self.initial = draft if draft is not None else note
        self.draft_notice = draft_notice if draft is not None and draft != note else ""
        self.draft: str | None = None  # set when closed with "keep as a draft"

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box") as box:
            box.border_title = "メモの編集（ctrl+s 保存 ・ esc 閉じる）"
            yield Static(Content(self.about), id="note-about")  # names from spec files: never markup
            if self.required:
                yield Static(Content(self.required), id="note-required")
            if self.draft_notice:
                yield Static(Content(self.draft_notice), id="note-draft")
            area = TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
            area.cursor_blink = self.blink
            yield area
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        text = self.query_one(TextArea).text
        if text == self.note:
            self.dismiss(None)
            return
        choices: list[tuple[str, str | None]] = [("編集に戻る", None), ("保存する", SAVE), ("下書きとして残して閉じる（次にメモを開くと戻ります）", KEEP_DRAFT),
                   ("変更を捨てて閉じる", DISCARD)]

        def chosen(value: str | None) -> None:
            if value == SAVE:
                self.action_save()
            elif value == KEEP_DRAFT:
                self.draft = text
                self.dismiss(None)
            elif value == DISCARD:
                self.dismiss(None)
            else:
                self.query_one(TextArea).focus()

        self.app.push_screen(ChoiceModal[str | None](title="保存していないメモ", choices=choices,
                                         hint="入力したメモはまだ保存していません。"), chosen)


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
