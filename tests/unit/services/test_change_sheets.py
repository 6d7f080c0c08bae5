"""The 改修 workbook round trip with the vendors of linked systems: protected export, per-row checks on
import, conflicts never overwritten, nothing silent, foreign workbooks refused with the database unchanged."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from fitgap.domain.answer_sheet import KEY_HEADER, META_SHEET
from fitgap.domain.enums import ChangeStatus, SystemKind
from fitgap.domain.round_trips import CHANGE_SHEET as SHEET
from fitgap.errors import InvalidInputError
from fitgap.services import change_sheets, changes, review_sheets, systems
from fitgap.services.catalog import init_database
from fitgap.storage.db import Database
from fitgap.storage.schema import open_database
from tests.answer_books import edit_book, header_map
from tests.conftest import dump_database

JUKI = "住民記録システム"
TODAY = date(2026, 12, 1)
RELATED = ["福祉総合システム", "財務会計システム", "文書管理システム", "滞納整理システム"]


@pytest.fixture
def linked(db: Database) -> Database:
    for name in RELATED:
        systems.add_system(db=db, user="u", name=name, kind=SystemKind.RELATED, vendor="株式会社連携")
        systems.set_link(db=db, user="u", provider=JUKI, consumer=name, data="宛名")
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2027, 1, 5))
    return db


def _export(db: Database, tmp_path: Path) -> Path:
    res = change_sheets.export_change_sheet(db=db, user="u", exports_dir=tmp_path, vendor="株式会社連携",
                                            path=tmp_path / "改修一覧.xlsx", today=TODAY)
    assert res.items == 4
    return res.path


def _rows(ws) -> dict[str, int]:
    """Consumer name → row, found by the hidden key's row (not by position)."""
    cols = header_map(ws)
    return {ws.cell(row=r, column=cols["利用側システム"]).value: r for r in range(3, ws.max_row + 1)
            if ws.cell(row=r, column=cols[KEY_HEADER]).value}


def _item(db: Database, consumer: str) -> changes.ChangeView:
    return next(v for v in changes.get_changes(db=db, today=TODAY).items if (v.provider, v.consumer) == (JUKI, consumer))


def test_export_is_protected_with_drop_downs_and_hidden_keys(linked: Database, tmp_path: Path) -> None:
    path = _export(linked, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    assert ws.protection.sheet
    cols = header_map(ws)
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(cols[KEY_HEADER])].hidden
    assert wb[META_SHEET].sheet_state == "veryHidden"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and "選択肢" in lists[0].formula1
    status_col = cols["状況"]
    assert {dv.type for dv in ws.data_validations.dataValidation} >= {"list", "date", "decimal"}
    row = _rows(ws)["福祉総合システム"]
    assert ws.cell(row=row, column=status_col).protection.locked is False
    assert ws.cell(row=row, column=cols["改修内容"]).protection.locked is not False
    needed = ws.cell(row=row, column=cols["必要日"])
    assert needed.value == datetime(2027, 1, 5) and needed.number_format == "yyyy/mm/dd"  # as the answer dates
    assert "-" not in str(ws.cell(row=row, column=cols["必要日の理由"]).value or "")  # one date format a row
    assert ws.cell(row=row, column=cols["判定（書き出し時）"]).value is not None


def test_round_trip_applies_good_rows_and_reports_every_bad_one(linked: Database, tmp_path: Path) -> None:
    src = _export(linked, tmp_path)
    # someone edits one item in fitgap after the export
    changes.update_change(db=linked, user="staff", provider=JUKI, consumer="文書管理システム", note="庁内で確認中")

    def vendor(wb) -> None:
        ws = wb[SHEET]
        cols, rows = header_map(ws), _rows(ws)
        r = rows["福祉総合システム"]
        ws.cell(row=r, column=cols["状況"]).value = "改修中"
        ws.cell(row=r, column=cols["完了予定日"]).value = datetime(2026, 12, 20)
        ws.cell(row=r, column=cols["概算費用（千円）"]).value = 1500
        ws.cell(row=r, column=cols["暫定連携"]).value = "旧形式ファイルを変換して受け取る"
        r = rows["財務会計システム"]
        ws.cell(row=r, column=cols["状況"]).value = "終わりました"  # pasted past the drop-down
        ws.cell(row=r, column=cols["完了予定日"]).value = "来月"
        ws.cell(row=r, column=cols["概算費用（千円）"]).value = -3
        r = rows["文書管理システム"]
        ws.cell(row=r, column=cols["状況"]).value = "調査中"  # changed in fitgap meanwhile: a conflict
        r = rows["滞納整理システム"]
        ws.cell(row=r, column=cols["状況"]).value = "連携テスト済"
        ws.cell(row=r, column=cols["完了日"]).value = datetime(2026, 11, 30)  # but not 完了
        extra = ws.max_row + 1
        ws.cell(row=extra, column=cols["状況"]).value = "完了"  # a row the vendor added
    returned = edit_book(src, tmp_path / "返送.xlsx", vendor)

    rep = change_sheets.import_change_sheet(db=linked, user="u", path=returned, report_dir=tmp_path, today=TODAY)
    assert rep.applied == 1
    assert len(rep.conflicts) == 1 and "文書管理システム" in rep.conflicts[0]
    messages = [p.message for p in rep.problems]
    assert any("状況「終わりました」は選択肢にありません" in m for m in messages)
    assert any("完了予定日「来月」は日付ではありません" in m for m in messages)
    assert any("概算費用「-3」は負の値です" in m for m in messages)
    assert any("完了日が入っていますが、状況が「連携テスト済」です" in m for m in messages)
    assert any("追加された行です" in m for m in messages)
    assert rep.problems_file is not None and rep.problems_file.exists()
    ok = _item(linked, "福祉総合システム").item
    assert (ok.status, ok.planned, ok.cost_kyen, ok.interim) == (
        ChangeStatus.IN_PROGRESS, date(2026, 12, 20), 1500.0, "旧形式ファイルを変換して受け取る")
    assert _item(linked, "財務会計システム").item.status == ChangeStatus.NOT_STARTED
    kept = _item(linked, "文書管理システム").item
    assert (kept.status, kept.note) == (ChangeStatus.NOT_STARTED, "庁内で確認中")  # not overwritten
    # the same file again: nothing more changes
    again = change_sheets.import_change_sheet(db=linked, user="u", path=returned, report_dir=tmp_path, today=TODAY)
    assert again.applied == 0 and again.untouched >= 1


def test_dry_run_and_deleted_rows_change_nothing(linked: Database, tmp_path: Path, db_path: Path) -> None:
    src = _export(linked, tmp_path)

    def vendor(wb) -> None:
        ws = wb[SHEET]
        cols, rows = header_map(ws), _rows(ws)
        ws.cell(row=rows["福祉総合システム"], column=cols["状況"]).value = "完了"
        ws.delete_rows(rows["財務会計システム"])
    returned = edit_book(src, tmp_path / "返送.xlsx", vendor)
    before = dump_database(db_path)
    rep = change_sheets.import_change_sheet(db=linked, user="u", path=returned, report_dir=tmp_path, dry_run=True,
                                            today=TODAY)
    assert [c.label for c in rep.changes] == [f"{JUKI} → 福祉総合システム"]
    assert rep.changes[0].shown == {"状況": "未着手 → 完了"}
    assert any("行が削除されています" in p.message for p in rep.problems)
    assert dump_database(db_path) == before
    rep = change_sheets.import_change_sheet(db=linked, user="u", path=returned, report_dir=tmp_path, today=TODAY)
    assert rep.applied == 1
    assert any("今日 2026-12-01 を完了日にしました" in n for n in rep.notices)  # said, not silent


def test_foreign_and_wrong_purpose_workbooks_are_refused_unchanged(linked: Database, tmp_path: Path,
                                                                    db_path: Path) -> None:
    review = review_sheets.export_review_sheet(db=linked, user="u", operation_keys=["001"], exports_dir=tmp_path)
    before = dump_database(db_path)
    with pytest.raises(InvalidInputError, match="確認シートです（改修一覧ではありません）"):
        change_sheets.import_change_sheet(db=linked, user="u", path=review.path, report_dir=tmp_path)
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    init_database(url=other_url, user="u")
    other = open_database(other_url)
    try:
        systems.add_system(db=other, user="u", name="福祉総合システム", kind=SystemKind.RELATED)
        systems.set_link(db=other, user="u", provider=JUKI, consumer="福祉総合システム")
        foreign = change_sheets.export_change_sheet(db=other, user="u", exports_dir=tmp_path).path
    finally:
        other.dispose()
    with pytest.raises(InvalidInputError, match="別のデータベースから書き出されたブック"):
        change_sheets.import_change_sheet(db=linked, user="u", path=foreign, report_dir=tmp_path)
    assert dump_database(db_path) == before


def test_nothing_to_export_is_an_error(linked: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="ベンダ「株式会社なし」の改修項目がありません"):
        change_sheets.export_change_sheet(db=linked, user="u", exports_dir=tmp_path, vendor="株式会社なし")


def test_a_formula_without_a_saved_result_is_a_problem_and_clears_nothing(linked: Database, tmp_path: Path) -> None:
    changes.update_change(db=linked, user="u", provider=JUKI, consumer="福祉総合システム", planned=date(2027, 1, 4),
                          cost_kyen=800, note="見積り済み")
    src = _export(linked, tmp_path)

    def vendor(wb) -> None:
        ws = wb[SHEET]
        cols, rows = header_map(ws), _rows(ws)
        r = rows["福祉総合システム"]
        ws.cell(row=r, column=cols["状況"]).value = "改修中"
        ws.cell(row=r, column=cols["完了予定日"]).value = "=DATE(2027,1,4)"  # saved by openpyxl: no result
        ws.cell(row=r, column=cols["概算費用（千円）"]).value = "=400*2"
    returned = edit_book(src, tmp_path / "返送.xlsx", vendor)
    rep = change_sheets.import_change_sheet(db=linked, user="u", path=returned, report_dir=tmp_path, today=TODAY)
    assert rep.applied == 0 and rep.changes == []
    found = [p.message for p in rep.problems if "数式" in p.message]
    assert len(found) == 1 and "完了予定日" in found[0] and "概算費用" in found[0]
    kept = _item(linked, "福祉総合システム").item
    assert (kept.status, kept.planned, kept.cost_kyen) == (ChangeStatus.NOT_STARTED, date(2027, 1, 4), 800.0)


def test_invisible_characters_in_the_vendors_text_are_removed_and_counted(linked: Database, tmp_path: Path) -> None:
    src = _export(linked, tmp_path)

    def vendor(wb) -> None:
        ws = wb[SHEET]
        cols, rows = header_map(ws), _rows(ws)
        r = rows["福祉総合システム"]
        ws.cell(row=r, column=cols["暫定連携"]).value = "CSV\u200bで受け取る"
        ws.cell(row=r, column=cols["備考"]).value = "確認\u2060済み\u200e"
    returned = edit_book(src, tmp_path / "返送.xlsx", vendor)
    rep = change_sheets.import_change_sheet(db=linked, user="u", path=returned, report_dir=tmp_path, today=TODAY)
    assert rep.applied == 1 and rep.stripped_chars == 3
    item = _item(linked, "福祉総合システム").item
    assert (item.interim, item.note) == ("CSVで受け取る", "確認済み")


def test_a_cost_that_is_no_finite_number_is_a_problem(linked: Database, tmp_path: Path) -> None:
    src = _export(linked, tmp_path)

    def vendor(wb) -> None:
        ws = wb[SHEET]
        cols, rows = header_map(ws), _rows(ws)
        ws.cell(row=rows["福祉総合システム"], column=cols["概算費用（千円）"]).value = "nan"  # text: past the validation
        ws.cell(row=rows["財務会計システム"], column=cols["概算費用（千円）"]).value = "inf"
    returned = edit_book(src, tmp_path / "返送.xlsx", vendor)
    rep = change_sheets.import_change_sheet(db=linked, user="u", path=returned, report_dir=tmp_path, today=TODAY)
    assert rep.applied == 0
    assert sum("負の値です" in p.message or "数値ではありません" in p.message for p in rep.problems) == 2
    assert _item(linked, "福祉総合システム").item.cost_kyen is None
    # the export still works (a NaN cost could not be written)
    again = change_sheets.export_change_sheet(db=linked, user="u", exports_dir=tmp_path, vendor="株式会社連携",
                                              today=TODAY)
    assert again.items == 4 and again.path.exists()


def test_a_two_step_item_travels_with_its_step_and_completing_the_interim_step_moves_it_on(
        db: Database, tmp_path: Path) -> None:
    koseki, fuhyo = "戸籍情報システム", "戸籍附票システム"
    systems.update_system(db=db, user="u", system=koseki, planned_cutover=date(2027, 1, 4), vendor="株式会社戸籍")
    systems.update_system(db=db, user="u", system=fuhyo, planned_cutover=date(2027, 3, 1))
    res = change_sheets.export_change_sheet(db=db, user="u", exports_dir=tmp_path, path=tmp_path / "二段階.xlsx",
                                            today=TODAY)
    assert res.items == 1
    wb = openpyxl.load_workbook(res.path)
    ws = wb[SHEET]
    cols = header_map(ws)
    assert ws.cell(row=3, column=cols["段階"]).value == "暫定連携（1/2）"
    assert ws.cell(row=3, column=cols["必要日"]).value == datetime(2027, 1, 4)
    assert "暫定連携 2027/01/04 まで → 本連携 2027/03/01 まで" in ws.cell(row=3, column=cols["必要日の理由"]).value
    ws.cell(row=3, column=cols["状況"]).value = "完了"
    ws.cell(row=3, column=cols["完了日"]).value = date(2027, 1, 2)
    wb.save(tmp_path / "返送.xlsx")
    rep = change_sheets.import_change_sheet(db=db, user="u", path=tmp_path / "返送.xlsx", report_dir=tmp_path,
                                            today=TODAY)
    assert rep.applied == 1 and any("本連携の段階にしました" in n for n in rep.notices)
    item = next(v for v in changes.get_changes(db=db, today=TODAY).items if v.consumer == fuhyo)
    assert (item.state.step.value, item.item.interim_done, item.item.status) == (
        "本連携", date(2027, 1, 2), ChangeStatus.NOT_STARTED)
