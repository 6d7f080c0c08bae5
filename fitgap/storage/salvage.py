"""A copy of what can still be read from a damaged SQLite database: the way out of a broken page.

SQLite's backup API copies pages as they are, a damaged page too, so the copy of a damaged database is
damaged in the same place. Here each fitgap table is read row by row instead: first whole; where that fails,
in stretches of row ids, each failing stretch halved until the unreadable rows are singled out and skipped.
The rows that could be read go into a fresh database of the same schema version (its search index rebuilt
on first use), and the report says, per table, how many rows were copied and how many could not be read —
the copy is never passed off as whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from fitgap.storage import restore_record, search_index, transfer
from fitgap.storage.quick import BUSY_TIMEOUT_MS, META_TABLE, SCHEMA_VERSION
from fitgap.storage.schema import create_schema

STRETCH = 1024  # row ids read at a time once a table proved damaged
GIVE_UP_AFTER = 64  # stretches in a row without a readable row, past the last one found, when max(rowid) fails


@dataclass
class SalvageReport:
    rows: dict[str, int] = field(default_factory=dict)  # rows copied per table
    lost: dict[str, int] = field(default_factory=dict)  # row ids that could not be read, per damaged table
    unreadable: list[str] = field(default_factory=list)  # tables of which nothing at all could be read

    @property
    def complete(self) -> bool:
        return not self.lost and not self.unreadable


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in con.execute(f'PRAGMA table_info("{table}")')]


def _version(con: sqlite3.Connection) -> int:
    try:
        row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else SCHEMA_VERSION
    except (sqlite3.DatabaseError, ValueError):
        return SCHEMA_VERSION


def read_table(con: sqlite3.Connection, table: str, columns: list[str]) -> tuple[list[tuple[object, ...]], int]:
    """Every readable row of ``table`` (``columns`` only) and how many row ids could not be read."""
    cols = ", ".join(f'"{c}"' for c in columns)
    query = f'SELECT {cols} FROM "{table}"'
    try:
        return con.execute(query).fetchall(), 0
    except sqlite3.DatabaseError:
        pass
    rows: list[tuple[object, ...]] = []
    lost = 0

    def stretch(lo: int, hi: int) -> bool:  # [lo, hi): True when something was read there
        nonlocal lost
        try:
            found = con.execute(query + " WHERE rowid >= ? AND rowid < ? ORDER BY rowid", (lo, hi)).fetchall()
        except sqlite3.DatabaseError:
            if hi - lo == 1:
                lost += 1
                return False
            mid = (lo + hi) // 2
            left = stretch(lo, mid)
            return stretch(mid, hi) or left
        rows.extend(found)
        return bool(found)

    try:
        top = con.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0]
    except sqlite3.DatabaseError:
        top = None
    lo = 1
    if top is not None:
        while lo <= top:
            stretch(lo, lo + STRETCH)
            lo += STRETCH
        return rows, lost
    empty = 0
    while empty < GIVE_UP_AFTER:
        empty = 0 if stretch(lo, lo + STRETCH) else empty + 1
        lo += STRETCH
    return rows, lost


def salvage(*, source: Path, target: Path, stamp: dict[str, str],
            progress: Callable[[str, int], None] | None = None) -> SalvageReport:
    """Copy every readable row of the fitgap tables of ``source`` into a new database file ``target``."""
    report = SalvageReport()
    src = _read_only(source)
    try:
        present = {str(r[0]) for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = _version(src)
        out = sa.create_engine(f"sqlite:///{target}")  # plain: rollback journal, a single self-contained file
        try:
            with out.begin() as dst:
                create_schema(dst, version=version)
                dst.execute(sa.delete(sa.table(META_TABLE)))  # the source's own rows are copied below
                have = set(sa.inspect(dst).get_table_names())
                for table in transfer.fitgap_tables():
                    if table.name not in present or table.name not in have:
                        continue
                    wanted = [c.name for c in table.columns]
                    try:
                        columns = [c for c in _columns(src, table.name) if c in wanted]
                    except sqlite3.DatabaseError:
                        report.unreadable.append(table.name)
                        continue
                    rows, lost = read_table(src, table.name, columns)
                    if lost and not rows:
                        report.unreadable.append(table.name)
                    elif lost:
                        report.lost[table.name] = lost
                    if rows:
                        marks = ", ".join("?" for _ in columns)
                        names = ", ".join(f'"{c}"' for c in columns)
                        dst.exec_driver_sql(f'INSERT OR IGNORE INTO "{table.name}" ({names}) VALUES ({marks})', rows)
                    report.rows[table.name] = len(rows)
                    if progress is not None:
                        progress(table.name, len(rows))
                restore_record.set_meta(dst, stamp)
                search_index.create(dst)  # the copy's search indexes are rebuilt on its first search
        finally:
            out.dispose()
    finally:
        src.close()
    return report
