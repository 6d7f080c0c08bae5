"""A database made by the release before requirement kinds (schema 3) is upgraded in place."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fitgap.config import sqlite_url
from fitgap.domain.enums import Status
from fitgap.services import maintenance, systems, vendors
from fitgap.services.database import open_db
from fitgap.services.items import ItemFilter, ItemKey, get_item, get_item_detail, item_keys
from fitgap.storage.schema import SCHEMA_VERSION

FIXTURE = Path(__file__).parents[2] / "data" / "upgrade"


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE / "schema3.db", path)
    return path


def _rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_schema3_database_is_upgraded_with_its_work_intact(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    before_assessments = _rows(path, "SELECT operation_code, req_id, status, disposition, note, revision FROM assessment"
                                     " ORDER BY id")
    before_answers = _rows(path, "SELECT vendor_id, operation_code, req_id, answer, comment, superseded FROM vendor_answer"
                                 " ORDER BY id")
    before_audit = _rows(path, "SELECT COUNT(*) FROM audit_event")
    before_systems = _rows(path, "SELECT name, vendor, planned_cutover FROM system ORDER BY id")
    assert _rows(path, "SELECT value FROM fitgap_meta WHERE key = 'schema_version'") == [("3",)]

    db = open_db(url=sqlite_url(path))
    try:
        assert _rows(path, "SELECT value FROM fitgap_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        after = _rows(path, "SELECT operation_code, req_id, status, disposition, note, revision FROM assessment ORDER BY id")
        assert after == before_assessments
        assert {k for (k,) in _rows(path, "SELECT DISTINCT kind FROM assessment")} == {"機能"}
        assert _rows(path, "SELECT vendor_id, operation_code, req_id, answer, comment, superseded FROM vendor_answer"
                           " ORDER BY id") == before_answers
        assert _rows(path, "SELECT COUNT(*) FROM audit_event") == before_audit
        assert _rows(path, "SELECT name, vendor, planned_cutover FROM system ORDER BY id") == before_systems
        assert _rows(path, "SELECT COUNT(*) FROM integration") != [(0,)]
        assert _rows(path, "SELECT COUNT(*) FROM milestone") == [(1,)]

        keys = item_keys(db=db, flt=ItemFilter(operation_code="001"))
        assert len(keys) == 197
        gap = get_item(db=db, key=ItemKey.of("001", "機能", "1.1.11-必須"))
        assert (gap.status, gap.note) == (Status.GAP, "帳票の様式が違う")
        detail = get_item_detail(db=db, key=gap.key)
        assert {h.field for h in detail.history} >= {"status", "note", "disposition"}  # the history is whole
        assert [a.answer.value for a in detail.vendor_answers] == ["標準で対応"]
        assert systems.get_system(db=db, key="住民記録システム").planned_cutover is not None
        assert maintenance.check(url=sqlite_url(path)).ok
    finally:
        db.dispose()


def test_a_vendor_sheet_sent_before_the_upgrade_is_still_read(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    db = open_db(url=sqlite_url(path))
    try:
        rep = vendors.import_vendor_sheet(db=db, user="山田", path=FIXTURE / "schema3_vendor_answers.xlsx",
                                          report_dir=tmp_path, dry_run=True, now=datetime(2026, 11, 1, tzinfo=UTC))
        assert not rep.problems, rep.problems
        assert rep.unchanged == 2 and not rep.added and not rep.changed  # the answers it holds are already in
    finally:
        db.dispose()


def _load_fixture_into(url: str) -> None:
    """The schema-3 fixture copied table by table into ``url`` (as a server database made by that release)."""
    import sqlalchemy as sa

    source = sa.create_engine(sqlite_url(FIXTURE / "schema3.db"))
    target = sa.create_engine(url)
    meta = sa.MetaData()

    @sa.event.listens_for(meta, "column_reflect")
    def _generic(inspector: object, table: object, column: dict) -> None:
        if not isinstance(column["type"], sa.types.NullType):
            column["type"] = column["type"].as_generic()

    meta.reflect(source)
    tables = [t for name, t in meta.tables.items() if not name.startswith("requirement_fts")]
    try:
        with source.connect() as src, target.begin() as dst:
            meta.create_all(dst, tables=tables)
            for t in meta.sorted_tables:
                if t in tables:
                    rows = [dict(r._mapping) for r in src.execute(sa.select(t))]
                    if rows:
                        dst.execute(t.insert(), rows)
            for t in tables:
                if "id" in t.c and isinstance(t.c.id.type, sa.Integer):
                    dst.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                                        f"COALESCE((SELECT MAX(id) FROM \"{t.name}\"), 0) + 1, false)")
    finally:
        source.dispose()
        target.dispose()


@pytest.mark.postgres
def test_schema3_server_database_is_upgraded_in_place(postgres_url: str) -> None:
    _load_fixture_into(postgres_url)
    db = open_db(url=postgres_url)
    try:
        gap = get_item(db=db, key=ItemKey.of("001", "機能", "1.1.11-必須"))
        assert (gap.status, gap.note) == (Status.GAP, "帳票の様式が違う")
        assert [a.answer.value for a in get_item_detail(db=db, key=gap.key).vendor_answers] == ["標準で対応"]
        # new rows get fresh ids in every rebuilt table
        from fitgap.services.assessment import update_items

        update_items(db=db, user="t", keys=[ItemKey.of("001", "機能", "1.1.2-必須")], status=Status.FIT)
        assert get_item(db=db, key=ItemKey.of("001", "機能", "1.1.2-必須")).status == Status.FIT
        assert maintenance.check(url=postgres_url).ok
    finally:
        db.dispose()
