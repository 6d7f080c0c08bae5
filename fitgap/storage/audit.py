"""The audit log: every change a user makes, who, when, old → new."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from fitgap.domain.models import AuditEvent

AUDIT_TABLE: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]


def new_batch() -> str:
    return str(uuid.uuid4())


def record(
    *,
    session: Session,
    user: str,
    at: datetime,
    batch: str,
    action: str,
    entity: str,
    entity_key: str,
    field: str | None = None,
    old: object = None,
    new: object = None,
) -> None:
    session.execute(
        sa.insert(AUDIT_TABLE),
        [
            {
                "at": at,
                "user": user,
                "batch": batch,
                "action": action,
                "entity": entity,
                "entity_key": entity_key,
                "field": field,
                "old_value": None if old is None else str(old),
                "new_value": None if new is None else str(new),
            }
        ],
    )


def record_many(*, session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk audit rows (each dict has the AuditEvent columns except id)."""
    if rows:
        session.execute(sa.insert(AUDIT_TABLE), list(rows))


def history(*, session: Session, entity_key: str, limit: int = 100) -> list[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity_key == entity_key)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt))


def count_events(*, session: Session) -> int:
    return int(session.exec(select(sa.func.count()).select_from(AuditEvent)).one())


def last_event_id(*, session: Session) -> int:
    """The id of the newest audit event (0 when none): it moves with every audited change by anyone."""
    return int(session.exec(select(sa.func.max(AuditEvent.id))).one() or 0)


def batch_events(*, session: Session, batch: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.batch == batch).order_by(col(AuditEvent.id))))


def last_batch(*, session: Session, user: str, entity: str, actions: Sequence[str]) -> str | None:
    """The batch of the user's latest event on ``entity`` whose action is one of ``actions``."""
    stmt = (
        select(AuditEvent.batch)
        .where(AuditEvent.user == user, AuditEvent.entity == entity, col(AuditEvent.action).in_(list(actions)))
        .order_by(col(AuditEvent.id).desc())
        .limit(1)
    )
    return session.exec(stmt).first()


def keys_changed_after(*, session: Session, entity: str, event_id: int) -> set[str]:
    """The keys of ``entity`` with an event newer than ``event_id`` (see last_event_id)."""
    stmt = sa.select(AUDIT_TABLE.c.entity_key).where(AUDIT_TABLE.c.entity == entity, AUDIT_TABLE.c.id > event_id)
    return {key for (key,) in session.execute(stmt.distinct())}
