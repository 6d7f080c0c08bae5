"""Schema 11 → 12: the データ要件 tables are added; everything else is kept as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fitgap.config import sqlite_url
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.storage.data_step import TABLES
from fitgap.storage.schema import SCHEMA_VERSION


def test_a_schema_11_database_gains_the_data_item_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = sqlite_url(path)
    init_database(url=url, user="u")
    con = sqlite3.connect(path)
    for t in reversed(TABLES):
        con.execute(f"DROP TABLE {t.__tablename__}")
    con.execute("UPDATE fitgap_meta SET value = '11' WHERE key = 'schema_version'")
    con.commit()
    before = con.execute("SELECT code, name, deadline FROM operation ORDER BY code").fetchall()
    con.close()
    open_db(url=url).dispose()
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT value FROM fitgap_meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),)
        for t in TABLES:
            assert con.execute(f"SELECT COUNT(*) FROM {t.__tablename__}").fetchone() == (0,)
        assert con.execute("SELECT code, name, deadline FROM operation ORDER BY code").fetchall() == before
    finally:
        con.close()
