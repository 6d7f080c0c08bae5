"""Queries on the 改修 items of data links (interface_change)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from fitgap.domain.models import Integration, InterfaceChange

CHANGE_TABLE: sa.Table = InterfaceChange.__table__  # type: ignore[attr-defined]


def list_changes(*, session: Session) -> list[InterfaceChange]:
    return list(session.exec(select(InterfaceChange).order_by(col(InterfaceChange.id))))


def get_change(*, session: Session, provider_id: int, consumer_id: int) -> InterfaceChange | None:
    stmt = select(InterfaceChange).where(
        InterfaceChange.provider_id == provider_id, InterfaceChange.consumer_id == consumer_id
    )
    return session.exec(stmt).first()


def insert_changes(*, session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(sa.insert(CHANGE_TABLE), list(rows))


def delete_changes_of_link(*, session: Session, provider_id: int, consumer_id: int) -> InterfaceChange | None:
    """Remove a link's item; returns it (as it was) when there was one."""
    row = get_change(session=session, provider_id=provider_id, consumer_id=consumer_id)
    if row is not None:
        session.delete(row)
    return row


def delete_changes_of_system(*, session: Session, system_id: int) -> int:
    t = CHANGE_TABLE
    result = session.execute(sa.delete(t).where(sa.or_(t.c.provider_id == system_id, t.c.consumer_id == system_id)))
    return int(getattr(result, "rowcount", 0) or 0)


def delete_orphan_changes(*, session: Session) -> int:
    """Items whose link is gone (e.g. removed by a CSV import with --replace-links)."""
    i = Integration.__table__  # type: ignore[attr-defined]
    t = CHANGE_TABLE
    exists = sa.select(i.c.id).where(i.c.provider_id == t.c.provider_id, i.c.consumer_id == t.c.consumer_id).exists()
    result = session.execute(sa.delete(t).where(~exists))
    return int(getattr(result, "rowcount", 0) or 0)
