"""Drafts in the workbench: nothing typed is lost without the user's say.

Every editor of text that is not saved yet — a requirement's note, a function's reason, a form — has a
:class:`DraftHandle`: where its draft is kept in the database (per user and item, through
:mod:`fitgap.services.drafts`) and what the item held when the typing began. The editor keeps the draft
when the user says so (esc → 下書きとして残す, or quitting), and a save or discard removes it; the next time
the item is edited, the draft comes back, beside what is saved now.

An open editor holds input (:class:`HoldsInput`): quitting asks what to do with it (保存 / 下書きとして残す /
破棄), and closing the terminal keeps it as a draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from fitgap.errors import ConflictError, FitGapError

if TYPE_CHECKING:
    from fitgap.services.database import Database
    from fitgap.services.drafts import DraftView, FieldValue


@dataclass(frozen=True)
class DraftSlot:
    """Which draft: what was typed (services.drafts.NOTE, …), of which item, as users read the item."""

    kind: str
    key: str
    label: str


@dataclass(frozen=True)
class Theirs:
    """What someone else saved on the item after the user began typing: shown beside the user's text."""

    text: str
    by: str = ""
    at: datetime | None = None
    detail: str = ""  # the rest of what they saved, in one line (状況・方針 …)

    @property
    def who(self) -> str:
        return f"{self.by} さん" if self.by else "他の利用者"


class NoteConflict(ConflictError):
    """A save refused because someone saved the item meanwhile; ``theirs`` is what they saved, ``current``
    the item as it is now (as the screen reads it)."""

    def __init__(self, theirs: Theirs, *, current: Any = None, message: str = "") -> None:
        super().__init__(message or f"{theirs.who}が先に保存したため、保存していません。",
                         "相手の内容を確かめてください。入力した内容はそのままです。")
        self.theirs = theirs
        self.current = current


class DraftOwner(Protocol):
    """Whose drafts: the workspace (fitgap.tui.workspace.Workspace, which builds on this module), as the
    store uses it."""

    @property
    def db(self) -> Database: ...

    @property
    def user(self) -> str: ...


class DraftStore:
    """The drafts of the workspace's user (read and written through the drafts service)."""

    def __init__(self, workspace: DraftOwner) -> None:
        self.workspace = workspace

    def handle(self, slot: DraftSlot, *, base_revision: int | None = None, base_text: str = "") -> DraftHandle:
        return DraftHandle(self, slot, base_revision, base_text)

    def get(self, slot: DraftSlot) -> DraftView | None:
        """The user's draft of the item; None when there is none (or the database cannot be read now: the
        editor then opens with what is saved, and the next save says what is wrong)."""
        from fitgap.services import drafts

        ws = self.workspace
        try:
            return drafts.get_draft(db=ws.db, user=ws.user, kind=slot.kind, key=slot.key)
        except FitGapError:
            return None

    def keep(self, slot: DraftSlot, *, text: str = "", fields: dict[str, FieldValue] | None = None,
             base_revision: int | None = None, base_text: str = "") -> None:
        """Keep the draft (raises FitGapError when it cannot be written: the caller keeps the editor open)."""
        from fitgap.services import drafts

        ws = self.workspace
        drafts.keep_draft(db=ws.db, user=ws.user, kind=slot.kind, key=slot.key, label=slot.label, text=text,
                          fields=fields, base_revision=base_revision, base_text=base_text)

    def drop(self, slot: DraftSlot) -> None:
        """Remove the draft (saved or thrown away). A draft that cannot be removed now stays; offered again,
        it shows beside what was saved, so nothing is lost either way."""
        from fitgap.services import drafts

        ws = self.workspace
        try:
            drafts.discard_draft(db=ws.db, user=ws.user, kind=slot.kind, key=slot.key)
        except FitGapError:
            pass

    def all(self) -> list[DraftView]:
        from fitgap.services import drafts

        ws = self.workspace
        try:
            return drafts.list_drafts(db=ws.db, user=ws.user)
        except FitGapError:
            return []


@dataclass
class DraftHandle:
    """One item's draft, as an editor uses it: load it, keep what is typed, drop it once saved or thrown
    away. ``base_revision`` and ``base_text`` are the item as the typing began (kept from the draft when
    the editor opened with one, so that a change made by someone meanwhile is still seen after a restart)."""

    store: DraftStore
    slot: DraftSlot
    base_revision: int | None = None
    base_text: str = ""
    loaded: DraftView | None = None

    def load(self) -> DraftView | None:
        """The draft, if any; its base becomes this handle's base."""
        self.loaded = found = self.store.get(self.slot)
        if found is not None:
            self.base_revision, self.base_text = found.base_revision, found.base_text
        return found

    def changed_since(self, revision: int | None) -> bool:
        """Whether the item was saved (by anyone) after the typing began."""
        return self.base_revision is not None and revision is not None and revision != self.base_revision

    def keep(self, *, text: str = "", fields: dict[str, Any] | None = None) -> None:
        self.store.keep(self.slot, text=text, fields=fields, base_revision=self.base_revision,
                        base_text=self.base_text)

    def drop(self) -> None:
        self.store.drop(self.slot)
        self.loaded = None


@runtime_checkable
class HoldsInput(Protocol):
    """A screen (an editor, a form) that may hold what the user typed and has not saved."""

    def unsaved_input(self) -> str | None:
        """What is typed and not saved, as the quit question names it; None when nothing is."""

    def save_input(self) -> bool:
        """Save it as 保存 would, now; True when saved (the screen then closes), False when the save was
        refused (the screen stays, saying why)."""

    def keep_input(self) -> None:
        """Keep it as a draft and close (raises FitGapError when the draft cannot be written)."""

    def discard_input(self) -> None:
        """Throw it away (and its draft) and close."""


def draft_to_offer(handle: DraftHandle, *, saved: str, revision: int | None,
                   theirs: Callable[[], Theirs]) -> tuple[str | None, Theirs | None]:
    """The draft text to open an editor with (None: none, or it is what is saved now), and what someone
    else saved since the draft was begun when they changed the text meanwhile (shown beside the draft)."""
    found = handle.load()
    if found is None:
        return None, None
    if found.text == saved:
        handle.drop()  # nothing left that is not saved
        return None, None
    changed = handle.changed_since(revision) and " ".join(saved.split()) != " ".join(found.base_text.split())
    return found.text, theirs() if changed else None
