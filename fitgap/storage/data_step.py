"""Schema step 11 → 12: データ要件, the data items of each operation's 基本データリスト (項目定義書) and their
versions, code lists, per-item assessments, code mappings, profiling counts and vendor answers. New tables
only; nothing existing changes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain import models as m

TABLES = [m.DataListVersion, m.DataItem, m.DataCode, m.DataAssessment, m.DataCodeMap, m.DataProfile,
          m.DataVendorAnswer]


def step_11_to_12(conn: sa.Connection) -> None:
    SQLModel.metadata.create_all(conn, tables=[t.__table__ for t in TABLES])  # type: ignore[attr-defined]
