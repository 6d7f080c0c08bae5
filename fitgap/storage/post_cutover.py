"""Queries on 移行後の経過措置 (post_cutover_measure): requirements a vendor implements after cut-over."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from fitgap.domain.enums import RequirementKind
from fitgap.domain.models import PostCutoverMeasure, Requirement
from fitgap.domain.post_cutover import MeasureRecord
from fitgap.storage import overview
from fitgap.storage.db import session_rows

_M = PostCutoverMeasure.__table__  # type: ignore[attr-defined]
_R = Requirement.__table__  # type: ignore[attr-defined]


def record_of(m: PostCutoverMeasure) -> MeasureRecord:
    return MeasureRecord(planned=m.planned, notified_on=m.notified_on, done_on=m.done_on, vendor=m.vendor,
                         note=m.note or "", revision=int(m.revision or 0), updated_by=m.updated_by,
                         updated_at=m.updated_at)


def get_measure(*, session: Session, operation_code: str, kind: RequirementKind, req_id: str) -> PostCutoverMeasure | None:
    return session.exec(select(PostCutoverMeasure).where(
        PostCutoverMeasure.operation_code == operation_code, PostCutoverMeasure.kind == kind,
        PostCutoverMeasure.req_id == req_id)).first()


def get_record(*, session: Session, operation_code: str, kind: RequirementKind, req_id: str) -> MeasureRecord | None:
    m = get_measure(session=session, operation_code=operation_code, kind=kind, req_id=req_id)
    return record_of(m) if m is not None else None


def requirement_name(*, session: Session, operation_code: str, kind: RequirementKind, req_id: str) -> str | None:
    """The name of the current requirement (operation, kind, ID); None when there is no such requirement."""
    found = session.execute(sa.select(_R.c.name).where(
        _R.c.current == sa.true(), _R.c.operation_code == operation_code, _R.c.kind == kind.value,
        _R.c.req_id == req_id)).first()
    return None if found is None else str(found[0] or "")


def add_measure(*, session: Session, measure: PostCutoverMeasure) -> PostCutoverMeasure:
    session.add(measure)
    session.flush()
    return measure


def delete_measure(*, session: Session, measure: PostCutoverMeasure) -> None:
    session.delete(measure)
    session.flush()


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
    """Per operation: (measures not done, of which past their planned date) — the overview's count, which
    applies the domain's rule (domain.post_cutover)."""
    return {code: (c.open, c.overdue)
            for code, c in overview.post_cutover_counts(session_rows(session), today=today).items()}
