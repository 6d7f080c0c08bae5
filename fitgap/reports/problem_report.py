"""The problem report of an import: one row per problem, with sheet and row (xlsx, or csv by extension)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from fitgap.domain.answer_sheet import SheetProblem
from fitgap.domain.text import escape_controls
from fitgap.reports.output_file import staged_file, write_atomically
from fitgap.reports.print_layout import apply_openpyxl, row_height

HEADERS = ["シート", "行", "要件", "問題", "対処"]
WIDTHS = [22, 6, 16, 70, 60]


def write_problem_report(problems: Sequence[SheetProblem], path: Path, *, source: str = "",
                         key_heading: str = "要件") -> Path:
    """``key_heading``: what the third column names (要件, 連携, データ項目)."""
    # openpyxl only when there is a report to write (the commands that may write one start faster)
    from openpyxl.styles import Alignment, PatternFill

    from fitgap.reports.workbook_font import font, new_workbook
    from fitgap.reports.xlsx_cells import CODE_FORMAT, csv_row, text_cells

    wrap = Alignment(wrap_text=True, vertical="top")
    # what a file held (an ESC in an ID cell …) is shown escaped: a worksheet cannot hold control characters
    headers = [*HEADERS[:2], key_heading, *HEADERS[3:]]
    rows = [[_shown(p.sheet), p.row if p.row is not None else "", _shown(p.key), _shown(p.message), _shown(p.hint)]
            for p in problems]
    if path.suffix.lower() == ".csv":
        with staged_file(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(headers)
            for r in rows:
                w.writerow(csv_row(r))
        return path
    wb = new_workbook()
    ws = wb.active
    ws.title = "問題一覧"
    if source:
        ws.append([f"取り込んだファイル: {_shown(source)}"])
    ws.append(headers)
    head = ws.max_row
    apply_openpyxl(ws, WIDTHS, title=f"取込の問題一覧 {_shown(source)}".strip(), title_rows=f"{head}:{head}")
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[chr(64 + i)].width = width
        cell = ws.cell(row=head, column=i)
        cell.font = font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for r in rows:
        ws.append(r)
        n = ws.max_row
        for cell in ws[n]:
            cell.alignment = wrap
        ws.cell(row=n, column=3).number_format = CODE_FORMAT
        height = row_height(r, WIDTHS)
        if height:
            ws.row_dimensions[n].height = height
    text_cells(ws)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.auto_filter.ref = f"A{head}:E{max(ws.max_row, head)}"
    return write_atomically(path, wb.save)


def _shown(value: object) -> str:
    return escape_controls(value) if isinstance(value, str) else ("" if value is None else str(value))
