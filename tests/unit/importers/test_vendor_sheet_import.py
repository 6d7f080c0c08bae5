"""Reading a returned vendor sheet after the edits vendors really make, checked row by row."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest

from fitgap.domain.answer_sheet import H_ANSWER, H_COMMENT, H_COST, H_PLANNED, META_SHEET
from fitgap.domain.enums import VendorAnswerKind
from fitgap.domain.round_trips import VENDOR
from fitgap.errors import InvalidInputError
from fitgap.importers.returned_book import read_returned
from fitgap.reports.answer_workbook import write_book
from tests.answer_books import data_sheet, edit_book, header_map, row_of, sample_vendor_data, set_answer
from tests.conftest import file_digest


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    return write_book(sample_vendor_data(), tmp_path / "vendor.xlsx")


def _answers(result: Any) -> dict[str, Any]:
    """The rows taken, each with its answers as attributes."""
    return {a.key.req_id: SimpleNamespace(**a.values, sheet=a.sheet, row=a.row, key=a.key) for a in result.rows}


def test_answers_are_read_with_their_types(exported: Path, tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        set_answer(ws, "0010001", **{H_ANSWER: "標準で対応"})
        set_answer(ws, "0010002", **{H_ANSWER: "期限後対応", H_PLANNED: datetime(2027, 3, 31), H_COST: 1200,
                                     H_COMMENT: "次期バージョンで対応"})
        set_answer(ws, "0010003", **{H_ANSWER: " 代替案あり ", H_PLANNED: "2027/4/1", H_COST: "1,500"})

    back = edit_book(exported, tmp_path / "back.xlsx", edit)
    before = file_digest(back)
    result = read_returned(back, VENDOR)
    assert file_digest(back) == before  # the vendor's file is never written
    got = _answers(result)
    assert set(got) == {"0010001", "0010002", "0010003"}
    assert got["0010001"].answer == VendorAnswerKind.STANDARD and got["0010001"].planned_date is None
    a2 = got["0010002"]
    assert (a2.answer, a2.planned_date, a2.cost_kyen, a2.comment) == (
        VendorAnswerKind.AFTER_DEADLINE, date(2027, 3, 31), 1200.0, "次期バージョンで対応")
    a3 = got["0010003"]
    assert (a3.answer, a3.planned_date, a3.cost_kyen) == (VendorAnswerKind.ALTERNATIVE, date(2027, 4, 1), 1500.0)
    assert a2.sheet == "001 住民記録" and a2.row == row_of(data_sheet(openpyxl.load_workbook(back), "001"), "0010002")
    assert {u.key.req_id for u in result.unanswered} == {"0010004", "0010005", "0100001"}
    assert result.problems == []


def test_excel_day_numbers_in_date_cells_are_dates(exported: Path, tmp_path: Path) -> None:
    """A date typed into a cell formatted as text (or pasted as a bare number) reads as Excel's day number:
    46447 is 2027-03-01 (day 1 is 1900-01-01 and Excel counts a 1900-02-29, so days from 61 on count from
    1899-12-30; 2027 is no leap year). Numbers outside 1990–2100 are still no dates."""
    rows: dict[str, int] = {}

    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        rows["text"] = set_answer(ws, "0010001", **{H_ANSWER: "期限後対応", H_PLANNED: "46447"})
        cell = ws.cell(row=rows["text"], column=header_map(ws)[H_PLANNED])
        cell.number_format = "@"
        cell.data_type = "s"  # text, as Excel keeps what is typed into a text-formatted cell
        rows["number"] = set_answer(ws, "0010002", **{H_ANSWER: "期限後対応", H_PLANNED: 46023})
        rows["wide"] = set_answer(ws, "0010003", **{H_ANSWER: "期限後対応", H_PLANNED: "１２３"})
        rows["late"] = set_answer(ws, "0010004", **{H_ANSWER: "期限後対応", H_PLANNED: "73416"})  # 2101-01-01

    back = edit_book(exported, tmp_path / "back.xlsx", edit)
    ws = data_sheet(openpyxl.load_workbook(back), "001")
    assert ws.cell(row=rows["text"], column=header_map(ws)[H_PLANNED]).value == "46447"  # text in the file
    result = read_returned(back, VENDOR)
    got = _answers(result)
    assert got["0010001"].planned_date == date(2027, 3, 1)
    assert got["0010002"].planned_date == date(2026, 1, 1)
    assert {p.row for p in result.problems} == {rows["wide"], rows["late"]}
    assert all("日付ではありません" in p.message for p in result.problems)


def test_pasted_invalid_values_are_problems_on_their_rows(exported: Path, tmp_path: Path) -> None:
    rows: dict[str, int] = {}

    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        rows["answer"] = set_answer(ws, "0010001", **{H_ANSWER: "○"})
        rows["date"] = set_answer(ws, "0010002", **{H_ANSWER: "期限後対応", H_PLANNED: "来年度中"})
        rows["neg"] = set_answer(ws, "0010003", **{H_ANSWER: "要協議", H_COST: -10})
        rows["text"] = set_answer(ws, "0010004", **{H_ANSWER: "要協議", H_COST: "未定"})
        rows["noanswer"] = set_answer(ws, "0010005", **{H_COMMENT: "検討中です"})

    result = read_returned(edit_book(exported, tmp_path / "back.xlsx", edit), VENDOR)
    assert result.rows == []
    by_row = {p.row: p for p in result.problems}
    assert set(by_row) == set(rows.values())
    assert "○" in by_row[rows["answer"]].message and "選択肢" in by_row[rows["answer"]].message
    assert "日付ではありません" in by_row[rows["date"]].message
    assert "負の値" in by_row[rows["neg"]].message
    assert "数値ではありません" in by_row[rows["text"]].message
    assert "対応可否が空" in by_row[rows["noanswer"]].message
    assert all(p.sheet == "001 住民記録" and p.hint for p in result.problems)
    assert {p.key for p in result.problems} == {f"001:機能:{r}" for r in ("0010001", "0010002", "0010003", "0010004", "0010005")}


def test_reordered_rows_are_matched_by_key_not_position(exported: Path, tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        # the vendor sorts: the last data row moves to the top (values of whole rows swapped)
        first, last = 3, ws.max_row
        a = [(c.value, c.data_type) for c in ws[first]]
        b = [(c.value, c.data_type) for c in ws[last]]
        for row, values in ((first, b), (last, a)):
            for col, (value, kind) in enumerate(values, 1):
                cell = ws.cell(row=row, column=col)
                cell.value = value
                cell.data_type = kind  # text stays text, as when Excel sorts
        set_answer(ws, "0010005", **{H_ANSWER: "対応不可"})
        set_answer(ws, "0010001", **{H_ANSWER: "標準で対応"})

    result = read_returned(edit_book(exported, tmp_path / "back.xlsx", edit), VENDOR)
    got = _answers(result)
    assert got["0010005"].answer == VendorAnswerKind.IMPOSSIBLE and got["0010005"].row == 3
    assert got["0010001"].answer == VendorAnswerKind.STANDARD and got["0010001"].row == 7


def test_deleted_and_added_rows(exported: Path, tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        ws.delete_rows(row_of(ws, "0010002"))
        new = ws.max_row + 1
        ws.cell(row=new, column=1).value = "0019999"
        ws.cell(row=new, column=header_map(ws)[H_ANSWER]).value = "標準で対応"

    result = read_returned(edit_book(exported, tmp_path / "back.xlsx", edit), VENDOR)
    assert result.rows == []
    deleted = [u for u in result.unanswered if u.row is None]
    assert [u.key.req_id for u in deleted] == ["0010002"]
    messages = [p.message for p in result.problems]
    assert any("0010002" in m and "削除" in m for m in messages)
    added = [p for p in result.problems if "追加された行" in p.message]
    assert len(added) == 1 and added[0].row == 7


def test_renamed_sheet_is_still_read(exported: Path, tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "010")
        ws.title = "税"
        set_answer(ws, "0100001", **{H_ANSWER: "標準で対応"})

    result = read_returned(edit_book(exported, tmp_path / "back.xlsx", edit), VENDOR)
    got = _answers(result)
    assert got["0100001"].sheet == "税" and got["0100001"].key.operation_code == "010"
    assert any("税" in n for n in result.notices)
    assert not any(u.row is None for u in result.unanswered)


def test_tampered_key_and_duplicated_row(exported: Path, tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        key_col = ws.max_column
        r = row_of(ws, "0010003")
        ws.cell(row=r, column=key_col).value = "壊れたキー"
        ws.cell(row=r, column=header_map(ws)[H_ANSWER]).value = "標準で対応"
        src = row_of(ws, "0010004")
        new = ws.max_row + 1
        for c in range(1, key_col + 1):
            ws.cell(row=new, column=c).value = ws.cell(row=src, column=c).value
        ws.cell(row=src, column=header_map(ws)[H_ANSWER]).value = "要協議"
        ws.cell(row=new, column=header_map(ws)[H_ANSWER]).value = "対応不可"

    result = read_returned(edit_book(exported, tmp_path / "back.xlsx", edit), VENDOR)
    # the row copied with another answer: which one is meant is unknown, so neither is taken (never the first)
    assert [a.key.req_id for a in result.rows] == []
    messages = " ".join(p.message for p in result.problems)
    assert "壊れたキー" in messages
    disputed = [p for p in result.problems if "内容が違います" in p.message]
    assert len(disputed) == 2 and len({p.row for p in disputed}) == 2  # both rows named, each pointing at the other
    assert all(p.key and "0010004" in p.key for p in disputed)


def test_a_duplicated_row_with_the_same_answer_is_taken_once(exported: Path, tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        key_col = ws.max_column
        src = row_of(ws, "0010004")
        ws.cell(row=src, column=header_map(ws)[H_ANSWER]).value = "要協議"
        new = ws.max_row + 1
        for c in range(1, key_col + 1):
            ws.cell(row=new, column=c).value = ws.cell(row=src, column=c).value

    result = read_returned(edit_book(exported, tmp_path / "back.xlsx", edit), VENDOR)
    assert [a.key.req_id for a in result.rows] == ["0010004"]
    assert result.rows[0].values["answer"] == VendorAnswerKind.DISCUSS
    assert any("重複しています" in p.message and "同じ内容" in p.message for p in result.problems)


def test_excel_error_values_are_problems(exported: Path, tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        set_answer(data_sheet(wb, "001"), "0010001", **{H_ANSWER: "標準で対応", H_COMMENT: "#NAME?"})

    result = read_returned(edit_book(exported, tmp_path / "back.xlsx", edit), VENDOR)
    assert result.rows == [] and "#NAME?" in result.problems[0].message


def test_a_workbook_without_metadata_is_refused(exported: Path, tmp_path: Path) -> None:
    back = edit_book(exported, tmp_path / "back.xlsx", lambda wb: wb.remove(wb[META_SHEET]))
    with pytest.raises(InvalidInputError, match="書き出し情報"):
        read_returned(back, VENDOR)
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    with pytest.raises(InvalidInputError, match="xlsx"):
        read_returned(junk, VENDOR)
