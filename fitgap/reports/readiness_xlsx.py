"""The readiness workbook: 概要 (figures, charts, the per-operation table), 業務別の数値 and 業務別の日程
(the details), 判定ルール, 日程 (systems × fiscal months), 連携の改修, 進捗の比較 (the progress survey),
阻害要因, ベンダ回答, データ移行
(and データ移行の項目), 業務見直し, 独自機能, 移行後の経過措置, メタデータ. Written in openpyxl's write-only mode: rows stream out, memory stays flat.
Every sheet prints at reading size (print_layout)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.reports.output_file import save_workbook
from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.readiness_model import (
    NO_DATA,
    ReadinessReport,
    day,
)
from fitgap.reports.readiness_xlsx_bpr import write_bpr_sheet
from fitgap.reports.readiness_xlsx_changes import write_changes_sheet
from fitgap.reports.readiness_xlsx_data import write_data_sheets
from fitgap.reports.readiness_xlsx_peers import write_peers_sheet
from fitgap.reports.readiness_xlsx_post_cutover import write_post_cutover_sheet
from fitgap.reports.readiness_xlsx_schedule import write_schedule_sheet
from fitgap.reports.readiness_xlsx_summary import (
    write_operation_sheets,
    write_rules_sheet,
    write_summary_sheet,
)
from fitgap.reports.workbook_font import font, new_workbook
from fitgap.reports.xlsx_cells import CODE_FORMAT, RowWriter, cell, set_widths

BOLD = font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _table_sheet(wb: Workbook, report: ReadinessReport, title: str, headers: list[str], widths: list[int],
                 rows: Iterable[Sequence[object]], empty: str, *, wrap: Sequence[int] = (),
                 codes: Sequence[int] = ()) -> None:
    """A filterable list; the columns in ``wrap`` (0-based) wrap their text, those in ``codes`` are text codes."""
    ws: WriteOnlyWorksheet = wb.create_sheet(title)
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — {title}", demo=report.demo, title_rows="1:1")
    ws.freeze_panes = "A2"
    out = RowWriter(ws, widths)
    out.header(headers)
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
    _table_sheet(wb, report, "ベンダ回答", headers, [6, 16, 10, 30, 10, 18, 12, 11, 11, 8, 10, 40, 16], rows,
                 empty, wrap=(1, 3, 5, 11), codes=(0, 2))


def _custom_sheets(wb: Workbook, report: ReadinessReport) -> None:
    """独自機能: per operation; 独自機能の方針未決定: every function still waiting for a decision."""
    rows = ([f.operation_code, f.operation, f.functions, f.in_spec, f.outside, f.reverse, f.undecided, f.unchecked,
             "、".join(f"{d} {n}" for d, n in f.by_disposition.items()) or "—"] for f in report.custom)
    _table_sheet(wb, report, "独自機能", ["業務コード", "業務", "現行機能", "標準内", "標準外", "要廃止", "方針未決定",
                                          "未照合", "対応方針の内訳"],
                 [6, 18, 8, 8, 8, 8, 8, 8, 50], rows, "ありません。", wrap=(1, 8), codes=(0,))
    rows = ([ln.operation_code, ln.operation, ln.code, ln.name, ln.kind, ln.verdict, ln.department, ln.yearly_cost_kyen]
            for ln in report.custom_open)
    _table_sheet(wb, report, "独自機能の方針未決定", ["業務コード", "業務", "機能番号", "機能名", "種別", "判定", "利用課",
                                                       "年間費用（千円）"],
                 [6, 18, 14, 40, 8, 12, 14, 10], rows, "対応方針の決まっていない独自機能はありません。",
                 wrap=(1, 2, 3, 6), codes=(0, 2))


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
    rows.header(["業務", "版", "公開日", "適用日", "取込日時", "取込元", "デモ", "同梱"])
    for v in report.spec_versions:
        rows.append([v.operation, v.label, day(v.published_on, ""), day(v.effective_on, ""),
                     f"{v.imported_at:%Y-%m-%d %H:%M}",
                     cell(ws, v.source, alignment=WRAP), "○" if v.demo else "", "○" if v.bundled else ""])
    if not report.spec_versions:
        rows.append([f"{NO_DATA}（仕様書の版がありません）"])


def write_readiness_xlsx(report: ReadinessReport, path: Path) -> Path:
    """Write the workbook whole or not at all."""
    wb = new_workbook(write_only=True)
    write_summary_sheet(wb, report)
    write_operation_sheets(wb, report)
    write_rules_sheet(wb, report)
    write_schedule_sheet(wb, report)
    write_changes_sheet(wb, report)
    write_peers_sheet(wb, report)
    _blocking_sheet(wb, report)
    _answers_sheet(wb, report)
    write_data_sheets(wb, report)
    write_bpr_sheet(wb, report)
    if report.custom:
        _custom_sheets(wb, report)
    if report.post_cutover:
        write_post_cutover_sheet(wb, report)
    _metadata_sheet(wb, report)
    return save_workbook(path, wb)
