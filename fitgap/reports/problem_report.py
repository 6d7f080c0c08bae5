"""The problem report of an import: one row per problem, with sheet and row (xlsx, or csv by extension)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from fitgap.domain.answer_sheet import SheetProblem, looks_like_formula
from fitgap.reports.output_file import staged_file, write_atomically

HEADERS = ["シート", "行", "要件", "問題", "対処"]
WIDTHS = [22, 6, 16, 70, 60]


def _text(value: str) -> str:
    # a CSV opened in Excel would evaluate =… ; a leading apostrophe keeps it text
    return "'" + value if value and looks_like_formula(value) else value


def write_problem_report(problems: Sequence[SheetProblem], path: Path, *, source: str = "") -> Path:
    rows = [[p.sheet, p.row if p.row is not None else "", p.key, p.message, p.hint] for p in problems]
    if path.suffix.lower() == ".csv":
        with staged_file(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS)
            for r in rows:
                w.writerow([_text(v) if isinstance(v, str) else v for v in r])
        return path
    wb = Workbook()
    ws = wb.active
    ws.title = "問題一覧"
    if source:
        ws.append([f"取り込んだファイル: {source}"])
    ws.append(HEADERS)
    head = ws.max_row
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[chr(64 + i)].width = width
        cell = ws.cell(row=head, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for r in rows:
        ws.append(r)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.auto_filter.ref = f"A{head}:E{max(ws.max_row, head)}"
    return write_atomically(path, wb.save)
