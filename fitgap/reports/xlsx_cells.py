"""The one writer policy for every cell fitgap writes, and small helpers for write-only openpyxl sheets.

- Data is text, never a formula: a string cell is always written as a string (``data_type = "s"``), also
  when it begins with ``=``. In xlsxwriter books the same text gets a quote prefix (see answer_workbook).
- Codes and IDs are strings, written with the text number format ``@`` (``CODE_FORMAT``), so that no
  spreadsheet turns 001 into 1 when a cell is edited.
- In a CSV, a value beginning with = + - @ tab or CR gets a leading apostrophe (``csv_field``): shown as
  text by spreadsheets, taken off again by fitgap's own importers (``unguard_csv``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from fitgap.domain.answer_sheet import CSV_GUARD, looks_like_formula
from fitgap.reports.print_layout import DATE, header_height, prewrap, row_height
from fitgap.reports.workbook_font import font

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
HEAD_FONT = font(bold=True)
HEAD_ALIGN = Alignment(wrap_text=True, vertical="center")
CODE_FORMAT = "@"  # text: codes and IDs keep their leading zeros when a cell is edited


def csv_field(value: object) -> str:
    """One CSV field by the writer policy: None is empty, dates ISO, numbers as they are, and text that a
    spreadsheet would evaluate (= + - @ tab CR at the start) behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str):
        return CSV_GUARD + value if looks_like_formula(value) else value
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def csv_row(values: Iterable[object]) -> list[str]:
    return [csv_field(v) for v in values]


def text_cells(ws: Worksheet, row: int | None = None) -> None:
    """Mark every string cell of a normal (not write-only) sheet as text, so none is saved as a formula.

    With ``row`` only that row; call it after the row is filled.
    """
    rows = ws.iter_rows() if row is None else ws.iter_rows(min_row=row, max_row=row)
    for r in rows:
        for c in r:
            if isinstance(c.value, str):
                c.data_type = "s"


def cell(
    ws: WriteOnlyWorksheet,
    value: object,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    border: Border | None = None,
    alignment: Alignment | None = None,
    number_format: str | None = None,
) -> WriteOnlyCell | object:
    """A cell for ``ws.append``; text beginning with = stays text (never a formula).

    A plain value needs no cell object: it is returned as it is (much faster for long sheets).
    """
    is_formula_like = isinstance(value, str) and value.startswith("=")
    if not is_formula_like and font is fill is border is alignment is number_format is None:
        return value
    c = WriteOnlyCell(ws, value=value)
    if is_formula_like:
        c.data_type = "s"
    if font is not None:
        c.font = font
    if fill is not None:
        c.fill = fill
    if border is not None:
        c.border = border
    if alignment is not None:
        c.alignment = alignment
    if number_format is not None:
        c.number_format = number_format
    return c


def header_row(ws: WriteOnlyWorksheet, headers: Sequence[str]) -> None:
    """A header row of the default height (see :meth:`RowWriter.header` for one as tall as its titles)."""
    ws.append([cell(ws, h, font=HEAD_FONT, fill=HEAD_FILL, alignment=HEAD_ALIGN) for h in headers])


def set_widths(ws: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    """Column widths (must be set before the first row is written)."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _value(c: object) -> object:
    return c.value if isinstance(c, Cell) else c


def _wraps(c: object) -> bool:
    return isinstance(c, Cell) and c.has_style and bool(c.alignment.wrap_text)


class RowWriter:
    """Appends rows to a write-only sheet, each as tall as the text of its wrapping cells needs.

    A cell wraps when its alignment says so (``wrap_text``); its column width comes from ``widths``. Wrapped
    text holding a date gets its line breaks placed so that the date stays whole (print_layout.prewrap).
    ``row`` is the number of the last row written (1-based), for anchors and print titles.
    """

    def __init__(self, ws: WriteOnlyWorksheet, widths: Sequence[float], *, font_size: int = 11) -> None:
        self.ws, self.widths, self.font_size, self.row = ws, list(widths), font_size, 0

    def append(self, cells: Sequence[object]) -> int:
        self.row += 1
        wrap = [_wraps(c) for c in cells]
        row = list(cells)
        for i, c in enumerate(row):  # a date in wrapped text is never split over two lines
            if wrap[i] and isinstance(c, Cell) and isinstance(c.value, str) and DATE.search(c.value) \
                    and i < len(self.widths):
                c.value = prewrap(c.value, self.widths[i], self.font_size)
        if any(wrap):
            height = row_height([_value(c) for c in cells], self.widths, wrap=wrap, font_size=self.font_size)
            if height:
                self.ws.row_dimensions[self.row].height = height
                row = [_top(self.ws, c) for c in row]  # a tall row reads from its top line, every cell alike
        self.ws.append(row)
        return self.row

    def header(self, headers: Sequence[str]) -> int:
        """A header row, as tall as its wrapped titles need."""
        self.row += 1
        height = header_height(headers, self.widths, font_size=self.font_size)
        if height:
            self.ws.row_dimensions[self.row].height = height
        header_row(self.ws, headers)
        return self.row


TOP = Alignment(vertical="top")


def _top(ws: WriteOnlyWorksheet, c: object) -> object:
    if c is None:
        return None
    if not isinstance(c, Cell):
        return cell(ws, c, alignment=TOP)
    if c.alignment.vertical is None:
        a = c.alignment
        c.alignment = Alignment(horizontal=a.horizontal, wrap_text=a.wrap_text, vertical="top")
    return c
