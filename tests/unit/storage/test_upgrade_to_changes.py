"""A database made by the release before 改修 items is upgraded in place: its systems, links and milestones
intact, the table of 改修 items added, each crossing link's item shown at once and saved by the next init."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

from fitgap.config import sqlite_url
from fitgap.domain.enums import ChangeStatus
from fitgap.services import changes, systems
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.storage.schema import SCHEMA_VERSION

FIXTURE = Path(__file__).parents[2] / "data" / "upgrade"
TODAY = date(2026, 12, 1)


def _rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_schema3_database_keeps_systems_links_and_milestones_and_gains_change_items(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE / "schema3.db", path)
    systems_before = _rows(path, "SELECT * FROM system ORDER BY id")
    links_before = _rows(path, "SELECT * FROM integration ORDER BY id")
    milestones_before = _rows(path, "SELECT * FROM milestone ORDER BY id")
    assert "interface_change" not in {t for (t,) in _rows(path, "SELECT name FROM sqlite_master WHERE type='table'")}

    db = open_db(url=sqlite_url(path))
    try:
        assert _rows(path, "SELECT value FROM fitgap_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        # schema 9 adds deadline_reason (empty) at the end of each system row
        assert [row[:-1] for row in _rows(path, "SELECT * FROM system ORDER BY id")] == systems_before
        assert {row[-1] for row in _rows(path, "SELECT * FROM system ORDER BY id")} <= {""}
        assert _rows(path, "SELECT * FROM integration ORDER BY id") == links_before
        assert _rows(path, "SELECT * FROM milestone ORDER BY id") == milestones_before
        assert _rows(path, "SELECT COUNT(*) FROM interface_change") == [(0,)]
        shown = changes.get_changes(db=db, today=TODAY).items
        assert shown and len(shown) <= len(links_before)
        assert all(not v.saved and v.item.status == ChangeStatus.NOT_STARTED for v in shown)
        links = {(lk.provider, lk.consumer) for lk in systems.list_links(db=db)}
        assert {(v.provider, v.consumer) for v in shown} <= links
    finally:
        db.dispose()
    result = init_database(url=sqlite_url(path), user="u")
    assert result.changes_added == len(shown)
    assert _rows(path, "SELECT COUNT(*) FROM interface_change") == [(len(shown),)]
    assert [row[:-1] for row in _rows(path, "SELECT * FROM system ORDER BY id")] == systems_before  # init leaves them
