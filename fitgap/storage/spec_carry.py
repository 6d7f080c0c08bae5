"""Queries for carrying assessments from one spec version to the next (bulk, Core executemany)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.models import Assessment, Requirement

ASSESSMENT_TABLE: sa.Table = Assessment.__table__  # type: ignore[attr-defined]


REQUIREMENT_TABLE: sa.Table = Requirement.__table__  # type: ignore[attr-defined]


def version_requirements(*, session: Session, spec_version_id: int) -> list[Any]:
    """The requirements of one version as light rows (req_id, kind, kubun, transitional, category, name, text,
    reason, remarks), in document order.

    Core rows, not ORM objects: a version can hold tens of thousands of requirements.
    """
    t = REQUIREMENT_TABLE
    stmt = (
        sa.select(t.c.req_id, t.c.kind, t.c.kubun, t.c.transitional, t.c.category, t.c.name, t.c.text, t.c.reason,
                  t.c.remarks, t.c.source_file, t.c.source_sheet, t.c.source_row)
        .where(t.c.spec_version_id == spec_version_id)
        .order_by(t.c.doc_order, t.c.id)
    )
    return list(session.connection().execute(stmt).all())


def assessments_by_key(*, session: Session, operation_code: str) -> dict[tuple[str, str], Any]:
    """The operation's assessments as light rows keyed by (kind, requirement ID) (with every column)."""
    t = ASSESSMENT_TABLE
    rows = session.connection().execute(sa.select(t).where(t.c.operation_code == operation_code)).all()
    return {(r.kind, r.req_id): r for r in rows}


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


def retire_other_versions(*, session: Session, operation_code: str, spec_version_id: int) -> int:
    """Make the requirements of every other version of the operation non-current (the new one is inserted
    current). Touches only rows that are current, through the (operation_code, current) index."""
    t = REQUIREMENT_TABLE
    result = session.connection().execute(
        sa.update(t)
        .where(t.c.operation_code == operation_code, t.c.current == sa.true(), t.c.spec_version_id != spec_version_id)
        .values(current=False)
    )
    return int(result.rowcount or 0)
