"""The 改修 sheet: progress of the linked systems' interface changes per system, then every item, late first."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.domain.enums import ChangeStatus
from fitgap.reports.readiness_model import NO_DATA, ReadinessReport, day, pct
from fitgap.reports.xlsx_cells import cell, header_row, set_widths

SHEET = "連携の改修"
LATE_FILL = PatternFill("solid", fgColor="F8D7DA")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
STATUSES = [s.value for s in ChangeStatus]


def write_changes_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet(SHEET)
    set_widths(ws, [30, 30, 12, 40, 16, 12, 12, 12, 12, 12, 12, 10, 30, 12])
    if not report.changes:
        ws.append([f"{NO_DATA}（移行をまたぐ連携がありません。システムと連携を登録してください）"])
        return
    late = [c for c in report.changes if c.late]
    ws.append([cell(ws, f"連携の改修: {len(report.changes)}件、うち必要日までに終わらない {len(late)}件", font=BOLD)])
    ws.append([])
    ws.append([cell(ws, "システム別の改修の進み具合（遅れのあるシステムが先）", font=BOLD)])
    header_row(ws, ["システム", "区分", "必要日・期限", "根拠", *STATUSES, "計", "完了率", "遅れ", "概算費用（千円）"])
    for p in report.change_progress:
        fill = LATE_FILL if p.late else None
        ws.append([cell(ws, p.system, fill=fill), p.kind, day(p.needed_by, "なし"),
                   cell(ws, f"{p.basis}: {p.reason}" if p.reason else p.basis, alignment=WRAP),
                   *[p.by_status.get(s, 0) for s in STATUSES], p.total, pct(p.done_pct), cell(ws, p.late, fill=fill),
                   p.cost_kyen])
    ws.append([])
    ws.append([cell(ws, "改修項目（必要日までに終わらないものが先）", font=BOLD)])
    header_row(ws, ["提供元", "利用側", "状況", "改修内容", "ベンダ", "完了予定日", "完了日", "必要日", "遅れ", "遅れ日数",
                    "暫定連携", "典型例", "必要日の理由", "概算費用（千円）"])
    for c in report.changes:
        fill = LATE_FILL if c.late else None
        ws.append([cell(ws, c.provider, fill=fill), cell(ws, c.consumer, fill=fill), c.status,
                   cell(ws, c.change, alignment=WRAP), cell(ws, c.vendor), day(c.planned, ""), day(c.actual, ""),
                   day(c.needed_by, "未定"), cell(ws, c.late, fill=fill), c.days_late, cell(ws, c.interim),
                   "○" if c.typical else "", cell(ws, c.reason, alignment=WRAP), c.cost_kyen])
