"""Queries on operations, the municipality and settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from fitgap.domain.enums import DeadlineKind
from fitgap.domain.models import Municipality, Operation, Setting
from fitgap.domain.standing import DeadlineSource


def list_operations(*, session: Session, include_cross_cutting: bool = True) -> list[Operation]:
    stmt = select(Operation).order_by(Operation.order)  # type: ignore[arg-type]
    if not include_cross_cutting:
        stmt = stmt.where(Operation.cross_cutting == False)  # noqa: E712
    return list(session.exec(stmt))


def get_operation(*, session: Session, code: str) -> Operation | None:
    return session.get(Operation, code)


def set_deadline(*, session: Session, code: str, deadline: date, kind: DeadlineKind,
                 source: DeadlineSource, reason: str = "") -> None:
    op = session.get(Operation, code)
    if op is not None:
        op.deadline = deadline
        op.deadline_kind = kind
        op.deadline_source = source
        op.deadline_reason = reason
        session.add(op)


def set_in_scope(*, session: Session, code: str, in_scope: bool) -> None:
    op = session.get(Operation, code)
    if op is not None and op.in_scope != in_scope:
        op.in_scope = in_scope
        session.add(op)


def get_municipality(*, session: Session) -> Municipality | None:
    return session.exec(select(Municipality)).first()


def set_municipality(
    *, session: Session, name: str, prefecture: str, code: str | None, kind: str | None, at: datetime
) -> bool:
    """Record the municipality; returns False when it was already recorded as given."""
    current = get_municipality(session=session)
    if current is not None and (current.name, current.prefecture, current.code, current.kind) == (
        name, prefecture, code, kind
    ):
        return False
    if current is None:
        current = Municipality(name=name, prefecture=prefecture, code=code, kind=kind, set_at=at)
    else:
        current.name, current.prefecture, current.code, current.kind, current.set_at = name, prefecture, code, kind, at
    session.add(current)
    return True


def get_setting(*, session: Session, key: str, default: str = "") -> str:
    row = session.get(Setting, key)
    return row.value if row is not None else default


def set_setting(*, session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key) or Setting(key=key)
    row.value = value
    session.add(row)
