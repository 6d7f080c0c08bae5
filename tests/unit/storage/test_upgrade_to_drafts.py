"""Schema 10 → 11: the draft table is added; everything else is kept as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fitgap.config import sqlite_url
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.storage.schema import SCHEMA_VERSION


def _as_schema_10(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("DROP TABLE draft")
        con.execute("UPDATE fitgap_meta SET value = '10' WHERE key = 'schema_version'")
        con.commit()
    finally:
        con.close()


def test_a_schema_10_database_gains_the_draft_table(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = sqlite_url(path)
    init_database(url=url, user="u")
    _as_schema_10(path)
    con = sqlite3.connect(path)
    before = con.execute("SELECT code, name FROM operation ORDER BY code").fetchall()
    con.close()
    open_db(url=url).dispose()
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT value FROM fitgap_meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),)
        assert con.execute("SELECT COUNT(*) FROM draft").fetchone() == (0,)
        assert con.execute("SELECT code, name FROM operation ORDER BY code").fetchall() == before
    finally:
        con.close()
