"""Schema versions: create a new database, refuse a newer one, upgrade an older one step by step.

Version history
  1  the Fit & Gap core: operations, specs, versions, requirements, assessments, audit, settings.
  2  systems and their links and milestones, vendors and their answers, saved views.
  3  a full-text index of requirements for Japanese substring search (SQLite FTS5, trigram tokenizer);
     other databases search with LIKE and need no index.
  4  a requirement is identified by (operation, kind 機能/帳票, ID): assessments and vendor answers carry the
     kind; requirements keep 要件の考え方・理由, 備考 and their order in the document; spec_source lists the
     files each version was read from (see requirement_kind_step).
  5  the 改修 items of data links (interface_change), see schema_changes.
  6  a character index beside the trigram one for one- and two-character searches (SQLite; see char_index).
  7  the inventory of the current system's functions (独自機能) and their mapping to requirements
     (see custom_step).
  8  an index of the current requirements in document order, so the list of all operations shows its
     first page without sorting every requirement (and counts from the index alone).
  9  where operations and systems stand after the deadline: the source and reason of each deadline, the
     operations a body runs, what a common part serves, and 移行後の経過措置 (see standing_step).
 10  the interim step of a 改修 item whose two standard ends move on different days (interim_done, see
     schema_changes).
 11  drafts: what a user typed in the workbench and has not saved yet, per user and item (see draft_step).
 12  データ要件: the data items of each operation's 基本データリスト, their versions, code lists, assessments,
     code mappings, profiling counts and vendor answers (see data_step).
 13  dispositions as the guidance words them, the 業務見直し register, departments as owners, and vendors'
     answers to current functions (see step_12_to_13).
 14  the national progress survey (steps of 40 per body and operation, its date and credit) and each
     system's progress through the 40 steps by month (see progress_step).

A step is an explicit function from version N to N+1, run inside the same transaction as the version
bump, so an interrupted upgrade leaves the database at version N.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from fitgap import __version__
from fitgap.domain import models as m
from fitgap.errors import DatabaseBusyError, DatabaseError
from fitgap.storage import char_index, search_index
from fitgap.storage.custom_step import step_6_to_7 as add_custom_functions
from fitgap.storage.data_step import step_11_to_12
from fitgap.storage.db import Database, connect, sqlite_path
from fitgap.storage.draft_step import step_10_to_11
from fitgap.storage.progress_step import step_13_to_14

# SCHEMA_VERSION lives in storage.quick, which the quick reads load before SQLAlchemy
from fitgap.storage.quick import META_TABLE, SCHEMA_VERSION
from fitgap.storage.requirement_kind_step import step_3_to_4
from fitgap.storage.schema_changes import add_interface_changes, add_interim_step
from fitgap.storage.standing_step import step_8_to_9
from fitgap.storage.step_12_to_13 import step_12_to_13

V1_TABLES = [
    m.Meta,
    m.Setting,
    m.Municipality,
    m.Operation,
    m.Spec,
    m.SpecVersion,
    m.Requirement,
    m.Assessment,
    m.AuditEvent,
]
V2_TABLES = [
    m.SavedView,
    m.System,
    m.SystemOperation,
    m.Integration,
    m.Milestone,
    m.Vendor,
    m.VendorExport,
    m.VendorAnswer,
]


def _tables(models: list[Any]) -> list[sa.Table]:
    return [model.__table__ for model in models]  # type: ignore[attr-defined]


def _step_1_to_2(conn: sa.Connection) -> None:
    SQLModel.metadata.create_all(conn, tables=_tables(V2_TABLES))


def _step_2_to_3(conn: sa.Connection) -> None:
    search_index.create(conn)


def _step_5_to_6(conn: sa.Connection) -> None:
    char_index.create(conn)  # one- and two-character searches; filled by the next catch-up


DOC_ORDER_INDEX = "ix_requirement_current_doc"


def _step_7_to_8(conn: sa.Connection) -> None:
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {DOC_ORDER_INDEX} ON requirement "
                         "(current, doc_order, operation_code, kind, req_id)")

MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {
    1: _step_1_to_2,
    2: _step_2_to_3,
    3: step_3_to_4,
    4: add_interface_changes,
    5: _step_5_to_6,
    6: add_custom_functions,
    7: _step_7_to_8,
    8: step_8_to_9,
    9: add_interim_step,
    10: step_10_to_11,
    11: step_11_to_12,
    12: step_12_to_13,
    13: step_13_to_14,
}


def read_meta(conn: sa.Connection) -> dict[str, str]:
    rows = conn.execute(sa.text(f"SELECT key, value FROM {META_TABLE}")).all()
    return {k: v for k, v in rows}


def _set_meta(conn: sa.Connection, key: str, value: str) -> None:
    table = m.Meta.__table__  # type: ignore[attr-defined]
    updated = conn.execute(table.update().where(table.c.key == key).values(value=value)).rowcount
    if not updated:
        conn.execute(table.insert().values(key=key, value=value))


def create_schema(conn: sa.Connection, *, version: int = SCHEMA_VERSION) -> None:
    """Create the schema of ``version`` and the meta rows: version 1's tables, then every step after it,
    so a new database is exactly what an upgraded one is."""
    SQLModel.metadata.create_all(conn, tables=_tables(V1_TABLES))
    for v in range(1, version):
        MIGRATIONS[v](conn)
    _set_meta(conn, "schema_version", str(version))
    _set_meta(conn, "database_id", str(uuid.uuid4()))
    _set_meta(conn, "created_at", datetime.now(UTC).isoformat(timespec="seconds"))
    _set_meta(conn, "created_with", __version__)


def upgrade(conn: sa.Connection, *, from_version: int) -> int:
    """Run the steps from ``from_version`` to SCHEMA_VERSION; returns the number of steps."""
    for v in range(from_version, SCHEMA_VERSION):
        MIGRATIONS[v](conn)
        _set_meta(conn, "schema_version", str(v + 1))
    _set_meta(conn, "upgraded_with", __version__)
    return SCHEMA_VERSION - from_version


def open_database(
    url: str, *, create: bool = False, initialise: Callable[[Session], None] | None = None
) -> Database:
    """Open a fitgap database, creating it when ``create`` and it does not exist yet.

    ``initialise`` runs in the same transaction that creates the schema, so a new database appears
    complete or not at all.

    Refuses (without modifying anything) a file that is not a fitgap database, a corrupt one, and one
    written by a newer fitgap; upgrades an older one in place.
    """
    path = sqlite_path(url)
    if path is not None and not create and not path.exists():
        raise DatabaseError(
            f"データベース {path} はまだありません。",
            "fitgap init を実行して作成してください（--db で別の場所も指定できます）。",
        )
    db, sqlite_tables = connect(url)
    try:
        tables = sqlite_tables if sqlite_tables is not None else _existing_tables(db)
        if META_TABLE not in tables:
            if tables:
                raise DatabaseError(
                    f"{db.url} は fitgap のデータベースではありません（別のアプリのテーブルがあります）。変更していません。",
                    "fitgap 用のファイルを --db で指定するか、新しいファイル名を指定してください。",
                )
            if not create:
                raise DatabaseError(
                    f"データベース {db.url} はまだありません。",
                    "fitgap init を実行して作成してください（--db で別の場所も指定できます）。",
                )
            with db.write() as session:
                create_schema(session.connection())
                if initialise is not None:
                    initialise(session)
            return db
        with db.connection() as conn:
            meta = read_meta(conn)
        version = int(meta.get("schema_version", "0") or 0)
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"このデータベースは新しい fitgap（スキーマ版 {version}）で作成されています。"
                f"この fitgap {__version__} はスキーマ版 {SCHEMA_VERSION} までしか扱えません。変更していません。",
                "fitgap を新しい版に更新してから開いてください。",
            )
        if version < 1:
            raise DatabaseError(f"{db.url} のスキーマ版が読めません。変更していません。", "fitgap check で確認してください。")
        if version < SCHEMA_VERSION:
            try:
                with db.begin() as conn:
                    upgrade(conn, from_version=version)
            except DatabaseBusyError:
                raise
            except DatabaseError as exc:  # read-only, full, damaged …: the update is what needed the write
                raise DatabaseError(
                    f"{db.path or db.url} は古い版（スキーマ版 {version}）のデータベースで、この fitgap で開くには版 "
                    f"{SCHEMA_VERSION} への更新（書き込み）が必要ですが、できませんでした: {exc.message}",
                    (exc.hint or "") + "（更新は一度だけで、その後は読むだけのコマンドに書き込みは要りません。）",
                ) from exc
        return db
    except BaseException:
        db.dispose()
        raise


def _existing_tables(db: Database) -> set[str]:
    with db.connection() as conn:
        return set(sa.inspect(conn).get_table_names())
