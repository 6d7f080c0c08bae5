"""The one font of every workbook fitgap writes: Arial 10.

Not Excel's Calibri 11 (openpyxl's default, from the theme): a unit of column width is the width of a digit
of the workbook's font, 7 pixels in both, but where Calibri is missing (LibreOffice on Linux) DejaVu Sans
stands in and every column prints a third wider, so that wrapped text takes fewer lines than the row
heights written for it (print_layout.row_height): rows 1.4-2x taller than their text (issue 29). Arial has a
stand-in of the same widths everywhere LibreOffice runs (Liberation Sans), so text wraps where Excel wraps
it and the rows fit it. Japanese text takes the system's Japanese font either way.

xlsxwriter workbooks take ``XLSXWRITER_FONT`` as their default format and ``THEME_XML`` as their theme; openpyxl workbooks are made by
``new_workbook`` (the default font and the theme's fonts Arial) and their cells' fonts by ``font``.
"""

from __future__ import annotations

from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.writer.theme import theme_xml

FONT_NAME = "Arial"
FONT_SIZE = 10  # points: body text; print_layout sizes rows and pages for it
# the font named outright, not the theme's minor font: every format (the default one, made before
# xlsxwriter knows the theme's font, and the ones made after) then writes the same font entry, whatever
# order cells use them in
XLSXWRITER_FONT: dict[str, Any] = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "font_scheme": "none"}
# the theme with Arial as its Latin fonts (headings and body: what a chart's text and a theme-following cell
# take); xlsxwriter workbooks take it too (use_custom_theme)
THEME_XML = theme_xml.replace('<a:latin typeface="Cambria"/>', f'<a:latin typeface="{FONT_NAME}"/>').replace(
    '<a:latin typeface="Calibri"/>', f'<a:latin typeface="{FONT_NAME}"/>')


def font(*, size: float = FONT_SIZE, **kw: Any) -> Font:
    """A cell font in the workbook's font (bold, a colour, a larger title: ``font(bold=True, size=14)``)."""
    return Font(name=FONT_NAME, size=size, **kw)


DEFAULT_FONT = Font(name=FONT_NAME, sz=FONT_SIZE, family=2)


def new_workbook(*, write_only: bool = False) -> Workbook:
    """An openpyxl workbook whose default font (every cell without a font of its own, the Normal style) and
    theme fonts are Arial 10."""
    wb = Workbook(write_only=write_only)
    wb._fonts = IndexedList([copy(DEFAULT_FONT)])
    wb._named_styles["Normal"].font = copy(DEFAULT_FONT)
    wb.loaded_theme = THEME_XML
    return wb
