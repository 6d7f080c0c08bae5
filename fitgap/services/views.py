"""Named saved views (filter + sort) of the requirements screen, and the last view used.

The last view is kept per user (two colleagues on one database each continue their own work) and per
list: opening 住民基本台帳 brings back what that user last had on 住民基本台帳, never a search typed on
another list; ``c`` on the home screen reopens the user's last list as it was, on the requirement the cursor
was on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from fitgap.domain.models import SavedView
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.services.items import ItemFilter, ItemKey, ItemSort, dumps, loads
from fitgap.storage import operations
from fitgap.storage.db import Database

LAST_VIEW_KEY = "last_view"


def save_view(*, db: Database, name: str, flt: ItemFilter, sort: ItemSort) -> None:
    name = name.strip()
    if not name:
        raise InvalidInputError("ビューの名前が空です。", "名前を入力してください。")
    with db.write() as session:
        view = session.exec(select(SavedView).where(SavedView.name == name)).first()
        if view is None:
            view = SavedView(name=name, definition="", updated_at=datetime.now(UTC))
        view.definition = dumps(flt, sort)
        view.updated_at = datetime.now(UTC)
        session.add(view)


def list_views(*, db: Database) -> list[str]:
    with db.read() as session:
        return [v.name for v in session.exec(select(SavedView).order_by(SavedView.name))]


def get_view(*, db: Database, name: str) -> tuple[ItemFilter, ItemSort]:
    with db.read() as session:
        view = session.exec(select(SavedView).where(SavedView.name == name)).first()
    if view is None:
        raise NotFoundError(f"ビュー「{name}」はありません。", "保存済みのビューから選んでください。")
    return loads(view.definition)


def delete_view(*, db: Database, name: str) -> None:
    with db.write() as session:
        view = session.exec(select(SavedView).where(SavedView.name == name)).first()
        if view is None:
            raise NotFoundError(f"ビュー「{name}」はありません。")
        session.delete(view)


class _Latest:
    def __repr__(self) -> str:
        return "LATEST"


LATEST: Any = _Latest()  # get_last_view: the user's last list, whichever it was


def _last_key(user: str, operation_code: str | _Latest | None) -> str:
    who = hashlib.sha256(user.encode()).hexdigest()[:12] if user else ""  # setting keys are short
    base = f"{LAST_VIEW_KEY}:{who}" if who else LAST_VIEW_KEY
    if isinstance(operation_code, _Latest):
        return base
    return f"{base}:{operation_code or '*'}"


def set_last_view(*, db: Database, flt: ItemFilter, sort: ItemSort, user: str = "", row: ItemKey | None = None) -> None:
    """Remember ``user``'s view of the list ``flt.operation_code`` (None: all operations) as their last,
    with the requirement the cursor was on (``row``), which the list shows again when it is reopened."""
    value = dumps(flt, sort)
    if row is not None:
        value = json.dumps({**json.loads(value), "row": str(row)}, ensure_ascii=False)
    with db.write() as session:
        operations.set_setting(session=session, key=_last_key(user, LATEST), value=value)
        operations.set_setting(session=session, key=_last_key(user, flt.operation_code), value=value)


def get_last_view(*, db: Database, user: str = "",
                  operation_code: str | Any | None = LATEST) -> tuple[ItemFilter, ItemSort] | None:
    """``user``'s last view of one list, or (by default) their last list whichever it was."""
    with db.read() as session:
        raw = operations.get_setting(session=session, key=_last_key(user, operation_code), default="")
    if not raw:
        return None
    try:
        return loads(raw)
    except (ValueError, KeyError):
        return None


def get_last_row(*, db: Database, user: str = "", operation_code: str | Any | None = LATEST) -> ItemKey | None:
    """The requirement the cursor was on in that last view (None when not recorded)."""
    with db.read() as session:
        raw = operations.get_setting(session=session, key=_last_key(user, operation_code), default="")
    try:
        row = json.loads(raw).get("row") if raw else None
        return ItemKey.parse(row) if isinstance(row, str) and row else None
    except (ValueError, KeyError, AttributeError):
        return None


def list_view_definitions(*, db: Database) -> list[tuple[str, ItemFilter, ItemSort, datetime]]:
    """Every saved view with its conditions, by name."""
    with db.read() as session:
        rows = list(session.exec(select(SavedView).order_by(SavedView.name)))
    out = []
    for v in rows:
        try:
            flt, sort = loads(v.definition)
        except (ValueError, KeyError):
            flt, sort = ItemFilter(), ItemSort()
        out.append((v.name, flt, sort, v.updated_at))
    return out


def rename_view(*, db: Database, name: str, new_name: str) -> None:
    """Rename a saved view; the new name must be free."""
    new_name = new_name.strip()
    if not new_name:
        raise InvalidInputError("ビューの名前が空です。", "名前を入力してください。")
    with db.write() as session:
        view = session.exec(select(SavedView).where(SavedView.name == name)).first()
        if view is None:
            raise NotFoundError(f"ビュー「{name}」はありません。", "一覧を開き直してください。")
        if new_name == name:
            return
        if session.exec(select(SavedView).where(SavedView.name == new_name)).first() is not None:
            raise InvalidInputError(f"ビュー「{new_name}」はすでにあります。", "別の名前にしてください。")
        view.name = new_name
        view.updated_at = datetime.now(UTC)
        session.add(view)
