"""Schema 12 → 13: the vendors' answers to current functions are added; everything else is kept as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fitgap.config import sqlite_url
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.storage.custom_vendor_step import CUSTOM_VENDOR_TABLES
from fitgap.storage.schema import SCHEMA_VERSION


def test_a_schema_12_database_gains_the_custom_vendor_answers(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = sqlite_url(path)
    init_database(url=url, user="u")
    con = sqlite3.connect(path)
    for t in reversed(CUSTOM_VENDOR_TABLES):
        con.execute(f"DROP TABLE {t.__tablename__}")
    con.execute("UPDATE fitgap_meta SET value = '12' WHERE key = 'schema_version'")
    con.commit()
    before = con.execute("SELECT code, name, deadline FROM operation ORDER BY code").fetchall()
    con.close()
    open_db(url=url).dispose()
    con = sqlite3.connect(path)
    try:
        assert SCHEMA_VERSION >= 13
        assert con.execute("SELECT value FROM fitgap_meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),)
        for t in CUSTOM_VENDOR_TABLES:
            assert con.execute(f"SELECT COUNT(*) FROM {t.__tablename__}").fetchone() == (0,)
        cols = {r[1] for r in con.execute("PRAGMA table_info(custom_vendor_answer)")}
        assert {"vendor_id", "operation_code", "function_code", "answer", "standard_ids", "cost_kyen",
                "comment", "export_id", "revision", "received_at", "superseded"} <= cols
        assert con.execute("SELECT code, name, deadline FROM operation ORDER BY code").fetchall() == before
    finally:
        con.close()
