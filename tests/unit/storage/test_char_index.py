"""One- and two-character searches come from the character index and find exactly what a substring filter finds."""

from __future__ import annotations

import csv
import itertools
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from fitgap.config import sqlite_url
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.services.demo import generate_demo
from fitgap.services.items import ItemFilter, count_items, item_keys, prepare_search
from fitgap.services.specs_import import import_spec
from fitgap.storage import char_index, items
from fitgap.storage.db import Database
from fitgap.storage.schema import SCHEMA_VERSION

TRICKY = [
    ("0270001", "除票の写しの交付", "住民票の除票を交付できること。\n転出・死亡の除票も対象とする。"),
    ("0270002", "税額 計算", "税額の計算（再計算を含む）ができること。"),
    ("0270003", "ABC-Code の管理", "abc と Ｘｙｚ（全角）と ｶﾀｶﾅ を扱えること。100% 対応_済"),
    ("0270004", "空白　を含む名称", "転\u3000出 と 転 出 は続いていない。改行の前\n後も続いていない。"),
    ("0270005", "記号の扱い", "※注記、「括弧」、【見出し】、①②、〒100-0001、★☆、😀、café と cafe。"),
    ("0270006", "引用符", 'He said "ok" and \'fine\'; a\tb; α β Ω ω'),
]


def _plain(rows: list[tuple[str, str, str]], text: str) -> set[str]:
    """The substring filter the index must agree with: every term of the query (as the search entry point
    normalises it) in the NFKC form of the ID, the name or the text (the form both indexes hold, so search
    ignores width), like LIKE '%term%' (ASCII case-insensitive)."""
    def low(s: str) -> str:
        return "".join(c.lower() if c.isascii() else c for c in s)

    terms = ItemFilter(text=text).terms()
    return {r[0] for r in rows if all(any(low(t) in low(unicodedata.normalize("NFKC", f)) for f in r) for t in terms)}


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """The character index is SQLite's (FTS5): these tests run on SQLite only (PostgreSQL uses LIKE)."""
    init_database(url=sqlite_url(db_path), user="tester")
    handle = open_db(url=sqlite_url(db_path))
    yield handle
    handle.dispose()


@pytest.fixture
def searchable(db: Database, tmp_path: Path) -> tuple[Database, list[tuple[str, str, str]]]:
    path = tmp_path / "児童手当_第9.0版.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["機能ID", "機能名称", "機能要件", "実装区分"])
        for rid, name, text in TRICKY:
            w.writerow([rid, name, text, "実装必須機能"])
    import_spec(db=db, path=path, user="tester", operation="027")
    return db, [(rid, name, text) for rid, name, text in TRICKY]


def _found(db: Database, term: str) -> set[str]:
    return {k.req_id for k in item_keys(db=db, flt=ItemFilter(operation_code="027", text=term))}


def test_short_terms_find_exactly_what_a_substring_filter_finds(searchable) -> None:
    db, rows = searchable
    alphabet = sorted({c for r in rows for f in r for c in f if not c.isspace()})
    terms = [*alphabet, "除票", "税額", "転出", "転\u3000", "計算", "ab", "AB", "Ab", "xy", "ｘｙ", "Ｘｙ", "ｶﾀ",
                              "0%", "%", "_", "_済", "é", "e。", "😀", "α", "Α", "ω", "Ω", '"o', "'f", "①②", "。\n",
                              "前後", "る。", "ok", "OK", "10", "00"]
    terms += ["".join(p) for p in itertools.islice(itertools.permutations("除票転出税額の写", 2), 40)]
    for term in terms:
        assert _found(db, term) == _plain(rows, term), term


def test_a_mixed_query_of_short_and_long_terms(searchable) -> None:
    db, _ = searchable
    assert _found(db, "除票 交付できる") == {"0270001"}
    assert _found(db, "税額 abc") == set()
    assert _found(db, "ab 管理") == {"0270003"}


def test_short_terms_are_looked_up_in_the_index_not_scanned(searchable) -> None:
    db, _ = searchable
    with db.read() as session:
        conn = session.connection()
        where = items.build_where(conn, operation_code=None, terms=["除票"])
        sql = " ".join(str(w) for w in where)
        assert char_index.TABLE in sql and "LIKE" not in sql.upper()
        where = items.build_where(conn, operation_code=None, terms=["Ｘｙ"])  # LIKE keeps case outside ASCII
        assert char_index.TABLE in " ".join(str(w) for w in where)


def test_index_follows_imports_and_deletions(db: Database) -> None:
    generate_demo(db=db, total=200, seed=3, user="tester")
    before = count_items(db=db, flt=ItemFilter(text="台帳"))
    generate_demo(db=db, total=60, seed=4, user="tester")  # replaces the demo data (deletes, then inserts)
    with db.read() as session:
        conn = session.connection()
        indexed = conn.exec_driver_sql(f"SELECT count(*) FROM {char_index.TABLE}").scalar_one()
        total = conn.exec_driver_sql("SELECT count(*) FROM requirement").scalar_one()
    prepare_search(db=db)
    with db.read() as session:
        conn = session.connection()
        assert conn.exec_driver_sql(f"SELECT count(*) FROM {char_index.TABLE}").scalar_one() == total
        assert indexed <= total
    after = count_items(db=db, flt=ItemFilter(text="台帳"))
    with db.read() as session:
        like = session.connection().exec_driver_sql(
            "SELECT count(*) FROM requirement WHERE current AND (req_id LIKE ?1 OR name LIKE ?1 OR text LIKE ?1)",
            ("%台帳%",)).scalar_one()
    assert after == like and before > 0 and after > 0


def test_schema_step_adds_the_index_to_an_older_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    init_database(url=sqlite_url(path), user="tester")
    raw = sa.create_engine(f"sqlite:///{path}")
    with raw.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE {char_index.TABLE}")
        conn.exec_driver_sql("DELETE FROM fitgap_meta WHERE key = ?", (char_index.UPTO_KEY,))
        conn.exec_driver_sql("UPDATE fitgap_meta SET value = '3' WHERE key = 'schema_version'")
    raw.dispose()
    db = open_db(url=sqlite_url(path))
    try:
        with db.read() as session:
            conn = session.connection()
            assert char_index.exists(conn)
            version = conn.exec_driver_sql("SELECT value FROM fitgap_meta WHERE key = 'schema_version'").scalar_one()
        assert int(version) == SCHEMA_VERSION
        assert count_items(db=db, flt=ItemFilter(text="住民")) > 0
        with db.read() as session:
            n = session.connection().exec_driver_sql(f"SELECT count(*) FROM {char_index.TABLE}").scalar_one()
        assert n > 0
    finally:
        db.dispose()


def test_indexes_built_before_they_held_the_nfkc_form_are_rebuilt_by_the_next_search(searchable) -> None:
    db, _rows = searchable
    prepare_search(db=db)
    with db.write() as session:  # what a database indexed before the NFKC form looks like: the raw text, no form
        conn = session.connection()
        conn.exec_driver_sql("DELETE FROM requirement_fts")
        conn.exec_driver_sql("INSERT INTO requirement_fts (rowid, req_id, name, text) "
                             "SELECT id, req_id, name, text FROM requirement")
        conn.exec_driver_sql(f"DELETE FROM {char_index.TABLE}")
        conn.exec_driver_sql(f"INSERT INTO {char_index.TABLE} (rowid, req_id, name, text) "
                             "SELECT id, req_id, name, text FROM requirement")
        conn.exec_driver_sql("DELETE FROM fitgap_meta WHERE key = 'search_index_form'")
    # Ｘｙｚ is stored full-width: only the NFKC form finds it by xyz (trigram) and by xy (characters)
    assert _found(db, "xyz") == {"0270003"} and _found(db, "xy") == {"0270003"}
    assert _found(db, "カタカナ") == {"0270003"}  # ｶﾀｶﾅ, half-width
