"""The readiness workbook: 概要 (figures and charts), 日程 (systems × fiscal months), 阻害要因, ベンダ回答,
メタデータ. Written in openpyxl's write-only mode: rows stream out, memory stays flat."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break

from fitgap.reports.output_file import save_workbook
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
from fitgap.reports.readiness_xlsx_changes import write_changes_sheet
from fitgap.reports.readiness_xlsx_post_cutover import write_post_cutover_sheet
from fitgap.reports.readiness_xlsx_schedule import write_schedule_sheet
from fitgap.reports.xlsx_cells import CODE_FORMAT, RowWriter, cell, header_row, set_widths

TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
WARN_FONT = Font(bold=True, color="C00000")

SUMMARY_HEADERS = [
    "業務コード", "業務", "判定", "要件数", "確認済", "確認率", "適合率", "ギャップ計", "必須ギャップ",
    "オプションギャップ", "不可ギャップ", "方針未定の必須ギャップ", "逆ギャップ", "オプション未決定", "要再確認",
]
VENDOR_HEADERS = ["ベンダ回答数", "期限後対応", "うち期限超過", "対応不可", "未回答（ベンダ対応待ち）"]
SCHEDULE_HEADERS = ["状態", "移行日（予定・実施）", "期限", "期限の根拠", "残り・移行日", "移行予定日と期限",
                    "待ち合わせ先システム", "判定理由"]


def _ratio(value: float | None) -> float | str:
    return NO_DATA if value is None else value / 100.0


def _summary_values(op: OperationReadiness, report: ReadinessReport) -> list[object]:
    has_req = op.requirements > 0
    counts: list[object] = [
        op.requirements, op.reviewed, _ratio(op.reviewed_pct), _ratio(op.fit_rate), op.gap,
        op.gaps_by_class["必須"], op.gaps_by_class["オプション"], op.gaps_by_class["不可"], op.must_gaps_undecided,
        op.reverse_gaps, op.options_undecided, op.needs_review,
    ]
    if not has_req:
        counts = [0] + [NO_DATA] * (len(counts) - 1)
    disp: list[object] = list(op.gaps_by_disposition.values()) if has_req else [NO_DATA] * len(op.gaps_by_disposition)
    v = op.vendor
    vendor: list[object] = (
        [v.answers, v.after_deadline, v.after_deadline_late, v.impossible, v.unanswered] if v
        else [NO_DATA] * len(VENDOR_HEADERS)
    )
    if op.migrated:
        when, margin = day(op.cutover), ""
    elif not op.systems:
        when, margin = f"{NO_DATA}（システム未登録）", ""
    else:
        when = (day(op.cutover) + (f"（{OVERDUE_PLAN}）" if op.overdue_plan(report.today) else "")) if op.cutover else "未定"
        margin = op.margin_text or "未定"
    sched: list[object] = [op.state, when, day(op.deadline), op.deadline_source, op.standing.label, margin]
    return [op.code, op.display_name, op.verdict.value, *counts, *disp, *vendor, *sched, "、".join(op.waits_for) or "—",
            "\n".join(op.reasons) or "—"]


def _summary_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet("概要")
    ops = report.operations
    disp_headers = list(ops[0].gaps_by_disposition) if ops else []
    headers = [*SUMMARY_HEADERS, *(f"方針:{d}" for d in disp_headers), *VENDOR_HEADERS, *SCHEDULE_HEADERS]
    widths = [10, 20, 6] + [10] * (len(headers) - 5) + [28, 84]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — 概要", demo=report.demo)
    ws.freeze_panes = "C1"
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
    totals = [
        ("移行の状況", t.headline),
        ("業務数", t.operations), ("要件数", t.requirements), ("確認率", _ratio(t.reviewed_pct)),
        ("適合率", _ratio(t.fit_rate)), ("方針未定の必須ギャップ", t.must_gaps_undecided),
        ("逆ギャップ", t.reverse_gaps), ("要再確認", t.needs_review),
        *((f"判定 {v.value}", n) for v, n in t.verdicts.items()),
        *((f"阻害要因: {k}", n) for k, n in t.blocking.items()),
        ("ベンダ回答", t.vendor.answers if t.vendor else NO_DATA),
        ("期限超過の期限後対応", t.vendor.after_deadline_late if t.vendor else NO_DATA),
        ("対応不可", t.vendor.impossible if t.vendor else NO_DATA),
    ]
    for label, figure in totals:
        fmt = "0.0%" if label in ("確認率", "適合率") and not isinstance(figure, str) else None
        # the label runs over the empty columns B-D (column A is the narrow code column of the table below)
        rows.append([label, None, None, None, cell(ws, figure, number_format=fmt)])
    chart_rows = _chart_rows(len(ops)) if ops else 0
    anchor_row = rows.row + 2
    for _ in range(chart_rows + 1):  # the charts sit here, between the totals and the table
        rows.append([])
    # the charts and the figures above them make the first page; the table starts on the next one
    ws.row_breaks.append(Break(id=rows.row))
    rows.append([cell(ws, "業務別", font=BOLD)])
    header_row(ws, headers)
    rows.row += 1
    head = rows.row
    ws.print_title_rows = f"{head}:{head}"
    for op in ops:
        values = _summary_values(op, report)
        cells = []
        for i, value in enumerate(values):
            fmt = "0.0%" if headers[i] in ("確認率", "適合率") else CODE_FORMAT if i == 0 else None
            fmt = None if isinstance(value, str) and fmt == "0.0%" else fmt
            fill = PatternFill("solid", fgColor=VERDICT_FILLS[op.verdict]) if i == 2 else None
            cells.append(cell(ws, value, number_format=fmt, fill=fill,
                              alignment=WRAP if i >= len(values) - 2 else None))
        rows.append(cells)
    last = head + len(ops)
    rows.append([])
    rows.append([cell(ws, "判定ルール（このルールで判定しています）", font=BOLD)])
    for line in report.rules:
        rows.append([line])
    if ops:
        _charts(ws, headers, head, last, anchor_row=anchor_row, height=_chart_height(len(ops)), widths=widths)


ROW_CM = 0.53  # default row height (15 pt) in centimetres
UNIT_CM = 0.19  # one unit of column width in centimetres (about 7 px)


def _chart_height(n_operations: int) -> float:
    # a bar and its label per operation at a readable size, however small the page scale is
    return max(9.0, 0.9 * n_operations + 4)


def _chart_rows(n_operations: int) -> int:
    return int(_chart_height(n_operations) / ROW_CM) + 1


def _charts(ws: WriteOnlyWorksheet, headers: list[str], head: int, last: int, *, anchor_row: int,
            height: float, widths: Sequence[float]) -> None:
    """Two bar charts side by side over the width of the table below (so the page scale fits both), on
    the first page with the figures; every operation labelled."""
    # from column B to the end of the table, split in two; the second chart starts at a column boundary
    usable = widths[1:]
    half, acc, split = sum(usable) / 2, 0.0, len(usable)
    for i, w in enumerate(usable):
        if acc + w > half:
            split = i
            break
        acc += w
    first_width = max(12.0, acc * UNIT_CM - 0.5)
    second_width = max(12.0, (sum(usable) - acc) * UNIT_CM - 0.5)
    cats = Reference(ws, min_col=2, min_row=head + 1, max_row=last)
    # every operation's name on the axis (a program may otherwise skip every other one), in a small font
    label_text = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=1000)),
                                       endParaRPr=CharacterProperties(sz=1000))])

    def bar(title: str, names: list[str], y_title: str, width: float) -> BarChart:
        chart = BarChart()
        chart.type = "bar"
        chart.title = title
        chart.y_axis.title = y_title
        chart.height = height
        chart.width = width
        for name in names:
            col = headers.index(name) + 1
            chart.add_data(Reference(ws, min_col=col, min_row=head, max_row=last), titles_from_data=True)
        chart.set_categories(cats)
        chart.x_axis.scaling.orientation = "maxMin"  # first operation on top, as in the table
        chart.x_axis.tickLblSkip = 1
        chart.x_axis.tickMarkSkip = 1
        chart.x_axis.txPr = label_text
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        return chart

    progress = bar("進捗: 確認率と適合率（業務別）", ["確認率", "適合率"], "割合", first_width)
    progress.y_axis.scaling.min = 0
    progress.y_axis.scaling.max = 1
    progress.y_axis.number_format = "0%"
    ws.add_chart(progress, f"B{anchor_row}")
    gaps = bar("ギャップ（業務別）", ["必須ギャップ", "方針未定の必須ギャップ", "逆ギャップ", "オプションギャップ"], "件数",
               second_width)
    ws.add_chart(gaps, f"{get_column_letter(split + 2)}{anchor_row}")


def _table_sheet(wb: Workbook, report: ReadinessReport, title: str, headers: list[str], widths: list[int],
                 rows: Iterable[Sequence[object]], empty: str, *, wrap: Sequence[int] = (),
                 codes: Sequence[int] = ()) -> None:
    """A filterable list; the columns in ``wrap`` (0-based) wrap their text, those in ``codes`` are text codes."""
    ws: WriteOnlyWorksheet = wb.create_sheet(title)
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — {title}", demo=report.demo, title_rows="1:1")
    ws.freeze_panes = "A2"
    header_row(ws, headers)
    out = RowWriter(ws, widths)
    out.row = 1
    n = 0
    wrapped, coded = set(wrap), set(codes)
    for values in rows:
        out.append([cell(ws, v, alignment=WRAP if i in wrapped else None,
                         number_format=CODE_FORMAT if i in coded else None) for i, v in enumerate(values)])
        n += 1
    if n:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n + 1}"
    else:
        ws.append([empty])


def _blocking_sheet(wb: Workbook, report: ReadinessReport) -> None:
    rows = ([b.kind, b.operation_code, b.operation, b.ref, b.title, b.detail, day(b.due, "")] for b in report.blocking)
    _table_sheet(wb, report, "阻害要因", ["種類", "業務コード", "業務", "ID・連携", "名称・内容", "詳細", "期日"],
                 [28, 10, 18, 26, 36, 60, 12], rows, "阻害要因はありません。", wrap=(0, 3, 4, 5), codes=(1, 3))


def _answers_sheet(wb: Workbook, report: ReadinessReport) -> None:
    headers = ["業務コード", "業務", "ID", "名称", "区分", "ベンダ", "回答", "対応予定日", "期限", "期限超過",
               "概算費用（千円）", "回答・代替案", "受領日時"]
    rows = (
        [a.operation_code, a.operation, a.req_id, a.name, a.kubun, a.vendor, a.answer, day(a.planned_date, ""),
         day(a.deadline), "期限超過" if a.late else "", a.cost_kyen, a.comment, f"{a.received_at:%Y-%m-%d %H:%M}"]
        for a in report.answers
    )
    empty = "回答なし" if report.totals.vendor else f"{NO_DATA}（ベンダ回答はまだ取り込まれていません）"
    _table_sheet(wb, report, "ベンダ回答", headers, [10, 18, 12, 30, 10, 20, 12, 12, 12, 10, 12, 40, 17], rows,
                 empty, wrap=(1, 3, 5, 11), codes=(0, 2))


def _custom_sheet(wb: Workbook, report: ReadinessReport) -> None:
    """独自機能: per operation, then every function still waiting for a decision."""
    ws: WriteOnlyWorksheet = wb.create_sheet("独自機能")
    widths = [10, 18, 12, 30, 10, 14, 14, 14, 40]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — 独自機能", demo=report.demo, title_rows="1:1")
    header_row(ws, ["業務コード", "業務", "現行機能", "標準内", "標準外", "要廃止", "方針未決定", "未照合", "対応方針の内訳"])
    for f in report.custom:
        ws.append([cell(ws, f.operation_code, number_format=CODE_FORMAT), f.operation, f.functions, f.in_spec,
                   f.outside, f.reverse, f.undecided, f.unchecked,
                   cell(ws, "、".join(f"{d} {n}" for d, n in f.by_disposition.items()) or "—", alignment=WRAP)])
    ws.append([])
    ws.append([cell(ws, f"対応方針の決まっていない独自機能（{len(report.custom_open)}件）", font=BOLD)])
    header_row(ws, ["業務コード", "業務", "機能番号", "機能名", "種別", "判定", "利用課", "年間費用（千円）"])
    for ln in report.custom_open:
        ws.append([cell(ws, ln.operation_code, number_format=CODE_FORMAT), ln.operation, cell(ws, ln.code),
                   cell(ws, ln.name, alignment=WRAP), ln.kind, ln.verdict, cell(ws, ln.department), ln.yearly_cost_kyen])
    if not report.custom_open:
        ws.append(["ありません。"])


def _metadata_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet("メタデータ")
    widths = [22, 40, 14, 20, 30, 8, 8]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — メタデータ", demo=report.demo)
    rows = RowWriter(ws, widths)
    facts = [
        ("作成日時", report.generated_at.isoformat(timespec="seconds")),
        ("基準日", report.today.isoformat()),
        ("団体", report.municipality or "（未設定）"),
        ("データベース", report.database),
        ("データベースID", report.database_id or ""),
        ("デモデータ", "はい（架空のデータ）" if report.demo else "いいえ"),
        ("最終の確認日時", f"{report.last_assessed_at:%Y-%m-%d %H:%M}" if report.last_assessed_at else NO_DATA),
    ]
    for label, value in facts:
        rows.append([cell(ws, label, font=BOLD), cell(ws, value, alignment=WRAP)])
    rows.append([])
    rows.append([cell(ws, "集計に用いた仕様書の版", font=BOLD)])
    header_row(ws, ["業務", "版", "公開日", "取込日時", "取込元", "デモ", "同梱"])
    rows.row += 1
    for v in report.spec_versions:
        rows.append([v.operation, v.label, day(v.published_on, ""), f"{v.imported_at:%Y-%m-%d %H:%M}",
                     cell(ws, v.source, alignment=WRAP), "○" if v.demo else "", "○" if v.bundled else ""])
    if not report.spec_versions:
        rows.append([f"{NO_DATA}（仕様書の版がありません）"])


def write_readiness_xlsx(report: ReadinessReport, path: Path) -> Path:
    """Write the workbook whole or not at all."""
    wb = Workbook(write_only=True)
    _summary_sheet(wb, report)
    write_schedule_sheet(wb, report)
    write_changes_sheet(wb, report)
    _blocking_sheet(wb, report)
    _answers_sheet(wb, report)
    if report.custom:
        _custom_sheet(wb, report)
    if report.post_cutover:
        write_post_cutover_sheet(wb, report)
    _metadata_sheet(wb, report)
    return save_workbook(path, wb)
