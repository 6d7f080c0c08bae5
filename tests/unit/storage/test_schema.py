"""Opening databases: new, newer, older, foreign and corrupt files."""

import sqlite3

import pytest
import sqlalchemy as sa

from fitgap.config import sqlite_url
from fitgap.errors import DatabaseError
from fitgap.services.catalog import init_database
from fitgap.storage.db import Database, create_engine
from fitgap.storage.schema import SCHEMA_VERSION, V2_TABLES, create_schema, open_database
from tests.conftest import file_digest


def test_new_database_records_schema_version_and_uses_wal(db_path, db_url):
    init_database(url=db_url, user="t")
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT value FROM fitgap_meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_missing_database_is_not_created_without_init(db_path, db_url):
    with pytest.raises(DatabaseError, match="fitgap init"):
        open_database(db_url)
    assert not db_path.exists() or db_path.stat().st_size == 0


def test_database_from_a_newer_fitgap_is_refused_and_left_alone(db_path, db_url):
    init_database(url=db_url, user="t")
    con = sqlite3.connect(db_path)
    con.execute("UPDATE fitgap_meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION + 1),))
    con.commit()
    con.close()
    before = file_digest(db_path)
    with pytest.raises(DatabaseError, match="新しい fitgap"):
        open_database(db_url)
    assert file_digest(db_path) == before


def test_text_file_is_refused_and_not_modified(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("これはデータベースではありません\n" * 20, encoding="utf-8")
    before = file_digest(path)
    with pytest.raises(DatabaseError, match="データベースではありません"):
        open_database(sqlite_url(path), create=True)
    assert file_digest(path) == before


def test_other_applications_sqlite_file_is_refused_and_not_modified(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO customers VALUES (1, 'x')")
    con.commit()
    con.close()
    before = file_digest(path)
    with pytest.raises(DatabaseError, match="fitgap のデータベースではありません"):
        open_database(sqlite_url(path), create=True)
    assert file_digest(path) == before
    assert not (tmp_path / "other.sqlite-wal").exists()


def test_corrupt_database_is_refused(db_path, db_url):
    init_database(url=db_url, user="t")
    data = bytearray(db_path.read_bytes())
    # keep the header, scramble the pages after it
    for i in range(100, len(data)):
        data[i] = (data[i] * 7 + 13) % 256
    db_path.write_bytes(bytes(data))
    before = file_digest(db_path)
    with pytest.raises(DatabaseError):
        open_database(db_url)
    assert file_digest(db_path) == before


def test_version_1_database_is_upgraded_in_place_keeping_its_data(tmp_path):
    path = tmp_path / "old.db"
    url = sqlite_url(path)
    old = Database(create_engine(url))
    with old.begin() as conn:
        create_schema(conn, version=1)
        conn.execute(sa.text("INSERT INTO setting (key, value) VALUES ('note_required', 'ギャップ')"))
    old.dispose()
    con = sqlite3.connect(path)
    assert "vendor" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()

    db = open_database(url)
    db.dispose()
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {m.__tablename__ for m in V2_TABLES} <= tables
    assert con.execute("SELECT value FROM fitgap_meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert con.execute("SELECT value FROM setting WHERE key='note_required'").fetchone()[0] == "ギャップ"
    con.close()


def test_version_3_database_keeps_systems_links_and_milestones_and_gains_change_items(tmp_path):
    """A database made by the release before 改修 items (schema 3) is upgraded in place."""
    from datetime import date

    from fitgap.domain.enums import MilestoneKind, SystemKind
    from fitgap.services import changes, systems

    path = tmp_path / "v3.db"
    url = sqlite_url(path)
    old = Database(create_engine(url))
    with old.write() as session:
        create_schema(session.connection(), version=3)
    old.dispose()
    # what today's release (schema 3) holds: systems, links and milestones, edited by the municipality
    con = sqlite3.connect(path)
    con.executescript("""
        INSERT INTO operation (code, "order", name, short_name, "group", ministry, spec_document, cross_cutting,
                               deadline, deadline_kind, sub_codes)
            VALUES ('001', 3, '住民基本台帳', '住民基本台帳', '住記系', '総務省', '住民記録', 0, '2031-03-31', '特定移行支援', '');
        INSERT INTO system (id, name, kind, deadline_kind, typical, note, planned_cutover)
            VALUES (1, '住民記録システム', '標準化対象', 'FY2025末', 0, '', '2027-01-05');
        INSERT INTO system (id, name, kind, deadline_kind, typical, note, vendor)
            VALUES (2, '福祉総合システム', '関連システム', 'FY2025末', 0, '', '株式会社福祉');
        INSERT INTO system_operation (system_id, operation_code) VALUES (1, '001');
        INSERT INTO integration (provider_id, consumer_id, data, method, interim_interface, typical)
            VALUES (1, 2, '宛名', 'ファイル', 1, 0);
        INSERT INTO milestone (system_id, kind, planned, actual) VALUES (1, '契約', '2026-06-01', '2026-06-15');
    """)
    con.commit()
    con.close()

    db = open_database(url)
    try:
        con = sqlite3.connect(path)
        assert con.execute("SELECT value FROM fitgap_meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        assert con.execute("SELECT count(*) FROM interface_change").fetchone()[0] == 0
        con.close()
        by_name = {v.name: v for v in systems.list_systems(db=db)}
        assert by_name["住民記録システム"].planned_cutover == date(2027, 1, 5)
        assert by_name["住民記録システム"].milestones[0].kind == MilestoneKind.CONTRACT
        assert by_name["住民記録システム"].milestones[0].actual == date(2026, 6, 15)
        assert by_name["福祉総合システム"].kind == SystemKind.RELATED
        assert by_name["福祉総合システム"].deadline == date(2027, 1, 5)  # needed-by, not 2026-03-31
        (link,) = systems.list_links(db=db)
        assert (link.provider, link.consumer, link.data, link.interim_interface) == (
            "住民記録システム", "福祉総合システム", "宛名", True)
        # the link's 改修 item is shown before it is saved, and saved by the first edit
        (item,) = changes.get_changes(db=db, today=date(2026, 12, 1)).items
        assert not item.saved and item.item.vendor == "株式会社福祉" and item.state.needed_by == date(2027, 1, 5)
        changes.update_change(db=db, user="u", provider="住民記録システム", consumer="福祉総合システム", status="調査中")
        (item,) = changes.get_changes(db=db, today=date(2026, 12, 1)).items
        assert item.saved and item.item.status.value == "調査中"
    finally:
        db.dispose()
