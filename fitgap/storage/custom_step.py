"""Schema step 6 → 7: the inventory of the current system's functions (独自機能) and their mapping to
requirements by (operation, kind, ID). Two new tables; nothing existing changes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain import models as m

TABLES = [m.CurrentFunction, m.CurrentFunctionMapping]


def step_6_to_7(conn: sa.Connection) -> None:
    SQLModel.metadata.create_all(conn, tables=[t.__table__ for t in TABLES])  # type: ignore[attr-defined]
