"""The データ移行 sheets: データ移行 (the データ要件 of each operation with a 基本データリスト: the counts of
``fitgap data status``) and データ移行の項目 (the items behind them: 必須未保持, コード未対応, 外字候補 by item).
One table per sheet, so that its header row repeats on every printed page. Without a list, データ移行 says so
in one line (with the command that imports one); データ移行の項目 is written only when it has an item."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fitgap.reports.print_layout import apply_openpyxl
from fitgap.reports.readiness_model import DATA_NONE, DataItemLine, ReadinessReport
from fitgap.reports.workbook_font import font
from fitgap.reports.xlsx_cells import CODE_FORMAT, RowWriter, cell, set_widths

SHEET = "データ移行"
ITEMS_SHEET = "データ移行の項目"
BLOCKER, UNMAPPED, GAIJI = "必須未保持（阻害）", "コード未対応", "外字候補"
PERCENT = "0.0%"
BLOCK_FILL = PatternFill("solid", fgColor="F8D7DA")
BLOCK_FONT = font(bold=True, color="C00000")
WRAP = Alignment(wrap_text=True, vertical="top")
FIGURE_COLUMNS = (("業務コード", 6), ("業務", 20), ("版", 16), ("項目", 7), ("確認済", 7), ("確認率", 8), ("準備済", 7),
                  ("準備率", 8), ("必須未保持", 8), ("要再確認", 8), ("要対応", 7), ("コード未対応（項目）", 9),
                  ("未対応の現行コード", 9), ("外字候補（項目）", 9), ("外字候補（文字）", 9))
NOTES = ("必須未保持＝必須（または実装類型○）の項目が未保持・紙のみで移行方法が決まっていない、",
         "　またはベンダが移行不可（シート「阻害要因」にも挙げ、判定ルール R22・R23 の対象）",
         "確認率＝保持状況を確認した項目÷項目、準備率＝準備済・対象外の項目÷項目")
ITEM_COLUMNS = (("種類", 12), ("業務コード", 6), ("業務", 16), ("データ項目ID", 11), ("データ項目", 22), ("グループ", 18),
                ("データ出力条件", 16), ("保持状況", 10), ("内容", 56))


def _sheet(wb: Workbook, report: ReadinessReport, title: str, columns: tuple[tuple[str, float], ...],
           title_rows: str | None) -> tuple[WriteOnlyWorksheet, RowWriter]:
    ws: WriteOnlyWorksheet = wb.create_sheet(title)
    widths = [w for _h, w in columns]
    set_widths(ws, widths)
    apply_openpyxl(ws, widths, title=f"{report.title} — {title}", demo=report.demo, title_rows=title_rows)
    return ws, RowWriter(ws, widths)


def write_data_sheets(wb: Workbook, report: ReadinessReport) -> None:
    if not report.data:  # one line, in one wide column: nothing spills past the printed page
        ws, out = _sheet(wb, report, SHEET, (("", 100),), None)
        out.append([cell(ws, DATA_NONE, alignment=WRAP)])
        return
    ws, out = _sheet(wb, report, SHEET, FIGURE_COLUMNS, "1:1")
    ws.freeze_panes = "C2"
    out.header([h for h, _w in FIGURE_COLUMNS])
    for f in report.data:
        blocked = BLOCK_FILL if f.blockers else None
        out.append([cell(ws, f.operation_code, number_format=CODE_FORMAT), cell(ws, f.operation, alignment=WRAP),
                    cell(ws, f.version, alignment=WRAP), f.items, f.assessed,
                    cell(ws, f.assessed_pct / 100, number_format=PERCENT), f.ready,
                    cell(ws, f.ready_pct / 100, number_format=PERCENT),
                    cell(ws, f.blockers, fill=blocked, font=BLOCK_FONT if f.blockers else None), f.review, f.todo,
                    f.unmapped_items, f.unmapped_codes, f.gaiji_items, f.gaiji_chars])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FIGURE_COLUMNS))}{len(report.data) + 1}"
    out.append([])
    listed = report.data_blockers or report.data_unmapped or report.data_gaiji
    out.append([cell(ws, f"項目ごとにはシート「{ITEMS_SHEET}」: 必須未保持 {len(report.data_blockers)}件、コード未対応 "
                         f"{len(report.data_unmapped)}項目、外字候補 {len(report.data_gaiji)}項目" if listed
                     else "必須未保持・コード未対応・外字候補の項目はありません。", font=font(bold=True))])
    for line in NOTES:  # short lines: text in column A runs over the empty cells beside it, never off the page
        out.append([line])
    if listed:
        _items_sheet(wb, report)


def _items_sheet(wb: Workbook, report: ReadinessReport) -> None:
    ws, out = _sheet(wb, report, ITEMS_SHEET, ITEM_COLUMNS, "1:1")
    ws.freeze_panes = "E2"
    out.header([h for h, _w in ITEM_COLUMNS])
    n = 0
    parts: tuple[tuple[str, list[DataItemLine]], ...] = (
        (BLOCKER, report.data_blockers), (UNMAPPED, report.data_unmapped), (GAIJI, report.data_gaiji))
    for kind, lines in parts:
        for ln in lines:
            text = ln.reason if kind == BLOCKER else ln.codes_text if kind == UNMAPPED else ln.gaiji_text
            if kind == BLOCKER and ln.functions:
                text += f"。関連する機能: {'、'.join(ln.functions)}"
            out.append([cell(ws, kind, font=BLOCK_FONT if kind == BLOCKER else None, alignment=WRAP),
                        cell(ws, ln.operation_code, number_format=CODE_FORMAT), cell(ws, ln.operation, alignment=WRAP),
                        cell(ws, ln.item_id, number_format=CODE_FORMAT), cell(ws, ln.name, alignment=WRAP),
                        cell(ws, ln.group, alignment=WRAP), cell(ws, ln.condition, alignment=WRAP), ln.holding,
                        cell(ws, text, alignment=WRAP)])
            n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ITEM_COLUMNS))}{n + 1}"
