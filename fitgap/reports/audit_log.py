"""The audit log as a file: an Excel workbook or a CSV (UTF-8 with BOM, so Excel reads it as UTF-8).

Every value is written as text: a note that starts with "=" stays a note, never becomes a formula in the
workbook, and in the CSV such cells get a leading apostrophe (the usual guard against CSV injection).
The file is written next to its final name and renamed into place, so an interrupted export leaves no
half-written file behind.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, PatternFill

from fitgap.reports.output_file import save_workbook, staged_file
from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.workbook_font import font, new_workbook
from fitgap.reports.xlsx_cells import RowWriter, csv_row

HEADERS = ["日時", "利用者", "操作", "対象", "キー", "項目", "変更前", "変更後", "一括ID"]
WIDTHS = [20, 14, 22, 14, 18, 14, 40, 40, 38]
_WRAPPED = {2, 3, 4, 5, 6, 7}  # 操作 … 変更後 wrap; 日時, 利用者 and 一括ID do not
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_HEAD_FONT = font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")

AuditLine = Sequence[str]  # one value per header, already formatted as text


def write_csv(path: Path, lines: Iterable[AuditLine], *, overwrite: bool = True) -> int:
    n = 0
    with staged_file(path, overwrite=overwrite) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for line in lines:
            w.writerow(csv_row(line))
            n += 1
    return n


def write_xlsx(path: Path, lines: Iterable[AuditLine], *, title: str = "変更履歴", overwrite: bool = True) -> int:
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet(title)
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    apply_openpyxl(ws, WIDTHS, title=title, title_rows="1:1")
    ws.freeze_panes = "A2"
    head = []
    for h in HEADERS:
        cell = WriteOnlyCell(ws, value=h)
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
        head.append(cell)
    ws.append(head)
    rows = RowWriter(ws, WIDTHS)
    rows.row = 1
    n = 0
    for line in lines:
        cells = []
        for i, v in enumerate(line):
            cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", v))
            cell.data_type = "s"  # text, even when it starts with "="
            cell.alignment = _WRAP if i in _WRAPPED else _TOP
            cells.append(cell)
        rows.append(cells)
        n += 1
    ws.auto_filter.ref = f"A1:{chr(ord('A') + len(HEADERS) - 1)}{n + 1}"
    save_workbook(path, wb, overwrite=overwrite)
    return n
