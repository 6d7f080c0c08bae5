"""The 改修 sheet: progress of the linked systems' interface changes per system, then every item, late first;
then the systems without a date (named once) and the links that are not standard interfaces."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.domain.enums import ChangeStatus
from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.readiness_model import NO_DATA, ReadinessReport, day, pct
from fitgap.reports.xlsx_cells import RowWriter, cell, header_row, set_widths

SHEET = "連携の改修"
LATE_FILL = PatternFill("solid", fgColor="F8D7DA")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
STATUSES = [s.value for s in ChangeStatus]


def write_changes_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet(SHEET)
    widths = [30, 30, 12, 40, 14, 24, 16, 12, 12, 12, 12, 12, 30, 10, 30, 12, 24]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — {SHEET}", demo=report.demo)
    out = RowWriter(ws, widths)  # rows as tall as their wrapped text
    if not report.changes:
        out.append([f"{NO_DATA}（団体が対応する連携の改修はありません。関連システム・独自施策システムとの連携、"
                    "移行日の異なる標準準拠システム同士の連携が対象です）"])
        _undated_and_flagged(ws, out, report)
        return
    late = [c for c in report.changes if c.late]
    out.append([cell(ws, f"連携の改修: {len(report.changes)}件、うち必要日までに終わらない {len(late)}件", font=BOLD)])
    out.append([])
    out.append([cell(ws, "システム別の改修の進み具合（遅れのあるシステムが先）", font=BOLD)])
    out.row += 1
    header_row(ws, ["システム", "区分", "必要日・期限", "根拠", *STATUSES, "計", "完了率", "遅れ", "概算費用（千円）"])
    for p in report.change_progress:
        fill = LATE_FILL if p.late else None
        out.append([cell(ws, p.system, fill=fill), p.kind, day(p.needed_by, "なし"),
                    cell(ws, f"{p.basis}: {p.reason}" if p.reason else p.basis, alignment=WRAP),
                    *[p.by_status.get(s, 0) for s in STATUSES], p.total, pct(p.done_pct), cell(ws, p.late, fill=fill),
                    p.cost_kyen])
    out.append([])
    out.append([cell(ws, "改修項目（必要日までに終わらないものが先。2段階の改修は暫定連携、次に本連携）", font=BOLD)])
    out.row += 1
    header_row(ws, ["提供元", "利用側", "状況", "改修内容", "段階", "判定", "ベンダ", "完了予定日", "完了日", "必要日", "遅れ",
                    "遅れ日数", "暫定連携", "典型例", "必要日の理由・段階", "概算費用（千円）", "注意"])
    for c in report.changes:
        fill = LATE_FILL if c.late else None
        reason = f"{c.reason}。{c.steps}" if c.steps else c.reason
        out.append([cell(ws, c.provider, fill=fill), cell(ws, c.consumer, fill=fill), c.status,
                    cell(ws, c.change, alignment=WRAP), c.step or "—", cell(ws, c.verdict, alignment=WRAP),
                    cell(ws, c.vendor),
                    day(c.planned, ""), day(c.actual, ""), day(c.needed_by, "未定"), cell(ws, c.late, fill=fill),
                    c.days_late, cell(ws, c.interim), "○" if c.typical else "", cell(ws, reason, alignment=WRAP),
                    c.cost_kyen, cell(ws, c.flag, alignment=WRAP)])
    _undated_and_flagged(ws, out, report)


def _undated_and_flagged(ws: WriteOnlyWorksheet, out: RowWriter, report: ReadinessReport) -> None:
    """The systems without a date, named once, and the links that are not standard interfaces."""
    if report.changes_undated:
        out.append([])
        out.append([cell(ws, f"日程未定のシステム {len(report.changes_undated)}件（移行予定日がないため、標準準拠システム"
                             "同士の連携の改修の要否と必要日は未定。遅れには数えていません）", font=BOLD)])
        out.append([cell(ws, "、".join(report.changes_undated), alignment=WRAP)])
    if report.flagged_links:
        out.append([])
        out.append([cell(ws, f"標準の連携ではない連携 {len(report.flagged_links)}件（DB共有、関連システムから標準準拠"
                             "システムへの連携）", font=BOLD)])
        out.row += 1
        header_row(ws, ["提供元", "利用側", "データ", "方式", "注意"])
        for f in report.flagged_links:
            out.append([cell(ws, f.provider), cell(ws, f.consumer), cell(ws, f.data), f.method, cell(ws, f.flag)])
