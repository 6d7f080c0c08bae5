"""Queries for carrying assessments from one spec version to the next (bulk, Core executemany)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from fitgap.domain.models import Assessment, Requirement

ASSESSMENT_TABLE: sa.Table = Assessment.__table__  # type: ignore[attr-defined]


def version_requirements(*, session: Session, spec_version_id: int) -> list[Requirement]:
    stmt = select(Requirement).where(Requirement.spec_version_id == spec_version_id).order_by(col(Requirement.id))
    return list(session.exec(stmt))


def assessments_by_req_id(*, session: Session, operation_code: str) -> dict[str, Assessment]:
    stmt = select(Assessment).where(Assessment.operation_code == operation_code)
    return {a.req_id: a for a in session.exec(stmt)}


def update_assessments(*, session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Set needs_review, basis_version_id and archived of many assessments (rows keyed by ``b_id``)."""
    if not rows:
        return 0
    t = ASSESSMENT_TABLE
    stmt = (
        sa.update(t)
        .where(t.c.id == sa.bindparam("b_id"))
        .values(
            needs_review=sa.bindparam("b_needs_review"),
            basis_version_id=sa.bindparam("b_basis_version_id"),
            archived=sa.bindparam("b_archived"),
            revision=t.c.revision + 1,
        )
    )
    session.connection().execute(stmt, list(rows))
    return len(rows)
