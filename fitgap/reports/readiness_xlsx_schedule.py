"""The 日程 sheet: one row per system, one column per fiscal month (April–March), bars by cell fill from
the first milestone to the cut-over, each system's deadline marked, the general deadline's column framed."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.reports.readiness_model import (
    NO_DATA,
    ReadinessReport,
    ScheduleRow,
    bar_colour,
    bar_span,
    day,
    fy_label,
    month_index,
)
from fitgap.reports.xlsx_cells import cell, set_widths

LEFT = ["システム", "業務", "ベンダ", "移行予定日", "期限", "リスク"]
DEADLINE_SIDE = Side(style="thick", color="C00000")
DEADLINE_MARK = "◆"
CUTOVER_MARK = "●"
CENTER = Alignment(horizontal="center")


def write_schedule_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet("日程")
    months = report.months
    set_widths(ws, [26, 24, 14, 12, 12, 6] + [4.2] * len(months))
    ws.freeze_panes = f"{chr(ord('A') + len(LEFT))}4"
    general = month_index(months, report.general_deadline)
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
    for row in report.schedule:
        ws.append(_system_row(ws, row, months, general))
    ws.append([])
    ws.append([f"凡例: 塗りつぶし＝最初のマイルストーンから移行予定月まで（色はリスク 高/中/低、灰色は移行済み）、"
               f"{CUTOVER_MARK}＝移行月、{DEADLINE_MARK}＝そのシステムの期限の月、赤枠の列＝一般の期限"
               f"（{report.general_deadline.isoformat()}）"])
    if any(r.typical for r in report.schedule):
        ws.append(["※ 典型例（要確認）のシステムを含みます。実態に合わせて確認・修正してください。"])


def _system_row(ws: WriteOnlyWorksheet, row: ScheduleRow, months: list[date], general: int | None) -> list[object]:
    name = row.system + ("（典型例）" if row.typical else "")
    left: list[object] = [
        cell(ws, name), cell(ws, "、".join(row.operations)), cell(ws, row.vendor or ""),
        day(row.cutover), day(row.deadline, "なし"), cell(ws, row.risk, alignment=CENTER),
    ]
    span = bar_span(row, months)
    deadline_at = month_index(months, row.deadline)
    colour = bar_colour(row)
    out = list(left)
    for i in range(len(months)):
        text = ""
        if span and i == span[1]:
            text = CUTOVER_MARK
        if i == deadline_at:
            text += DEADLINE_MARK
        in_bar = span is not None and span[0] <= i <= span[1]
        border = Border(left=DEADLINE_SIDE, right=DEADLINE_SIDE) if i == general else None
        out.append(cell(
            ws, text or None, fill=PatternFill("solid", fgColor=colour) if in_bar else None, border=border,
            alignment=CENTER, font=Font(bold=True, color="C00000") if i == deadline_at else None,
        ))
    return out
