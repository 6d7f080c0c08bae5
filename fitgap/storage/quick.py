"""Quick reads: a bare sqlite3 connection to a fitgap database file that needs nothing done before it is
read (current schema, nothing to upgrade), so that ``fitgap status`` and the workbench's first screen can
answer before SQLAlchemy is loaded. Anything out of the ordinary (another backend, a missing, foreign,
older, newer or damaged file, a lock) is left to the full open, which words it: :func:`open_current`
then returns None. This module imports no database library beyond sqlite3.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from fitgap.storage.overview import Rows

T = TypeVar("T")

SCHEMA_VERSION = 14  # see fitgap.storage.schema for what each version holds
META_TABLE = "fitgap_meta"
BUSY_TIMEOUT_MS = 15_000
SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL (as fitgap's own settings make them), else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    rest = url[len(prefix):]
    return Path(rest) if rest and rest != ":memory:" else None


def open_current(url: str) -> sqlite3.Connection | None:
    """A read-only connection to the database at ``url`` when it is an SQLite file at SCHEMA_VERSION; None
    when the full open must decide (and word whatever is wrong)."""
    path = sqlite_file(url)
    try:
        if path is None or not path.is_file() or path.stat().st_size == 0:
            return None
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                return None
        con = sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True,
                              timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.Error):
        return None
    try:
        found = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error:
        con.close()
        return None
    if found is None or str(found[0]) != str(SCHEMA_VERSION):
        con.close()
        return None
    return con


def read(url: str, reader: Callable[[Rows], T]) -> T | None:
    """``reader`` run on one read transaction of the database at ``url``; None when the database is not one
    for a quick read (see :func:`open_current`) or the read failed (the full open then says why)."""
    con = open_current(url)
    if con is None:
        return None

    def rows(sql: str) -> Sequence[Sequence[Any]]:
        return con.execute(sql).fetchall()

    try:
        con.isolation_level = None
        con.execute("BEGIN")  # every query of the reader sees the same state
        return reader(rows)
    except sqlite3.Error:
        return None
    finally:
        con.close()
