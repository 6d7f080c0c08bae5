"""Systems and links as one Excel workbook, for whoever edits them in a spreadsheet program.

Two sheets, システム and 連携, with the same columns as systems.csv and links.csv. Codes and dates are
text-formatted cells (業務コード 001 stays 001 when edited), 区分・期限区分・方式・暫定連携 have drop-downs,
names beginning with = + - @ are text, never formulas; each row's stamp (domain.row_stamp) is in a hidden
last column, and a very hidden metadata sheet names the export. Read back by fitgap.importers.systems_csv.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from fitgap.domain.answer_sheet import META_MARK, META_SHEET
from fitgap.reports.output_file import write_atomically
from fitgap.reports.print_layout import apply_openpyxl, header_height, row_height
from fitgap.reports.workbook_font import new_workbook
from fitgap.reports.xlsx_cells import CODE_FORMAT, HEAD_ALIGN, HEAD_FILL, HEAD_FONT, text_cells

_WRAP = Alignment(wrap_text=True, vertical="top")


def _width(header: str) -> float:
    if header.startswith("適用される期限"):
        return 24  # 「2026-03-31（FY2025末）」 on one line, the date never split
    return {"システム名": 28, "ベンダ": 16, "区分": 12, "業務コード": 14, "備考": 30, "提供元": 28, "利用側": 28,
            "データ": 30, "方式": 12}.get(header, 13 if "(" not in header else 11)


def _sheet(ws: Worksheet, header: Sequence[str], rows: Sequence[Sequence[str]],
           choices: dict[str, Sequence[str]], text_columns: Sequence[str], hidden_columns: Sequence[str]) -> None:
    widths = [_width(h) for h in header]
    ws.append(list(header))
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
        c = ws.cell(row=1, column=i)
        c.font, c.fill, c.alignment = HEAD_FONT, HEAD_FILL, HEAD_ALIGN
    height = header_height([("" if h in hidden_columns else h) for h in header], widths)
    if height:
        ws.row_dimensions[1].height = height  # a wrapped title (適用される期限…) shows whole
    last = max(len(rows) + 1, 2)
    hidden = {i for i, h in enumerate(header) if h in hidden_columns}
    for r in rows:
        ws.append(list(r))
        n = ws.max_row
        for c in ws[n]:
            c.alignment = _WRAP
        height = row_height([("" if i in hidden else v) for i, v in enumerate(r)], widths)
        if height:
            ws.row_dimensions[n].height = height
    # code and date columns are text, the whole column (so also the rows a user adds below)
    for i, h in enumerate(header, 1):
        if h in text_columns:
            ws.column_dimensions[get_column_letter(i)].number_format = CODE_FORMAT
            for row in range(2, len(rows) + 2):
                ws.cell(row=row, column=i).number_format = CODE_FORMAT
    for h, values in choices.items():
        if h not in header:
            continue
        col = get_column_letter(list(header).index(h) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="入力できない値", error="一覧から選んでください。")
        dv.add(f"{col}2:{col}{last + 200}")
        ws.add_data_validation(dv)
    for i, h in enumerate(header, 1):
        if h in hidden_columns:  # (inside the filter range: a sort carries the row's stamp with it)
            ws.column_dimensions[get_column_letter(i)].hidden = True
            widths[i - 1] = 0  # takes no paper
    text_cells(ws)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last}"
    apply_openpyxl(ws, widths, title=f"システムと連携 — {ws.title}", title_rows="1:1", title_cols="A:A")


def write_systems_workbook(path: Path, sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[str]]]], *,
                           choices: dict[str, Sequence[str]], text_columns: Sequence[str],
                           hidden_columns: Sequence[str] = (), meta: Sequence[tuple[str, str]] = ()) -> Path:
    """``sheets``: (name, header, rows) each; ``choices``: header → allowed values (drop-downs);
    ``text_columns``: headers whose cells are formatted as text; ``hidden_columns``: headers of columns
    not shown (the rows' stamps); ``meta``: what the metadata sheet says (none without)."""
    wb = new_workbook()
    wb.remove(wb.active)
    for name, header, rows in sheets:
        _sheet(wb.create_sheet(name), header, rows, choices, text_columns, hidden_columns)
    if meta:
        ws = wb.create_sheet(META_SHEET)
        ws.sheet_state = "veryHidden"
        ws.append([META_MARK])
        for key, value in meta:
            ws.append(["meta", key, value])
    return write_atomically(path, wb.save)  # whole or not at all, as every file fitgap writes
