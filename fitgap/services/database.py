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
