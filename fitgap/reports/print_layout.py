"""Print-ready sheets by design: paper, orientation and row heights computed from the columns and their text.

Nothing here knows a particular sheet: a writer passes its column widths (Excel character units), the rows
to repeat on every page and the page header, and gets

- the paper and orientation that hold the columns at a readable scale (A4 portrait, A4 landscape, then
  A3 landscape), always fitted to one page wide and as many pages tall as needed;
- page numbers in the footer, the header text (with デモデータ on every page for demo data) repeated;
- ``row_height``: the height a row needs so that every line of its wrapped text shows on screen and on
  paper (spreadsheet programs do not grow rows of a generated file by themselves).

Used for openpyxl sheets (``apply_openpyxl``) and xlsxwriter sheets (``apply_xlsxwriter``), so an added
column prints right without touching the print code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

A4, A3 = 9, 8  # paper size codes shared by Excel, openpyxl and xlsxwriter
# Printable width of each paper in Excel character units at 100% (about 1.9 mm per unit, 10 mm margins);
# the columns are fitted to the page width, so a sheet may be scaled down to about 70% before a larger
# paper is chosen.
_CAPACITY = ((A4, False, 100 / 0.7), (A4, True, 145 / 0.7), (A3, True, 210 / 0.7))
DEMO_MARK = "【デモデータ】"
MAX_ROW_HEIGHT = 409.0  # points: the largest row height a spreadsheet stores
LINE_POINTS = {10: 13.5, 11: 15.0, 12: 16.5, 13: 18.0, 14: 19.5}


@dataclass(frozen=True, slots=True)
class PageLayout:
    paper: int
    landscape: bool
    header: str  # left part of the page header (the demo mark goes on the right)


def choose_layout(widths: Sequence[float], *, title: str = "", demo: bool = False) -> PageLayout:
    """The smallest paper and orientation on which the columns print at a readable scale."""
    total = sum(widths)
    paper, landscape = A3, True
    for p, land, capacity in _CAPACITY:
        if total <= capacity:
            paper, landscape = p, land
            break
    return PageLayout(paper=paper, landscape=landscape, header=title)


def _per_line(width: float, font_size: int) -> float:
    """Characters of ``width`` character units per line of wrapped text (CJK characters count two).

    A unit is the width of a digit of the 11-point default font; smaller text fits more per line. Sized
    for Excel's Japanese fonts (LibreOffice's are a little narrower, so its rows get some air).
    """
    return max(1.0, (width - 1.0) * 0.92 * 11 / font_size)  # a little slack: fonts differ


def _lines(text: str, width: float, font_size: int = 11) -> int:
    """Lines a wrapped cell of ``width`` character units needs for ``text``."""
    return _count_lines(text, _per_line(width, font_size))


def _count_lines(text: str, per_line: float) -> int:
    if "\n" not in text and 2 * len(text) <= per_line:
        return 1
    return sum(max(1, math.ceil(_width(part) / per_line)) for part in text.split("\n"))


def _width(text: str) -> float:
    """Display width, fast: a character beyond ASCII counts two (Japanese text is nearly all full-width;
    its UTF-8 form has three bytes per character). Exact for ASCII and full-width text, and C-speed, which
    matters for 30,000-row sheets."""
    n = len(text)
    extra = len(text.encode("utf-8")) - n
    return n + extra / 2 if extra else n


def row_heights(widths: Sequence[float], *, wrap: Sequence[bool] | None = None,
                font_size: int = 11) -> Callable[[Sequence[object]], float | None]:
    """:func:`row_height` for many rows of the same columns: what depends on the columns is worked out once."""
    columns = [(i, _per_line(w, font_size)) for i, w in enumerate(widths)
               if wrap is None or (i < len(wrap) and wrap[i])]
    per_line = LINE_POINTS.get(font_size, font_size * 1.35)

    def height(values: Sequence[object]) -> float | None:
        lines = 1
        n = len(values)
        for i, fits in columns:
            if i >= n:
                break
            value = values[i]
            if value is None:
                continue
            text = value if isinstance(value, str) else str(value)
            if not text or ("\n" not in text and 2 * len(text) <= fits):
                continue  # one line
            lines = max(lines, _count_lines(text, fits))
        if lines <= 1:
            return None
        return min(MAX_ROW_HEIGHT, lines * per_line + 3)

    return height


def row_height(values: Sequence[object], widths: Sequence[float], *, wrap: Sequence[bool] | None = None,
               font_size: int = 11) -> float | None:
    """Points a row needs to show all its wrapped text; None when one line is enough.

    ``wrap[i]`` says whether column i wraps (default: every column). Capped at the spreadsheet maximum.
    """
    return row_heights(widths, wrap=wrap, font_size=font_size)(values)


def _escape(text: str) -> str:
    # header codes start with &; a full-width ＆ prints the same and can never be read as a code
    return text.replace("&", "＆")


def apply_openpyxl(ws: Any, widths: Sequence[float], *, title: str = "", demo: bool = False,
                   title_rows: str | None = None, fit_height: int = 0) -> PageLayout:
    """Print setup of an openpyxl sheet (normal or write-only; call before the first row is written)."""
    layout = choose_layout(widths, title=title, demo=demo)
    ws.page_setup.paperSize = layout.paper
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = fit_height
    if ws.sheet_properties.pageSetUpPr is None:
        from openpyxl.worksheet.properties import PageSetupProperties  # openpyxl sheets only

        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.gridLines = False
    if title_rows:
        ws.print_title_rows = title_rows
    if layout.header:
        ws.oddHeader.left.text = _escape(layout.header)[:200]
    if demo:
        ws.oddHeader.right.text = DEMO_MARK
        ws.oddHeader.right.color = "C00000"
    ws.oddFooter.center.text = "&P / &N ページ"
    return layout


def apply_xlsxwriter(ws: Any, widths: Sequence[float], *, title: str = "", demo: bool = False,
                     title_rows: tuple[int, int] | None = None, fit_height: int = 0) -> PageLayout:
    """The same print setup for an xlsxwriter sheet."""
    layout = choose_layout(widths, title=title, demo=demo)
    ws.set_paper(layout.paper)
    if layout.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, fit_height)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if title_rows is not None:
        ws.repeat_rows(*title_rows)
    # no font-size code: "&9" before a title that begins with digits would read as one size ("&9001")
    header = ("&L" + _escape(layout.header)[:200] if layout.header else "") + ("&R" + DEMO_MARK if demo else "")
    if header:
        ws.set_header(header[:255], {"margin": 0.25})
    ws.set_footer("&C&P / &N ページ", {"margin": 0.25})
    return layout
