"""The readiness workbook's 概要 as a manager reads it on paper, and the per-operation detail sheets.

- 概要: page 1 the totals and verdicts with both charts beside them; then the per-operation table in
  readable columns (the rules that decided each verdict, the others by code).
- 判定ルール: the rules, on a page of their own.
- 業務別の数値: every figure per operation (gaps by class, vendor answers); 業務別の対応方針: the gaps by disposition.
- 業務別の日程: state, dates, the deadline's source, the margin and the systems each operation waits for.

Each prints at reading size (print_layout): the tables fit one page wide, their header rows repeat.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break

from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.readiness_model import (
    NO_DATA,
    OVERDUE_PLAN,
    VERDICT_FILLS,
    OperationReadiness,
    ReadinessReport,
    day,
    days_left_text,
)
from fitgap.reports.workbook_font import font
from fitgap.reports.xlsx_cells import CODE_FORMAT, RowWriter, cell, set_widths

TITLE_FONT = font(bold=True, size=14)
BOLD = font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
WARN_FONT = font(bold=True, color="C00000")
PERCENT = "0.0%"

# 概要's table: what a manager reads per operation (the charts draw from its columns)
SUMMARY_COLUMNS = (
    ("業務コード", 10), ("業務", 18), ("判定", 5), ("要件数", 7), ("確認率", 7), ("適合率", 7), ("必須ギャップ", 8),
    ("方針未定の必須ギャップ", 9), ("オプションギャップ", 9), ("逆ギャップ", 7), ("要再確認", 7), ("状態", 7),
    ("移行日（予定・実施）", 12), ("期限", 11), ("残り・移行日", 20), ("判定理由", 52),
)
COUNT_HEADERS = [
    "要件数", "確認済", "確認率", "適合率", "ギャップ計", "必須ギャップ", "オプションギャップ", "不可ギャップ",
    "方針未定の必須ギャップ", "逆ギャップ", "オプション未決定", "要再確認",
]
VENDOR_HEADERS = ["ベンダ回答数", "期限後対応", "うち期限超過", "対応不可", "未回答（ベンダ対応待ち）"]
SCHEDULE_COLUMNS = (
    ("業務コード", 10), ("業務", 16), ("判定", 5), ("状態", 7), ("移行日（予定・実施）", 12), ("期限", 11),
    ("期限の根拠", 22), ("残り・移行日", 20), ("移行予定日と期限", 12), ("待ち合わせ先システム", 26),
)
FIGURES_SHEET, SCHEDULE_SHEET, RULES_SHEET = "業務別の数値", "業務別の日程", "判定ルール"
DISPOSITIONS_SHEET = "業務別の対応方針"


def _ratio(value: float | None) -> float | str:
    return NO_DATA if value is None else value / 100.0


def _cutover_text(op: OperationReadiness, report: ReadinessReport) -> str:
    if op.migrated:
        return day(op.cutover)
    if not op.systems:
        return f"{NO_DATA}（システム未登録）"
    if not op.cutover:
        return "未定"
    return day(op.cutover) + (f"\n{OVERDUE_PLAN}" if op.overdue_plan(report.today) else "")


def _reasons_text(op: OperationReadiness) -> str:
    """The rules that decided the verdict, in full, then the others by code (the rules page says them)."""
    lines = list(op.decisive_reasons)
    if op.minor_rules:
        lines.append("ほかに: " + "、".join(op.minor_rules))
    return "\n".join(lines) or "—"


def _counts(op: OperationReadiness) -> list[object]:
    if not op.requirements:
        return [0] + [NO_DATA] * (len(COUNT_HEADERS) - 1)
    return [op.requirements, op.reviewed, _ratio(op.reviewed_pct), _ratio(op.fit_rate), op.gap,
            op.gaps_by_class["必須"], op.gaps_by_class["オプション"], op.gaps_by_class["不可"], op.must_gaps_undecided,
            op.reverse_gaps, op.options_undecided, op.needs_review]


def _summary_values(op: OperationReadiness, report: ReadinessReport) -> list[object]:
    counts = dict(zip(COUNT_HEADERS, _counts(op), strict=True))
    return [op.code, op.display_name, op.verdict.value,
            *(counts[h] for h in ("要件数", "確認率", "適合率", "必須ギャップ", "方針未定の必須ギャップ", "オプションギャップ",
                                  "逆ギャップ", "要再確認")),
            op.state, _cutover_text(op, report), day(op.deadline), op.standing.label, _reasons_text(op)]


def _cells(ws: WriteOnlyWorksheet, headers: Sequence[str], values: Sequence[object], op: OperationReadiness,
           wrap: set[str]) -> list[object]:
    out = []
    for h, value in zip(headers, values, strict=True):
        fmt = (PERCENT if h in ("確認率", "適合率") and not isinstance(value, str)
               else CODE_FORMAT if h == "業務コード" else None)
        fill = PatternFill("solid", fgColor=VERDICT_FILLS[op.verdict]) if h == "判定" else None
        wraps = h in wrap or value == NO_DATA  # データなし in a narrow figure column: on two lines
        out.append(cell(ws, value, number_format=fmt, fill=fill, alignment=WRAP if wraps else None))
    return out


def write_summary_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet("概要")
    ops = report.operations
    headers = [h for h, _w in SUMMARY_COLUMNS]
    widths = [w for _h, w in SUMMARY_COLUMNS]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — 概要", demo=report.demo)
    rows = RowWriter(ws, widths)
    rows.append([cell(ws, report.title, font=TITLE_FONT)])
    info = [f"基準日 {report.today.isoformat()}", f"作成 {report.generated_at:%Y-%m-%d %H:%M}",
            f"一般の期限 {report.general_deadline.isoformat()}（{days_left_text(report.general_deadline, report.today)}）"]
    rows.append(["  ".join(info)])
    if report.demo:
        rows.append([cell(ws, "※ デモデータ（架空）による報告書です。実際の団体の状況ではありません。", font=WARN_FONT)])
    for note in report.notes:
        rows.append([cell(ws, f"※ {note}", font=WARN_FONT)])
    t = report.totals
    rows.append([])
    rows.append([cell(ws, "団体全体", font=BOLD)])
    rows.append(["移行の状況", None, None, None, cell(ws, t.headline, font=BOLD)])
    anchor_row = rows.row + 2
    totals: list[tuple[str, object]] = [
        ("業務数", t.operations), ("要件数", t.requirements), ("確認率", _ratio(t.reviewed_pct)),
        ("適合率", _ratio(t.fit_rate)), ("方針未定の必須ギャップ", t.must_gaps_undecided),
        ("逆ギャップ", t.reverse_gaps), ("要再確認", t.needs_review),
        *((f"判定 {v.value}", n) for v, n in t.verdicts.items()),
        ("ベンダ回答", t.vendor.answers if t.vendor else NO_DATA),
        ("期限超過の期限後対応", t.vendor.after_deadline_late if t.vendor else NO_DATA),
        ("対応不可", t.vendor.impossible if t.vendor else NO_DATA),
    ]
    rows.append([])
    for label, figure in totals:
        fmt = PERCENT if label in ("確認率", "適合率") and not isinstance(figure, str) else None
        # the label runs over the empty columns B-D (column A is the narrow code column of the table below)
        rows.append([label, None, None, None, cell(ws, figure, number_format=fmt)])
    rows.append([])
    rows.append([cell(ws, "阻害要因（件数）", font=BOLD)])
    for kind, n in t.blocking.items():
        rows.append([kind, None, None, None, n])
    chart_rows = _chart_rows(len(ops)) if ops else 0
    while rows.row < anchor_row + chart_rows:  # the charts sit beside the totals, on the first page
        rows.append([])
    # the figures and charts make the first page; the table starts on the next one, its header on every page
    ws.row_breaks.append(Break(id=rows.row))
    rows.append([cell(ws, "業務別（数値の内訳はシート「業務別の数値」、日程は「業務別の日程」）", font=BOLD)])
    head = rows.header(headers)
    ws.print_title_rows = f"{head}:{head}"
    wrap = {"業務", "移行日（予定・実施）", "残り・移行日", "判定理由"}
    for op in ops:
        rows.append(_cells(ws, headers, _summary_values(op, report), op, wrap))
    last = head + len(ops)
    rows.append([])
    rows.append([f"判定ルールはシート「{RULES_SHEET}」にあります。"])
    if ops:
        _charts(ws, headers, head, last, anchor_row=anchor_row, height=_chart_height(len(ops)), widths=widths)


def write_rules_sheet(wb: Workbook, report: ReadinessReport) -> None:
    """The rules of the verdicts, on a page of their own."""
    ws: WriteOnlyWorksheet = wb.create_sheet(RULES_SHEET)
    widths = [120]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — {RULES_SHEET}", demo=report.demo)
    rows = RowWriter(ws, widths)
    rows.append([cell(ws, "判定ルール（このルールで判定しています）", font=BOLD)])
    rows.append([cell(ws, "各業務の判定は、当てはまったルールのうち最も重いものです。概要の判定理由には判定を決めたルールを示し、"
                          "ほかに当てはまったルールは番号で示しています。", alignment=WRAP)])
    rows.append([])
    for line in report.rules:
        rows.append([cell(ws, line, alignment=WRAP)])
    rows.append([])
    rows.append([cell(ws, "確認率＝確認済（未確認以外）÷要件数。適合率＝適合÷（適合＋ギャップ）。"
                          "逆ギャップ＝実装不可機能に現行システムが適合しているもの。", alignment=WRAP)])


ROW_CM = 0.53  # default row height (15 pt) in centimetres
# one unit of column width in centimetres as LibreOffice prints it (print_layout.UNIT_POINTS); Excel's unit is
# narrower (0.185 cm), so there the charts reach a little past the table, which its page scale allows for
UNIT_CM = 0.24
TOTALS_COLUMNS = 6  # the totals take columns A-E and a gap; the charts start after them


def _chart_height(n_operations: int) -> float:
    # a bar and its label per operation at a readable size
    return max(9.0, 0.8 * n_operations + 3)


def _chart_rows(n_operations: int) -> int:
    return int(_chart_height(n_operations) / ROW_CM) + 1


def _charts(ws: WriteOnlyWorksheet, headers: list[str], head: int, last: int, *, anchor_row: int,
            height: float, widths: Sequence[float]) -> None:
    """Two bar charts side by side, right of the totals and within the table's width (so the page's scale
    holds them), every operation labelled."""
    usable = widths[TOTALS_COLUMNS:]
    half, acc, split = sum(usable) / 2, 0.0, len(usable)
    for i, w in enumerate(usable):  # the second chart starts at the column boundary nearest the middle
        if acc + w / 2 > half:
            split = i
            break
        acc += w
    first_width = max(10.0, acc * UNIT_CM - 0.3)
    second_width = max(10.0, (sum(usable) - acc) * UNIT_CM - 0.3)
    cats = Reference(ws, min_col=2, min_row=head + 1, max_row=last)
    # every operation's name on the axis (a program may otherwise skip every other one); the chart's text at
    # 11 pt like the cells, so that it is at reading size wherever the page's scale puts the table

    def text_11pt() -> RichText:
        return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=1100)),
                                     endParaRPr=CharacterProperties(sz=1100))])

    def bar(title: str, names: list[str], width: float) -> BarChart:
        chart = BarChart()
        chart.type = "bar"
        chart.title = title  # it says the unit: no axis title (a program prints those small)
        chart.height = height
        chart.width = width
        for name in names:
            col = headers.index(name) + 1
            chart.add_data(Reference(ws, min_col=col, min_row=head, max_row=last), titles_from_data=True)
        chart.set_categories(cats)
        chart.x_axis.scaling.orientation = "maxMin"  # first operation on top, as in the table
        chart.x_axis.tickLblSkip = 1
        chart.x_axis.tickMarkSkip = 1
        chart.x_axis.txPr = text_11pt()
        chart.y_axis.txPr = text_11pt()
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend.position = "b"
        chart.legend.txPr = text_11pt()
        return chart

    progress = bar("進捗: 確認率と適合率（業務別）", ["確認率", "適合率"], first_width)
    progress.y_axis.scaling.min = 0
    progress.y_axis.scaling.max = 1
    progress.y_axis.majorUnit = 0.2
    progress.y_axis.number_format = "0%"
    ws.add_chart(progress, f"{get_column_letter(TOTALS_COLUMNS + 1)}{anchor_row}")
    gaps = bar("ギャップ（業務別、件数）", ["必須ギャップ", "方針未定の必須ギャップ", "逆ギャップ", "オプションギャップ"],
               second_width)
    ws.add_chart(gaps, f"{get_column_letter(TOTALS_COLUMNS + split + 1)}{anchor_row}")


def _detail_sheet(wb: Workbook, report: ReadinessReport, title: str, columns: Sequence[tuple[str, float]],
                  values: list[tuple[OperationReadiness, list[object]]], wrap: set[str]) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet(title)
    headers = [h for h, _w in columns]
    widths = [w for _h, w in columns]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — {title}", demo=report.demo, title_rows="1:1",
                   title_cols="A:B")
    ws.freeze_panes = "C2"
    rows = RowWriter(ws, widths)
    rows.header(headers)
    for op, vals in values:
        rows.append(_cells(ws, headers, vals, op, wrap))
    if values:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(values) + 1}"


def write_operation_sheets(wb: Workbook, report: ReadinessReport) -> None:
    """業務別の数値 and 業務別の日程: the per-operation details 概要 leaves out."""
    ops = report.operations
    dispositions = list(ops[0].gaps_by_disposition) if ops else []
    figure_cols = [("業務コード", 10.0), ("業務", 16.0), ("判定", 5.0),
                   *((h, 7.0) for h in (*COUNT_HEADERS, *VENDOR_HEADERS))]
    # the gaps by disposition on a sheet of their own: twelve more columns would split the figures over pages
    disposition_cols = [("業務コード", 10.0), ("業務", 16.0), ("判定", 5.0), ("ギャップ", 9.0),
                        *((f"方針:{d}", 8.0) for d in dispositions)]
    figures: list[tuple[OperationReadiness, list[object]]] = []
    by_disposition: list[tuple[OperationReadiness, list[object]]] = []
    for op in ops:
        disp: list[object] = list(op.gaps_by_disposition.values()) if op.requirements else [NO_DATA] * len(dispositions)
        v = op.vendor
        vendor: list[object] = ([v.answers, v.after_deadline, v.after_deadline_late, v.impossible, v.unanswered] if v
                                else [NO_DATA] * len(VENDOR_HEADERS))
        figures.append((op, [op.code, op.display_name, op.verdict.value, *_counts(op), *vendor]))
        by_disposition.append((op, [op.code, op.display_name, op.verdict.value,
                                    op.gap if op.requirements else NO_DATA, *disp]))
    _detail_sheet(wb, report, FIGURES_SHEET, figure_cols, figures, {"業務"})
    _detail_sheet(wb, report, DISPOSITIONS_SHEET, disposition_cols, by_disposition, {"業務"})
    schedule: list[tuple[OperationReadiness, list[object]]] = []
    for op in ops:
        margin = "" if op.migrated or not op.systems else (op.margin_text or "未定")
        schedule.append((op, [op.code, op.display_name, op.verdict.value, op.state, _cutover_text(op, report),
                              day(op.deadline), op.deadline_source, op.standing.label, margin,
                              "、".join(op.waits_for) or "—"]))
    _detail_sheet(wb, report, SCHEDULE_SHEET, SCHEDULE_COLUMNS, schedule,
                  {"業務", "移行日（予定・実施）", "期限の根拠", "残り・移行日", "待ち合わせ先システム"})
