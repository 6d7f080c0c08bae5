"""Part of schema step 12 → 13: dispositions as the guidance words them, the 業務見直し register and
departments as owners.

- assessment: disposition_detail, target_system_id, department, person;
- current_function: disposition_detail, owner_department, owner_person;
- the tables bpr_item and bpr_link;
- old disposition values become today's: EUC → 共通機能で対応 (detail EUC), ベンダ対応待ち → ベンダ要協議 (the same
  decision in today's words: revisions are not bumped, so a workbook exported before the upgrade still reads
  back without conflicts). How many changed is kept in fitgap_meta (notice.dispositions) for the next command
  to say once.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain import models as m
from fitgap.domain.dispositions import MIGRATED

NOTICE_KEY = "notice.dispositions"

_COLUMNS = {
    "assessment": (("disposition_detail", "VARCHAR NOT NULL DEFAULT ''"),
                   ("target_system_id", "INTEGER"),
                   ("department", "VARCHAR NOT NULL DEFAULT ''"), ("person", "VARCHAR NOT NULL DEFAULT ''")),
    "current_function": (("disposition_detail", "VARCHAR NOT NULL DEFAULT ''"),
                         ("owner_department", "VARCHAR NOT NULL DEFAULT ''"),
                         ("owner_person", "VARCHAR NOT NULL DEFAULT ''")),
}


def add_dispositions(conn: sa.Connection) -> None:
    inspector = sa.inspect(conn)
    for table, columns in _COLUMNS.items():
        have = {c["name"] for c in inspector.get_columns(table)}
        for name, ddl in columns:
            if name not in have:
                conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD COLUMN {name} {ddl}')
    SQLModel.metadata.create_all(conn, tables=[m.BprItem.__table__, m.BprLink.__table__])  # type: ignore[attr-defined]
    changed = 0
    for old, (new, detail) in MIGRATED.items():
        for table in ("assessment", "current_function"):
            changed += conn.execute(sa.text(
                f'UPDATE "{table}" SET disposition = :new, disposition_detail = :detail '
                "WHERE disposition = :old"), {"new": new.value, "detail": detail, "old": old}).rowcount or 0
    if changed:
        meta = m.Meta.__table__  # type: ignore[attr-defined]
        conn.execute(sa.delete(meta).where(meta.c.key == NOTICE_KEY))
        conn.execute(sa.insert(meta).values(
            key=NOTICE_KEY, value=f"対応方針の語を標準化法・基本方針の言い方に合わせ、{changed} 件を読み替えました"
            "（EUC → 共通機能で対応（EUC）、ベンダ対応待ち → ベンダ要協議）。"))
