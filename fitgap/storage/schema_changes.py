"""Schema step: the 改修 items of data links (table interface_change).

Existing systems, links and milestones are not touched; the items of links that cross a cut-over are
filled in by the services (shown as 未着手 until first saved, and saved by the next init or edit).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain.models import InterfaceChange


def add_interface_changes(conn: sa.Connection) -> None:
    SQLModel.metadata.create_all(conn, tables=[InterfaceChange.__table__])  # type: ignore[attr-defined]
