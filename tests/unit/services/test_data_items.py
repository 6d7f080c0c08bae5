"""データ要件: the 基本データリスト imported as its own list, its versions, assessments and their rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from fitgap.domain.data_items import DataVerdict, Holding
from fitgap.domain.models import DataCode, DataItem
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.services import data_items as data
from fitgap.storage.db import Database
from tests.data_books import DataBook, DItem, revised, sample_book, write_book

OFFICIAL = Path(__file__).parents[3] / "standard_specs" / "data_lists" / \
    "031_jutogai-atenabango-kanri_item-definition.xlsx"


def _rows(db: Database) -> list[data.DataRow]:
    return data.list_items(db=db, flt=data.DataFilter(operation_code="002"))


def test_the_official_item_definition_imports_as_is(db_url: str) -> None:
    from fitgap.domain.models import Operation
    from fitgap.services.database import open_db
    from fitgap.storage.schema import open_database

    # a database with the catalog's operations but no bundled list, then the official workbook as published
    db = open_database(db_url, create=True, initialise=lambda s: s.add(Operation(
        code="031", order=21, name="共通機能：住登外者宛名番号管理", short_name="住登外", group="共通機能",
        ministry="デジタル庁", spec_document="共通機能標準仕様書", deadline=date(2026, 3, 31))))
    db.dispose()
    db = open_db(url=db_url)
    r = data.import_lists(db=db, user="u", paths=[OFFICIAL])
    assert r.problems == []
    [op] = r.operations
    assert (op.operation_code, op.items, op.codes) == ("031", 29, 6)
    with db.read() as s:
        items = list(s.exec(select(DataItem).order_by(DataItem.item_id)))
        codes = list(s.exec(select(DataCode)))
    assert [i.item_id for i in items] == [f"031{n:05d}" for n in range(1, 30)]
    first = items[0]
    assert (first.name, first.data_type, first.length, first.condition, first.primary_key, first.output_required) == (
        "宛名番号", "X", "15", "必須", True, True)
    assert first.group_name == "住登外者宛名基本情報"
    assert first.function_ids == "0310002" and first.spec_ref == "0310002住登外者宛名情報管理機能"
    by_id = {i.item_id: i for i in items}
    assert (by_id["03100003"].data_type, by_id["03100003"].length, by_id["03100003"].condition) == ("Ｎ", "100", "条件付き必須")
    assert by_id["03100003"].condition_note == "氏名未定でない場合は出力必須"
    assert (by_id["03100025"].data_type, by_id["03100025"].code_list) == ("9", "2")  # written "002"
    assert (by_id["03100011"].code_list, by_id["03100028"].data_type, by_id["03100029"].data_type) == ("1", "DATE", "TIME")
    assert sum(i.primary_key for i in items) == 1
    assert {(c.list_id, c.code, c.meaning) for c in codes} >= {("1", "1", "男"), ("1", "2", "女"), ("2", "0", "代表宛名")}
    # its code list is shown with the item
    detail = data.get_item(db=db, item_id="03100011")
    assert [(c.code, c.meaning) for c in detail.codes] == [("0", "不明（未記入）"), ("1", "男"), ("2", "女")]
    assert detail.code_list_name == "性別"
    assert [f for f, _ in detail.functions] == ["0310002"]
    db.dispose()


def test_init_loads_the_bundled_list_and_the_same_file_again_changes_nothing(db: Database) -> None:
    counts = data.counts_by_operation(db=db)
    assert counts["031"].items == 29 and counts["031"].version == "2023-09-29 公開版"
    r = data.import_lists(db=db, user="u", paths=[OFFICIAL])
    assert r.operations[0].already == "2023-09-29 公開版"


def test_several_groups_9v_lengths_and_code_lists(db: Database, tmp_path: Path) -> None:
    path = write_book(sample_book(), tmp_path / "inkan.xlsx")
    r = data.import_lists(db=db, user="u", paths=[path], label="第1.0版")
    [op] = r.operations
    assert (op.operation_code, op.version, op.items, op.codes) == ("002", "第1.0版", 12, 9)
    rows = {x.item_id: x for x in _rows(db)}
    assert {x.group_name for x in rows.values()} == {"印鑑登録情報", "印鑑証明書交付情報"}
    assert rows["00200006"].length == "7,2" and rows["00200006"].data_type == "9V"
    assert rows["00200101"].primary_key and rows["00200102"].primary_key
    assert rows["00200005"].code_list == "1"
    assert all(x.verdict == DataVerdict.UNCHECKED for x in rows.values())


def test_a_revised_version_lists_changes_and_carries_assessments(db: Database, tmp_path: Path) -> None:
    book = sample_book()
    data.import_lists(db=db, user="u", paths=[write_book(book, tmp_path / "v1.xlsx")])
    data.set_items(db=db, user="u", item_ids=["00200001", "00200003", "00200006", "00200007"],
                   values={"holding": "保持"})
    r = data.import_lists(db=db, user="u", paths=[write_book(revised(book), tmp_path / "v2.xlsx")])
    [op] = r.operations
    assert op.version == "第2.0版"  # from the title
    assert op.added == ["00200105"] and op.removed == ["00200007"]
    changed = {c.item_id: c.fields for c in op.changed}
    assert changed == {"00200003": ["桁数"], "00200006": ["桁数"]}
    assert (op.carried, op.to_review, op.archived) == (1, 2, 1)
    rows = {x.item_id: x for x in _rows(db)}
    assert rows["00200001"].verdict == DataVerdict.READY  # unchanged definition: kept as it was
    assert rows["00200003"].verdict == DataVerdict.REVIEW and rows["00200003"].holding == Holding.HELD
    assert "00200007" not in rows
    # history of one item across versions
    assert data.get_item(db=db, item_id="00200003").history[-1] == ("第2.0版", ["桁数"])
    # assessing it again clears 要再確認
    data.set_items(db=db, user="u", item_ids=["00200003"], values={"holding": "保持"})
    assert {x.item_id: x for x in _rows(db)}["00200003"].verdict == DataVerdict.READY


def test_the_same_file_twice_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_book(sample_book(), tmp_path / "v1.xlsx")
    data.import_lists(db=db, user="u", paths=[path])
    r = data.import_lists(db=db, user="u", paths=[path])
    assert r.operations[0].already
    with db.read() as s:
        assert len(list(s.exec(select(DataItem).where(DataItem.operation_code == "002")))) == 12


def test_a_dry_run_stores_nothing(db: Database, tmp_path: Path) -> None:
    r = data.import_lists(db=db, user="u", paths=[write_book(sample_book(), tmp_path / "v1.xlsx")], dry_run=True)
    assert r.operations[0].items == 12
    assert _rows(db) == []


def test_an_unknown_business_code_is_refused(db: Database, tmp_path: Path) -> None:
    book = DataBook(business_code="777", items=[DItem(1, "謎", "G")])
    with pytest.raises(InvalidInputError, match="業務コード 777"):
        data.import_lists(db=db, user="u", paths=[write_book(book, tmp_path / "x.xlsx")])
    assert _rows(db) == []


def test_a_requirement_list_is_refused_with_the_right_command(db: Database, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["機能ID", "機能名称", "要件", "実装区分"])
    ws.append(["0010001", "転入", "転入できること", "実装必須機能"])
    wb.save(tmp_path / "req.xlsx")
    with pytest.raises(InvalidInputError) as e:
        data.import_lists(db=db, user="u", paths=[tmp_path / "req.xlsx"])
    assert "import-spec" in (e.value.hint or "")


def test_rows_with_bad_ids_and_types_are_reported(db: Database, tmp_path: Path) -> None:
    book = sample_book()
    book.items.append(DItem(9, "型不明", "印鑑登録情報", "Z", 3))
    book.items.append(DItem(10, "条件なし", "印鑑登録情報", "X", 3, "条件付き必須"))
    path = write_book(book, tmp_path / "x.xlsx")
    r = data.import_lists(db=db, user="u", paths=[path])
    messages = [p.message for p in r.problems]
    assert any("00200009" in m and "データ型「Z」" in m for m in messages)
    assert any("00200010" in m and "※※" in m for m in messages)
    assert r.operations[0].items == 14  # kept, with the problem said


def test_blockers_findings_and_codes(db: Database, tmp_path: Path) -> None:
    data.import_lists(db=db, user="u", paths=[write_book(sample_book(), tmp_path / "v1.xlsx")])
    data.set_items(db=db, user="u", item_ids=["00200002"], values={"holding": "未保持"})
    data.set_items(db=db, user="u", item_ids=["00200006"], values={"holding": "未保持"})  # 任意: not a blocker
    data.set_items(db=db, user="u", item_ids=["00200003"],
                   values={"holding": "保持", "current_type": "X", "current_length": "120"})
    data.set_items(db=db, user="u", item_ids=["00200008"],
                   values={"holding": "保持", "current_type": "X", "current_length": "5"})
    data.set_items(db=db, user="u", item_ids=["00200004"], values={"holding": "保持", "current_type": "和暦"})
    rows = {x.item_id: x for x in _rows(db)}
    assert rows["00200002"].verdict == DataVerdict.BLOCKER and "未保持" in rows["00200002"].blocker_reason
    assert rows["00200006"].verdict == DataVerdict.TODO
    assert rows["00200003"].findings == ("半角→全角の変換が必要", "桁数超過（現行 120 桁 > 標準 100 桁）")
    assert rows["00200008"].findings == ("5桁→6桁 団体コード（検査数字を付加）",)
    assert rows["00200004"].findings == ("和暦→西暦の変換が必要",)
    # a plan lifts the blocker
    data.set_items(db=db, user="u", item_ids=["00200002"], values={"method": "手入力"})
    assert {x.item_id: x for x in _rows(db)}["00200002"].verdict == DataVerdict.TODO
    # codes: unmapped current codes are counted, a code outside the standard list too
    r = data.set_codes(db=db, user="u", item_id="00200103", pairs=[("A", "1"), ("B", "9"), ("C", "")])
    assert r.not_in_list == ["9"] and r.unmapped == 2
    counts = data.counts_by_operation(db=db)["002"]
    assert (counts.items, counts.assessed, counts.blockers, counts.unmapped_items, counts.unmapped_codes) == (
        12, 5, 0, 1, 2)
    with pytest.raises(InvalidInputError, match="コードがありません"):
        data.set_codes(db=db, user="u", item_id="00200001", pairs=[("A", "1")])


def test_undo_and_a_colleagues_change(db: Database, tmp_path: Path) -> None:
    data.import_lists(db=db, user="u", paths=[write_book(sample_book(), tmp_path / "v1.xlsx")])
    first = data.set_items(db=db, user="a", item_ids=["00200001"], values={"holding": "保持", "note": "住基テーブル"})
    rev = _rows(db)[0].revision
    data.set_items(db=db, user="b", item_ids=["00200001"], values={"note": "B のメモ"})
    stale = data.set_items(db=db, user="a", item_ids=["00200001"], values={"note": "A の続き"},
                           expected_revisions={"00200001": rev})
    assert stale.changed == [] and [c.item_id for c in stale.conflicts] == ["00200001"]
    assert _rows(db)[0].note == "B のメモ"
    undone = data.undo(db=db, user="a", batch=first.batch or "")
    assert [c.item_id for c in undone.conflicts] == ["00200001"]  # changed since by b: left alone
    later = data.set_items(db=db, user="a", item_ids=["00200002"], values={"holding": "紙のみ"})
    data.undo(db=db, user="a", batch=later.batch or "")
    assert {x.item_id: x for x in _rows(db)}["00200002"].holding is None


def test_bad_values_are_refused_and_unknown_ids_named(db: Database, tmp_path: Path) -> None:
    data.import_lists(db=db, user="u", paths=[write_book(sample_book(), tmp_path / "v1.xlsx")])
    with pytest.raises(InvalidInputError, match="保持状況「ある」"):
        data.set_items(db=db, user="u", item_ids=["00200001"], values={"holding": "ある"})
    with pytest.raises(InvalidInputError, match="現行の型"):
        data.set_items(db=db, user="u", item_ids=["00200001"], values={"current_type": "謎"})
    with pytest.raises(NotFoundError, match="00299999"):
        data.set_items(db=db, user="u", item_ids=["00299999"], values={"holding": "保持"})
    with pytest.raises(InvalidInputError, match="12"):
        data.set_items(db=db, user="u", item_ids=["12"], values={"holding": "保持"})


def test_demo_data_lists_cover_every_verdict_and_link_to_demo_functions(db: Database) -> None:
    from fitgap.services.demo import generate_demo

    result = generate_demo(db=db, total=400, seed=5, user="demo", inventory=False)
    assert result.data_items == 6 * 17
    rows = data.list_items(db=db)
    demo_rows = [r for r in rows if r.operation_code != "031"]
    assert {r.verdict for r in demo_rows} >= {DataVerdict.UNCHECKED, DataVerdict.BLOCKER, DataVerdict.TODO,
                                              DataVerdict.READY, DataVerdict.NOT_APPLICABLE}
    assert any(r.gaiji for r in demo_rows) and any(r.unmapped_codes for r in demo_rows)
    # the items name demo 機能IDs, and a requirement's detail finds them
    first = demo_rows[0]
    assert data.get_item(db=db, item_id=first.item_id).functions[0][1] != "（現行の標準仕様書にありません）"
    assert first.item_id in {r.item_id for r in data.items_for_function(db=db, req_id=first.function_ids[0])}
    # the bundled list is not the demo's: it stays as it was
    assert {r.operation_code for r in rows if r.operation_code == "031"} == {"031"}


def test_versions_and_their_diff_through_the_cli(cli, tmp_path: Path) -> None:
    assert cli("init").code == 0
    book = sample_book()
    assert cli("data", "import", str(write_book(book, tmp_path / "v1.xlsx")), "--version", "第1.0版").code == 0
    assert cli("data", "import", str(write_book(revised(book), tmp_path / "v2.xlsx"))).code == 0
    r = cli("data", "versions", "--operation", "002")
    assert "第1.0版" in r.out and "第2.0版" in r.out
    r = cli("data", "diff", "002")
    assert "第1.0版 → 第2.0版  追加 1・削除 1・変更 2 項目" in r.out
    assert "桁数: 100 → 200" in r.out and "桁数: 7,2 → 9,0" in r.out and "削除 00200007 印影画像" in r.out
    r = cli("data", "diff", "031")
    assert r.code != 0 and "比べられません" in r.err
    r = cli("data", "diff", "002", "--from", "第9版")
    assert r.code != 0 and "第1.0版" in r.err
