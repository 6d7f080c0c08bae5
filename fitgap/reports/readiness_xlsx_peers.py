"""The 進捗の比較 sheet: per operation, this body's progress in the national survey beside its prefecture's median
and the nation's quartiles and share complete (one survey month, said on the sheet), its own latest figure
apart with its month, the survey's credit line, and a bar chart of the three (written only with a survey)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.domain.progress import PEER_COLUMNS, TOTAL_STEPS, month_label, peer_values
from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.readiness_model import ReadinessReport
from fitgap.reports.workbook_font import font
from fitgap.reports.xlsx_cells import RowWriter, cell, set_widths

SHEET = "進捗の比較"
BOLD = font(bold=True)
HEAD_ROWS = 3  # the survey line, the body line, the header
COMPLETE = PEER_COLUMNS.index("全国の完了")  # a percentage (22.9), shown with its % sign


def write_peers_sheet(wb: Workbook, report: ReadinessReport) -> None:
    c = report.peers
    if c is None:
        return
    ws: WriteOnlyWorksheet = wb.create_sheet(SHEET)
    widths = [18, 9, 10, 9, 12, 8, 10, 8, 10, 14, 8, 10]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — {SHEET}", demo=report.demo, title_rows=f"{HEAD_ROWS}:{HEAD_ROWS}")
    out = RowWriter(ws, widths)
    month = month_label(c.month)
    out.append([cell(ws, f"進捗状況調査 {month}時点（{TOTAL_STEPS}手順のうち完了済み＋対象外の数）。この団体・県・全国の値は"
                     f"すべて {month}時点、入力値は入力の月の値", font=BOLD)])
    first = c.rows[0].peers if c.rows else None
    who = (f"{c.body}（{c.prefecture} {first.prefecture_bodies}団体、全国 {first.national_bodies}団体）"
           if c.body and c.in_survey and first else (f"{c.body}: この調査にありません" if c.body else "団体未設定"))
    if first is not None and first.body_class:
        who += f"　同区分: 全国の{first.body_class}（{first.class_bodies}団体）"
    out.append([who])
    out.header(list(PEER_COLUMNS))
    for r in c.rows:
        values: list[object] = list(peer_values(r))
        values[COMPLETE] = cell(ws, values[COMPLETE], number_format='0.0"%"')
        out.append(values)
    out.append([])
    out.append([c.credit])
    if c.rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"{SHEET} {month}時点（手順数）"  # a page of the chart alone names the sheet first
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, TOTAL_STEPS
        last = HEAD_ROWS + len(c.rows)
        for col in (PEER_COLUMNS.index(name) + 1 for name in ("この団体", "県の中央値", "全国中央値")):
            chart.add_data(Reference(ws, min_col=col, min_row=HEAD_ROWS, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=HEAD_ROWS + 1, max_row=last))
        chart.height, chart.width = 4 + 0.6 * len(c.rows), 18
        ws.add_chart(chart, f"A{last + 4}")
