"""A protected answer workbook, streamed with xlsxwriter's constant_memory mode.

What every workbook fitgap sends out has: a cover sheet, one data sheet per operation with locked context
columns and unlocked answer cells (drop-downs from a hidden list sheet, date and number validations,
answers coloured by conditional formatting), a hidden key column, frozen header and ID columns, an
autofilter, a print setup chosen from the columns (see print_layout: paper, header rows on every page,
row heights for wrapped text, page numbers, デモデータ in the header), and a very hidden metadata sheet. Text that Excel would read as a
formula (= + - @ at the start) is written as text with a quote prefix.

xlsxwriter rather than openpyxl's write-only mode: the same features, at about the speed of a bare write
(openpyxl without lxml spends 2-3x as long serialising 30,000 rows). Empty answer cells are not written:
they take their column's format (unlocked, coloured), so rows a vendor adds below are caught at import.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name

from fitgap.domain.answer_sheet import (
    COVER_SHEET,
    FIRST_DATA_ROW,
    FORMAT_VERSION,
    FORMULA_PREFIXES,
    HEADER_ROW,
    KEY_HEADER,
    LIST_SHEET,
    META_MARK,
    META_SHEET,
    looks_like_formula,
)
from fitgap.domain.round_trip import CHOICE, DATE, NUMBER, TEXT, Column, RoundTrip
from fitgap.reports.output_file import write_atomically
from fitgap.reports.print_layout import (
    apply_xlsxwriter,
    column_breaks,
    header_height,
    row_height,
    row_heights,
)
from fitgap.reports.workbook_font import FONT_SIZE, XLSXWRITER_FONT, xlsxwriter_theme_xml

_HEAD_FILL = "#DDEBF7"
_ANSWER_HEAD_FILL = "#FFE699"
_ANSWER_FILL = "#FFF9E5"
_DATE_FORMAT = "yyyy/mm/dd"
_COST_FORMAT = "#,##0.###"
KEYS_PER_CELL = 500  # exported keys per metadata cell (a cell holds at most 32,767 characters)
KEY_CELL_CHARS = 32_000
_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "default_format_properties": XLSXWRITER_FONT}  # reports.workbook_font


@dataclass(frozen=True)
class DataSheet:
    name: str
    title: str
    columns: Sequence[Column]  # the key column is added after these
    rows: Iterable[tuple[Sequence[Any], str]]  # (one value per column, encoded key); may stream from the database
    frozen_columns: int = 1
    count: int | None = None  # how many rows (needed up front when ``rows`` is not a sequence)

    @property
    def row_count(self) -> int:
        return self.count if self.count is not None else len(self.rows)  # type: ignore[arg-type]


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


class _Formats:
    """Every cell format of the workbook, made once."""

    def __init__(self, wb: Any) -> None:
        def make(**kw: Any) -> Any:
            return wb.add_format({"valign": "top", "font_size": FONT_SIZE, **kw})

        self.plain = make()
        self.date = make(num_format=_DATE_FORMAT)  # a date to read (not to answer): as the answer dates show
        self.wrap = make(text_wrap=True)
        self.quoted = make(text_wrap=True, quote_prefix=True)
        answer = {"locked": False, "bg_color": _ANSWER_FILL, "border": 1, "border_color": "#BFBFBF"}
        self.answer = {
            TEXT: make(text_wrap=True, **answer),
            CHOICE: make(**answer),
            DATE: make(num_format=_DATE_FORMAT, **answer),
            NUMBER: make(num_format=_COST_FORMAT, **answer),
        }
        self.answer_quoted = make(text_wrap=True, quote_prefix=True, **answer)
        self.head = make(bold=True, bg_color=_HEAD_FILL, text_wrap=True, border=1)
        self.answer_head = make(bold=True, bg_color=_ANSWER_HEAD_FILL, text_wrap=True, border=1)
        self.title = make(bold=True, font_size=13)
        self.late = wb.add_format({"bg_color": "#F8D7DA", "font_color": "#C00000", "bold": True})
        self.colour: dict[str, Any] = {}
        self._wb = wb

    def fill(self, colour: str) -> Any:
        if colour not in self.colour:
            self.colour[colour] = self._wb.add_format({"bg_color": f"#{colour}"})
        return self.colour[colour]


def write_answer_book(book: AnswerBook, path: Path) -> Path:
    """Write the workbook whole or not at all: rows may stream from the database, and a failure midway
    (a lost connection, a full disk) must not leave half a workbook behind."""
    return write_atomically(path, lambda tmp: _write(book, tmp))


def _write(book: AnswerBook, path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), _OPTIONS)
    wb.use_custom_theme(io.StringIO(xlsxwriter_theme_xml()))  # Arial there too (a theme-following text)
    try:
        fmt = _Formats(wb)
        _write_cover(wb, book, fmt)
        list_refs = _write_lists(wb, book.lists)
        # every sheet is made first, in the order of the workbook (the metadata sheet last), so that the
        # keys go to the metadata sheet while the rows stream (constant_memory: one stream per sheet)
        data_sheets = [wb.add_worksheet(sheet.name) for sheet in book.sheets]
        keys = _KeyChunks(_start_meta(wb, book))
        for ws, sheet in zip(data_sheets, book.sheets, strict=True):
            _write_data_sheet(ws, sheet, list_refs, book.demo, fmt, keys)
        keys.close()
    finally:
        wb.close()


def _protect(ws: Any) -> None:
    # no password: staff may unprotect; what matters is that the answer cells are the obvious place to type
    ws.protect("", {"autofilter": True, "sort": True, "format_columns": True, "format_rows": True,
                    "select_locked_cells": True, "select_unlocked_cells": True})


def _text(ws: Any, row: int, col: int, value: str, fmt: Any, quoted: Any) -> None:
    ws.write_string(row, col, value, quoted if looks_like_formula(value) else fmt)


def _write_cover(wb: Any, book: AnswerBook, fmt: _Formats) -> None:
    ws = wb.add_worksheet(COVER_SHEET)
    widths = (22, 90)
    ws.set_column(0, 0, widths[0])
    ws.set_column(1, 1, widths[1])
    apply_xlsxwriter(ws, widths, title=book.cover_title, demo=book.demo, fit_height=1, font_size=FONT_SIZE)  # one page
    _protect(ws)
    _text(ws, 0, 0, book.cover_title, fmt.title, fmt.quoted)
    r = 2
    for label, value in book.cover_rows:
        height = row_height(("", value), widths, font_size=FONT_SIZE)
        if height:
            ws.set_row(r, height)
        ws.write_string(r, 0, label, fmt.head)
        _text(ws, r, 1, value, fmt.wrap, fmt.quoted)
        r += 1
    r += 1
    ws.write_string(r, 0, "回答のしかた", fmt.head)
    for line in book.instructions:
        height = row_height(("", line), widths, font_size=FONT_SIZE)
        if height:
            ws.set_row(r, height)
        ws.write_string(r, 1, line, fmt.wrap)
        r += 1


def _write_lists(wb: Any, lists: dict[str, Sequence[str]]) -> dict[str, str]:
    """The hidden sheet behind the drop-downs: one column per list, its name in row 1."""
    ws = wb.add_worksheet(LIST_SHEET)
    ws.hide()
    refs = {}
    names = list(lists)
    for c, name in enumerate(names):
        ws.write_string(0, c, name)
    depth = max((len(v) for v in lists.values()), default=0)
    for r in range(depth):
        for c, name in enumerate(names):
            if r < len(lists[name]):
                ws.write_string(r + 1, c, lists[name][r])
    for c, name in enumerate(names):
        letter = xl_col_to_name(c)
        refs[name] = f"='{LIST_SHEET}'!${letter}$2:${letter}${len(lists[name]) + 1}"
    return refs


def _validation(col: Column, list_refs: dict[str, str]) -> dict[str, Any] | None:
    common: dict[str, Any] = {"ignore_blank": True, "error_title": "入力できない値", "error_type": "stop"}
    if col.prompt:
        common |= {"input_title": col.header[:32], "input_message": col.prompt[:255]}
    if col.kind == CHOICE and col.choices:
        return {"validate": "list", "source": list_refs[col.choices], "error_message": "一覧から選んでください。",
                **common}
    if col.kind == DATE:
        return {"validate": "date", "criteria": "between", "minimum": date(2000, 1, 1),
                "maximum": date(2100, 12, 31), "error_message": "日付を入力してください（例: 2027/03/31）。", **common}
    if col.kind == NUMBER:
        return {"validate": "decimal", "criteria": ">=", "value": 0,
                "error_message": "0 以上の数値を入力してください（単位: 千円）。", **common}
    return None


class _KeyChunks:
    """Every exported key, written to the metadata sheet in cells of KEYS_PER_CELL (fewer when long keys would
    pass a cell's 32,767 characters, which Excel would cut) as the rows go out."""

    def __init__(self, meta: tuple[Any, int]) -> None:
        self._ws, self._row = meta
        self._open: list[str] = []
        self._chars = 0

    def add(self, key: str) -> None:
        if self._open and self._chars + len(key) + 1 > KEY_CELL_CHARS:
            self._flush()
        self._open.append(key)
        self._chars += len(key) + 1
        if len(self._open) == KEYS_PER_CELL:
            self._flush()

    def _flush(self) -> None:
        self._ws.write_string(self._row, 0, "keys")
        self._ws.write_string(self._row, 1, "\n".join(self._open))
        self._row += 1
        self._open = []
        self._chars = 0

    def close(self) -> None:
        if self._open:
            self._flush()


def _write_data_sheet(ws: Any, sheet: DataSheet, list_refs: dict[str, str], demo: bool, fmt: _Formats,
                      keys: _KeyChunks) -> None:
    cols = [*sheet.columns, Column(KEY_HEADER, 30)]
    n = len(cols)
    head, first = HEADER_ROW - 1, FIRST_DATA_ROW - 1  # 0-based rows
    last = head + max(sheet.row_count, 1)
    for i, col in enumerate(cols):
        if i == n - 1:
            ws.set_column(i, i, col.width, None, {"hidden": True})
        else:
            ws.set_column(i, i, col.width, fmt.answer[col.kind] if col.editable else None)
    ws.freeze_panes(first, sheet.frozen_columns)
    widths = [c.width for c in sheet.columns]  # the key column is hidden: it takes no paper
    # the title prints once (it is in the page header of every page); the column titles on every page, and
    # the frozen ID columns on every page when the columns run on over pages
    # a long list: at the fixed scale of reading size, one page wide where the columns allow (A3 landscape
    # for the vendor sheet), so that a page holds as many rows as 8-pt text allows
    layout = apply_xlsxwriter(ws, widths, title=sheet.title, demo=demo, title_rows=(head, head),
                              title_cols=(0, sheet.frozen_columns - 1), font_size=FONT_SIZE, dense=True)
    ws.print_area(head, 0, last, n - 2)  # from the column titles: the title row would print it a second time
    answers = [i for i, c in enumerate(sheet.columns) if c.editable][:1]  # the answer columns begin a page
    breaks = column_breaks(widths, layout, keep=sheet.frozen_columns, prefer=answers, font_size=FONT_SIZE)
    if breaks:
        ws.set_v_pagebreaks(breaks)
    _protect(ws)
    ws.autofilter(head, 0, last, n - 1)  # the hidden key column too: a sort must carry the keys with their rows
    for i, col in enumerate(cols):
        if col.late_after is not None:  # red while this date is after the one it must meet (live, as edited)
            other = xl_col_to_name(next(j for j, c in enumerate(cols) if c.header == col.late_after))
            ws.conditional_format(first, i, last, i, {
                "type": "formula", "format": fmt.late,
                "criteria": f"=AND(ISNUMBER({xl_col_to_name(i)}{first + 1}),ISNUMBER(${other}{first + 1}),"
                            f"{xl_col_to_name(i)}{first + 1}>${other}{first + 1})"})
        for value, colour in col.colours.items() if not col.editable else ():
            ws.conditional_format(first, i, last, i, {"type": "text", "criteria": "begins with", "value": value,
                                                      "format": fmt.fill(colour)})
        if not col.editable:
            continue
        dv = _validation(col, list_refs)
        if dv is not None:
            ws.data_validation(first, i, last, i, dv)
        for value, colour in col.colours.items():
            ws.conditional_format(first, i, last, i, {"type": "cell", "criteria": "==", "value": f'"{value}"',
                                                      "format": fmt.fill(colour)})

    _text(ws, 0, 0, sheet.title, fmt.title, fmt.quoted)
    for i in range(1, n):
        ws.write_blank(0, i, None, fmt.plain)  # row 1 stays locked even in the answer columns
    head_height = header_height([c.header for c in sheet.columns], widths, font_size=FONT_SIZE)
    if head_height:
        ws.set_row(head, head_height)  # every column title shows whole, also one that wraps
    for i, col in enumerate(cols):
        ws.write_string(head, i, col.header, fmt.answer_head if col.editable else fmt.head)
    # every cell top-aligned: in a tall row the ID sits beside the first line of its text
    plans = [(fmt.answer[col.kind] if col.editable else
               (fmt.wrap if col.wrap else fmt.date if col.kind == DATE else fmt.plain),
               fmt.answer_quoted if col.editable else fmt.quoted) for col in sheet.columns]
    wraps = [col.wrap or (col.editable and col.kind == TEXT) for col in sheet.columns]
    rows = _RowWriter(ws, plans, n - 1) if FAST_ROWS and _RowWriter.fits(ws) else _CellWriter(ws, plans, n - 1)
    height = row_heights(widths, wrap=wraps, font_size=FONT_SIZE)
    for r, (values, key) in enumerate(sheet.rows, first):
        rows.write(r, values, key, height(values))
        keys.add(key)


FAST_ROWS = True  # False: every cell through xlsxwriter's own write_* calls (the reference the tests compare)


class _CellWriter:
    """A data row through xlsxwriter's public calls, cell by cell: empty values are not written (the cell
    takes its column's format), text that looks like a formula gets the quote-prefix format, the key goes
    to the last column unformatted, and a row of wrapped text gets its height."""

    def __init__(self, ws: Any, plans: Sequence[tuple[Any, Any]], key_col: int) -> None:
        self.ws, self.plans, self.key_col = ws, plans, key_col

    def write(self, r: int, values: Sequence[Any], key: str, height: float | None) -> None:
        ws = self.ws
        if height:
            ws.set_row(r, height)  # wrapped text shows whole on screen and on paper
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            style, quoted = self.plans[c]
            if isinstance(value, str):
                ws.write_string(r, c, value, quoted if looks_like_formula(value) else style)
            elif isinstance(value, datetime | date):
                ws.write_datetime(r, c, value, style)
            elif isinstance(value, bool):
                ws.write_string(r, c, str(value), style)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value, style)
            else:
                ws.write_string(r, c, str(value), style)
        ws.write_string(r, self.key_col, key)


_PLAIN_TEXT_BREAKERS = re.compile("[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x")


class _RowWriter(_CellWriter):
    """The same rows, each serialised in one go into the sheet's stream (xlsxwriter's constant_memory
    temporary file) instead of a dozen calls per cell: byte for byte the XML xlsxwriter writes for those
    calls (tests/unit/reports/test_answer_rows.py compares them), at a fraction of the time, and without
    xlsxwriter's per-row height records, which it keeps until the workbook closes (memory flat in rows).

    Anything out of the ordinary (text with control characters, XML specials or leading/trailing spaces,
    text too long for a cell, a number that is not finite) is escaped with xlsxwriter's own functions or,
    for the last two, the row goes through :class:`_CellWriter`."""

    @staticmethod
    def fits(ws: Any) -> bool:
        """The sheet streams rows to a file as this writer expects (constant_memory mode of xlsxwriter 3)."""
        return bool(getattr(ws, "constant_memory", False)) and all(
            hasattr(ws, a) for a in ("fh", "previous_row", "table", "row_info", "col_info", "dim_rowmin",
                                     "_write_single_row", "_check_dimensions", "_convert_date_time",
                                     "_escape_control_characters", "_escape_data", "excel_version",
                                     "default_row_height", "original_row_height", "xls_strmax"))

    def __init__(self, ws: Any, plans: Sequence[tuple[Any, Any]], key_col: int) -> None:
        super().__init__(ws, plans, key_col)
        self.letters = [xl_col_to_name(c) for c in range(key_col + 1)]
        self.style_attrs: dict[int, str] = {}
        self.short = ws.xls_strmax // 2  # longer text may need truncating: xlsxwriter's own path does that
        self.extra = ' x14ac:dyDescent="0.25"' if ws.excel_version == 2010 else ""

    def _style(self, fmt: Any, col: int) -> str:
        """The s attribute of a cell: xf indexes are given out at the first cell that uses a format, as
        xlsxwriter does when it writes that cell (so styles.xml lists them in the same order)."""
        if fmt is None:
            info = self.ws.col_info.get(col)
            fmt = info.column_format if info is not None else None
            if fmt is None:
                return ""
        attr = self.style_attrs.get(id(fmt))
        if attr is None:
            attr = self.style_attrs[id(fmt)] = f' s="{fmt._get_xf_index()}"'
        return attr

    def _text(self, ref: str, style: str, text: str) -> str:
        if _PLAIN_TEXT_BREAKERS.search(text) is not None:
            text = self.ws._escape_control_characters(text)
            if text.startswith("<r>") and text.endswith("</r>"):  # xlsxwriter takes this for rich text
                return f'<c r="{ref}"{style} t="inlineStr"><is>{text}</is></c>'
            preserve = bool(_preserve_whitespace(text))
            text = self.ws._escape_data(text)
        else:
            preserve = bool(text) and (text[0].isspace() or text[-1].isspace())
        space = ' xml:space="preserve"' if preserve else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'

    def write(self, r: int, values: Sequence[Any], key: str, height: float | None) -> None:
        ws = self.ws
        if r > ws.previous_row:
            ws._write_single_row(r)  # whatever xlsxwriter still holds (the header row) goes out first
        short = self.short
        if len(key) > short:
            super().write(r, values, key, height)
            return
        number = r + 1
        letters, plans, style_of, text_cell = self.letters, self.plans, self._style, self._text
        cells = []
        first_col = -1
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if first_col < 0:
                first_col = c
            style, quoted = plans[c]
            ref = f"{letters[c]}{number}"
            if isinstance(value, str):
                if len(value) > short:  # truncation exactly as xlsxwriter does it
                    super().write(r, values, key, height)
                    return
                cells.append(text_cell(ref, style_of(quoted if value.startswith(FORMULA_PREFIXES) else style, c),
                                       value))
            elif isinstance(value, datetime | date):
                cells.append(f'<c r="{ref}"{style_of(style, c)}><v>{ws._convert_date_time(value):.16G}</v></c>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                if not math.isfinite(value):  # refused exactly as xlsxwriter refuses it
                    super().write(r, values, key, height)
                    return
                cells.append(f'<c r="{ref}"{style_of(style, c)}><v>{value:.16G}</v></c>')
            else:
                cells.append(text_cell(ref, style_of(style, c), str(value)))
        key_col = self.key_col
        cells.append(text_cell(f"{letters[key_col]}{number}", style_of(None, key_col), key))
        ws._check_dimensions(r, first_col if first_col >= 0 else key_col)
        ws._check_dimensions(r, key_col)
        row = f'<row r="{number}"'
        if height:
            pixels = int(height * 4.0 / 3.0 + 0.5)  # what set_row keeps (whole pixels), then written in points
            if pixels != ws.original_row_height or pixels != ws.default_row_height:
                row += f' ht="{pixels * 0.75:.16g}" customHeight="1"'
        elif ws.default_row_height != ws.original_row_height:
            row += f' ht="{ws.default_row_height * 0.75:.16g}" customHeight="1"'
        ws.fh.write(f"{row}{self.extra}>{''.join(cells)}</row>")


def _start_meta(wb: Any, book: AnswerBook) -> tuple[Any, int]:
    """The very hidden metadata sheet with its values and sheet codes; the keys follow from the row returned."""
    ws = wb.add_worksheet(META_SHEET)
    ws.very_hidden()
    ws.write_string(0, 0, META_MARK)
    r = 1
    for k, v in book.meta:
        ws.write_row(r, 0, ["meta", k, v])
        r += 1
    for name, code in book.sheet_codes:
        ws.write_row(r, 0, ["sheet", name, code])
        r += 1
    return ws, r


def sheet_name(text: str, taken: Iterable[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    clean = "".join("＿" if ch in '[]:*?/\\' else ch for ch in text).strip("'")[:31] or "シート"
    name, n = clean, 2
    used = set(taken)
    while name in used:
        suffix = f"({n})"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    return name


@dataclass(frozen=True)
class Part:
    """One data sheet of an outgoing workbook: an operation's rows (the 改修 list: all in one sheet)."""

    code: str  # what the metadata sheet records for the sheet (the operation code)
    name: str  # the sheet name wanted (made valid and unique)
    title: str
    rows: Iterable[tuple[Mapping[str, Any], str]]  # (value per column name, encoded key); may stream
    count: int | None = None  # how many rows (needed up front when ``rows`` is not a sequence)


@dataclass(frozen=True)
class Outgoing:
    """A workbook of one round trip as it goes out: who it is from and for, and its sheets."""

    trip: RoundTrip
    export_id: str
    database_id: str
    municipality: str
    created_at: datetime
    parts: Sequence[Part]
    created_by: str = ""
    vendor: str = ""  # the addressee recorded in the metadata ("" for none)
    demo: bool = False
    addressee: tuple[str, str] | None = None  # the cover's line after 団体 (回答をお願いするベンダ …)
    cover: Sequence[tuple[str, str]] = ()  # the kind's own cover lines, after 作成日 and 作成者
    demo_note: str = "このブックはデモデータ（架空の要件）から作成したものです。"


def build_book(out: Outgoing) -> AnswerBook:
    """The workbook of ``out`` by its round trip's declaration: cover, sheets, lists and metadata."""
    trip = out.trip
    names = [c.name for c in trip.columns]
    sheets: list[DataSheet] = []
    for part in out.parts:
        rows = ((tuple(values.get(n) for n in names), key) for values, key in part.rows)
        name = sheet_name(part.name, [s.name for s in sheets] + [COVER_SHEET])
        sheets.append(DataSheet(name=name, title=part.title, columns=trip.columns, rows=rows,
                                frozen_columns=trip.frozen_columns,
                                count=part.count if part.count is not None else len(part.rows)))  # type: ignore[arg-type]
    meta = [("format_version", FORMAT_VERSION), ("export_id", out.export_id), ("database_id", out.database_id),
            ("purpose", trip.purpose), ("vendor", out.vendor),
            ("created_at", out.created_at.isoformat(timespec="seconds")), ("created_by", out.created_by),
            ("municipality", out.municipality), ("demo", "1" if out.demo else "0")]
    cover = [("注意", out.demo_note)] if out.demo else []
    cover += [("団体", out.municipality), *([out.addressee] if out.addressee else []),
              ("作成日", f"{out.created_at:%Y/%m/%d}"), *([("作成者", out.created_by)] if out.created_by else []),
              *out.cover, ("書き出しID", out.export_id)]
    return AnswerBook(meta=meta, sheet_codes=[(s.name, p.code) for s, p in zip(sheets, out.parts, strict=True)],
                      cover_title=f"{'【デモ】' if out.demo else ''}{trip.cover_title}", cover_rows=cover,
                      instructions=trip.instructions, lists=dict(trip.lists), sheets=sheets, demo=out.demo)


def write_book(out: Outgoing, path: Path) -> Path:
    """Write the workbook of ``out`` to ``path``, whole or not at all."""
    return write_answer_book(build_book(out), path)


__all__ = ["CHOICE", "DATE", "NUMBER", "TEXT", "AnswerBook", "Column", "DataSheet", "Outgoing", "Part",
           "build_book", "sheet_name", "write_answer_book", "write_book"]
