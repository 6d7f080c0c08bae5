"""Drafts: what a user typed in the workbench and has not saved yet — a requirement's note, a function's
reason, a form's fields — kept in the database per user and item, so that it survives quitting, a crash and
a restart, and is offered again the next time the item is edited. A draft is removed when the text is saved
or thrown away. It remembers the revision and the value of the item when the typing began: a draft whose
item was saved by someone else since is shown beside what they saved, never saved over it unseen.

Drafts change nothing in the data, so they are not audited; each user sees only their own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fitgap.domain.models import Draft
from fitgap.errors import InvalidInputError
from fitgap.storage import drafts as store
from fitgap.storage.db import Database

# what was being typed
NOTE = "note"  # a requirement's note (key: 001:機能:0010001)
BULK_NOTE = "bulk_note"  # the note of a bulk change (one per user)
REASON = "reason"  # the reason of one or more 独自機能
FORM = "form"  # a form's fields (key: the form and its subject)

SLOT_MAX = 200  # longer keys (a reason for many functions, a long system name) are stored by their digest
FieldValue = str | bool | int | None


@dataclass(frozen=True)
class DraftView:
    kind: str
    key: str  # the item as the workbench names it (a long one by its digest)
    label: str  # the item as users read it
    text: str = ""
    fields: dict[str, FieldValue] = field(default_factory=dict)
    base_revision: int | None = None  # the item's revision when the typing began
    base_text: str = ""  # what was saved when the typing began
    updated_at: datetime | None = None


def slot_of(key: str) -> str:
    """The stored form of ``key``: as it is when short, else a prefix and its SHA-256 (stable, unique)."""
    if len(key) <= SLOT_MAX:
        return key
    return f"{key[:SLOT_MAX - 66]}#{hashlib.sha256(key.encode('utf-8')).hexdigest()}"


def _view(d: Draft) -> DraftView:
    try:
        fields = json.loads(d.fields) if d.fields else {}
    except ValueError:
        fields = {}
    return DraftView(kind=d.kind, key=d.slot, label=d.label, text=d.text or "",
                     fields=fields if isinstance(fields, dict) else {}, base_revision=d.base_revision,
                     base_text=d.base_text or "", updated_at=d.updated_at)


def _check(user: str, kind: str, fields: dict[str, Any] | None) -> None:
    if not kind or len(kind) > 32:
        raise InvalidInputError(f"下書きの種類 {kind!r} が読めません。")
    for name, value in (fields or {}).items():
        if not isinstance(value, str | bool | int) and value is not None:
            raise InvalidInputError(f"下書きの欄 {name} の値 {value!r} は保存できません（文字・数・真偽のみ）。")


def get_draft(*, db: Database, user: str, kind: str, key: str) -> DraftView | None:
    with db.read() as session:
        found = store.get_draft(session=session, user=user, kind=kind, slot=slot_of(key))
        return _view(found) if found is not None else None


def keep_draft(*, db: Database, user: str, kind: str, key: str, label: str = "", text: str = "",
               fields: dict[str, FieldValue] | None = None, base_revision: int | None = None,
               base_text: str = "") -> DraftView:
    """Keep what ``user`` typed for the item ``key`` (replacing their earlier draft of it)."""
    _check(user, kind, fields)
    row = Draft(user=user, kind=kind, slot=slot_of(key), label=label, text=text,
                fields=json.dumps(fields, ensure_ascii=False, sort_keys=True) if fields is not None else None,
                base_revision=base_revision, base_text=base_text, updated_at=datetime.now(UTC))
    with db.write() as session:
        return _view(store.put_draft(session=session, draft=row))


def discard_draft(*, db: Database, user: str, kind: str, key: str) -> bool:
    """Remove ``user``'s draft of the item (saved or thrown away); whether there was one."""
    with db.write() as session:
        return store.delete_draft(session=session, user=user, kind=kind, slot=slot_of(key))


def list_drafts(*, db: Database, user: str) -> list[DraftView]:
    """``user``'s drafts, the latest first."""
    with db.read() as session:
        return [_view(d) for d in store.list_drafts(session=session, user=user)]
