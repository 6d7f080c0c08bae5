"""Reading a 基本データリスト / 項目定義書 workbook in the layout デジタル庁 publishes.

The layout (its own 凡例 sheets define every column): a title row (■…項目定義書), legend rows, a two-row
header — データ項目ID over two columns (3-digit 業務コード and the item number), グループ over 名称 / 主キー /
外部キー, クラス分類 over LV1–LV3, the other columns merged over both rows — then one row per item. One sheet per
グループ, and beside them コード一覧（個別）(コードID, コード名, コード値, コード値の内容, 備考; the ID and name
written only on a list's first row). Other sheets (凡例, 表紙, 改定履歴) are skipped.

Only reads: returns records and problems, never touches the database.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitgap.domain import data_items as d
from fitgap.domain.answer_sheet import META_SHEET
from fitgap.errors import InvalidInputError
from fitgap.importers.workbook_reader import open_workbook

HEADER_SCAN_ROWS = 30

# header text (NFKC, no spaces) → field; a two-row header is read as "top_sub"
_HEADERS: dict[str, str] = {
    "データ項目ID": "id",
    "項目ID": "id",
    "データ項目": "name",
    "データ項目名": "name",
    "データ項目(ローマ字)": "romaji",
    "ローマ字": "romaji",
    "グループ_名称": "group_name",
    "グループ名称": "group_name",
    "グループ名": "group_name",
    "グループ_主キー": "primary_key",
    "主キー": "primary_key",
    "グループ_外部キー": "foreign_key",
    "外部キー": "foreign_key",
    "クラス分類_LV1": "class1",
    "クラス分類_LV2": "class2",
    "クラス分類_LV3": "class3",
    "データ型": "data_type",
    "桁数": "length",
    "コード": "code_list",
    "コードID": "code_list",
    "繰り返し": "repeat",
    "データ出力条件": "condition",
    "項目定義": "definition",
    "項目説明": "description",
    "標準仕様書関連箇所": "spec_ref",
    "実装類型": "output_required",
    "サンプル値": "sample",
    "備考": "remarks",
}
_CODE_HEADERS = {"コードID": "list_id", "コード名": "list_name", "コード値": "code", "コード値の内容": "meaning",
                 "備考": "remarks"}
_VERSION = re.compile(r"第\s*([0-9０-９]+(?:[.．][0-9０-９]+)*)\s*版|[vV]\s*([0-9]+(?:\.[0-9]+)+)")
_MARK = {"○", "〇", "◯", "●", "◎", "O", "o", "1", "TRUE", "True", "true", "Y", "y"}


@dataclass
class DataItemRecord:
    item_id: str
    values: dict[str, Any]  # the DataItem fields (name, data_type, length, …)
    sheet: str
    row: int


@dataclass
class CodeRecord:
    list_id: str
    list_name: str
    code: str
    meaning: str
    remarks: str


@dataclass
class DataListProblem:
    sheet: str
    row: int | None
    message: str


@dataclass
class DataListFile:
    path: Path
    sha256: str
    title: str = ""
    version_label: str | None = None  # 第1.0版 / v2.0 when the title or the file name says it
    items: list[DataItemRecord] = field(default_factory=list)
    codes: list[CodeRecord] = field(default_factory=list)
    problems: list[DataListProblem] = field(default_factory=list)
    item_sheets: list[str] = field(default_factory=list)
    code_sheets: list[str] = field(default_factory=list)


def _norm(value: Any) -> str:
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def version_in(*texts: str) -> str | None:
    for t in texts:
        m = _VERSION.search(t or "")
        if m:
            num = unicodedata.normalize("NFKC", m.group(1) or m.group(2)).replace("．", ".")
            return f"第{num}版"
    return None


def _header_columns(top: list[Any], sub: list[Any]) -> dict[int, str] | None:
    """Column index → field, from one header row and the row under it; None when this is not the header."""
    cols: dict[int, str] = {}
    carry = ""
    width = max(len(top), len(sub))
    for i in range(width):
        t = _norm(top[i] if i < len(top) else None)
        s = _norm(sub[i] if i < len(sub) else None)
        if t:
            carry = t
        label = t
        if s and (t or carry) and f"{t or carry}_{s}" in _HEADERS:
            label = f"{t or carry}_{s}"
        if not label:
            # a column under a merged header: the ID's second part (item number)
            if carry == "データ項目ID" and "id" in cols.values() and "id_number" not in cols.values():
                cols[i] = "id_number"
            continue
        name = _HEADERS.get(label)
        if name and name not in cols.values():
            cols[i] = name
    needed = {"id", "name", "data_type"}
    return cols if needed <= set(cols.values()) else None


def read_data_list(path: Path) -> DataListFile:
    """Read every item sheet and code list of one 項目定義書 workbook."""
    data = path.read_bytes() if path.exists() else b""
    result = DataListFile(path=path, sha256=hashlib.sha256(data).hexdigest())
    with open_workbook(path) as wb:
        if META_SHEET in wb.sheetnames:  # a workbook fitgap wrote to be answered, which has the same columns
            raise InvalidInputError(
                f"{path.name} は fitgap が書き出した回答用のブックで、項目定義書ではありません。ファイルは読み込んでいません。",
                "ベンダのデータ項目回答票なら fitgap data import vendor FILE、要件のベンダ回答シートなら "
                "fitgap import vendor FILE で取り込んでください。",
            )
        for sheet in wb.sheetnames:
            if not wb.is_table(sheet):
                continue
            rows = list(wb.rows(sheet))
            if _read_items(rows, sheet, result):
                result.item_sheets.append(sheet)
            elif _read_codes(rows, sheet, result):
                result.code_sheets.append(sheet)
    if not result.item_sheets:
        raise InvalidInputError(
            f"{path.name} に項目定義書（基本データリスト）のシートが見つかりません。ファイルは読み込んでいません。",
            "見出しに「データ項目ID」「データ項目」「データ型」の列があるシートを含む、デジタル庁の項目定義書の形式の"
            "ブックを指定してください（機能・帳票要件の一覧は fitgap import-spec で読み込みます）。",
        )
    result.version_label = version_in(result.title, path.stem)
    return result


def _read_items(rows: list[list[Any]], sheet: str, result: DataListFile) -> bool:
    header_at = None
    cols: dict[int, str] = {}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        sub = rows[i + 1] if i + 1 < len(rows) else []
        found = _header_columns(row, sub)
        if found:
            header_at, cols = i, found
            break
    if header_at is None:
        return False
    for row in rows[:header_at]:
        for v in row:
            t = _text(v)
            if t.startswith("■") and "定義" in t and not result.title:
                result.title = t.lstrip("■").strip()
    # the row under the header is a second header row when it holds sub labels (名称, LV1 …), not an item
    start = header_at + 1
    sub = rows[start] if start < len(rows) else []
    if any(_norm(v) in {"名称", "主キー", "外部キー", "LV1", "LV2", "LV3"} for v in sub):
        start += 1
    by_field = {f: i for i, f in cols.items()}
    for r in range(start, len(rows)):
        row = rows[r]

        def cell(name: str, row: list[Any] = row) -> Any:
            i = by_field.get(name)
            return row[i] if i is not None and i < len(row) else None

        raw_id, raw_no, name = cell("id"), cell("id_number"), _text(cell("name"))
        if raw_id in (None, "") and raw_no in (None, ""):
            filled = {_norm(v) for v in row if _norm(v)}
            if name and len(filled) > 1:  # a row of one repeated mark (an end-of-print marker) is not an item
                result.problems.append(DataListProblem(sheet, r + 1, f"データ項目「{name}」にデータ項目IDがありません。"
                                                                      "この行は読み込んでいません。"))
            continue
        iid = d.item_id(raw_id, raw_no) if "id_number" in by_field else d.parse_item_id(raw_id)
        if iid is None:
            shown = f"{_text(raw_id)} {_text(raw_no)}".strip()
            result.problems.append(DataListProblem(sheet, r + 1, f"データ項目ID「{shown}」が読めません（3桁の業務コード"
                                                                 "と5桁の番号、合わせて8桁）。この行は読み込んでいません。"))
            continue
        values = _values(cell, name)
        problems = _check(values)
        for message in problems:
            result.problems.append(DataListProblem(sheet, r + 1, f"{iid}: {message}"))
        result.items.append(DataItemRecord(iid, values, sheet, r + 1))
    return True


def _values(cell: Any, name: str) -> dict[str, Any]:
    raw_type = cell("data_type")
    data_type = d.parse_type(raw_type) or _text(raw_type)
    length = d.parse_length(cell("length"))
    description = _text(cell("description"))
    condition = d.parse_label(d.OutputCondition, cell("condition"))
    spec_ref = _text(cell("spec_ref"))
    return {
        "name": name,
        "romaji": _text(cell("romaji")),
        "group_name": _text(cell("group_name")),
        "primary_key": _norm(cell("primary_key")) in _MARK,
        "foreign_key": _norm(cell("foreign_key")) in _MARK,
        "class1": _text(cell("class1")),
        "class2": _text(cell("class2")),
        "class3": _text(cell("class3")),
        "data_type": data_type,
        "length": d.length_text(length) if length else _text(cell("length")),
        "code_list": d.code_list_id(cell("code_list")),
        "repeat": _text(cell("repeat")),
        "condition": condition.value if condition else _text(cell("condition")),
        "condition_note": d.split_condition(description),
        "definition": _text(cell("definition")),
        "description": description,
        "spec_ref": spec_ref,
        "function_ids": ",".join(d.function_ids(spec_ref)),
        "output_required": _norm(cell("output_required")) in _MARK,
        "sample": _text(cell("sample")),
        "remarks": _text(cell("remarks")),
    }


def _check(values: dict[str, Any]) -> list[str]:
    out = []
    if not values["name"]:
        out.append("データ項目名がありません。")
    if values["data_type"] not in d.DATA_TYPES:
        out.append(f"データ型「{values['data_type']}」は凡例にない型です（{'、'.join(d.DATA_TYPES)}）。そのまま記録しました。")
    if values["length"] and d.parse_length(values["length"]) is None:
        out.append(f"桁数「{values['length']}」が読めません（数字、9V は「整数部,小数部」）。そのまま記録しました。")
    if values["condition"] and values["condition"] not in {c.value for c in d.OutputCondition}:
        out.append(f"データ出力条件「{values['condition']}」は 必須・条件付き必須・任意 のどれでもありません。そのまま記録しました。")
    if values["condition"] == d.OutputCondition.CONDITIONAL and not values["condition_note"]:
        out.append("条件付き必須ですが、項目説明に ※※ で始まる条件がありません。")
    return out


def _read_codes(rows: list[list[Any]], sheet: str, result: DataListFile) -> bool:
    header_at = None
    cols: dict[str, int] = {}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = {_CODE_HEADERS[_norm(v)]: j for j, v in enumerate(row) if _norm(v) in _CODE_HEADERS}
        if {"list_id", "code"} <= set(found):
            header_at, cols = i, found
            break
    if header_at is None:
        return False
    list_id = list_name = ""
    seen: set[tuple[str, str]] = set()

    def get(row: list[Any], name: str) -> Any:
        j = cols.get(name)
        return row[j] if j is not None and j < len(row) else None

    for r in range(header_at + 1, len(rows)):
        row = rows[r]
        if get(row, "list_id") not in (None, ""):
            list_id = d.code_list_id(get(row, "list_id"))
            list_name = _text(get(row, "list_name"))
        code = _text(get(row, "code"))
        if not code:
            continue
        if not list_id:
            result.problems.append(DataListProblem(sheet, r + 1, f"コード値「{code}」のコードIDがありません。読み込んでいません。"))
            continue
        if (list_id, code) in seen:
            result.problems.append(DataListProblem(sheet, r + 1, f"コードID {list_id} のコード値「{code}」が重複しています。"
                                                                 "最初の行を使いました。"))
            continue
        seen.add((list_id, code))
        result.codes.append(CodeRecord(list_id, list_name, code, _text(get(row, "meaning")), _text(get(row, "remarks"))))
    return True
