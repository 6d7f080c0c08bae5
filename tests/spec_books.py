"""Handmade requirement workbooks in the style of the official 機能・帳票要件 lists (test fixtures).

Generated with openpyxl so no binary fixtures live in git: title rows (■…), a legend row, a two-row
header with merged cells, numeric IDs that lost their leading zeros, full-width digits, line breaks
inside cells, a continuation row, merged category cells and extra sheets (表紙, 変更履歴, 凡例).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook


@dataclass(frozen=True)
class Item:
    req_id: object  # as written in the cell (number, full-width string …)
    major: str
    minor: str
    name: str
    text: str
    kubun: str
    reason: str = ""
    continuation: str = ""  # written on the next row with an empty ID cell


V1_FUNCTIONS: list[Item] = [
    Item(10001, "住民記録", "管理項目", "日本人住民データの管理",
         "日本人住民について、以下の項目を管理すること。\n・氏名\n・生年月日", "実装必須機能",
         "法第7条に基づく記載事項のため。", continuation="・性別\n・世帯主との続柄"),
    Item(10002, "住民記録", "管理項目", "外国人住民データの管理",
         "外国人住民について、以下の項目を管理すること。", "実装すべき機能"),
    Item("００１０００３", "住民記録", "異動", "転入", "転入届に基づき住民票を作成できること。", "類型1"),
    Item(" 0010004 ", "住民記録", "異動", "転出", "転出届に基づき住民票を消除できること。", "実装必須機能"),
    Item(10005, "住民記録", "異動", "職権記載の一覧", "職権で記載した住民の一覧を出力できること。", "標準オプション機能"),
    Item(10006, "証明書", "交付", "手書き交付簿", "交付簿を手書きで管理すること。", "実装不可機能"),
    Item(10007, "証明書", "交付", "旧様式の証明書", "旧様式の証明書を発行できること。", "【経過措置】標準オプション機能"),
]

V1_FORMS: list[Item] = [
    Item(10501, "証明書", "住民票", "住民票の写し", "住民票の写しを出力できること。", "実装必須機能"),
    Item(10502, "証明書", "住民票", "住民票記載事項証明書", "記載事項証明書を出力できること。", "標準オプション機能"),
]

# second version: 0010002 text changed, 0010005 class changed, 0010006 removed, 0010008 added,
# 0010003 only re-wrapped (same normalised text → unchanged)
V2_FUNCTIONS: list[Item] = [
    V1_FUNCTIONS[0],
    Item(10002, "住民記録", "管理項目", "外国人住民データの管理",
         "外国人住民について、以下の項目を管理し、在留カード番号を保持すること。", "実装必須機能"),
    Item("0010003", "住民記録", "異動", "転入", "転入届に基づき\n住民票を作成できること。", "実装必須機能"),
    V1_FUNCTIONS[3],
    Item(10005, "住民記録", "異動", "職権記載の一覧", "職権で記載した住民の一覧を出力できること。", "実装必須機能"),
    V1_FUNCTIONS[6],
    Item(10008, "住民記録", "異動", "異動届の電子申請", "電子申請された異動届を取り込めること。", "標準オプション機能"),
]
V2_FORMS = V1_FORMS


def write_official_workbook(
    path: Path,
    *,
    functions: list[Item] = V1_FUNCTIONS,
    forms: list[Item] = V1_FORMS,
    label: str = "第1.0版",
) -> Path:
    wb = Workbook()
    cover = wb.active
    cover.title = "表紙"
    cover["B3"] = f"住民記録システム標準仕様書 機能・帳票要件一覧 {label}"
    cover["B5"] = "総務省"

    history = wb.create_sheet("変更履歴")
    history.append(["■変更履歴"])
    history.append(["版", "日付", "機能ID", "変更内容"])
    history.append([label, "2026-01-01", "0010002", "要件を修正"])

    legend = wb.create_sheet("凡例")
    legend.append(["実装区分", "説明"])
    legend.append(["実装必須機能", "全ての標準準拠システムが実装する機能"])

    ws = wb.create_sheet("機能要件")
    ws["A1"] = "■機能要件一覧（住民記録システム）"
    ws["A2"] = "※実装区分：実装必須機能／標準オプション機能／実装不可機能"
    # two-row header: ID, 機能名称 … merged vertically; 分類 merged across 大分類/中分類
    for col, title in {"A": "機能ID", "D": "機能名称", "E": "機能要件\n（要件の内容）", "F": "実装区分",
                       "G": "要件の考え方・理由", "H": "備考"}.items():
        ws[f"{col}4"] = title
        ws.merge_cells(f"{col}4:{col}5")
    ws["B4"] = "分類"
    ws.merge_cells("B4:C4")
    ws["B5"] = "大分類"
    ws["C5"] = "中分類"
    row = 6
    major_start, major = row, None
    for item in functions:
        if item.major != major:
            if major is not None and row - 1 > major_start:
                ws.merge_cells(f"B{major_start}:B{row - 1}")
            major_start, major = row, item.major
            ws[f"B{row}"] = item.major
        ws[f"A{row}"] = item.req_id
        ws[f"C{row}"] = item.minor
        ws[f"D{row}"] = item.name
        ws[f"E{row}"] = item.text
        ws[f"F{row}"] = item.kubun
        ws[f"G{row}"] = item.reason
        row += 1
        if item.continuation:
            ws[f"E{row}"] = item.continuation
            ws.merge_cells(f"A{row - 1}:A{row}")  # the ID cell spans the continuation row
            row += 1
    if major is not None and row - 1 > major_start:
        ws.merge_cells(f"B{major_start}:B{row - 1}")

    fs = wb.create_sheet("帳票要件")
    fs.append(["■帳票要件一覧"])
    fs.append([])
    fs.append(["帳票ID", "帳票名称", "帳票要件", "実装区分", "備考"])
    for item in forms:
        fs.append([item.req_id, item.name, item.text, item.kubun, item.reason])
    wb.save(path)
    return path


# ---- lists as the ministries publish them: 機能ID and 帳票ID numbered independently ------------------

@dataclass(frozen=True)
class Row:
    req_id: object
    name: str
    text: str
    kubun: str
    reason: str = ""
    remarks: str = ""


MINISTRY_FUNCTIONS: list[Row] = [
    Row(10001, "住民記録の管理", "住民について、住民票の記載事項を管理できること。", "実装必須機能",
        "法第7条に定める記載事項のため。", "R7改正に対応"),
    Row("００１０００２", "転入の登録", "転入届に基づき住民票を作成できること。", "実装必須機能"),
    Row(" 0010003 ", "職権記載の一覧", "職権で記載した住民の一覧を出力できること。", "標準オプション機能"),
    Row(10004, "手書き交付簿", "交付簿を手書きで管理すること。", "実装不可機能"),
    Row(10005, "（削除）", "", "削除"),
]
MINISTRY_FORMS: list[Row] = [
    Row(10001, "住民票の写し", "住民票の写しを出力できること。", "実装必須機能", "", "様式は別紙"),
    Row(10002, "住民票記載事項証明書", "記載事項証明書を出力できること。", "標準オプション機能"),
    Row("0010003", "転出証明書", "欠番", "欠番"),
]


def _ministry_sheet(wb: Workbook, title: str, id_header: str, rows: list[Row], *, marks: bool) -> None:
    ws = wb.create_sheet(title)
    ws["A1"] = f"■{title}一覧（住民記録システム標準仕様書）"
    ws["A2"] = "※実装区分の凡例は「凡例」シートを参照"
    heads = [id_header, "機能名称" if "機能" in title else "帳票名称",
             "機能要件の内容" if "機能" in title else "帳票の概要"]
    if marks:
        # the class as ○ in one column per class, under a merged group header
        for i, h in enumerate(heads):
            ws.cell(row=4, column=i + 1, value=h)
            ws.merge_cells(start_row=4, start_column=i + 1, end_row=5, end_column=i + 1)
        ws.cell(row=4, column=4, value="実装区分")
        ws.merge_cells(start_row=4, start_column=4, end_row=4, end_column=6)
        for i, h in enumerate(("実装必須機能", "標準オプション機能", "実装不可機能")):
            ws.cell(row=5, column=4 + i, value=h)
        for i, h in enumerate(("要件の考え方・理由", "備考")):
            ws.cell(row=4, column=7 + i, value=h)
            ws.merge_cells(start_row=4, start_column=7 + i, end_row=5, end_column=7 + i)
        order = {"実装必須機能": 0, "標準オプション機能": 1, "実装不可機能": 2}
        for n, r in enumerate(rows, start=6):
            ws.cell(row=n, column=1, value=r.req_id)
            ws.cell(row=n, column=2, value=r.name)
            ws.cell(row=n, column=3, value=r.text)
            if r.kubun in order:
                ws.cell(row=n, column=4 + order[r.kubun], value="○")
            ws.cell(row=n, column=7, value=r.reason)
            ws.cell(row=n, column=8, value=r.remarks)
        return
    ws.append([])
    ws.append([*heads, "実装区分", "要件の考え方・理由", "備考"])
    for r in rows:
        ws.append([r.req_id, r.name, r.text, r.kubun, r.reason, r.remarks])


def write_ministry_workbook(
    path: Path,
    *,
    functions: list[Row] | None = MINISTRY_FUNCTIONS,
    forms: list[Row] | None = MINISTRY_FORMS,
    label: str = "第6.0版",
    published: str = "令和8年3月31日",
    marks: bool = False,
) -> Path:
    """A workbook laid out like the ministries' lists: cover (with the publication date), 変更履歴, 凡例,
    a 機能要件 sheet and a 帳票要件 sheet whose IDs overlap (both start at 0010001)."""
    wb = Workbook()
    cover = wb.active
    cover.title = "表紙"
    cover["B3"] = "住民記録システム標準仕様書"
    cover["B4"] = f"機能・帳票要件一覧 {label}"
    cover["B6"] = f"{published} 総務省"
    history = wb.create_sheet("変更履歴")
    history.append(["版", "公開日", "変更内容"])
    history.append(["第1.0版", "2020年9月4日", "初版"])
    history.append([label, published, "改定"])
    legend = wb.create_sheet("凡例")
    legend.append(["実装区分", "説明"])
    if functions is not None:
        _ministry_sheet(wb, "機能要件", "機能ID", functions, marks=marks)
    if forms is not None:
        _ministry_sheet(wb, "帳票要件", "帳票ID", forms, marks=marks)
    wb.save(path)
    return path


# ---- any layout: sheets given as rows (header first), with a cover that states the label and date ----------

def write_book(path: Path, sheets: dict[str, list[list[object]]], *, label: str = "第1.0版",
               published: str = "令和8年3月31日", title: str = "税務システム標準仕様書") -> Path:
    """A workbook of a 表紙 (title, label, date) and one sheet per entry, each written row by row as given."""
    wb = Workbook()
    cover = wb.active
    cover.title = "表紙"
    cover["B3"] = title
    cover["B4"] = f"機能・帳票要件一覧 {label}"
    cover["B6"] = f"{published} 総務省"
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append([f"■{name}"])
        ws.append([])
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


TAX_HEADER = ["機能ID", "機能名称", "機能要件", "実装区分"]


def tax_rows(code: str, n: int = 2, *, first: int = 1, word: str = "") -> list[list[object]]:
    """``n`` 機能 rows of the operation ``code`` (0100001, 0100002 …)."""
    return [[f"{code}{i:04d}", f"{code}の機能{i}{word}", f"業務 {code} の要件 {i}{word}。", "実装必須機能"]
            for i in range(first, first + n)]
