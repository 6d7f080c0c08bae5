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

