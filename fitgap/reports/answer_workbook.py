"""A protected answer workbook, streamed with openpyxl's write-only mode (30,000 rows in a few seconds).

What every workbook fitgap sends out has: a cover sheet, one data sheet per operation with locked context
columns and unlocked answer cells (drop-downs from a hidden list sheet, date and number validations,
answers coloured by conditional formatting), a hidden key column, frozen header and ID columns, an
autofilter, A3 landscape print setup, and a very hidden metadata sheet. Text that Excel would read as a
formula (= + - @ at the start) is written as text with a quote prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from fitgap.domain.answer_sheet import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    KEY_HEADER,
    LIST_SHEET,
    META_MARK,
    META_SHEET,
    looks_like_formula,
)

TEXT, CHOICE, DATE, NUMBER = "text", "choice", "date", "number"
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_ANSWER_HEAD_FILL = PatternFill("solid", fgColor="FFE699")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF9E5")
_DATE_FORMAT = "yyyy/mm/dd"
_COST_FORMAT = "#,##0.###"
KEYS_PER_CELL = 500  # exported keys per metadata cell (a cell holds at most 32,767 characters)


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    wrap: bool = False
    editable: bool = False
    kind: str = TEXT  # for editable columns: text | choice | date | number
    choices: str | None = None  # name of a list in AnswerBook.lists (kind == choice)
    colours: dict[str, str] = field(default_factory=dict)  # value -> fill colour (conditional formatting)
    prompt: str = ""


@dataclass(frozen=True)
class DataSheet:
    name: str
    title: str
    columns: Sequence[Column]  # the key column is added after these
    rows: Sequence[tuple[Sequence[Any], str]]  # (one value per column, encoded key)
    frozen_columns: int = 1


@dataclass(frozen=True)
class AnswerBook:
    meta: Sequence[tuple[str, str]]
    sheet_codes: Sequence[tuple[str, str]]  # (sheet name, operation code)
    cover_title: str
    cover_rows: Sequence[tuple[str, str]]
    instructions: Sequence[str]
    lists: dict[str, Sequence[str]]
    sheets: Sequence[DataSheet]
    demo: bool = False


class _Styles:
    """Style templates copied onto cells (much cheaper than assigning fonts and alignments per cell)."""

    def __init__(self, ws: Any) -> None:
        def make(**kw: Any) -> Any:
            cell = WriteOnlyCell(ws, "")
            for k, v in kw.items():
                setattr(cell, k, v)
            return cell._style

        top = Alignment(vertical="top")
        wrap = Alignment(wrap_text=True, vertical="top")
        unlocked = Protection(locked=False)
        self.plain = make(alignment=top)
        self.wrap = make(alignment=wrap)
        self.quoted = make(alignment=wrap, quotePrefix=True)
        self.answer = {
            TEXT: make(alignment=wrap, protection=unlocked, fill=_ANSWER_FILL),
            CHOICE: make(alignment=top, protection=unlocked, fill=_ANSWER_FILL),
            DATE: make(alignment=top, protection=unlocked, fill=_ANSWER_FILL, number_format=_DATE_FORMAT),
            NUMBER: make(alignment=top, protection=unlocked, fill=_ANSWER_FILL, number_format=_COST_FORMAT),
        }
        self.answer_quoted = make(alignment=wrap, protection=unlocked, fill=_ANSWER_FILL, quotePrefix=True)
        self.head = make(font=Font(bold=True), fill=_HEAD_FILL, alignment=wrap)
        self.answer_head = make(font=Font(bold=True), fill=_ANSWER_HEAD_FILL, alignment=wrap)
        self.title = make(font=Font(bold=True, size=13))


def _cell(ws: Any, value: Any, style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str) and value and cell.data_type == "f":
        cell.data_type = "s"  # openpyxl takes "=…" for a formula; this is the user's text
    cell._style = style  # shared: a streamed cell is written at once and never restyled
    return cell


def write_answer_book(book: AnswerBook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    _write_cover(wb, book)
    list_refs = _write_lists(wb, book.lists)
    for sheet in book.sheets:
        _write_data_sheet(wb, sheet, list_refs, book.demo)
    _write_meta(wb, book)
    wb.save(path)
    return path


def _protect(ws: Any) -> None:
    p = ws.protection
    p.sheet = True
    # False = allowed while protected: filtering, sorting, resizing, selecting
    p.autoFilter = False
    p.sort = False
    p.formatColumns = False
    p.formatRows = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False


def _write_cover(wb: Workbook, book: AnswerBook) -> None:
    ws = wb.create_sheet("表紙")
    styles = _Styles(ws)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90
    _protect(ws)
    ws.page_setup.paperSize = 9  # A4
    ws.append([_cell(ws, book.cover_title, styles.title)])
    ws.append([])
    for label, value in book.cover_rows:
        ws.append([_cell(ws, label, styles.head), _cell(ws, value, styles.wrap)])
    ws.append([])
    ws.append([_cell(ws, "回答のしかた", styles.head)])
    for line in book.instructions:
        ws.append([None, _cell(ws, line, styles.wrap)])


def _write_lists(wb: Workbook, lists: dict[str, Sequence[str]]) -> dict[str, str]:
    """The hidden sheet behind the drop-downs: one column per list, its name in row 1."""
    ws = wb.create_sheet(LIST_SHEET)
    ws.sheet_state = "hidden"
    names = list(lists)
    depth = max((len(v) for v in lists.values()), default=0)
    ws.append(names)
    for i in range(depth):
        ws.append([lists[n][i] if i < len(lists[n]) else None for n in names])
    refs = {}
    for col, name in enumerate(names, 1):
        letter = get_column_letter(col)
        refs[name] = f"{quote_sheetname(LIST_SHEET)}!${letter}$2:${letter}${len(lists[name]) + 1}"
    return refs


def _validation(col: Column, list_refs: dict[str, str]) -> DataValidation | None:
    common: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "errorTitle": "入力できない値",
                              "showInputMessage": bool(col.prompt), "promptTitle": col.header, "prompt": col.prompt}
    if col.kind == CHOICE and col.choices:
        return DataValidation(type="list", formula1=f"={list_refs[col.choices]}",
                              error="一覧から選んでください。", **common)
    if col.kind == DATE:
        return DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                              formula2="DATE(2100,12,31)", error="日付を入力してください（例: 2027/03/31）。", **common)
    if col.kind == NUMBER:
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              error="0 以上の数値を入力してください（単位: 千円）。", **common)
    return None


def _write_data_sheet(wb: Workbook, sheet: DataSheet, list_refs: dict[str, str], demo: bool) -> None:
    ws = wb.create_sheet(sheet.name)
    styles = _Styles(ws)
    cols = [*sheet.columns, Column(KEY_HEADER, 30)]
    n = len(cols)
    last_row = HEADER_ROW + max(len(sheet.rows), 1)
    for i, col in enumerate(cols, 1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = col.width
        if col.editable:
            # Empty answer cells are not written at all: they take the column's style (unlocked, coloured,
            # formatted). That keeps a 30,000-row sheet fast; rows a vendor adds below are caught at import.
            dim._style = styles.answer[col.kind]
    ws.column_dimensions[get_column_letter(n)].hidden = True
    ws.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}{FIRST_DATA_ROW}"
    ws.print_title_rows = f"1:{HEADER_ROW}"
    ws.print_title_cols = f"A:{get_column_letter(sheet.frozen_columns)}"
    ws.page_setup.paperSize = 8  # A3
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.HeaderFooter.oddHeader.left.text = sheet.title.replace("&", "&&")
    if demo:
        ws.HeaderFooter.oddHeader.right.text = "デモデータ"
    ws.HeaderFooter.oddFooter.center.text = "&P / &N ページ"
    _protect(ws)
    visible_last = get_column_letter(n - 1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{visible_last}{last_row}"
    for i, col in enumerate(cols, 1):
        if not col.editable:
            continue
        ref = f"{get_column_letter(i)}{FIRST_DATA_ROW}:{get_column_letter(i)}{last_row}"
        dv = _validation(col, list_refs)
        if dv is not None:
            dv.add(ref)
            ws.data_validations.append(dv)
        for value, colour in col.colours.items():
            fill = PatternFill("solid", fgColor=colour, bgColor=colour)
            ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[f'"{value}"'], fill=fill))

    ws.append([_cell(ws, sheet.title, styles.title), *[_cell(ws, None, styles.plain) for _ in cols[1:]]])
    ws.append([_cell(ws, c.header, styles.answer_head if c.editable else styles.head) for c in cols])
    plans = [_column_plan(c, styles) for c in sheet.columns]
    for values, key in sheet.rows:
        ws.append(_row(ws, values, key, plans, styles))


def _column_plan(col: Column, styles: _Styles) -> tuple[bool, Any]:
    if col.editable:
        return True, styles.answer[col.kind]
    return False, styles.wrap if col.wrap else None


def _row(ws: Any, values: Sequence[Any], key: str, plans: list[tuple[bool, Any]], styles: _Styles) -> list[Any]:
    out: list[Any] = []
    for value, (editable, style) in zip(values, plans, strict=True):
        if value is None or value == "":
            out.append(None)
        elif isinstance(value, str) and looks_like_formula(value):
            out.append(_cell(ws, value, styles.answer_quoted if editable else styles.quoted))
        elif style is None:
            out.append(value)
        else:
            out.append(_cell(ws, value, style))
    out.append(key)
    return out


def _write_meta(wb: Workbook, book: AnswerBook) -> None:
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    ws.append([META_MARK])
    for k, v in book.meta:
        ws.append(["meta", k, v])
    for name, code in book.sheet_codes:
        ws.append(["sheet", name, code])
    keys = [key for sheet in book.sheets for _values, key in sheet.rows]
    for start in range(0, len(keys), KEYS_PER_CELL):
        ws.append(["keys", "\n".join(keys[start:start + KEYS_PER_CELL])])


def sheet_name(text: str, taken: Iterable[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    clean = "".join("＿" if ch in '[]:*?/\\' else ch for ch in text).strip("'")[:31] or "シート"
    name, n = clean, 2
    used = set(taken)
    while name in used:
        suffix = f"({n})"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    return name

