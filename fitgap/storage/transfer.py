"""Copying every row of a fitgap database to another database (SQLite ⇄ PostgreSQL), with checksums.

Rows go through SQLAlchemy Core with fitgap's own table definitions, so dates, booleans and enum values
come out on the other side as the same Python values. The target side runs in one transaction: a failed
or interrupted copy leaves the target as it was. Verification compares, per table, the row count and an
order-independent checksum (the sum of one SHA-256 per row over a canonical text form of its values), so
it does not depend on how each backend sorts text.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from fitgap.domain import models as m  # noqa: F401  (registers every table on SQLModel.metadata)

BATCH = 2000
_MOD = 1 << 256


@dataclass(frozen=True)
class TableDigest:
    rows: int
    checksum: str


def fitgap_tables() -> list[sa.Table]:
    """Every fitgap table, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def _canonical(value: Any) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo is not None else value).replace(tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _row_hash(row: Iterable[Any]) -> int:
    text = "\x1f".join(_canonical(v) for v in row)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")


def _rows(conn: sa.Connection, table: sa.Table) -> Iterator[list[dict[str, Any]]]:
    result = conn.execute(sa.select(table), execution_options={"yield_per": BATCH})
    for part in result.mappings().partitions(BATCH):
        yield [dict(r) for r in part]


def digest(conn: sa.Connection, table: sa.Table) -> TableDigest:
    total, n = 0, 0
    cols = [c.name for c in table.columns]
    for part in _rows(conn, table):
        for row in part:
            total = (total + _row_hash(row[c] for c in cols)) % _MOD
            n += 1
    return TableDigest(rows=n, checksum=f"{total:064x}")


def digests(conn: sa.Connection) -> dict[str, TableDigest]:
    present = set(sa.inspect(conn).get_table_names())
    return {t.name: digest(conn, t) for t in fitgap_tables() if t.name in present}


def row_counts(conn: sa.Connection) -> dict[str, int]:
    """Rows per fitgap table that exists in the database."""
    present = set(sa.inspect(conn).get_table_names())
    return {
        t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
        for t in fitgap_tables()
        if t.name in present
    }


def copy_rows(
    *, source: sa.Connection, target: sa.Connection, progress: Callable[[str, int], None] | None = None
) -> dict[str, TableDigest]:
    """Insert every row of every fitgap table of ``source`` into ``target``; returns what was read.

    ``target`` must have the tables and no rows in them; the caller owns both transactions.
    """
    out: dict[str, TableDigest] = {}
    for table in fitgap_tables():
        cols = [c.name for c in table.columns]
        total, n = 0, 0
        for part in _rows(source, table):
            target.execute(sa.insert(table), part)
            for row in part:
                total = (total + _row_hash(row[c] for c in cols)) % _MOD
            n += len(part)
            if progress is not None:
                progress(table.name, n)
        out[table.name] = TableDigest(rows=n, checksum=f"{total:064x}")
    if target.dialect.name == "postgresql":
        reset_sequences(target)
    return out


def uncopyable(conn: sa.Connection) -> list[str]:
    """Values of an SQLite database no other backend stores: NUL characters in text, text longer than its
    column allows (an older fitgap let both in). One sentence per table and column, never the data itself."""
    if conn.dialect.name != "sqlite":
        return []
    present = set(sa.inspect(conn).get_table_names())
    out: list[str] = []
    for table in fitgap_tables():
        if table.name not in present:
            continue
        for column in table.columns:
            if not isinstance(column.type, sa.String | AutoString):
                continue
            checks = [("NUL 文字（\\x00）を含む", sa.func.instr(sa.cast(column, sa.LargeBinary), sa.literal_column("x'00'")) > 0)]
            length = getattr(column.type, "length", None)
            if length:
                checks.append((f"{length} 文字を超える", sa.func.length(column) > length))
            for what, cond in checks:
                n = conn.execute(sa.select(sa.func.count()).select_from(table).where(cond)).scalar_one()
                if n:
                    out.append(f"表 {table.name} の列 {column.name}: {what}値が {n:,} 行")
    return out


def delete_all_rows(conn: sa.Connection) -> None:
    """Empty every fitgap table, children first (used when replacing a server database's content)."""
    for table in reversed(fitgap_tables()):
        conn.execute(sa.delete(table))


def reset_sequences(conn: sa.Connection) -> None:
    """After rows were inserted with explicit ids, make PostgreSQL's id sequences continue after them."""
    for table in fitgap_tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        q = conn.dialect.identifier_preparer
        tname, col = q.quote(table.name), q.quote(pk[0].name)
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE((SELECT MAX({col}) FROM {tname}), 1), "
                f"(SELECT MAX({col}) FROM {tname}) IS NOT NULL)"
            ),
            {"t": tname, "c": pk[0].name},
        )


def non_empty_tables(conn: sa.Connection) -> dict[str, int]:
    """Tables of the target (fitgap's or any other) that hold rows."""
    insp = sa.inspect(conn)
    out: dict[str, int] = {}
    for name in insp.get_table_names():
        n = conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
        if n:
            out[name] = int(n)
    return out
