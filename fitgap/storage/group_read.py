"""Reading another body's database for a group comparison: read-only, never upgraded, streamed.

A body's database belongs to that body. The comparison opens it without the ability to write: an SQLite file
through a ``mode=ro`` URI (no journal-mode switch, no upgrade, no notice taken), a PostgreSQL database in
read-only transactions. A database of another schema version is refused with what to do, never migrated.
Its current assessments are read in one query ordered by (operation, kind, ID), so several bodies merge row
by row without any of them being held in memory whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from fitgap.domain.enums import Kubun, Status
from fitgap.domain.models import Assessment, Operation, Requirement, System
from fitgap.errors import DatabaseError
from fitgap.storage import overview
from fitgap.storage.db import Database, sqlite_path
from fitgap.storage.quick import BUSY_TIMEOUT_MS, META_TABLE, SCHEMA_VERSION, SQLITE_MAGIC
from fitgap.storage.readiness import undecided_gap

_R: sa.Table = Requirement.__table__  # type: ignore[attr-defined]
_A: sa.Table = Assessment.__table__  # type: ignore[attr-defined]
_S: sa.Table = System.__table__  # type: ignore[attr-defined]
_O: sa.Table = Operation.__table__  # type: ignore[attr-defined]

NOT_WRITTEN = "このデータベースには何も書き込んでいません。"


def _sqlite_uri(path: Path) -> str:
    return f"file:{quote(path.resolve().as_posix())}?mode=ro"


def _sqlite_engine(path: Path) -> Engine:
    uri = _sqlite_uri(path)

    def connect() -> sqlite3.Connection:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        con.isolation_level = None  # BEGIN is issued below: every query of one read sees the same state
        return con

    engine = sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.NullPool)

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def open_readonly(url: str, *, label: str, where: str) -> Database:
    """A body's database opened for reading only; refuses a missing file, a file or database that is not
    fitgap's, and one of another schema version (older: to be opened once by its own fitgap first)."""
    path = sqlite_path(url)
    if path is not None:
        _check_file(path, label=label, where=where)
        engine = _sqlite_engine(path)
    else:
        try:
            engine = sa.create_engine(url, pool_pre_ping=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise DatabaseError(f"{label} のデータベース URL {where} を使えません（{exc}）。",
                                "グループファイルの db を確かめてください。") from exc
        if engine.dialect.name == "postgresql":
            engine = engine.execution_options(postgresql_readonly=True)
    db = Database(engine, path=path)
    try:
        _check_schema(db, label=label, where=where)
    except BaseException:
        db.dispose()
        raise
    return db


def _check_file(path: Path, *, label: str, where: str) -> None:
    if not path.exists():
        raise DatabaseError(f"{label} のデータベース {where} がありません（{path}）。",
                            "グループファイルの db を確かめてください（相対パスはグループファイルのあるフォルダから数えます）。")
    if path.is_dir():
        raise DatabaseError(f"{label} のデータベース {where} はフォルダです。", "fitgap のデータベースファイルを指定してください。")
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseError(f"{label} のデータベース {path} を読めません（{exc.strerror or exc}）。",
                            "ファイルの権限を確かめてください。") from exc
    if head != SQLITE_MAGIC:
        raise DatabaseError(f"{label} の {where} は fitgap のデータベースではありません（SQLite ファイルではない）。{NOT_WRITTEN}",
                            "その団体の fitgap のデータベースファイルを db に指定してください。")


def _check_schema(db: Database, *, label: str, where: str) -> None:
    try:
        with db.connection() as conn:
            if META_TABLE not in set(sa.inspect(conn).get_table_names()):
                raise DatabaseError(f"{label} の {where} は fitgap のデータベースではありません（{META_TABLE} がない）。{NOT_WRITTEN}",
                                    "その団体の fitgap のデータベースを db に指定してください。")
            found = conn.execute(sa.text(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'")).scalar()
    except SQLAlchemyError as exc:
        raise DatabaseError(f"{label} のデータベース {where} を読めません（{str(exc).splitlines()[0]}）。{NOT_WRITTEN}",
                            "ファイルまたは接続先を確かめてください（fitgap --db … check で状態を確認できます）。") from exc
    try:
        version = int(str(found))
    except ValueError:
        version = 0
    if version > SCHEMA_VERSION:
        raise DatabaseError(f"{label} のデータベース {where} は新しい fitgap（スキーマ版 {version}）のものです。"
                            f"この fitgap はスキーマ版 {SCHEMA_VERSION} までしか読めません。{NOT_WRITTEN}",
                            "fitgap を新しい版に更新してから比較してください。")
    if version < SCHEMA_VERSION:
        raise DatabaseError(
            f"{label} のデータベース {where} は古い版（スキーマ版 {version}）です。グループの比較は各団体のデータベースを"
            f"読むだけで、更新（版 {SCHEMA_VERSION} への書き換え）はしません。{NOT_WRITTEN}",
            f"{label} の担当者がこの版の fitgap で一度開いて更新してください（例: fitgap --db {where} status）。"
            "その後もう一度比較してください。")


@dataclass(frozen=True, slots=True)
class BodyInfo:
    """What a body's database says before its rows are read: each operation's current version and name."""

    versions: dict[str, str]  # operation code → current version label
    demo: frozenset[str]  # operations whose current version is the demo
    operation_names: dict[str, str]
    municipality: str | None


def body_info(conn: sa.Connection) -> BodyInfo:
    def rows(sql: str) -> Any:
        return conn.execute(sa.text(sql)).all()

    current = overview.current_versions(rows)
    names = {str(code): str(name) for code, name in conn.execute(sa.select(_O.c.code, _O.c.name))}
    muni = overview.municipality(rows)
    return BodyInfo(versions={c: v.label for c, v in current.items()},
                    demo=frozenset(c for c, v in current.items() if v.demo), operation_names=names,
                    municipality=muni[1] if muni else None)


# one row of a body's current requirements: operation, kind, ID, class, name, status, disposition, detail,
# system, note, open must-gap (0/1); texts as stored (no enum conversion: this runs for every requirement)
Row = tuple[str, str, str, str, str, str, str | None, str, str | None, str, int]

_TEXT = sa.String()


def _ordered(conn: sa.Connection, col: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """Code-point order on every backend, the order Python compares texts in (SQLite's BINARY already is)."""
    return col.collate("C") if conn.dialect.name == "postgresql" else col


def current_rows(conn: sa.Connection, *, operation: str | None = None, batch: int = 2000) -> Iterator[Row]:
    """Every current requirement with its assessment (none = 未確認) and the assessment's revision (0: none),
    ordered by (operation, kind, ID) in code-point order, streamed in batches."""
    on_a = sa.and_(_A.c.operation_code == _R.c.operation_code, _A.c.kind == _R.c.kind, _A.c.req_id == _R.c.req_id)
    open_must = sa.case((sa.and_(_R.c.kubun == Kubun.MUST.value, _A.c.status == Status.GAP.value, undecided_gap()), 1),
                        else_=0)
    stmt = (
        sa.select(_R.c.operation_code, sa.type_coerce(_R.c.kind, _TEXT), _R.c.req_id, sa.type_coerce(_R.c.kubun, _TEXT),
                  _R.c.name, sa.func.coalesce(sa.type_coerce(_A.c.status, _TEXT), Status.UNCHECKED.value),
                  sa.type_coerce(_A.c.disposition, _TEXT), sa.func.coalesce(_A.c.disposition_detail, ""), _S.c.name,
                  sa.func.coalesce(_A.c.note, ""), open_must, sa.func.coalesce(_A.c.revision, 0))
        .select_from(_R.outerjoin(_A, on_a).outerjoin(_S, _S.c.id == _A.c.target_system_id))
        .where(_R.c.current == sa.true())
        .order_by(_ordered(conn, _R.c.operation_code), _ordered(conn, _R.c.kind), _ordered(conn, _R.c.req_id))
    )
    if operation is not None:
        stmt = stmt.where(_R.c.operation_code == operation)
    result = conn.execution_options(yield_per=batch).execute(stmt)
    for part in result.partitions():
        for r in part:
            yield tuple(r)  # type: ignore[misc]

