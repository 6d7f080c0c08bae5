"""The 業務見直し sheet: per 担当課 the items open, overdue and done (domain.bpr.counts_by_department, as
``fitgap bpr list`` counts them), then every item not 実施済, overdue first. The per-department table comes
first with its header; the list follows under a header row of its own, which repeats on every printed page.
Without any item the sheet says so in one line."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.readiness_model import BPR_NONE, BPR_NOTE, ReadinessReport, day
from fitgap.reports.workbook_font import font
from fitgap.reports.xlsx_cells import CODE_FORMAT, RowWriter, cell, set_widths

SHEET = "業務見直し"
LATE_FILL = PatternFill("solid", fgColor="F8D7DA")
LATE_FONT = font(bold=True, color="C00000")
BOLD = font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
# one grid for both tables: the list's columns, the per-department figures in its first four (the ID column
# wide enough for a 担当課)
COLUMNS = (("ID", 13), ("業務", 16), ("件名", 34), ("見直す内容", 14), ("担当課", 14), ("担当者", 10), ("期日", 11),
           ("状況", 8), ("超過日数", 8), ("対象数", 7))
COUNT_HEADERS = ("担当課", "未完了", "うち期限超過", "実施済")
NO_DEPARTMENT = "（担当課未定）"


def write_bpr_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet(SHEET)
    if not report.bpr:  # one line, in one wide column: nothing spills past the printed page
        set_widths(ws, [100])
        apply_openpyxl(ws, [100], title=f"{report.title} — {SHEET}", demo=report.demo)
        RowWriter(ws, [100]).append([cell(ws, BPR_NONE, alignment=WRAP)])
        return
    widths = [w for _h, w in COLUMNS]
    set_widths(ws, widths)
    head = len(report.bpr) + 5  # the list's header row: after the counts, their total, a note and a blank row
    apply_openpyxl(ws, widths, title=f"{report.title} — {SHEET}", demo=report.demo, title_rows=f"{head}:{head}")
    out = RowWriter(ws, widths)
    _counts(ws, out, report)
    out.append([cell(ws, BPR_NOTE)])
    out.append([])
    out.header([h for h, _w in COLUMNS])
    for ln in report.bpr_open:
        late = LATE_FONT if ln.overdue else None
        out.append([cell(ws, f"#{ln.id}"), cell(ws, f"{ln.operation_code} {ln.operation}", alignment=WRAP),
                    cell(ws, ln.title, alignment=WRAP), cell(ws, ln.changes, alignment=WRAP),
                    cell(ws, ln.department or NO_DEPARTMENT, alignment=WRAP), cell(ws, ln.person, alignment=WRAP),
                    cell(ws, day(ln.due, "なし"), number_format=CODE_FORMAT, font=late), cell(ws, ln.status),
                    cell(ws, ln.days_late or None, fill=LATE_FILL if ln.overdue else None, font=late), ln.targets])
    if not report.bpr_open:
        out.append(["実施済でない項目はありません。"])


def _counts(ws: WriteOnlyWorksheet, out: RowWriter, report: ReadinessReport) -> None:
    out.header(list(COUNT_HEADERS))
    total = report.bpr_totals
    for c in [*report.bpr, total]:
        late = c.overdue > 0
        out.append([cell(ws, c.department or NO_DEPARTMENT, font=BOLD if c is total else None, alignment=WRAP),
                    cell(ws, c.open, font=BOLD if c is total else None),
                    cell(ws, c.overdue, fill=LATE_FILL if late else None, font=LATE_FONT if late else None),
                    cell(ws, c.done, font=BOLD if c is total else None)])
