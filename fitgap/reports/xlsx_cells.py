"""Small helpers for write-only openpyxl sheets: styled cells that never turn text into formulas."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
HEAD_FONT = Font(bold=True)
HEAD_ALIGN = Alignment(wrap_text=True, vertical="center")


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
    ws.append([cell(ws, h, font=HEAD_FONT, fill=HEAD_FILL, alignment=HEAD_ALIGN) for h in headers])


def set_widths(ws: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    """Column widths (must be set before the first row is written)."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
