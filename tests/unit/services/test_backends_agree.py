"""SQLite and PostgreSQL behave the same: search ignores case and width on both; IDs over the column's size
and NUL characters are dealt with at import, with the same message on both; migrate-db never meets a row
it cannot copy (and says which, without dumping data, when an older database holds one)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fitgap.config import sqlite_url
from fitgap.errors import FitGapError
from fitgap.services import migration
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.services.items import ItemFilter, count_items
from fitgap.services.specs_import import import_spec

LIST = ("機能ID,機能名称,機能要件,実装区分\n"
        "0010001,PDF出力,帳票をPDFで出力できること。,実装必須機能\n"
        "0010002,ＰＤＦ保存,全角のＰＤＦで保存できること。,実装必須機能\n"
        "0010003,ｐｄｆ変換,小文字のｐｄｆに変換できること。,標準オプション機能\n"
        "0010004,印刷,紙に印刷できること。,実装必須機能\n")


def _import(url: str, path: Path, **kw: object) -> object:
    db = open_db(url=url)
    try:
        return import_spec(db=db, path=path, user="t", operation="001", version="第9.0版", **kw)  # type: ignore[arg-type]
    finally:
        db.dispose()


@pytest.mark.parametrize("query", ["pdf", "PDF", "ＰＤＦ", "Pdf", "pd", "ＰＤ"])
def test_search_ignores_case_and_width_on_each_backend(backend_url: str, tmp_path: Path, query: str) -> None:
    init_database(url=backend_url, user="t")
    path = tmp_path / "list.csv"
    path.write_text(LIST, encoding="utf-8")
    _import(backend_url, path)
    db = open_db(url=backend_url)
    try:
        assert count_items(db=db, flt=ItemFilter(operation_code="001", text=query)) == 3
    finally:
        db.dispose()


def test_long_ids_and_nul_characters_are_dealt_with_at_import_on_each_backend(backend_url: str,
                                                                              tmp_path: Path) -> None:
    init_database(url=backend_url, user="t")
    path = tmp_path / "list.csv"
    path.write_text("機能ID,機能名称,機能要件,実装区分\n"
                    f"{'0' * 70},長いID,本文,実装必須機能\n", encoding="utf-8")
    with pytest.raises(FitGapError) as refused:
        _import(backend_url, path)
    assert "長すぎます" in refused.value.message and "64" in refused.value.message
    filler = "".join(f"00100{n:02d},名称{n},{'本文' * 40},実装必須機能\n" for n in range(10, 60))  # past the sniffed head
    path.write_text("機能ID,機能名称,機能要件,実装区分\n" + filler + "0010001,名称\x00,本文\x00です,実装必須機能\n",
                    encoding="utf-8")
    report = _import(backend_url, path)
    assert report.stripped_chars == 2  # type: ignore[attr-defined]
    db = open_db(url=backend_url)
    try:
        assert count_items(db=db, flt=ItemFilter(operation_code="001", text="本文です")) == 1
    finally:
        db.dispose()


@pytest.mark.postgres
def test_migrate_db_names_values_the_server_cannot_store_without_dumping_them(db, db_path: Path,
                                                                              postgres_url: str) -> None:
    db.dispose()
    con = sqlite3.connect(db_path)  # what an older fitgap let in
    con.execute("INSERT INTO assessment (operation_code, kind, req_id, status, note, needs_review, archived, revision)"
                " VALUES ('001', '機能', '1.1.1-必須', '適合', 'secret' || char(0) || 'note', 0, 0, 1)")
    con.commit()
    con.close()
    with pytest.raises(FitGapError) as refused:
        migration.migrate(source_url=sqlite_url(db_path), target=postgres_url, user="t")
    text = str(refused.value)
    assert "assessment" in text and "note" in text and "NUL" in text and "secret" not in text


# ---- one search form: NFKC, then the Latin capitals only (text.search_form) ---------------------------------

NAMES = {"0010001": "İstanbul支所の窓口", "0010002": "ISTANBUL事務所", "0010003": "ΑΒΓ区分の管理",
         "0010004": "αβγ区分の照会", "0010005": "ｶﾅ氏名の表示", "0010006": "カナ氏名の検索", "0010007": "Ⅰ型の申請",
         "0010008": "I型の届出", "0010009": "ＰＤＦ出力", "0010010": "印刷"}
QUERIES = ["I", "Ⅰ", "İ", "i", "istanbul", "İstanbul", "ISTANBUL", "İs", "ist", "αβγ", "ΑΒΓ", "α", "ｶﾅ", "カナ",
           "ｶﾅ氏名", "pdf", "ＰＤＦ", "Ⅰ型", "i型", "型 申請"]


def _expected(query: str, texts: dict[str, str]) -> set[str]:
    from fitgap.domain.text import search_form

    return {key for key, text in texts.items() if all(t in search_form(text) for t in search_form(query).split())}


def test_search_folds_case_the_same_way_on_each_backend(backend_url: str, tmp_path: Path) -> None:
    """İ, Ⅰ, full-width letters and half-width kana: one normalisation (NFKC, then A–Z lowered and no other
    case), so a query finds the same requirements and the same current functions on SQLite (its indexes
    and LIKE) and on PostgreSQL, whatever the server's locale."""
    from fitgap.domain.custom import FunctionRecord
    from fitgap.services.custom import FunctionFilter, count_functions, list_functions
    from fitgap.services.custom_import import import_functions
    from fitgap.services.items import item_keys

    init_database(url=backend_url, user="t")
    path = tmp_path / "list.csv"
    path.write_text("機能ID,機能名称,機能要件,実装区分\n"
                    + "".join(f"{rid},{name},{name}ができること。,実装必須機能\n" for rid, name in NAMES.items()),
                    encoding="utf-8")
    _import(backend_url, path)
    db = open_db(url=backend_url)
    try:
        import_functions(db=db, user="t", records=[FunctionRecord("001", f"F-{rid[-2:]}", name)
                                                   for rid, name in NAMES.items()])
        texts = {rid: f"{rid} {name} {name}ができること。" for rid, name in NAMES.items()}
        functions = {f"F-{rid[-2:]}": f"F-{rid[-2:]} {name}" for rid, name in NAMES.items()}
        for query in QUERIES:
            found = {k.req_id for k in item_keys(db=db, flt=ItemFilter(operation_code="001", text=query))}
            assert found == _expected(query, texts), query
            listed = {r.key.code for r in list_functions(db=db, flt=FunctionFilter(text=query))}
            assert listed == _expected(query, functions), query
            assert count_functions(db=db, flt=FunctionFilter(text=query)) == len(listed), query
        # what the issue saw: I, Ⅰ, İ and istanbul found 「İstanbul」 on PostgreSQL but not on SQLite
        assert "0010001" not in _expected("istanbul", texts) and "0010001" in _expected("İstanbul", texts)
    finally:
        db.dispose()
