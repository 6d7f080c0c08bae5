"""The 日程 sheet: one row per system, one column per fiscal month (April–March), bars by cell fill from
the first milestone to the cut-over, each system's deadline marked, the general deadline's column framed.

On paper at reading size: when the months do not fit one page wide, they run on over further pages in
whole fiscal years, the system, its dates and its risk (columns A–D) repeated on each page."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.reports.print_layout import LINE_POINTS, apply_openpyxl, choose_layout, header_height, page_units
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
from fitgap.reports.workbook_font import font
from fitgap.reports.xlsx_cells import RowWriter, cell, set_widths

KEY = ["システム", "移行予定日", "期限", "リスク"]  # repeated on every page
KEY_WIDTHS = [22, 12, 11, 5]
MORE = ["業務", "ベンダ"]  # on the first page only
MORE_WIDTHS = [18, 12]
MONTH_WIDTH = 4.2
LEFT = [*KEY, *MORE]
DEADLINE_SIDE = Side(style="thick", color="C00000")
TODAY_SIDE = Side(style="thick", color="1F4E79")
TODAY_FILL = PatternFill("solid", fgColor="1F4E79")
CENTER = Alignment(horizontal="center")
WRAP = Alignment(wrap_text=True, vertical="top")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def month_breaks(months: list[date], widths: list[float], *, title: str, demo: bool) -> list[int]:
    """1-based numbers of the last column of each page when the months run on over pages: whole fiscal
    years per page, as many as the page holds beside the repeated key columns."""
    layout = choose_layout(widths, title=title, demo=demo)
    if layout.fitted:
        return []
    room = page_units(layout)
    key = float(sum(KEY_WIDTHS))
    used = key + sum(MORE_WIDTHS)  # the first page also holds 業務 and ベンダ
    breaks: list[int] = []
    first = len(LEFT)  # 0-based column of the first month
    start = 0
    while start < len(months):
        year = next((i for i in range(start + 1, len(months)) if months[i].month == 4), len(months)) - start
        if used + year * MONTH_WIDTH > room and used > key:
            breaks.append(first + start)  # the last column before this fiscal year
            used = key
        used += year * MONTH_WIDTH
        start += year
    return breaks


def write_schedule_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet("日程")
    months = report.months
    widths = KEY_WIDTHS + MORE_WIDTHS + [MONTH_WIDTH] * len(months)
    set_widths(ws, widths)
    title = f"{report.title} — 日程"
    apply_openpyxl(ws, widths, title=title, demo=report.demo, title_rows="2:3",
                   title_cols=f"A:{get_column_letter(len(KEY))}",
                   col_breaks=month_breaks(months, widths, title=title, demo=report.demo))
    ws.freeze_panes = f"{get_column_letter(len(KEY) + 1)}4"
    general = month_index(months, report.general_deadline)
    today = month_index(months, report.today) if months and months[0] <= report.today < _after(months[-1]) else None
    out = RowWriter(ws, widths)
    out.append([cell(ws, f"移行日程（年度・月別）  基準日 {report.today.isoformat()}", font=font(bold=True, size=14))])
    fy_row: list[object] = [""] * len(LEFT)
    for i, m in enumerate(months):
        fy_row.append(cell(ws, fy_label(m), font=font(bold=True)) if m.month == 4 or i == 0 else "")
    out.append(fy_row)
    heads = [cell(ws, h, font=font(bold=True), fill=HEAD_FILL) for h in LEFT]
    month_heads = []
    for i, m in enumerate(months):
        mark = "\n期限" if i == general else "\n今月" if i == today else ""
        month_heads.append(cell(
            ws, f"{m.month}月{mark}", font=font(bold=True, color="FFFFFF" if mark else "000000"),
            fill=TODAY_FILL if i == today and i != general else PatternFill(
                "solid", fgColor="C00000" if i == general else "DDEBF7"),
            alignment=Alignment(horizontal="center", vertical="top", wrap_text=True),
        ))
    out.row += 1
    # the month titles are one line (two under the deadline's and 基準日's months)
    height = max(header_height(LEFT, widths) or 0, LINE_POINTS[11] * 2 + 3)
    ws.row_dimensions[out.row].height = height
    ws.append(heads + month_heads)
    if not report.schedule:
        out.append([f"{NO_DATA}（システムが登録されていません）"])
    for row in report.schedule:
        out.append(_system_row(ws, row, months, general, today))
    out.append([])
    legend = [
        "凡例",
        "塗りつぶし＝最初のマイルストーンから移行予定月まで",
        "色はリスク 高/中/低、灰色は移行済み",
        f"{CUTOVER_MARK}＝移行月、{DEADLINE_MARK}＝そのシステムの期限の月",
        "（同じ月なら先の日付が左）",
        f"赤枠の列＝一般の期限（{report.general_deadline.isoformat()}）",
        f"紺の線・今月＝基準日（{report.today.isoformat()}）の月",
        f"{OVERDUE_PLAN}＝移行予定日を過ぎて移行実施日がない",
    ]
    if any(r.typical for r in report.schedule):
        legend.append("※ 典型例（要確認）のシステムを含みます")
    for line in legend:  # short lines: each stays within the key columns printed on every page
        out.append([cell(ws, line, font=font(bold=True)) if line == "凡例" else line])


def _after(month: date) -> date:
    """The first day after the month that begins on ``month``."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _border(i: int, general: int | None, today: int | None) -> Border | None:
    if i == general:
        return Border(left=DEADLINE_SIDE, right=DEADLINE_SIDE)
    if i == today:
        return Border(left=TODAY_SIDE)
    return None


def _system_row(ws: WriteOnlyWorksheet, row: ScheduleRow, months: list[date], general: int | None,
                today: int | None) -> list[object]:
    name = row.system + ("（典型例）" if row.typical else "")
    planned = day(row.cutover) + (f"\n{OVERDUE_PLAN}" if row.overdue else "")
    left: list[object] = [
        cell(ws, name, alignment=WRAP),
        cell(ws, planned, alignment=WRAP, font=font(bold=True, color="C00000") if row.overdue else None),
        day(row.deadline, "なし"), cell(ws, row.risk, alignment=CENTER),
        cell(ws, "、".join(row.operations), alignment=WRAP), cell(ws, row.vendor or "", alignment=WRAP),
    ]
    span = bar_span(row, months)
    deadline_at = month_index(months, row.deadline)
    marks = month_marks(row, months)
    colour = bar_colour(row)
    out = list(left)
    for i in range(len(months)):
        in_bar = span is not None and span[0] <= i <= span[1]
        out.append(cell(
            ws, marks.get(i) or None, fill=PatternFill("solid", fgColor=colour) if in_bar else None,
            border=_border(i, general, today),
            alignment=CENTER, font=font(bold=True, color="C00000") if i == deadline_at else None,
        ))
    return out
