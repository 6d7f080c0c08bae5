"""The 移行後の経過措置 sheet: every requirement the vendor implements after cut-over, with its planned
date, the 届出 to デジタル庁 and whether it is done; overdue ones marked (written only when any is recorded)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.readiness_model import ReadinessReport, day
from fitgap.reports.workbook_font import font
from fitgap.reports.xlsx_cells import CODE_FORMAT, RowWriter, cell, header_row, set_widths

SHEET = "移行後の経過措置"
OVERDUE = "期限超過"
HEADERS = ["業務コード", "業務", "ID", "名称", "実装予定日", "届出日", "完了日", OVERDUE, "状況", "業務の状態", "ベンダ",
           "メモ"]
LATE_FILL = PatternFill("solid", fgColor="F8D7DA")
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = font(bold=True)


def write_post_cutover_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet(SHEET)
    widths = [10, 18, 16, 34, 12, 12, 12, 10, 16, 22, 18, 36]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — {SHEET}", demo=report.demo, title_rows="1:1")
    ws.freeze_panes = "A2"
    header_row(ws, HEADERS)
    out = RowWriter(ws, widths)
    out.row = 1
    for m in report.post_cutover:
        fill = LATE_FILL if m.overdue else None
        out.append([cell(ws, m.operation_code, number_format=CODE_FORMAT), m.operation,
                    cell(ws, m.req_id, number_format=CODE_FORMAT), cell(ws, m.name, alignment=WRAP),
                    day(m.planned, "未定"), day(m.notified_on, "未了"), day(m.done_on, ""),
                    cell(ws, OVERDUE if m.overdue else "", fill=fill, font=BOLD if m.overdue else None),
                    cell(ws, m.status, fill=fill), m.operation_state, cell(ws, m.vendor),
                    cell(ws, m.note, alignment=WRAP)])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{len(report.post_cutover) + 1}"
