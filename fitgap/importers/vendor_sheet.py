"""A returned vendor gap sheet → the vendor's answers and a list of problems (sheet, row, message, hint).

Checks made from the file alone: the key of every row (unreadable, duplicated — two rows of one requirement
with different answers take neither —, rows the vendor added),
the answer against the list (a pasted value bypasses Excel's drop-down), the date, the cost (a number ≥ 0),
Excel error values, and exported rows that are no longer there (deleted rows count as unanswered).
Checks that need the database (foreign workbook, unknown key, changed requirement text) are the service's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fitgap.domain.answer_sheet import (
    H_ANSWER,
    H_COMMENT,
    H_COST,
    H_PLANNED,
    SheetKey,
    SheetProblem,
    decode_key,
)
from fitgap.domain.enums import VendorAnswerKind
from fitgap.domain.text import nfkc, strip_invisible
from fitgap.importers.answer_workbook import (
    DataRow,
    RowKeys,
    WorkbookMeta,
    excel_error,
    is_blank,
    read_answer_book,
    shown_key_mismatch,
)

HEADERS = (H_ANSWER, H_PLANNED, H_COST, H_COMMENT)
_ANSWERS = {k.value: k for k in VendorAnswerKind}
_DATE_TEXT = re.compile(r"^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?$")
_ANSWER_HINT = "対応可否は一覧（標準で対応 / 期限後対応 / 代替案あり / 対応不可 / 要協議）から選んでください。"


@dataclass(frozen=True, slots=True)
class VendorAnswerRow:
    sheet: str
    row: int
    key: SheetKey
    answer: VendorAnswerKind
    planned_date: date | None
    cost_kyen: float | None
    comment: str


@dataclass(frozen=True, slots=True)
class Unanswered:
    sheet: str
    row: int | None  # None: the row was deleted from the workbook
    key: SheetKey


@dataclass
class VendorSheetResult:
    meta: WorkbookMeta
    answers: list[VendorAnswerRow] = field(default_factory=list)
    unanswered: list[Unanswered] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    stripped_chars: int = 0  # control and invisible characters removed from the vendors' comments


def parse_answer(value: Any) -> VendorAnswerKind | None:
    if isinstance(value, str):
        return _ANSWERS.get("".join(nfkc(value).split()))
    return None


def parse_date(value: Any) -> date | None:
    """A date cell (or date-like text such as 2027/3/31); None when it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = _DATE_TEXT.match("".join(nfkc(value).split()))
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def parse_cost(value: Any) -> float | None:
    """A number (numbers typed as text, with commas, are read too); None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = "".join(nfkc(value).split()).replace(",", "")
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _fmt_key(key: SheetKey) -> str:
    return str(key)


def read_vendor_sheet(path: Path) -> VendorSheetResult:
    """Read a returned vendor gap sheet; never writes to it."""
    content = read_answer_book(path, headers=HEADERS)
    result = VendorSheetResult(meta=content.meta, problems=content.problems, notices=content.notices)
    problems = result.problems
    seen = RowKeys(problems)
    for data in content.rows:
        sheet, row, key = data.sheet, data.row, data.key
        answer_v, date_v, cost_v, comment_v = data.values
        filled = not (is_blank(answer_v) and is_blank(date_v) and is_blank(cost_v) and is_blank(comment_v))
        if key is None:
            if is_blank(data.raw_key):
                if filled:
                    problems.append(SheetProblem(sheet, row, "追加された行です（キーがありません）。取り込みません。",
                                                 "行を追加せず、書き出した行に回答してください。"))
            else:
                problems.append(SheetProblem(sheet, row, f"キー「{data.raw_key}」を読めません。取り込みません。",
                                             "キー列（隠し列）は変更しないでください。"))
            continue
        item = _fmt_key(key)
        encoded = key.cell
        if not seen.first_time(data, encoded, key.label, item):
            continue
        mismatch = shown_key_mismatch(key, data.shown_key)
        if mismatch:
            problems.append(SheetProblem(sheet, row, f"{mismatch}。この行は取り込みません。",
                                         "ID 列とキー列（隠し列）は変更せず、行を入れ替えないでください。"
                                         "書き出したときのブックに回答してもらってください。", item))
            continue
        pending = _uncalculated(data, sheet, row, item)
        if pending:
            problems.extend(pending)
            continue
        if not filled:
            result.unanswered.append(Unanswered(sheet, row, key))
            continue
        row_problems = _check_row(sheet, row, item, answer_v, date_v, cost_v, comment_v)
        if row_problems:
            problems.extend(row_problems)
            continue
        comment, removed = strip_invisible("" if is_blank(comment_v) else str(comment_v).strip())
        result.stripped_chars += removed
        result.answers.append(VendorAnswerRow(
            sheet, row, key, parse_answer(answer_v),  # type: ignore[arg-type]  # checked above
            parse_date(date_v), parse_cost(cost_v), comment))
    if seen.disputed:  # two rows of one requirement with different answers: neither is taken
        result.answers = [a for a in result.answers if a.key.cell not in seen.disputed]
        result.unanswered = [u for u in result.unanswered if u.key.cell not in seen.disputed]
    _deleted_rows(result, seen)
    return result


def _uncalculated(data: DataRow, sheet: str, row: int, item: str) -> list[SheetProblem]:
    """Answer cells holding a formula whose result was never saved: unknown values, never blanks."""
    return [SheetProblem(sheet, row, f"{label} が計算結果の保存されていない数式です（値を読めません）。この行は取り込みません。",
                         "Excel で開いて再計算（F9）して保存し直すか、数式を値に置き換えてください。", item)
            for i, label in enumerate(HEADERS) if data.formula_without_result(i)]


def _check_row(sheet: str, row: int, item: str, answer_v: Any, date_v: Any, cost_v: Any,
               comment_v: Any) -> list[SheetProblem]:
    out = []
    for label, value in ((H_ANSWER, answer_v), (H_PLANNED, date_v), (H_COST, cost_v), (H_COMMENT, comment_v)):
        err = excel_error(value)
        if err:
            out.append(SheetProblem(sheet, row, f"{label} がエラー値 {err} です。",
                                    "先頭が = の文字は数式になります。先頭に ' を付けて文字として入力してください。", item))
    if out:
        return out
    if is_blank(answer_v):
        out.append(SheetProblem(sheet, row, "対応可否が空です（予定日・費用・回答だけが入力されています）。", _ANSWER_HINT, item))
    elif parse_answer(answer_v) is None:
        out.append(SheetProblem(sheet, row, f"対応可否「{answer_v}」は選択肢にありません。", _ANSWER_HINT, item))
    if not is_blank(date_v) and parse_date(date_v) is None:
        out.append(SheetProblem(sheet, row, f"対応予定日「{date_v}」は日付ではありません。",
                                "日付を 2027/03/31 の形で入力してください。", item))
    if not is_blank(cost_v):
        cost = parse_cost(cost_v)
        if cost is None:
            out.append(SheetProblem(sheet, row, f"概算費用「{cost_v}」は数値ではありません。",
                                    "千円単位の数値だけを入力してください（例: 1200）。", item))
        elif cost < 0:
            out.append(SheetProblem(sheet, row, f"概算費用 {cost_v} が負の値です。", "0 以上の数値を入力してください。", item))
    return out


def _deleted_rows(result: VendorSheetResult, seen: RowKeys) -> None:
    """Exported keys that are not in the workbook any more: reported, and counted as unanswered."""
    by_code = {code: name for name, code in result.meta.sheets.items()}
    for raw in result.meta.keys:
        if raw in seen:
            continue
        key = decode_key(raw)
        if key is None:
            continue
        sheet = by_code.get(key.operation_code, "")
        result.unanswered.append(Unanswered(sheet, None, key))
        result.problems.append(SheetProblem(sheet, None, f"{key.label} の行が削除されています。未回答として扱います。",
                                            "行を削除せずに回答してください。", _fmt_key(key)))
