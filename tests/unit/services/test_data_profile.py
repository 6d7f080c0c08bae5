"""データ要件, profiling an extract of the current data: counts per item, and no record or value stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from fitgap.config import sqlite_url
from fitgap.domain.models import AuditEvent, DataProfile
from fitgap.errors import InvalidInputError
from fitgap.services import data_items as data
from fitgap.services.catalog import init_database
from fitgap.services.data_profile import profile_extract
from fitgap.services.database import open_db
from fitgap.storage.db import Database
from tests.conftest import dump_database
from tests.data_books import sample_book, write_book

NAMES = ("鰐淵　寅之助", "髙橋　籾子", "佐藤 鵯彦")  # personal values that must never reach the database


@pytest.fixture
def listed(db: Database, tmp_path: Path) -> Database:
    """The generated 印鑑登録 list (002): X 15 IDs, 氏名 Ｎ 100, DATE, 登録状態 9 with code list 1, 9V 7,2 …"""
    data.import_lists(db=db, user="tester", paths=[write_book(sample_book(), tmp_path / "book.xlsx")])
    return db


def _cp932_extract(path: Path) -> Path:
    """CP932 as a current system writes it: 髙 (IBM extension, outside JIS X 0213) and a user-defined
    character (F040, read as U+E000) in names; every check has a value that trips it."""
    lines = [
        "00200001,氏名,登録年月日,登録状態,手数料,00200008,ITEM103",
        f"000000000000001,{NAMES[0]},2024-02-29,1,300.00,131016,1",
        f"000000000000002,{NAMES[1]},2023-02-29,2,12345678.5,1310160,9",  # bad date, over-length twice, code 9
        f"0000000000000003,{NAMES[2]},2024/04/01,9,,13101６,",  # 16 chars, half-width space in Ｎ, Ｘに全角
        ",,,,,,",
    ]
    raw = "\r\n".join(lines).encode("cp932").replace("佐藤".encode("cp932"), "佐".encode("cp932") + b"\xf0\x40")
    path.write_bytes(raw + b"\r\n")
    return path


def test_a_cp932_extract_is_counted_per_item(listed: Database, tmp_path: Path) -> None:
    r = profile_extract(db=listed, user="tester", path=_cp932_extract(tmp_path / "extract.csv"))
    assert (r.encoding, r.rows, r.ragged_rows, r.unmatched) == ("CP932（Shift_JIS）", 4, 0, [])
    by_id = {p.item_id: p for p in r.items}
    assert {p.item_id: p.how for p in r.items} == {
        "00200001": "データ項目ID", "00200003": "データ項目", "00200004": "データ項目", "00200005": "データ項目",
        "00200006": "データ項目", "00200008": "データ項目ID", "00200103": "ローマ字"}
    ids, name, when, state, fee, city, how = (by_id[i].counts for i in (
        "00200001", "00200003", "00200004", "00200005", "00200006", "00200008", "00200103"))
    assert (ids.rows, ids.empty, ids.max_length, ids.over_length) == (4, 1, 16, 1)
    assert by_id["00200001"].required and ids.empty == 1  # 必須: the CLI says so
    assert (name.halfwidth_in_n, name.max_length, name.gaiji) == (1, 6, {"髙": 1, "\ue000": 1})
    assert (when.bad_dates, when.empty) == (2, 1)
    assert (state.outside_codes, by_id["00200005"].code_check) == (1, "標準コード")
    assert (fee.over_length, fee.empty) == (1, 2)
    assert (city.over_length, city.fullwidth_in_x) == (1, 1)
    assert how.outside_codes == 1 and by_id["00200103"].code_check == "標準コード"

    stored = {p.item_id: p for p in data.list_items(db=listed, flt=data.DataFilter(operation_code="002"))}
    assert stored["00200003"].gaiji == (("髙", 1), ("\ue000", 1))
    detail = data.get_item(db=listed, item_id="00200004").profile
    assert detail is not None and (detail["rows"], detail["bad_dates"], detail["column"]) == (4, 2, "登録年月日")


def test_nothing_but_counts_and_the_gaiji_characters_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "fitgap.db"
    init_database(url=sqlite_url(path), user="tester")
    db = open_db(url=sqlite_url(path))
    try:
        data.import_lists(db=db, user="tester", paths=[write_book(sample_book(), tmp_path / "book.xlsx")])
        extract = tmp_path / "utf8.csv"
        extract.write_text("\ufeff00200001,00200003\n000000000000001,𠮷野　寅之助\n000000000000002,鰐淵　寅之助\n",
                           encoding="utf-8")
        r = profile_extract(db=db, user="tester", path=extract)
        assert r.encoding == "UTF-8（BOM付き）"
        profile_extract(db=db, user="tester", path=_cp932_extract(tmp_path / "extract.csv"))
        with db.read() as s:
            profiles = {p.item_id: p for p in s.exec(select(DataProfile))}
            events = [e for e in s.exec(select(AuditEvent)) if e.action == "data.profile"]
    finally:
        db.dispose()
    assert json.loads(profiles["00200003"].gaiji) == {"髙": 1, "\ue000": 1}  # replaced by the second profile
    assert len(events) == 2 and json.loads(events[1].new_value or "{}")["rows"] == 4
    # no value of the extract anywhere: not in any table, not in the file's bytes (WAL included)
    texts = [str(v) for rows in dump_database(path).values() for row in rows for v in row if isinstance(v, str)]
    for value in (*NAMES, "鰐淵", "寅之助", "籾子", "鵯彦", "𠮷野", "000000000000002", "2023-02-29", "12345678.5", "13101６"):
        assert not any(value in t for t in texts), value
        blob = b"".join(p.read_bytes() for p in tmp_path.glob("fitgap.db*"))
        for enc in ("utf-8", "utf-16-le"):
            assert value.encode(enc) not in blob, value


def test_codes_are_checked_against_the_mapping_when_there_is_one(listed: Database, tmp_path: Path) -> None:
    data.set_codes(db=listed, user="tester", item_id="00200005", pairs=[("A", "1"), ("B", "2")])
    extract = tmp_path / "codes.csv"
    extract.write_text("登録状態\tKOFU\nA\t1\nB\t1\n1\t3\n\t\n", encoding="cp932")
    mapping = tmp_path / "map.csv"
    mapping.write_text("列名,データ項目ID\nKOFU,002-00103\n", encoding="utf-8")
    r = profile_extract(db=listed, user="tester", path=extract, mapping=mapping, operation_code="002")
    by_id = {p.item_id: p for p in r.items}
    assert (by_id["00200005"].code_check, by_id["00200005"].counts.outside_codes) == ("対応表", 1)
    assert (by_id["00200103"].how, by_id["00200103"].counts.outside_codes) == ("対応表", 0)
    assert r.rows == 4 and by_id["00200005"].counts.empty == 1


def test_a_toml_mapping_unmatched_columns_and_ragged_rows(listed: Database, tmp_path: Path) -> None:
    extract = tmp_path / "x.csv"
    extract.write_text("SHIMEI,BIKO,,shimei\n山田　太郎,memo\n佐藤　花子,,,x,extra\n", encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\nSHIMEI = "00200003"\nGONE = "00200004"\n', encoding="utf-8")
    r = profile_extract(db=listed, user="tester", path=extract, mapping=mapping, operation_code="002")
    assert [(p.item_id, p.column, p.counts.rows) for p in r.items] == [("00200003", "SHIMEI", 2)]
    assert [(u.index, u.header) for u in r.unmatched] == [(1, "BIKO"), (2, ""), (3, "shimei")]
    assert r.ragged_rows == 2 and r.unused_mapping == ["GONE"]


@pytest.mark.parametrize(("content", "mapping", "words"), [
    (None, None, "見つかりません"),
    (b"A,B\n1,2\n", None, "どのデータ項目にも対応しません"),
    ("00200003\n".encode("utf-16"), None, "テキストの CSV ではありません"),
    (b"00200003\n\x81\x20\n", None, "文字コードを判別できません"),
    ("00200003\n山田太郎\n".encode() + "佐藤\n".encode("cp932"), None, "文字コードの混在"),
    (b"00200003\n" + "山田\n".encode() * 200_000 + "佐藤\n".encode("cp932"), None, "行目より後に UTF-8 として読めない文字があります"),
    ('00200003\n"山田\n'.encode(), None, "引用符"),
    ("SHIMEI\n山田\n".encode(), "SHIMEI,03199999\n", "03199999 は現行の基本データリストにありません"),
    ("SHIMEI\n山田\n".encode(), "列名,ID\nSHIMEI,abc\n", "読めない行があります"),
    ("SHIMEI\n山田\n".encode(), "SHIMEI,abc\n", "対応が1つもありません"),
    (b"", None, "見出し行がありません"),
], ids=["missing", "no-column", "utf16", "neither", "mixed", "mixed-late", "quote", "unknown-id", "bad-map-row",
        "empty-map", "empty"])
def test_bad_input_changes_nothing(listed: Database, db_url: str, tmp_path: Path, content: bytes | None,
                                   mapping: str | None, words: str) -> None:
    if db_url.startswith("sqlite"):
        before = dump_database(tmp_path / "fitgap.db")
    extract = tmp_path / "bad.csv"
    if content is not None:
        extract.write_bytes(content)
    map_file = None
    if mapping is not None:
        map_file = tmp_path / "map.csv"
        map_file.write_text(mapping, encoding="utf-8")
    with pytest.raises(InvalidInputError) as exc:
        profile_extract(db=listed, user="tester", path=extract, mapping=map_file)
    assert words in str(exc.value)
    with listed.read() as s:
        assert list(s.exec(select(DataProfile))) == []
    if db_url.startswith("sqlite"):
        assert dump_database(tmp_path / "fitgap.db") == before


def test_no_list_imported_or_unknown_operation(db: Database, listed: Database, tmp_path: Path) -> None:
    extract = tmp_path / "x.csv"
    extract.write_text("00200003\n山田\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="業務 099 の基本データリストが取り込まれていません"):
        profile_extract(db=db, user="tester", path=extract, operation_code="099")


def test_a_long_extract_streams_in_batches_and_reports_progress(listed: Database, tmp_path: Path) -> None:
    extract = tmp_path / "long.csv"
    with extract.open("w", encoding="utf-8", newline="") as fh:
        fh.write("00200003,00200004\n")
        for n in range(10_000):
            fh.write(f"名前{n % 7},{'2024-01-01' if n % 10 else '2024-13-01'}\n")
    seen: list[tuple[int, int]] = []
    r = profile_extract(db=listed, user="tester", path=extract, progress=lambda d, t: seen.append((d, t)))
    by_id = {p.item_id: p.counts for p in r.items}
    assert r.rows == 10_000 and by_id["00200004"].bad_dates == 1_000 and by_id["00200003"].halfwidth_in_n == 10_000
    assert len(seen) >= 3 and seen[-1][0] == seen[-1][1] == extract.stat().st_size
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
