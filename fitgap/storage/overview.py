"""Aggregates over current requirements and their assessments (one GROUP BY, no rows loaded)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.enums import Disposition, Kubun, Status
from fitgap.domain.models import Assessment, Requirement


@dataclass(frozen=True, slots=True)
class CountRow:
    operation_code: str
    kubun: Kubun
    status: Status
    disposition: Disposition | None
    needs_review: bool
    count: int


def count_by_class_and_status(*, session: Session) -> list[CountRow]:
    """Current requirements counted by operation × class × status × disposition × 要再確認.

    A requirement with no assessment row counts as 未確認.
    """
    r = Requirement.__table__  # type: ignore[attr-defined]
    a = Assessment.__table__  # type: ignore[attr-defined]
    status = sa.func.coalesce(a.c.status, Status.UNCHECKED.value)
    review = sa.func.coalesce(a.c.needs_review, sa.false())
    stmt = (
        sa.select(r.c.operation_code, r.c.kubun, status, a.c.disposition, review, sa.func.count())
        .select_from(r.outerjoin(a, sa.and_(a.c.operation_code == r.c.operation_code, a.c.kind == r.c.kind,
                                            a.c.req_id == r.c.req_id)))
        .where(r.c.current == sa.true())
        .group_by(r.c.operation_code, r.c.kubun, status, a.c.disposition, review)
    )
    out = []
    for code, kubun, st, disp, nr, n in session.execute(stmt):
        out.append(CountRow(code, Kubun(kubun), Status(st), Disposition(disp) if disp else None, bool(nr), int(n)))
    return out
