"""Schema step 8 → 9: where every operation and system stands after the deadline (see domain.standing).

- operation: whether the official list flags it, where its deadline comes from (deadline_source: 原則 / 公表一覧 / 手動設定), the reason of a
  date set by hand, whether this body runs it (in_scope), and what a common part serves;
- system: the reason of a date set by hand;
- post_cutover_measure: the requirements a vendor implements after cut-over (移行後の経過措置).

Existing deadlines are kept: a 個別設定 deadline is read as set by hand, a 特定移行支援 one as the official
list's flag (init wrote it), anything else as the general deadline.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain.enums import DeadlineKind
from fitgap.domain.models import PostCutoverMeasure
from fitgap.domain.standing import DeadlineSource


def _add_column(conn: sa.Connection, table: str, ddl: str) -> None:
    """Add a column unless the table has it (a new database builds its tables from today's models)."""
    if ddl.split()[0] not in {c["name"] for c in sa.inspect(conn).get_columns(table)}:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD COLUMN {ddl}')


def step_8_to_9(conn: sa.Connection) -> None:
    _add_column(conn, "operation", f"deadline_source VARCHAR(32) NOT NULL DEFAULT '{DeadlineSource.DEFAULT.value}'")
    _add_column(conn, "operation", "deadline_reason VARCHAR NOT NULL DEFAULT ''")
    _add_column(conn, "operation", "tokutei_flag BOOLEAN NOT NULL DEFAULT false")
    _add_column(conn, "operation", "in_scope BOOLEAN NOT NULL DEFAULT true")
    _add_column(conn, "operation", "serves VARCHAR NOT NULL DEFAULT ''")
    _add_column(conn, "system", "deadline_reason VARCHAR NOT NULL DEFAULT ''")
    for kind, source in ((DeadlineKind.CUSTOM, DeadlineSource.MANUAL), (DeadlineKind.TOKUTEI, DeadlineSource.OFFICIAL)):
        conn.execute(sa.text("UPDATE operation SET deadline_source = :source WHERE deadline_kind = :kind"),
                     {"source": source.value, "kind": kind.value})
    # what 税務共通 serves, as catalog/operations.toml says at this version (init keeps it in step afterwards)
    conn.execute(sa.text("UPDATE operation SET serves = :serves WHERE code = '014' AND serves = ''"),
                 {"serves": "010,011,012,013"})
    conn.execute(sa.text("UPDATE operation SET tokutei_flag = true WHERE deadline_kind = :kind"),
                 {"kind": DeadlineKind.TOKUTEI.value})
    SQLModel.metadata.create_all(conn, tables=[PostCutoverMeasure.__table__])  # type: ignore[attr-defined]
