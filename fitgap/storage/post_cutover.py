"""Queries on 移行後の経過措置 (post_cutover_measure): requirements a vendor implements after cut-over."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from fitgap.domain.enums import RequirementKind
from fitgap.domain.models import PostCutoverMeasure, Requirement

_M = PostCutoverMeasure.__table__  # type: ignore[attr-defined]
_R = Requirement.__table__  # type: ignore[attr-defined]


def get_measure(*, session: Session, operation_code: str, kind: RequirementKind, req_id: str) -> PostCutoverMeasure | None:
    return session.exec(select(PostCutoverMeasure).where(
        PostCutoverMeasure.operation_code == operation_code, PostCutoverMeasure.kind == kind,
        PostCutoverMeasure.req_id == req_id)).first()


def list_measures(*, session: Session, operation_code: str | None = None) -> list[tuple[PostCutoverMeasure, str]]:
    """Every measure with its requirement's current name ("" when the requirement is no longer current),
    by operation, kind and ID."""
    stmt = (sa.select(_M, _R.c.name)
            .select_from(_M.outerjoin(_R, sa.and_(_R.c.operation_code == _M.c.operation_code, _R.c.kind == _M.c.kind,
                                                  _R.c.req_id == _M.c.req_id, _R.c.current == sa.true())))
            .order_by(_M.c.operation_code, _M.c.kind, _M.c.req_id))
    if operation_code is not None:
        stmt = stmt.where(_M.c.operation_code == operation_code)
    out = []
    for row in session.execute(stmt).all():
        data = {c.name: row._mapping[c] for c in _M.columns}
        out.append((PostCutoverMeasure(**data), row._mapping[_R.c.name] or ""))
    return out


def counts_by_operation(*, session: Session, today: date) -> dict[str, tuple[int, int]]:
    """Per operation: (measures not done, of which past their planned date)."""
    rows: Sequence[Any] = session.execute(
        sa.select(_M.c.operation_code,
                  sa.func.count(),
                  sa.func.sum(sa.case((sa.and_(_M.c.planned.is_not(None), _M.c.planned < today), 1), else_=0)))
        .where(_M.c.done_on.is_(None)).group_by(_M.c.operation_code)).all()
    return {str(code): (int(n), int(late or 0)) for code, n, late in rows}
