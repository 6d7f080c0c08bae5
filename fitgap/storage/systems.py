"""Queries on systems, their operations, links (integrations) and milestones."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from fitgap.domain.enums import Kubun, MilestoneKind, Status
from fitgap.domain.models import (
    Assessment,
    Integration,
    InterfaceChange,
    Milestone,
    Requirement,
    System,
    SystemOperation,
    SystemProgress,
)

SYSTEM_TABLE: sa.Table = System.__table__  # type: ignore[attr-defined]
SYSTEM_OPERATION_TABLE: sa.Table = SystemOperation.__table__  # type: ignore[attr-defined]
INTEGRATION_TABLE: sa.Table = Integration.__table__  # type: ignore[attr-defined]
MILESTONE_TABLE: sa.Table = Milestone.__table__  # type: ignore[attr-defined]


def list_systems(*, session: Session) -> list[System]:
    return list(session.exec(select(System).order_by(col(System.id))))


def count_systems(*, session: Session) -> int:
    return int(session.exec(select(sa.func.count()).select_from(System)).one())


def get_system(*, session: Session, system_id: int) -> System | None:
    return session.get(System, system_id)


def get_system_by_name(*, session: Session, name: str) -> System | None:
    return session.exec(select(System).where(System.name == name)).first()


def system_ids_by_name(*, session: Session) -> dict[str, int]:
    rows = session.execute(sa.select(SYSTEM_TABLE.c.name, SYSTEM_TABLE.c.id))
    return {name: sid for name, sid in rows}


def list_system_operations(*, session: Session) -> list[SystemOperation]:
    return list(session.exec(select(SystemOperation)))


def list_integrations(*, session: Session) -> list[Integration]:
    return list(session.exec(select(Integration).order_by(col(Integration.id))))


def get_integration(*, session: Session, provider_id: int, consumer_id: int) -> Integration | None:
    stmt = select(Integration).where(
        Integration.provider_id == provider_id, Integration.consumer_id == consumer_id
    )
    return session.exec(stmt).first()


def list_milestones(*, session: Session, system_id: int | None = None) -> list[Milestone]:
    stmt = select(Milestone).order_by(col(Milestone.system_id), col(Milestone.id))
    if system_id is not None:
        stmt = stmt.where(Milestone.system_id == system_id)
    return list(session.exec(stmt))


def insert_systems(*, session: Session, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert systems in bulk; returns the ids of all systems by name."""
    if rows:
        session.execute(sa.insert(SYSTEM_TABLE), list(rows))
    return system_ids_by_name(session=session)


def insert_system_operations(*, session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(sa.insert(SYSTEM_OPERATION_TABLE), list(rows))


def insert_integrations(*, session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(sa.insert(INTEGRATION_TABLE), list(rows))


def set_system_operations(*, session: Session, system_id: int, codes: Iterable[str]) -> None:
    session.execute(sa.delete(SYSTEM_OPERATION_TABLE).where(SYSTEM_OPERATION_TABLE.c.system_id == system_id))
    insert_system_operations(
        session=session, rows=[{"system_id": system_id, "operation_code": c} for c in dict.fromkeys(codes)]
    )


def set_milestone(
    *, session: Session, system_id: int, kind: MilestoneKind, planned: date | None, actual: date | None
) -> None:
    """Record a milestone's dates; a milestone with neither date is removed."""
    row = session.exec(
        select(Milestone).where(Milestone.system_id == system_id, Milestone.kind == kind)
    ).first()
    if planned is None and actual is None:
        if row is not None:
            session.delete(row)
        return
    row = row or Milestone(system_id=system_id, kind=kind)
    row.planned, row.actual = planned, actual
    session.add(row)


def delete_integration(*, session: Session, provider_id: int, consumer_id: int) -> bool:
    t = INTEGRATION_TABLE
    result = session.execute(
        sa.delete(t).where(t.c.provider_id == provider_id, t.c.consumer_id == consumer_id)
    )
    return bool(getattr(result, "rowcount", 0))


def delete_system(*, session: Session, system_id: int) -> None:
    """The system with its operations, links, their 改修 items, milestones and progress."""
    i = INTEGRATION_TABLE
    ch = InterfaceChange.__table__  # type: ignore[attr-defined]
    session.execute(sa.delete(ch).where(sa.or_(ch.c.provider_id == system_id, ch.c.consumer_id == system_id)))
    session.execute(sa.delete(i).where(sa.or_(i.c.provider_id == system_id, i.c.consumer_id == system_id)))
    session.execute(sa.delete(SYSTEM_OPERATION_TABLE).where(SYSTEM_OPERATION_TABLE.c.system_id == system_id))
    session.execute(sa.delete(MILESTONE_TABLE).where(MILESTONE_TABLE.c.system_id == system_id))
    progress = SystemProgress.__table__  # type: ignore[attr-defined]
    session.execute(sa.delete(progress).where(progress.c.system_id == system_id))  # its 40-step history
    session.execute(sa.delete(SYSTEM_TABLE).where(SYSTEM_TABLE.c.id == system_id))


def open_must_gaps_by_operation(*, session: Session) -> dict[str, int]:
    """Open 実装必須 gaps per operation: current 実装必須 requirements assessed as ギャップ.

    The one home of this figure (systems screen, its risk text, ``fitgap schedule``, the readiness
    report's deadline risks). A requirement is (operation, kind, ID): a 機能 and a 帳票 may share an ID.

    The query starts from the ギャップ assessments (a few thousand at most) and looks each one up in the
    index of current requirements by (operation, current, kind, ID), instead of reading every current
    requirement and looking for its assessment: about 8 ms instead of 27 ms at 30,000 requirements, and
    it grows with the number of assessments, not of requirements.
    """
    r = Requirement.__table__  # type: ignore[attr-defined]
    a = Assessment.__table__  # type: ignore[attr-defined]
    must_and_current = (
        sa.select(sa.literal(1))
        .select_from(r)
        .where(
            r.c.operation_code == a.c.operation_code,
            r.c.current == sa.true(),
            r.c.kind == a.c.kind,
            r.c.req_id == a.c.req_id,
            r.c.kubun == Kubun.MUST,
        )
        .exists()
    )
    stmt = (
        sa.select(a.c.operation_code, sa.func.count())
        .where(a.c.status == Status.GAP, a.c.archived == sa.false(), must_and_current)
        .group_by(a.c.operation_code)
    )
    return {code: int(n) for code, n in session.execute(stmt)}
