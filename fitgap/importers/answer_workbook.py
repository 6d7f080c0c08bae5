"""Reading back a workbook fitgap sent out: its metadata and its data rows, matched by the hidden key.

Values only (fitgap.importers.workbook_reader); the file is never saved. Sheets are found by their key column, not
by name, so a renamed sheet still reads; the metadata sheet is found by its marker cell.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitgap.domain.answer_sheet import (
    KEY_HEADER,
    LIST_SHEET,
    META_MARK,
    META_SHEET,
    VISIBLE_KEY_HEADERS,
    SheetKey,
    SheetProblem,
    decode_key,
)
from fitgap.domain.text import normalize_requirement_id
from fitgap.errors import InvalidInputError
from fitgap.importers.limits import MAX_CELL_CHARS
from fitgap.importers.workbook_guard import uncalculated_cells
from fitgap.importers.workbook_reader import Workbook, open_workbook_counting

HEADER_SCAN_ROWS = 10
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!"})


@dataclass(frozen=True)
class WorkbookMeta:
    values: dict[str, str]
    sheets: dict[str, str]  # sheet name at export -> operation code
    keys: list[str]  # every key exported, in order

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass(frozen=True, slots=True)
class DataRow:
    sheet: str
    row: int
    key: SheetKey | None
    raw_key: Any
    values: tuple[Any, ...]  # in the order of the headers asked for; None where the column is missing
    shown_key: tuple[Any, ...] = ()  # the visible cells of VISIBLE_KEY_HEADERS (ID …), as typed
    uncalculated: tuple[bool, ...] = ()  # per value: a formula without a saved result (not a blank)

    def formula_without_result(self, index: int) -> bool:
        return bool(self.uncalculated) and self.uncalculated[index]


@dataclass
class BookContent:
    meta: WorkbookMeta
    rows: list[DataRow] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def norm_header(value: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split()) if value is not None else ""


@contextmanager
def _open(path: Path) -> Iterator[tuple[Workbook, dict[str, set[tuple[int, int]]]]]:
    """The workbook (values only) and, per sheet, the formula cells whose result was never saved."""
    if not path.exists():
        raise InvalidInputError(f"{path} がありません。", "ファイル名を確かめてください。")
    wb, uncalculated = open_workbook_counting(path, uncalculated_formulas=True)  # reported per cell below
    try:
        yield wb, (uncalculated_cells(path) if uncalculated else {})
    finally:
        wb.close()


def _read_meta(wb: Workbook, path: Path) -> tuple[WorkbookMeta, str]:
    candidates = [META_SHEET] if META_SHEET in wb.sheetnames else []
    candidates += [n for n in wb.sheetnames if n != META_SHEET]
    for name in candidates:
        if not wb.is_table(name):
            continue
        rows = wb.rows(name)
        first = next(rows, None)
        if not first or first[0] != META_MARK:
            continue
        values: dict[str, str] = {}
        sheets: dict[str, str] = {}
        keys: list[str] = []
        for row in rows:
            if not row or row[0] is None:
                continue
            tag = row[0]
            if tag == "keys" and len(row) > 1 and row[1]:
                keys.extend(str(row[1]).split("\n"))
            elif tag == "meta" and len(row) > 2:
                values[str(row[1])] = "" if row[2] is None else str(row[2])
            elif tag == "sheet" and len(row) > 2:
                sheets[str(row[1])] = str(row[2])
        return WorkbookMeta(values, sheets, keys), name
    raise InvalidInputError(
        f"{path.name} には fitgap の書き出し情報（隠しシート）がありません。fitgap が書き出したブックではないか、"
        "情報が消されています。データベースは変更していません。",
        "fitgap export で書き出したブックに回答してもらい、そのファイルを指定してください。",
    )


def read_answer_book(path: Path, *, headers: Sequence[str], optional: Collection[str] = ()) -> BookContent:
    """Metadata and every data row with the asked-for columns (found by header label in each sheet); the
    ``optional`` ones may be missing (a sheet written before they came in): their values are None."""
    with _open(path) as (wb, formulas):
        meta, meta_name = _read_meta(wb, path)
        content = BookContent(meta=meta)
        exported_names = set(meta.sheets)
        for name in wb.sheetnames:
            if name in (meta_name, LIST_SHEET) or not wb.is_table(name):
                continue
            found = _read_sheet(wb.rows(name), name, headers, content, formulas.get(name, set()), optional)
            if found and name not in exported_names and meta.sheets:
                content.notices.append(f"シート「{name}」は名前が変わっています（キー列で照合しました）。")
        return content


def _read_sheet(rows: Iterator[Sequence[Any]], name: str, headers: Sequence[str], content: BookContent,
                formulas: set[tuple[int, int]], optional: Collection[str] = ()) -> bool:
    headers = [*headers, *VISIBLE_KEY_HEADERS]
    wanted = [norm_header(h) for h in headers]
    key_label = norm_header(KEY_HEADER)
    header_row = 0
    positions: list[int | None] = []
    key_pos = -1
    for i, row in enumerate(rows, 1):
        labels = [norm_header(v) for v in row]
        if key_label in labels:
            header_row, key_pos = i, labels.index(key_label)
            positions = [labels.index(w) if w in labels else None for w in wanted]
            break
        if i >= HEADER_SCAN_ROWS:
            break
        if wanted and wanted[0] in labels and len(set(wanted) & set(labels)) >= 2:
            content.problems.append(SheetProblem(
                name, i, "キー列（隠し列）がないため、このシートの回答は照合できません。",
                "書き出したときのブックに回答してもらってください（列を削除しないでください）。"))
            return False
    if not header_row:
        return False
    n_values = len(positions) - len(VISIBLE_KEY_HEADERS)
    # a missing key column (種別 in a sheet written before keys carried it) is checked row by row instead
    missing = [h for h, p in zip(headers[:n_values], positions[:n_values], strict=True) if p is None
               and h not in optional]
    if missing:
        content.problems.append(SheetProblem(name, header_row, f"列が見つかりません: {'、'.join(missing)}",
                                             "列を削除・改名しないでください。"))
    for r, row in enumerate(rows, header_row + 1):
        n = len(row)
        raw_key = row[key_pos] if key_pos < n else None
        cells = tuple(row[p] if p is not None and p < n else None for p in positions)
        values, shown = cells[:n_values], cells[n_values:]
        pending = tuple(p is not None and (r, p + 1) in formulas for p in positions[:n_values])
        if raw_key is None and not any(pending) and all(v is None or (isinstance(v, str) and not v.strip())
                                                        for v in values):
            continue
        longest = max((len(v) for v in cells if isinstance(v, str)), default=0)
        if longest > MAX_CELL_CHARS:
            content.problems.append(SheetProblem(name, r, f"長すぎるセルがあります（{longest:,} 文字、上限 "
                                                 f"{MAX_CELL_CHARS:,} 文字）。この行は取り込みません。",
                                                 "セルの内容を短くしてください。"))
            continue
        key = decode_key(raw_key)
        content.rows.append(DataRow(name, r, key, raw_key, values, shown, pending if any(pending) else ()))
    return True


def shown_key_mismatch(key: SheetKey, shown: Sequence[Any]) -> str | None:
    """Where the visible key cells (ID …) disagree with the hidden key: a message, or None when they agree.

    The whole tuple is compared, so a sheet that shows more of the key (a kind column) checks it all.
    """
    expected = key.shown()
    got = tuple(normalize_requirement_id(v) if isinstance(v, str | int | float) else "" for v in shown)
    if got == expected:
        return None
    written = "・".join(g or "（空）" for g in got)
    return f"表示されている {'・'.join(VISIBLE_KEY_HEADERS)}「{written}」が隠しキーの要件 {'・'.join(expected)} と一致しません"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def excel_error(value: Any) -> str | None:
    """The Excel error code a cell holds ('#NAME?' …), or None."""
    if isinstance(value, str) and value in EXCEL_ERRORS:
        return value
    return None


DUPLICATE_HINT = "どちらが正しいかを確かめ、もう一方の行を削除してから、もう一度取り込んでください。"


class RowKeys:
    """Each exported row (its hidden key) taken once. A second row with the same key and the same answer
    cells is dropped with a problem; one with other answers makes both rows problems and neither is taken
    (which answer is meant cannot be known — never the first one silently). After the loop, the reader
    drops the ``disputed`` keys from what it took."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        self.problems = problems
        self.first: dict[str, tuple[str, int, tuple[str, ...]]] = {}
        self.disputed: set[str] = set()

    def __contains__(self, key_cell: object) -> bool:
        return key_cell in self.first

    def first_time(self, data: DataRow, key_cell: str, label: str, item: str) -> bool:
        values = tuple("" if is_blank(v) else " ".join(str(v).split()) for v in data.values)
        if key_cell not in self.first:
            self.first[key_cell] = (data.sheet, data.row, values)
            return True
        sheet, row, first_values = self.first[key_cell]
        if values == first_values:
            self.problems.append(SheetProblem(data.sheet, data.row, f"{label} の行が重複しています（{sheet} {row}行目と同じ"
                                              "キー、同じ内容）。この行は取り込みません。", "コピーした行を削除してください。", item))
            return False
        if key_cell not in self.disputed:
            self.disputed.add(key_cell)
            self.problems.append(SheetProblem(sheet, row, f"{label} は {data.sheet} {data.row}行目にもあり、内容が違います。"
                                              "どちらの行も取り込みません。", DUPLICATE_HINT, item))
        self.problems.append(SheetProblem(data.sheet, data.row, f"{label} は {sheet} {row}行目にもあり、内容が違います。"
                                          "どちらの行も取り込みません。", DUPLICATE_HINT, item))
        return False
