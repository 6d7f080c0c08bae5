"""The overview read with sqlite3 alone (``fitgap status``, the workbench's first screen) is the overview
read through the database layer, number for number; a database that needs anything first is left to it."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

from fitgap.config import sqlite_url
from fitgap.services import status
from fitgap.services.catalog import init_database
from fitgap.services.custom_demo import generate_demo_inventory
from fitgap.services.database import open_db
from fitgap.services.demo import generate_demo

TODAY = date(2026, 12, 2)
OLD = Path(__file__).parents[2] / "data" / "upgrade" / "schema3.db"


def test_the_quick_overview_is_the_overview(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "f.db")
    init_database(url=url, user="t", municipality="札幌市", prefecture="北海道")
    db = open_db(url=url)
    generate_demo(db=db, total=2_000, seed=3, user="t")
    generate_demo_inventory(db=db, user="t", seed=3)
    with db.write() as session:  # 要再確認 and a decided option, so that every counter has something
        session.connection().exec_driver_sql("UPDATE assessment SET needs_review = 1 WHERE id % 7 = 0")
    full = status.get_overview(db=db, today=TODAY)
    db.dispose()
    quick = status.quick_overview(url=url, today=TODAY)
    assert quick == full
    assert full.municipality == "北海道 札幌市" and full.demo
    assert full.total("needs_review") > 0 and full.total("must_gaps") > 0 and full.total("custom_undecided") > 0
    assert {o.version_label for o in full.operations if o.requirements} == {"デモ版"}


def test_a_database_that_needs_anything_first_is_not_read_quickly(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(OLD, old)
    assert status.quick_overview(url=sqlite_url(old), today=TODAY) is None  # to be upgraded first
    assert status.quick_overview(url=sqlite_url(tmp_path / "missing.db"), today=TODAY) is None
    assert not (tmp_path / "missing.db").exists()
    foreign = tmp_path / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    assert status.quick_overview(url=sqlite_url(foreign), today=TODAY) is None
    text = tmp_path / "text.db"
    text.write_text("hello", encoding="utf-8")
    assert status.quick_overview(url=sqlite_url(text), today=TODAY) is None
    assert status.quick_overview(url="postgresql://u@localhost/fitgap", today=TODAY) is None
    assert old.read_bytes() == OLD.read_bytes()  # nothing written by looking
