"""The 改修 sheets: 連携の改修 (progress of the linked systems' interface changes per system, late first, and
the systems without a date, named once), 改修項目 (every item, late first) and 標準外の連携 (the links that are
not standard interfaces, only when any). One table per sheet, so that its header row repeats on every page."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.domain.enums import ChangeStatus
from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.readiness_model import NO_DATA, ReadinessReport, day
from fitgap.reports.workbook_font import font
from fitgap.reports.xlsx_cells import RowWriter, cell, set_widths

SHEET = "連携の改修"
ITEMS_SHEET = "改修項目"
FLAGGED_SHEET = "標準外の連携"
LATE_FILL = PatternFill("solid", fgColor="F8D7DA")
LATE_FONT = font(bold=True, color="C00000")
BOLD = font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
PERCENT = "0.0%"
KYEN = "#,##0.###"  # 千円, as the answer workbooks show it
STATUSES = [s.value for s in ChangeStatus]
PROGRESS_COLUMNS = (("システム", 22), ("区分", 10), ("必要日・期限", 11), ("根拠", 24), *((s, 7) for s in STATUSES),
                    ("計", 6), ("完了率", 8), ("遅れ", 6), ("概算費用（千円）", 10))
ITEM_COLUMNS = (("提供元", 16), ("利用側", 16), ("状況", 7), ("段階", 10), ("判定", 18), ("必要日", 11),
                ("完了予定日", 11), ("完了日", 11), ("改修内容", 22), ("ベンダ", 12), ("暫定連携", 18),
                ("必要日の理由・段階", 26), ("概算費用（千円）", 9), ("注意", 16))
FLAGGED_COLUMNS = (("提供元", 22), ("利用側", 22), ("データ", 30), ("方式", 12), ("注意", 40))


def _sheet(wb: Workbook, report: ReadinessReport, title: str, columns: tuple[tuple[str, float], ...],
           title_rows: str | None) -> tuple[WriteOnlyWorksheet, RowWriter]:
    ws: WriteOnlyWorksheet = wb.create_sheet(title)
    widths = [w for _h, w in columns]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — {title}", demo=report.demo, title_rows=title_rows)
    return ws, RowWriter(ws, widths)  # rows as tall as their wrapped text


def write_changes_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws, out = _sheet(wb, report, SHEET, PROGRESS_COLUMNS, "4:4" if report.changes else None)
    if not report.changes:
        out.append([cell(ws, f"{NO_DATA}（団体が対応する連携の改修はありません。関連システム・独自施策システムとの連携、"
                             "移行日の異なる標準準拠システム同士の連携が対象です）", alignment=WRAP)])
    else:
        late = [c for c in report.changes if c.late]
        out.append([cell(ws, f"連携の改修: {len(report.changes)}件、うち必要日までに終わらない {len(late)}件"
                             f"（項目ごとにはシート「{ITEMS_SHEET}」）", font=BOLD)])
        out.append([])
        out.append([cell(ws, "システム別の改修の進み具合（遅れのあるシステムが先）", font=BOLD)])
        out.header([h for h, _w in PROGRESS_COLUMNS])
        for p in report.change_progress:
            fill = LATE_FILL if p.late else None
            done: object = NO_DATA if p.done_pct is None else p.done_pct / 100
            out.append([cell(ws, p.system, fill=fill, alignment=WRAP), p.kind, day(p.needed_by, "なし"),
                        cell(ws, f"{p.basis}: {p.reason}" if p.reason else p.basis, alignment=WRAP),
                        *[p.by_status.get(s, 0) for s in STATUSES], p.total,
                        cell(ws, done, number_format=None if isinstance(done, str) else PERCENT),
                        cell(ws, p.late, fill=fill, font=LATE_FONT if p.late else None),
                        cell(ws, p.cost_kyen, number_format=KYEN)])
    if report.changes_undated:
        out.append([])
        out.append([cell(ws, f"日程未定のシステム {len(report.changes_undated)}件（移行予定日がないため、標準準拠システム"
                             "同士の連携の改修の要否と必要日は未定。遅れには数えていません）", font=BOLD)])
        for name in report.changes_undated:
            out.append([name])
    if report.flagged_links:
        out.append([])
        out.append([cell(ws, f"標準の連携ではない連携 {len(report.flagged_links)}件: シート「{FLAGGED_SHEET}」", font=BOLD)])
    if report.changes:
        _items_sheet(wb, report)
    if report.flagged_links:
        _flagged_sheet(wb, report)


def _items_sheet(wb: Workbook, report: ReadinessReport) -> None:
    """Every item, late first; two-step items say both steps."""
    ws, out = _sheet(wb, report, ITEMS_SHEET, ITEM_COLUMNS, "1:1")
    ws.freeze_panes = "C2"
    out.header([h for h, _w in ITEM_COLUMNS])
    for c in report.changes:
        fill = LATE_FILL if c.late else None
        reason = c.reason + ("\n" + c.steps.replace(" → ", "\n→ ") if c.steps else "")  # a step a line
        note = "、".join(x for x in (c.flag, "典型例（要確認）" if c.typical else "") if x)
        out.append([cell(ws, c.provider, fill=fill, alignment=WRAP), cell(ws, c.consumer, fill=fill, alignment=WRAP),
                    c.status, cell(ws, c.step or "—", alignment=WRAP),
                    cell(ws, c.verdict or "—", alignment=WRAP, font=LATE_FONT if c.late else None),
                    day(c.needed_by, "未定"), day(c.planned, ""), day(c.actual, ""), cell(ws, c.change, alignment=WRAP),
                    cell(ws, c.vendor, alignment=WRAP), cell(ws, c.interim, alignment=WRAP),
                    cell(ws, reason, alignment=WRAP), cell(ws, c.cost_kyen, number_format=KYEN),
                    cell(ws, note, alignment=WRAP)])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ITEM_COLUMNS))}{len(report.changes) + 1}"


def _flagged_sheet(wb: Workbook, report: ReadinessReport) -> None:
    """The links into standard systems that are not standard interfaces (DB共有, a 関連システム feeding it)."""
    ws, out = _sheet(wb, report, FLAGGED_SHEET, FLAGGED_COLUMNS, "1:1")
    out.header([h for h, _w in FLAGGED_COLUMNS])
    for f in report.flagged_links:
        out.append([cell(ws, f.provider, alignment=WRAP), cell(ws, f.consumer, alignment=WRAP),
                    cell(ws, f.data, alignment=WRAP), f.method, cell(ws, f.flag, alignment=WRAP)])
