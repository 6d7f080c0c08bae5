"""SQL for データ要件 profiles: one row of counts per item, replaced as a whole by each profiling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.models import DataProfile

PROFILE = DataProfile.__table__  # type: ignore[attr-defined]


def replace_profiles(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """The items' profiles become these rows (one per item); returns how many earlier profiles they replaced."""
    ids = [r["item_id"] for r in rows]
    replaced = 0
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        gone = session.execute(sa.delete(PROFILE).where(PROFILE.c.item_id.in_(part)))
        replaced += getattr(gone, "rowcount", 0) or 0
    if rows:
        session.execute(sa.insert(PROFILE), list(rows))
    return replaced
