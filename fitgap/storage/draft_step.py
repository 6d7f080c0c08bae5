"""Schema step 10 → 11: drafts (table draft), what a user typed in the workbench and has not saved yet
(notes, reasons, forms), per user and item. One new table; nothing existing changes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain.models import Draft


def step_10_to_11(conn: sa.Connection) -> None:
    SQLModel.metadata.create_all(conn, tables=[Draft.__table__])  # type: ignore[attr-defined]
