"""Opening the database the way every command does."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from fitgap.storage.db import Database
from fitgap.storage.schema import SCHEMA_VERSION, open_database


def open_db(*, url: str, create: bool = False, initialise: Callable[[Session], None] | None = None) -> Database:
    """Open (and, with ``create``, create) a fitgap database; see :func:`fitgap.storage.schema.open_database`."""
    return open_database(url, create=create, initialise=initialise)


__all__ = ["SCHEMA_VERSION", "Database", "open_db"]


def take_notices(db: Database) -> list[str]:
    """What an upgrade of the database wants said once (fitgap_meta notice.*), removed as it is read."""
    import sqlalchemy as sa

    from fitgap.domain.models import Meta

    table = Meta.__table__  # type: ignore[attr-defined]
    with db.connection() as conn:
        rows = conn.execute(sa.select(table.c.key, table.c.value).where(table.c.key.like("notice.%"))).all()
    if not rows:
        return []
    from fitgap.errors import DatabaseError

    try:
        with db.begin() as conn:
            conn.execute(sa.delete(table).where(table.c.key.in_([k for k, _ in rows])))
    except DatabaseError:
        pass  # read-only or busy: said again next time rather than lost
    return [v for _, v in rows]
