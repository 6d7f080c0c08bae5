"""Print-ready sheets by design: paper, orientation, scale and row heights computed from the columns and their text.

Nothing here knows a particular sheet: a writer passes its column widths (Excel character units), the rows
(and key columns) to repeat on every page and the page header, and gets

- the paper and orientation on which the columns print with body text at reading size (at least
  ``MIN_TEXT_POINTS`` on paper): A4 portrait, A4 landscape, then A3 landscape, fitted to one page wide;
- for a table too wide for that, a fixed scale at reading size on A3 landscape: its columns run on over
  further pages (the writer names the key columns repeated on each page, and may break between groups);
- for a long list (``dense``: the answer workbooks), a fixed scale at which the body text prints at exactly
  ``MIN_TEXT_POINTS``, on the smallest paper that holds its width at that scale, so that a page holds as
  many rows as reading size allows (fitted to the width, a narrow list would print larger, on more pages);
- page numbers in the footer, the header text (with デモデータ on every page for demo data) repeated;
- ``row_height``: the height a row needs so that every line of its wrapped text shows on screen and on
  paper (spreadsheet programs do not grow rows of a generated file by themselves).

The widths are judged as LibreOffice prints them in the workbooks' font, Arial 10 (reports.workbook_font;
Liberation Sans stands in at the same widths): a unit of column width is then about 5.85 points, the widest of
the programs we meet (Excel's is 5.25, so Excel prints the same sheet larger, never smaller).

Used for openpyxl sheets (``apply_openpyxl``) and xlsxwriter sheets (``apply_xlsxwriter``), so an added
column prints right without touching the print code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fitgap.reports.workbook_font import FONT_SIZE

A4, A3 = 9, 8  # paper size codes shared by Excel, openpyxl and xlsxwriter
MIN_TEXT_POINTS = 8.0  # body text on paper at least this size
# printed width of one unit of column width at 100%, as LibreOffice prints a workbook in Arial 10 (every workbook
# fitgap writes, reports.workbook_font): 5.56 pt a unit and 0.71 unit of padding a column (a column of 60 is
# 337 pt wide, one of 11 is 65 pt), about 5.85 pt a unit for columns of 9 units and more; Excel's unit is
# narrower (5.25 pt and 3.75 pt of padding), so a page that holds the columns in LibreOffice holds them in
# Excel too. (In Calibri, missing there, DejaVu Sans stood in and a unit took 7.1 pt.)
UNIT_POINTS = 5.85
# LibreOffice may print a fitted sheet of tall rows a few per cent smaller than its width alone asks for
SCALE_SLACK_POINTS = 0.4
SIDE_MARGIN = 0.4  # inches, left and right
# paper, landscape, printable width in points (the side margins taken off)
_PAPERS = ((A4, False, 595.3 - 144 * SIDE_MARGIN), (A4, True, 841.9 - 144 * SIDE_MARGIN),
           (A3, True, 1190.6 - 144 * SIDE_MARGIN))
DEMO_MARK = "【デモデータ】"
MAX_ROW_HEIGHT = 409.0  # points: the largest row height a spreadsheet stores
LINE_POINTS = {10: 13.5, 11: 15.0, 12: 16.5, 13: 18.0, 14: 19.5}


@dataclass(frozen=True, slots=True)
class PageLayout:
    paper: int
    landscape: bool
    header: str  # left part of the page header (the demo mark goes on the right)
    scale: int | None = None  # None: fitted to one page wide; else a percentage (the columns may run on over pages)
    unit: float = UNIT_POINTS  # printed points of one unit of column width at 100%

    @property
    def fitted(self) -> bool:
        return self.scale is None

    @property
    def width(self) -> float:
        """Points of the printable width of the page."""
        return next(w for p, land, w in _PAPERS if p == self.paper and land == self.landscape)


def min_scale(font_size: float = FONT_SIZE) -> int:
    """The smallest print scale (percent) at which text of ``font_size`` points is still at reading size."""
    return math.ceil(100 * (MIN_TEXT_POINTS + SCALE_SLACK_POINTS) / font_size)


def dense_scale(font_size: float = FONT_SIZE) -> int:
    """The print scale (percent) at which text of ``font_size`` points prints at reading size: a fixed scale
    needs no slack (LibreOffice prints it as set)."""
    return math.ceil(100 * MIN_TEXT_POINTS / font_size)


def page_units(layout: PageLayout, font_size: float = FONT_SIZE) -> float:
    """Units of column width one page holds at the layout's scale (at the smallest readable scale when fitted)."""
    return layout.width / (layout.unit * (layout.scale or min_scale(font_size)) / 100)


def column_breaks(widths: Sequence[float], layout: PageLayout, *, keep: int = 0, prefer: Sequence[int] = (),
                  font_size: float = FONT_SIZE) -> list[int]:
    """Where the pages of a table too wide for one page start (0-based column numbers; nothing when it is
    fitted): each page holds what fits beside the ``keep`` key columns repeated on it, a page ending at
    a ``prefer`` column (the start of a group, such as the answer columns) when one is on it."""
    if layout.fitted:
        return []
    room = page_units(layout, font_size)
    key = sum(widths[:keep])
    breaks: list[int] = []
    start, used = 0, 0.0
    for i, w in enumerate(widths):
        if used + w > room and i > start and i >= keep:
            at = max((p for p in prefer if max(start, keep) < p <= i), default=i)
            breaks.append(at)
            start, used = at, key + sum(widths[at:i])
        used += w
    return breaks


def choose_layout(widths: Sequence[float], *, title: str = "", demo: bool = False,
                  font_size: float = FONT_SIZE, unit: float = UNIT_POINTS, dense: bool = False) -> PageLayout:
    """The smallest paper and orientation on which the columns, fitted to one page wide, print at reading
    size; a table wider than A3 landscape holds at that size keeps the size and runs on over pages.

    ``dense``: not fitted but at the fixed scale of reading size (``dense_scale``), on the smallest paper
    that holds the columns at it (else A3 landscape, the columns running on over pages)."""
    total = sum(widths)
    scale = dense_scale(font_size) if dense else min_scale(font_size)
    for paper, landscape, width in _PAPERS:
        if total * unit * scale / 100 <= width:
            return PageLayout(paper=paper, landscape=landscape, header=title, scale=scale if dense else None,
                              unit=unit)
    return PageLayout(paper=A3, landscape=True, header=title, scale=scale, unit=unit)


def _per_line(width: float, font_size: int) -> float:
    """Characters of ``width`` character units per line of wrapped text (CJK characters count two).

    A unit is the width of a digit of the workbook's font (7 pixels, as of Calibri 11); smaller text fits more
    per line. Every size defaults to the workbook's font (reports.workbook_font). Sized
    for Excel's Japanese fonts (LibreOffice's are a little narrower, so its rows get some air).
    """
    return max(1.0, (width - 1.0) * 0.92 * 11 / font_size)  # a little slack: fonts differ


def _lines(text: str, width: float, font_size: int = FONT_SIZE) -> int:
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


# a line-breaking unit: a run of ASCII (a date, a number, a word) or one other character, with the opening
# brackets before it and the closing punctuation after it (neither begins or ends a Japanese line alone)
_TOKEN = re.compile(r"[（「『【〔［]*(?:[!-~]+|[^\s!-~])[、。，．）」』】〕］：・]*|\s+")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def prewrap(text: str, width: float, font_size: int = FONT_SIZE) -> str:
    """``text`` with line breaks placed so that no date (2029-01-04) is split over two lines: Excel and
    LibreOffice both break a date after a hyphen when it reaches the edge of a cell.

    The lines are laid out as :func:`row_height` counts them (no more than either program fits on a line);
    up to the start of the line of the last date every line ends with an explicit break, so that the
    programs' own wrapping cannot start a line elsewhere; a date that would reach the edge starts a line.
    The rest wraps as the program likes. Nothing is taken away: without its line breaks the text is as
    given (a space at a break stays at the end of its line)."""
    if not DATE.search(text):
        return text
    per_line = _per_line(width, font_size)
    out: list[str] = []
    for paragraph in text.split("\n"):
        lines: list[list[str]] = [[]]
        used = 0.0
        last_date_line = -1
        for token in _TOKEN.findall(paragraph):
            w = _width(token)
            if used + w > per_line and lines[-1] and not token.isspace():
                lines.append([])
                used = 0.0
            lines[-1].append(token)
            used += w
            if DATE.fullmatch(token.strip("（「『【〔［、。，．）」』】〕］：・")):
                last_date_line = len(lines) - 1
        if last_date_line <= 0:
            out.append(paragraph)
            continue
        head = ["".join(line) for line in lines[:last_date_line]]
        tail = "".join("".join(line) for line in lines[last_date_line:])
        out.append("\n".join([*head, tail]))
    return "\n".join(out)


def row_heights(widths: Sequence[float], *, wrap: Sequence[bool] | None = None,
                font_size: int = FONT_SIZE) -> Callable[[Sequence[object]], float | None]:
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
               font_size: int = FONT_SIZE) -> float | None:
    """Points a row needs to show all its wrapped text; None when one line is enough.

    ``wrap[i]`` says whether column i wraps (default: every column). Capped at the spreadsheet maximum.
    """
    return row_heights(widths, wrap=wrap, font_size=font_size)(values)


def header_height(headers: Sequence[object], widths: Sequence[float], *, font_size: int = FONT_SIZE) -> float | None:
    """Points a header row needs for every title to show whole (bold text wraps a little sooner)."""
    return row_height(headers, [w * 0.9 for w in widths], font_size=font_size)


def _escape(text: str) -> str:
    # header codes start with &; && is the code of an ampersand itself (A&B prints as typed, not as Ａ＆Ｂ)
    return text.replace("&", "&&")


def apply_openpyxl(ws: Any, widths: Sequence[float], *, title: str = "", demo: bool = False,
                   title_rows: str | None = None, title_cols: str | None = None, fit_height: int = 0,
                   font_size: float = FONT_SIZE, col_breaks: Sequence[int] = ()) -> PageLayout:
    """Print setup of an openpyxl sheet (normal or write-only; call before the first row is written).

    ``title_cols`` ("A:B") are repeated on every page when the columns run on over pages; ``col_breaks``
    (1-based numbers of the last column of each page) start a new page after those columns."""
    layout = choose_layout(widths, title=title, demo=demo, font_size=font_size)
    ws.page_setup.paperSize = layout.paper
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    if ws.sheet_properties.pageSetUpPr is None:
        from openpyxl.worksheet.properties import PageSetupProperties  # openpyxl sheets only

        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    if layout.fitted:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = fit_height
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.page_setup.scale = layout.scale
        ws.page_setup.pageOrder = "overThenDown"  # a band of rows whole (all its columns) before the next
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        if title_cols:
            ws.print_title_cols = title_cols
    if col_breaks:
        from openpyxl.worksheet.pagebreak import Break

        for col in col_breaks:
            ws.col_breaks.append(Break(id=col, max=1048575))
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.gridLines = False
    if title_rows:
        ws.print_title_rows = title_rows
    if layout.header:
        ws.oddHeader.left.text = _escape(layout.header[:120])
    if demo:
        ws.oddHeader.right.text = DEMO_MARK
        ws.oddHeader.right.color = "C00000"
    ws.oddFooter.center.text = "&P / &N ページ"
    return layout


def apply_xlsxwriter(ws: Any, widths: Sequence[float], *, title: str = "", demo: bool = False,
                     title_rows: tuple[int, int] | None = None, title_cols: tuple[int, int] | None = None,
                     fit_height: int = 0, font_size: float = FONT_SIZE, unit: float = UNIT_POINTS,
                     dense: bool = False) -> PageLayout:
    """The same print setup for an xlsxwriter sheet (``title_cols``: first and last 0-based column)."""
    layout = choose_layout(widths, title=title, demo=demo, font_size=font_size, unit=unit, dense=dense)
    ws.set_paper(layout.paper)
    if layout.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if layout.fitted:
        ws.fit_to_pages(1, fit_height)
    else:
        ws.set_print_scale(layout.scale)
        ws.print_across()  # a band of rows whole (all its columns) before the next
        if title_cols is not None and sum(widths) > page_units(layout, font_size):
            ws.repeat_columns(*title_cols)
    # a dense list takes a little more of the paper's height (the page header and footer still clear it)
    top = 0.5 if dense else 0.6
    ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=top, bottom=top)
    if title_rows is not None:
        ws.repeat_rows(*title_rows)
    # no font-size code: "&9" before a title that begins with digits would read as one size ("&9001")
    # xlsxwriter takes any "&G" for a picture and drops the header: a font code (the same font) parts && and G
    text = _escape(layout.header[:120]).replace("&&G", '&&&"-,Regular"G')
    header = ("&L" + text if layout.header else "") + ("&R" + DEMO_MARK if demo else "")
    if header:
        ws.set_header(header[:255], {"margin": 0.25})
    ws.set_footer("&C&P / &N ページ", {"margin": 0.25})
    return layout
