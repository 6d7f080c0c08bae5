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
