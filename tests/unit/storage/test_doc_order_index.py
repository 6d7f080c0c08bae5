"""Schema 8: the list of all operations in document order takes its first page from an index instead of
sorting every current requirement; an upgraded database gets the index too. (Since issue 23 that list
shows each operation's document whole, in 政令順: a page is read one operation at a time, each through the
index.)"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from fitgap.config import sqlite_url
from fitgap.services.database import open_db
from fitgap.services.demo import generate_demo
from fitgap.services.items import ItemFilter, list_items
from fitgap.storage.schema import DOC_ORDER_INDEX

OLD = Path(__file__).parents[2] / "data" / "upgrade" / "schema3.db"


def _indexes(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        con.close()


def test_the_first_page_of_all_requirements_comes_from_the_index(db, db_path: Path) -> None:
    generate_demo(db=db, total=600, seed=2, user="t")
    assert DOC_ORDER_INDEX in _indexes(db_path)
    seen: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith("SELECT requirement.operation_code"):
            seen.append((statement, params))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        rows = list_items(db=db, flt=ItemFilter(), limit=50)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    assert len(rows) == 50 and len(seen) == 2  # 30 requirements per operation: the first two operations
    assert [r.key.operation_code for r in rows] == ["027"] * 30 + ["028"] * 20  # 政令順, each whole
    con = sqlite3.connect(db_path)
    for statement, params in seen:
        plan = " | ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + statement, params))
        page_choice = plan.split("SCAN chosen")[0]  # then only the page's rows are joined and ordered
        assert DOC_ORDER_INDEX in page_choice and "USE TEMP B-TREE FOR ORDER BY" not in page_choice, plan
    con.close()


def test_an_upgraded_database_has_the_index(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(OLD, path)
    assert DOC_ORDER_INDEX not in _indexes(path)
    open_db(url=sqlite_url(path)).dispose()
    assert DOC_ORDER_INDEX in _indexes(path)
