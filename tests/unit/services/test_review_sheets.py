"""Department review workbook round trip: edited rows applied, untouched rows skipped, conflicts kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fitgap.domain.answer_sheet import H_REVIEW_DISPOSITION, H_REVIEW_NOTE, H_REVIEW_STATUS, LIST_SHEET
from fitgap.domain.dispositions import for_requirements
from fitgap.domain.enums import Disposition, Status
from fitgap.errors import InvalidInputError
from fitgap.services.assessment import update_items
from fitgap.services.demo import generate_demo
from fitgap.services.items import ItemFilter, ItemKey, get_item, item_keys
from fitgap.services.review_sheets import export_review_sheet, import_review_sheet
from fitgap.services.vendors import export_vendor_sheet
from fitgap.storage.db import Database
from tests.answer_books import data_sheet, edit_book, header_map, row_of, set_answer


@pytest.fixture
def demo_db(db: Database) -> Database:
    generate_demo(db=db, total=80, seed=11, user="tester")
    return db


def _ids(db: Database) -> list[str]:
    return [k.req_id for k in item_keys(db=db, flt=ItemFilter(operation_code="001"))]


def test_review_workbook_has_status_and_disposition_dropdowns(demo_db: Database, tmp_path: Path) -> None:
    res = export_review_sheet(db=demo_db, user="tester", operation_keys=["001"], exports_dir=tmp_path)
    wb = openpyxl.load_workbook(res.path)
    ws = data_sheet(wb, "001")
    cols = header_map(ws)
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert len(lists) == 2 and all(LIST_SHEET in f for f in lists)
    listed = list(wb[LIST_SHEET].iter_cols(values_only=True))
    assert [v for v in listed[0] if v][1:] == [s.value for s in Status]
    assert [v for v in listed[1] if v][1:] == [d.value for d in for_requirements()]  # no 廃止: 独自機能 only
    r = row_of(ws, _ids(demo_db)[0])
    assert not ws.cell(row=r, column=cols[H_REVIEW_STATUS]).protection.locked
    assert ws.cell(row=r, column=1).protection.locked


def test_edited_rows_applied_untouched_skipped_conflicts_not_overwritten(demo_db: Database, tmp_path: Path) -> None:
    ids = _ids(demo_db)[:4]
    res = export_review_sheet(db=demo_db, user="tester", operation_keys=["001"], exports_dir=tmp_path)
    # after the export, a colleague marks ids[2] in fitgap
    update_items(db=demo_db, user="colleague", keys=[ItemKey.of("001", "機能", ids[2])], status=Status.FIT)
    update_items(db=demo_db, user="colleague", keys=[ItemKey.of("001", "機能", ids[3])], note="画面で記入")

    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        set_answer(ws, ids[0], **{H_REVIEW_STATUS: "ギャップ", H_REVIEW_DISPOSITION: "EUC", H_REVIEW_NOTE: "EUCで代替"})
        set_answer(ws, ids[1], **{H_REVIEW_STATUS: "対象外", H_REVIEW_DISPOSITION: None, H_REVIEW_NOTE: "事務なし"})
        set_answer(ws, ids[2], **{H_REVIEW_STATUS: "ギャップ", H_REVIEW_DISPOSITION: None, H_REVIEW_NOTE: "差異あり"})
        # ids[3] untouched in the workbook: the colleague's note must survive

    back = edit_book(res.path, tmp_path / "back.xlsx", edit)
    preview = import_review_sheet(db=demo_db, user="tester", path=back, report_dir=tmp_path, dry_run=True)
    assert {c.row.key.req_id for c in preview.changes} == {ids[0], ids[1]} and len(preview.conflicts) == 1
    assert get_item(db=demo_db, key=ItemKey.of("001", "機能", ids[0])).note != "EUCで代替"
    rep = import_review_sheet(db=demo_db, user="tester", path=back, report_dir=tmp_path)
    assert rep.applied == 2
    row0 = get_item(db=demo_db, key=ItemKey.of("001", "機能", ids[0]))
    assert (row0.status, row0.disposition, row0.note) == (Status.GAP, Disposition.EUC, "EUCで代替")
    assert get_item(db=demo_db, key=ItemKey.of("001", "機能", ids[1])).status == Status.NOT_APPLICABLE
    kept = get_item(db=demo_db, key=ItemKey.of("001", "機能", ids[2]))
    assert kept.status == Status.FIT and kept.assessed_by == "colleague"
    assert get_item(db=demo_db, key=ItemKey.of("001", "機能", ids[3])).note == "画面で記入"
    assert any(ids[2] in c for c in rep.conflicts)
    assert rep.problems_file is not None
    again = import_review_sheet(db=demo_db, user="tester", path=back, report_dir=tmp_path)
    assert again.applied == 0 and again.changes == []


def test_invalid_values_and_wrong_workbook_kind(demo_db: Database, tmp_path: Path) -> None:
    ids = _ids(demo_db)[:2]
    res = export_review_sheet(db=demo_db, user="tester", operation_keys=["001"], exports_dir=tmp_path)
    back = edit_book(res.path, tmp_path / "back.xlsx", lambda wb: [
        set_answer(data_sheet(wb, "001"), ids[0], **{H_REVIEW_STATUS: "OK"}),
        set_answer(data_sheet(wb, "001"), ids[1], **{H_REVIEW_STATUS: "適合", H_REVIEW_DISPOSITION: "EUC"})])
    rep = import_review_sheet(db=demo_db, user="tester", path=back, report_dir=tmp_path, dry_run=True)
    assert rep.changes == [] and len(rep.problems) == 2
    assert "「OK」は選択肢にありません" in rep.problems[0].message
    vendor = export_vendor_sheet(db=demo_db, user="tester", vendor="A社", exports_dir=tmp_path, operation_keys=["001"])
    with pytest.raises(InvalidInputError, match="ベンダ回答シート"):
        import_review_sheet(db=demo_db, user="tester", path=vendor.path, report_dir=tmp_path)


def test_review_sheet_shows_needs_review_with_the_old_text(cli, db_url: str, tmp_path: Path) -> None:
    from fitgap.domain.answer_sheet import H_NEEDS_REVIEW, H_OLD_TEXT, H_TEXT
    from fitgap.services.database import open_db
    from tests.spec_books import V2_FUNCTIONS, write_official_workbook

    assert cli("init").code == 0
    assert cli("import-spec", str(write_official_workbook(tmp_path / "住民記録_第2.0版.xlsx"))).code == 0
    db = open_db(url=db_url)
    try:
        keys = [k for k in item_keys(db=db, flt=ItemFilter(operation_code="001")) if k.req_id in ("0010001", "0010002")]
        update_items(db=db, user="tester", keys=keys, status=Status.FIT)
    finally:
        db.dispose()
    assert cli("import-spec", str(write_official_workbook(tmp_path / "住民記録_第3.0版.xlsx",
                                                          functions=V2_FUNCTIONS))).code == 0
    out = tmp_path / "review.xlsx"
    assert cli("export", "review", "--operation", "001", "-o", str(out)).code == 0
    wb = openpyxl.load_workbook(out)
    ws = data_sheet(wb, "001")
    cols = header_map(ws)
    changed, same = row_of(ws, "0010002"), row_of(ws, "0010001")
    assert ws.cell(row=changed, column=cols[H_NEEDS_REVIEW]).value == "要再確認"
    old = ws.cell(row=changed, column=cols[H_OLD_TEXT]).value
    assert old == "（第2.0版）\n外国人住民について、以下の項目を管理すること。"
    assert "在留カード番号" in ws.cell(row=changed, column=cols[H_TEXT]).value
    assert ws.cell(row=same, column=cols[H_NEEDS_REVIEW]).value is None
    assert ws.cell(row=same, column=cols[H_OLD_TEXT]).value is None
    cover = "\n".join(str(c.value) for row in wb["表紙"].iter_rows() for c in row if c.value)
    assert "001 住民記録: 第3.0版（9 件、うち要再確認 1 件）" in cover


def test_a_change_of_class_alone_shows_the_old_class(cli, db_url: str, tmp_path: Path) -> None:
    """0010005 moves from 標準オプション機能 to 実装必須機能 in 第3.0版, its wording unchanged."""
    from fitgap.domain.answer_sheet import H_NEEDS_REVIEW, H_OLD_TEXT
    from fitgap.services.database import open_db
    from tests.spec_books import V2_FUNCTIONS, write_official_workbook

    assert cli("init").code == 0
    assert cli("import-spec", str(write_official_workbook(tmp_path / "住民記録_第2.0版.xlsx"))).code == 0
    db = open_db(url=db_url)
    try:
        keys = [k for k in item_keys(db=db, flt=ItemFilter(operation_code="001")) if k.req_id == "0010005"]
        update_items(db=db, user="tester", keys=keys, status=Status.FIT)
    finally:
        db.dispose()
    assert cli("import-spec", str(write_official_workbook(tmp_path / "住民記録_第3.0版.xlsx",
                                                          functions=V2_FUNCTIONS))).code == 0
    out = tmp_path / "review.xlsx"
    assert cli("export", "review", "--operation", "001", "-o", str(out)).code == 0
    ws = data_sheet(openpyxl.load_workbook(out), "001")
    cols = header_map(ws)
    row = row_of(ws, "0010005")
    assert ws.cell(row=row, column=cols[H_NEEDS_REVIEW]).value == "要再確認"
    old = ws.cell(row=row, column=cols[H_OLD_TEXT]).value
    assert old.startswith("（第2.0版）\n実装区分: 標準オプション機能 → 実装必須機能\n"), old


def test_a_decision_names_its_system_and_option_in_the_review_workbook(demo_db: Database, tmp_path: Path) -> None:
    from fitgap.domain.answer_sheet import H_REVIEW_DETAIL, H_REVIEW_SYSTEM
    from fitgap.domain.enums import Kubun
    from fitgap.services import systems
    from fitgap.services.items import get_item_detail, list_items

    systems.add_system(db=demo_db, user="t", name="庁内グループウェア")
    rows = list_items(db=demo_db, flt=ItemFilter(operation_code="001"))
    option = next(r for r in rows if r.kubun == Kubun.OPTION)
    ids = [r.key.req_id for r in rows if r.kind.value == "機能" and r.key != option.key][:3]
    res = export_review_sheet(db=demo_db, user="tester", operation_keys=["001"], exports_dir=tmp_path)

    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        set_answer(ws, ids[0], **{H_REVIEW_STATUS: "ギャップ", H_REVIEW_DISPOSITION: "既存の別システムで実現",
                                  H_REVIEW_SYSTEM: "庁内グループウェア", H_REVIEW_NOTE: "予約は既存で"})
        set_answer(ws, ids[1], **{H_REVIEW_STATUS: "ギャップ", H_REVIEW_DISPOSITION: "標準オプションで対応",
                                  H_REVIEW_DETAIL: f"機能:{option.key.req_id}", H_REVIEW_NOTE: "オプション採用"})
        set_answer(ws, ids[2], **{H_REVIEW_STATUS: "ギャップ", H_REVIEW_DISPOSITION: "既存の別システムで実現",
                                  H_REVIEW_NOTE: "どこかで"})  # no system named: refused, said with its row

    back = edit_book(res.path, tmp_path / "back.xlsx", edit)
    rep = import_review_sheet(db=demo_db, user="tester", path=back, report_dir=tmp_path)
    assert rep.applied == 2
    assert get_item_detail(db=demo_db, key=ItemKey.of("001", "機能", ids[0])).target_system == "庁内グループウェア"
    assert get_item_detail(db=demo_db, key=ItemKey.of("001", "機能", ids[1])).disposition_detail == \
        f"機能:{option.key.req_id}"
    assert [p for p in rep.problems if "システムの指定" in p.message and ids[2] in p.key]
    # written again, the sheet shows what the decisions name, and an untouched sheet changes nothing
    again = export_review_sheet(db=demo_db, user="tester", operation_keys=["001"], exports_dir=tmp_path,
                                path=tmp_path / "again.xlsx")
    wb = openpyxl.load_workbook(again.path)
    ws = data_sheet(wb, "001")
    cols = header_map(ws)
    assert ws.cell(row=row_of(ws, ids[0]), column=cols[H_REVIEW_SYSTEM]).value == "庁内グループウェア"
    untouched = import_review_sheet(db=demo_db, user="tester", path=again.path, report_dir=tmp_path)
    assert untouched.applied == 0 and not untouched.problems
