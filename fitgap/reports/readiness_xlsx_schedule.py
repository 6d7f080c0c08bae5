"""The 日程 sheet: one row per system, one column per fiscal month (April–March), bars by cell fill from
the first milestone to the cut-over, each system's deadline marked, the general deadline's column framed."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.readiness_model import (
    CUTOVER_MARK,
    DEADLINE_MARK,
    NO_DATA,
    OVERDUE_PLAN,
    ReadinessReport,
    ScheduleRow,
    bar_colour,
    bar_span,
    day,
    fy_label,
    month_index,
    month_marks,
)
from fitgap.reports.xlsx_cells import RowWriter, cell, set_widths

LEFT = ["システム", "業務", "ベンダ", "移行予定日", "期限", "リスク"]
LEFT_WIDTHS = [26, 24, 14, 12, 12, 6]
DEADLINE_SIDE = Side(style="thick", color="C00000")
CENTER = Alignment(horizontal="center")
WRAP = Alignment(wrap_text=True, vertical="top")


def write_schedule_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet("日程")
    months = report.months
    widths = LEFT_WIDTHS + [4.2] * len(months)
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — 日程", demo=report.demo, title_rows="2:3")
    ws.freeze_panes = f"{chr(ord('A') + len(LEFT))}4"
    general = month_index(months, report.general_deadline)
    out = RowWriter(ws, widths)
    ws.append([cell(ws, "移行日程（年度・月別）", font=Font(bold=True, size=14))])
    fy_row: list[object] = [""] * len(LEFT)
    for i, m in enumerate(months):
        fy_row.append(cell(ws, fy_label(m), font=Font(bold=True)) if m.month == 4 or i == 0 else "")
    ws.append(fy_row)
    heads = [*LEFT]
    month_cells = []
    for i, m in enumerate(months):
        is_general = i == general
        month_cells.append(cell(
            ws, f"{m.month}月" + ("\n期限" if is_general else ""),
            font=Font(bold=True, color="FFFFFF" if is_general else "000000"),
            fill=PatternFill("solid", fgColor="C00000" if is_general else "DDEBF7"),
            alignment=Alignment(horizontal="center", wrap_text=True),
        ))
    ws.append([cell(ws, h, font=Font(bold=True), fill=PatternFill("solid", fgColor="DDEBF7")) for h in heads]
              + month_cells)
    if not report.schedule:
        ws.append([f"{NO_DATA}（システムが登録されていません）"])
    out.row = 3
    for row in report.schedule:
        out.append(_system_row(ws, row, months, general))
    ws.append([])
    ws.append([f"凡例: 塗りつぶし＝最初のマイルストーンから移行予定月まで（色はリスク 高/中/低、灰色は移行済み）、"
               f"{CUTOVER_MARK}＝移行月、{DEADLINE_MARK}＝そのシステムの期限の月（同じ月なら先の日付が左）、"
               f"赤枠の列＝一般の期限（{report.general_deadline.isoformat()}）、{OVERDUE_PLAN}＝移行予定日を過ぎて"
               f"移行実施日がない"])
    if any(r.typical for r in report.schedule):
        ws.append(["※ 典型例（要確認）のシステムを含みます。実態に合わせて確認・修正してください。"])


def _system_row(ws: WriteOnlyWorksheet, row: ScheduleRow, months: list[date], general: int | None) -> list[object]:
    name = row.system + ("（典型例）" if row.typical else "")
    planned = day(row.cutover) + (f"\n{OVERDUE_PLAN}" if row.overdue else "")
    left: list[object] = [
        cell(ws, name, alignment=WRAP), cell(ws, "、".join(row.operations), alignment=WRAP),
        cell(ws, row.vendor or "", alignment=WRAP),
        cell(ws, planned, alignment=WRAP, font=Font(bold=True, color="C00000") if row.overdue else None),
        day(row.deadline, "なし"), cell(ws, row.risk, alignment=CENTER),
    ]
    span = bar_span(row, months)
    deadline_at = month_index(months, row.deadline)
    marks = month_marks(row, months)
    colour = bar_colour(row)
    out = list(left)
    for i in range(len(months)):
        in_bar = span is not None and span[0] <= i <= span[1]
        border = Border(left=DEADLINE_SIDE, right=DEADLINE_SIDE) if i == general else None
        out.append(cell(
            ws, marks.get(i) or None, fill=PatternFill("solid", fgColor=colour) if in_bar else None, border=border,
            alignment=CENTER, font=Font(bold=True, color="C00000") if i == deadline_at else None,
        ))
    return out
