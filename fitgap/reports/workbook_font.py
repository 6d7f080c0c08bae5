"""The one font of every workbook fitgap writes: Arial 10.

Not Excel's Calibri 11 (openpyxl's default, from the theme): a unit of column width is the width of a digit
of the workbook's font, 7 pixels in both, but where Calibri is missing (LibreOffice on Linux) DejaVu Sans
stands in and every column prints a third wider, so that wrapped text takes fewer lines than the row
heights written for it (print_layout.row_height): rows 1.4-2x taller than their text (issue 29). Arial has a
stand-in of the same widths everywhere LibreOffice runs (Liberation Sans), so text wraps where Excel wraps
it and the rows fit it. Japanese text takes the system's Japanese font either way.

xlsxwriter workbooks take ``XLSXWRITER_FONT`` as their default format and ``xlsxwriter_theme_xml()`` as their theme; openpyxl workbooks are made by
``new_workbook`` (the default font and the theme's fonts Arial) and their cells' fonts by ``font``.
"""

from __future__ import annotations

from copy import copy
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is loaded when a workbook is written, not when the CLI starts (test_lazy_start)
    from openpyxl import Workbook
    from openpyxl.styles import Font

FONT_NAME = "Arial"
FONT_SIZE = 10  # points: body text; print_layout sizes rows and pages for it
# the font named outright, not the theme's minor font: every format (the default one, made before
# xlsxwriter knows the theme's font, and the ones made after) then writes the same font entry, whatever
# order cells use them in
XLSXWRITER_FONT: dict[str, Any] = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "font_scheme": "none"}


def _arial(theme: str) -> str:
    """A theme with Arial as its Latin fonts (headings and body: what a chart's text and a theme-following cell
    take)."""
    return theme.replace('<a:latin typeface="Cambria"/>', f'<a:latin typeface="{FONT_NAME}"/>').replace(
        '<a:latin typeface="Calibri"/>', f'<a:latin typeface="{FONT_NAME}"/>')


@cache
def theme_xml() -> str:
    """The openpyxl workbooks' theme, in Arial."""
    from openpyxl.writer.theme import theme_xml as base

    return _arial(base)


@cache
def xlsxwriter_theme_xml() -> str:
    """The xlsxwriter workbooks' theme, in Arial (use_custom_theme); xlsxwriter's own, so that writing an
    answer workbook does not load openpyxl."""
    from xlsxwriter.theme import THEME_XML_2007

    return _arial(THEME_XML_2007)


def font(*, size: float = FONT_SIZE, **kw: Any) -> Font:
    """A cell font in the workbook's font (bold, a colour, a larger title: ``font(bold=True, size=14)``)."""
    from openpyxl.styles import Font

    return Font(name=FONT_NAME, size=size, **kw)


def new_workbook(*, write_only: bool = False) -> Workbook:
    """An openpyxl workbook whose default font (every cell without a font of its own, the Normal style) and
    theme fonts are Arial 10."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    default = Font(name=FONT_NAME, sz=FONT_SIZE, family=2)
    wb = Workbook(write_only=write_only)
    wb._fonts = IndexedList([copy(default)])
    wb._named_styles["Normal"].font = copy(default)
    wb.loaded_theme = theme_xml()
    return wb
