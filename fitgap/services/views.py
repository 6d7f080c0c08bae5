"""Named saved views (filter + sort) of the requirements screen, and the last view used."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from fitgap.domain.models import SavedView
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.services.items import ItemFilter, ItemSort, dumps, loads
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


def set_last_view(*, db: Database, flt: ItemFilter, sort: ItemSort) -> None:
    with db.write() as session:
        operations.set_setting(session=session, key=LAST_VIEW_KEY, value=dumps(flt, sort))


def get_last_view(*, db: Database) -> tuple[ItemFilter, ItemSort] | None:
    with db.read() as session:
        raw = operations.get_setting(session=session, key=LAST_VIEW_KEY, default="")
    if not raw:
        return None
    try:
        return loads(raw)
    except (ValueError, KeyError):
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
