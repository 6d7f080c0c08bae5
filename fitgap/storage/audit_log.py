"""Reading the audit log in bulk, oldest first, with optional filters (for exporting it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.storage.audit import AUDIT_TABLE

BATCH = 5000


def _where(stmt: sa.Select, *, since: datetime | None, until: datetime | None, user: str | None) -> sa.Select:
    t = AUDIT_TABLE
    if since is not None:
        stmt = stmt.where(t.c.at >= since)
    if until is not None:
        stmt = stmt.where(t.c.at < until)
    if user:
        stmt = stmt.where(t.c.user == user)
    return stmt


def count_events(
    *, session: Session, since: datetime | None = None, until: datetime | None = None, user: str | None = None
) -> int:
    stmt = _where(sa.select(sa.func.count()).select_from(AUDIT_TABLE), since=since, until=until, user=user)
    return int(session.execute(stmt).scalar_one())


def iter_events(
    *, session: Session, since: datetime | None = None, until: datetime | None = None, user: str | None = None
) -> Iterator[sa.RowMapping]:
    """Every matching event as a mapping of AuditEvent columns, streamed in batches, oldest first."""
    t = AUDIT_TABLE
    stmt = _where(sa.select(t), since=since, until=until, user=user).order_by(t.c.at, t.c.id)
    result = session.execute(stmt, execution_options={"yield_per": BATCH})
    for part in result.mappings().partitions(BATCH):
        yield from part
