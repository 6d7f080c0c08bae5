"""Schema 9 → 10: the 改修 items gain interim_done (the interim step of a two-step item); every item and its
values are kept, and the next init removes only the seeded items nobody touched, saying how many."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from fitgap.config import sqlite_url
from fitgap.domain.enums import ChangeStatus
from fitgap.services import change_sync, changes, system_graph
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.storage import changes as change_store
from fitgap.storage.schema import SCHEMA_VERSION


def _as_schema_9(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("ALTER TABLE interface_change DROP COLUMN interim_done")
        con.execute("UPDATE fitgap_meta SET value = '9' WHERE key = 'schema_version'")
        con.commit()
    finally:
        con.close()


def test_a_schema_9_database_keeps_its_items_and_init_prunes_only_the_untouched(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = sqlite_url(path)
    init_database(url=url, user="u")
    db = open_db(url=url)
    try:  # what the release before seeded: one 未着手 item per typical link
        with db.write() as session:
            sg = system_graph.load_graph_in(session)
            change_store.insert_changes(session=session, rows=[change_sync.default_row(sg, p) for p in sorted(sg.links)])
        changes.update_change(db=db, user="山田", provider="住民記録システム", consumer="国民年金システム",
                              status="改修中", planned=date(2027, 1, 4), today=date(2026, 12, 1))
    finally:
        db.dispose()
    _as_schema_9(path)
    con = sqlite3.connect(path)
    before = con.execute("SELECT provider_id, consumer_id, status, planned, revision FROM interface_change "
                         "ORDER BY id").fetchall()
    con.close()
    db = open_db(url=url)
    db.dispose()
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT value FROM fitgap_meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),)
        assert con.execute("SELECT provider_id, consumer_id, status, planned, revision FROM interface_change "
                           "ORDER BY id").fetchall() == before
        assert con.execute("SELECT COUNT(*) FROM interface_change WHERE interim_done IS NOT NULL").fetchone() == (0,)
    finally:
        con.close()
    result = init_database(url=url, user="u")
    assert (result.changes_removed, len(before)) == (52, 53)
    db = open_db(url=url)
    try:
        [kept] = changes.get_changes(db=db, today=date(2026, 12, 1)).items
        assert (kept.consumer, kept.item.status, kept.item.revision) == ("国民年金システム", ChangeStatus.IN_PROGRESS, 1)
    finally:
        db.dispose()
