"""The monthly progress report: one plain table (operation, system, steps of 40, state, planned date, reason for
delay) to paste into the PMO tool or hand to the prefecture, as an xlsx workbook and as CSV (UTF-8 with BOM)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from fitgap.domain.progress import TOTAL_STEPS, ReportRow, month_label, percent
from fitgap.reports.output_file import save_workbook, write_atomically
from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.workbook_font import new_workbook
from fitgap.reports.xlsx_cells import CODE_FORMAT, RowWriter, cell, csv_row, set_widths

HEADERS = ["業務コード", "業務", "システム", f"手順（{TOTAL_STEPS}のうち）", "完了率", "状態", "入力の月", "移行予定日",
           "期限", "遅延の理由"]
WIDTHS = [10, 20, 28, 12, 9, 9, 11, 12, 12, 40]
SHEET = "進捗"


def values(r: ReportRow) -> list[object]:
    """One row as both files hold it: steps as a number, dates ISO, empty where nothing is known."""
    return [r.operation_code, r.operation, r.system, r.steps, percent(r.steps) if r.steps is not None else None,
            r.state, r.entered_month or None, r.planned, r.deadline, r.delay_reason or None]


def write_progress_csv(rows: Sequence[ReportRow], path: Path, *, overwrite: bool = True) -> Path:
    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS)
            for r in rows:
                w.writerow(csv_row(values(r)))

    return write_atomically(path, write, overwrite=overwrite)


def write_progress_xlsx(rows: Sequence[ReportRow], path: Path, *, month: str, municipality: str,
                        overwrite: bool = True) -> Path:
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    set_widths(ws, WIDTHS)
    title = f"標準化 進捗の月次報告 {month_label(month)} — {municipality or '（団体名未設定）'}"
    apply_openpyxl(ws, WIDTHS, title=title, demo=False, title_rows="1:1")
    ws.freeze_panes = "A2"
    out = RowWriter(ws, WIDTHS)
    out.header(HEADERS)
    for r in rows:
        formats = {0: CODE_FORMAT, 7: "yyyy-mm-dd", 8: "yyyy-mm-dd"}
        out.append([cell(ws, v, number_format=formats.get(i) if v is not None else None)  # text stays text (=…)
                    for i, v in enumerate(values(r))])
    if rows:
        ws.auto_filter.ref = f"A1:J{len(rows) + 1}"
    return save_workbook(path, wb, overwrite=overwrite)
