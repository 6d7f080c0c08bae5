"""Schema 13 → 14: the progress survey and each system's progress are added; the next init reads the bundled
survey into an upgraded database; everything else is kept as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fitgap.config import sqlite_url
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.storage.progress_step import PROGRESS_TABLES
from fitgap.storage.schema import SCHEMA_VERSION


def test_a_schema_13_database_gains_the_survey_and_system_progress(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = sqlite_url(path)
    init_database(url=url, user="u", municipality="海津市")
    con = sqlite3.connect(path)
    for t in reversed(PROGRESS_TABLES):
        con.execute(f"DROP TABLE {t.__tablename__}")
    con.execute("UPDATE fitgap_meta SET value = '13' WHERE key = 'schema_version'")
    con.commit()
    before = con.execute("SELECT code, name, deadline FROM operation ORDER BY code").fetchall()
    systems = con.execute("SELECT id, name FROM system ORDER BY id").fetchall()
    con.close()
    open_db(url=url).dispose()
    con = sqlite3.connect(path)
    try:
        assert SCHEMA_VERSION >= 14
        assert con.execute("SELECT value FROM fitgap_meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),)
        for t in PROGRESS_TABLES:
            assert con.execute(f"SELECT COUNT(*) FROM {t.__tablename__}").fetchone() == (0,)
        assert {"survey_id", "prefecture", "body_name", "body_code", "steps"} <= {
            r[1] for r in con.execute("PRAGMA table_info(survey_body)")}
        assert {"month", "credit", "operations", "columns", "bodies"} <= {
            r[1] for r in con.execute("PRAGMA table_info(progress_survey)")}
        assert {"system_id", "month", "steps", "delay_reason", "recorded_at", "recorded_by"} <= {
            r[1] for r in con.execute("PRAGMA table_info(system_progress)")}
        assert con.execute("SELECT code, name, deadline FROM operation ORDER BY code").fetchall() == before
        assert con.execute("SELECT id, name FROM system ORDER BY id").fetchall() == systems
    finally:
        con.close()
    result = init_database(url=url, user="u")  # the next init reads the bundled survey
    assert result.survey_loaded.startswith("進捗状況調査 2026-01")
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT month, bodies, bundled FROM progress_survey").fetchall() == [("2026-01", 1741, 1)]
        assert con.execute("SELECT COUNT(*) FROM survey_body").fetchone() == (1741,)
    finally:
        con.close()
    assert not init_database(url=url, user="u").survey_loaded  # read once
