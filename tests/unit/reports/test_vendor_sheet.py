"""The vendor gap sheet as a vendor (and Excel) sees it: opened with openpyxl and checked cell by cell."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from fitgap.domain.answer_sheet import (
    H_ANSWER,
    H_COMMENT,
    H_COST,
    H_ID,
    H_NOTE,
    H_PLANNED,
    H_TEXT,
    KEY_HEADER,
    LIST_SHEET,
    META_SHEET,
    decode_key,
)
from fitgap.domain.enums import VendorAnswerKind
from fitgap.domain.text import text_hash
from fitgap.reports.answer_workbook import write_book
from tests.answer_books import TEXTS, data_sheet, header_map, row_of, sample_vendor_data


@pytest.fixture
def book(tmp_path: Path) -> openpyxl.Workbook:
    path = write_book(sample_vendor_data(), tmp_path / "out" / "vendor.xlsx")
    return openpyxl.load_workbook(path)


def test_sheets_cover_lists_and_metadata(book: openpyxl.Workbook) -> None:
    assert book.sheetnames[0] == "表紙"
    states = {ws.title: ws.sheet_state for ws in book.worksheets}
    assert states[LIST_SHEET] == "hidden"
    assert states[META_SHEET] == "veryHidden"
    assert [t for t, s in states.items() if s == "visible"] == ["表紙", "001 住民記録", "010 個人住民税"]
    cover = {r[0]: r[1] for r in book["表紙"].iter_rows(values_only=True) if r and r[0]}
    assert cover["団体"] == "テスト市"
    assert "株式会社テスト" in cover["回答をお願いするベンダ"]
    assert cover["回答期限"] == "2026/12/25"
    assert "第6.1版" in cover["仕様書の版"] and "第5.0版" in cover["仕様書の版"]
    assert "回答のしかた" in cover
    meta = {r[1]: r[2] for r in book[META_SHEET].iter_rows(values_only=True) if r[0] == "meta"}
    assert meta["export_id"] == "exp-0001"
    assert meta["database_id"] == "db-0001"
    assert meta["vendor"] == "株式会社テスト"
    assert meta["purpose"] == "vendor"
    assert meta["created_at"].startswith("2026-11-23T09:00")
    keys = [k for r in book[META_SHEET].iter_rows(values_only=True) if r[0] == "keys" for k in r[1].split("\n")]
    assert len(keys) == 6 and all(decode_key(k) for k in keys)


def test_answer_cells_have_validations_from_the_hidden_list(book: openpyxl.Workbook) -> None:
    ws = data_sheet(book, "001")
    cols = header_map(ws)
    letter = {h: openpyxl.utils.get_column_letter(c) for h, c in cols.items()}
    dvs = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert str(dvs["list"].sqref) == f"{letter[H_ANSWER]}3:{letter[H_ANSWER]}7"
    ref = dvs["list"].formula1
    assert LIST_SHEET in ref
    listed = [r[0] for r in book[LIST_SHEET].iter_rows(min_row=2, values_only=True) if r[0]]
    assert listed == [k.value for k in VendorAnswerKind]
    assert str(dvs["date"].sqref).startswith(letter[H_PLANNED])
    assert dvs["decimal"].operator == "greaterThanOrEqual" and dvs["decimal"].formula1 == "0"
    assert str(dvs["decimal"].sqref).startswith(letter[H_COST])
    assert all(dv.showErrorMessage for dv in dvs.values())
    coloured = {rule.formula[0].strip('"') for cf in ws.conditional_formatting for rule in cf.rules}
    assert coloured == {k.value for k in VendorAnswerKind}


def test_only_answer_cells_are_unlocked_and_sorting_filtering_allowed(book: openpyxl.Workbook) -> None:
    ws = data_sheet(book, "001")
    assert ws.protection.sheet is True
    assert ws.protection.sort is False and ws.protection.autoFilter is False  # False = allowed
    cols = header_map(ws)
    answer_cols = {cols[h] for h in (H_ANSWER, H_PLANNED, H_COST, H_COMMENT)}
    for col in range(1, ws.max_column + 1):
        # empty answer cells are not stored: Excel gives them the column's style
        column_style = ws.column_dimensions[openpyxl.utils.get_column_letter(col)]
        assert column_style.protection.locked is (col not in answer_cols), col
    written = 0
    for row in ws.iter_rows(min_row=3, max_row=7):
        for cell in row:
            if cell.has_style or cell.value is not None:
                written += 1
                assert cell.protection.locked is (cell.column not in answer_cols), cell.coordinate
    assert written >= 5 * 6
    for row in (1, 2):
        for cell in ws[row]:
            assert cell.protection.locked, cell.coordinate


def test_hidden_key_column_holds_key_and_text_hash(book: openpyxl.Workbook) -> None:
    ws = data_sheet(book, "001")
    cols = header_map(ws)
    key_letter = openpyxl.utils.get_column_letter(cols[KEY_HEADER])
    assert ws.column_dimensions[key_letter].hidden
    r = row_of(ws, "0010003")
    key = decode_key(ws.cell(row=r, column=cols[KEY_HEADER]).value)
    assert key is not None and key.item == ("001", "機能", "0010003") and key.text_hash == text_hash(TEXTS["0010003"])
    assert ws.cell(row=r, column=cols[H_ID]).value == "0010003"


def test_layout_freeze_filter_print(book: openpyxl.Workbook) -> None:
    ws = data_sheet(book, "001")
    assert ws.freeze_panes == "B3"
    # the filter (and so a sort) spans the hidden key column, or sorting would separate rows from their keys
    key_letter = openpyxl.utils.get_column_letter(header_map(ws)[KEY_HEADER])
    assert ws.auto_filter.ref == f"A2:{key_letter}7"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "8"  # A3
    assert ws.print_title_rows == "$2:$2"  # the column titles; the sheet title is in the page header
    assert "&P" in ws.oddFooter.center.text
    cols = header_map(ws)
    text_cell = ws.cell(row=3, column=cols[H_TEXT])
    assert text_cell.alignment.wrap_text
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(cols[H_TEXT])].width >= 40


def test_formula_like_text_is_written_as_text(book: openpyxl.Workbook) -> None:
    ws = data_sheet(book, "001")
    cols = header_map(ws)
    cell = ws.cell(row=row_of(ws, "0010002"), column=cols[H_TEXT])
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    note = ws.cell(row=row_of(ws, "0010001"), column=cols[H_NOTE])
    assert note.data_type == "s" and note.value == "=手作業で対応" and note.quotePrefix
    for rid in ("0010004", "0010005"):
        cell = ws.cell(row=row_of(ws, rid), column=cols[H_TEXT])
        assert cell.data_type == "s" and cell.quotePrefix


def test_demo_data_is_marked(tmp_path: Path) -> None:
    path = write_book(sample_vendor_data(demo=True), tmp_path / "demo.xlsx")
    wb = openpyxl.load_workbook(path)
    assert "デモ" in wb["表紙"]["A1"].value
    ws = data_sheet(wb, "001")
    assert ws["A1"].value.startswith("【デモ】")
    assert ws.oddHeader.right.text == "【デモデータ】"  # on every printed page
    meta = {r[1]: r[2] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0] == "meta"}
    assert meta["demo"] == "1"
