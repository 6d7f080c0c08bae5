"""Schema steps of the 改修 items of data links (table interface_change).

4 → 5 adds the table. Existing systems, links and milestones are not touched; the items of the links that
need one are filled in by the services (shown as 未着手 until first saved, and saved by the next init or edit).

9 → 10 adds interim_done: a link between two standard systems that move on different days has two steps,
the interim link (暫定連携) at the first cut-over and the final one at the second. Existing items keep
everything they hold; items nobody touched that the rule no longer asks for are removed by the next init
or edit (services.change_sync.sync_changes), which says how many.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain.models import InterfaceChange


def add_interface_changes(conn: sa.Connection) -> None:
    SQLModel.metadata.create_all(conn, tables=[InterfaceChange.__table__])  # type: ignore[attr-defined]


def add_interim_step(conn: sa.Connection) -> None:
    """Add interim_done unless the table has it (a new database builds the table from today's model)."""
    if "interim_done" not in {c["name"] for c in sa.inspect(conn).get_columns("interface_change")}:
        conn.exec_driver_sql('ALTER TABLE "interface_change" ADD COLUMN interim_done DATE')
