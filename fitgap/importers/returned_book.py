"""A returned workbook of any round trip → the rows to take, and every problem (sheet, row, message, hint).

One reader for every kind (domain.round_trip), from the file alone: the key of every row (unreadable,
rows added without one, rows of a key this kind does not take), duplicates (two rows of one key with the
same answers: the second is dropped; with different answers neither is taken), the visible ID against the
hidden key, Excel error values, formulas whose value was never saved (unknown, never read as blank), each
answer by its column's type (a choice outside the list: pasted past the drop-down; dates; numbers ≥ 0),
answers a row needs, the kind's rules, and rows deleted from the sheet. Control and invisible characters
are removed from the texts, and counted. Checks that need the database (foreign workbook, unknown item,
conflicts) are the services'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitgap.domain.answer_sheet import SheetKey, SheetProblem, decode_key
from fitgap.domain.round_trip import (
    ERROR_HINT,
    TEXT,
    RoundTrip,
    answers_hash,
    is_blank,
    parse_answer,
)
from fitgap.domain.text import strip_invisible
from fitgap.importers.answer_workbook import (
    DataRow,
    RowKeys,
    WorkbookMeta,
    excel_error,
    read_answer_book,
    shown_key_mismatch,
)

ADDED = ("追加された行です（キーがありません）。取り込みません。", "行を追加せず、書き出した行に記入してください。")
KEY_HINT = "キー列（隠し列）は変更しないでください。"


@dataclass(frozen=True, slots=True)
class ReturnedRow:
    """A row to take: its answers by field name (a choice as its value, a date, a number, cleaned text)."""

    sheet: str
    row: int
    key: SheetKey
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Unanswered:
    sheet: str
    row: int | None  # None: the row was deleted from the workbook
    key: SheetKey


@dataclass
class ReturnedBook:
    meta: WorkbookMeta
    rows: list[ReturnedRow] = field(default_factory=list)
    untouched: int = 0  # rows whose answers are those exported (kinds that compare with the export)
    unanswered: list[Unanswered] = field(default_factory=list)  # rows left blank (kinds that do not)
    problems: list[SheetProblem] = field(default_factory=list)
    deleted: int = 0  # exported rows not in the workbook any more (each also a problem without a row)
    notices: list[str] = field(default_factory=list)
    stripped_chars: int = 0  # control and invisible characters removed from the texts taken


def read_returned(path: Path, trip: RoundTrip) -> ReturnedBook:
    """Read a returned workbook of ``trip``'s kind; never writes to it."""
    answers = trip.answers
    content = read_answer_book(path, headers=[c.header for c in answers],
                               optional=[c.header for c in answers if c.optional])
    book = ReturnedBook(meta=content.meta, problems=content.problems, notices=content.notices)
    problems = book.problems
    seen = RowKeys(problems)
    keys = trip.keys
    for data in content.rows:
        sheet, row, key = data.sheet, data.row, data.key
        if key is None or not keys.accepts(key):
            blank = is_blank(data.raw_key)
            if blank and all(is_blank(v) for v in data.values) and not data.uncalculated:
                continue
            problems.append(SheetProblem(sheet, row, *ADDED) if blank else
                            SheetProblem(sheet, row, f"キー「{data.raw_key}」を読めません。取り込みません。", KEY_HINT))
            continue
        ref = keys.ref(key)
        if not seen.first_time(data, key.cell, keys.label(key), ref):
            continue
        if keys.shown and (mismatch := shown_key_mismatch(key, data.shown_key)):
            problems.append(SheetProblem(sheet, row, f"{mismatch}。この行は取り込みません。",
                                         "ID 列とキー列（隠し列）は変更せず、行を入れ替えないでください。", ref))
            continue
        unreadable = _unreadable(trip, data, ref)
        if unreadable:
            problems.extend(unreadable)
            continue
        if not trip.compares_with_export and all(is_blank(v) for v in data.values):
            book.unanswered.append(Unanswered(sheet, row, key))
            continue
        values, row_problems = _parse(trip, data, ref)
        if row_problems:
            problems.extend(row_problems)
            continue
        if trip.compares_with_export and answers_hash(trip, values) == key.values_hash:
            book.untouched += 1
            continue
        ruled = [SheetProblem(sheet, row, message, hint, ref) for rule in trip.rules for message, hint in rule(values)]
        if ruled:
            problems.extend(ruled)
            continue
        for c in answers:  # texts are taken without control and invisible characters (and trimmed)
            if c.kind == TEXT:
                text, removed = strip_invisible(values[c.name].strip() if c.trim else values[c.name])
                values[c.name] = text.strip() if c.trim else text
                book.stripped_chars += removed
        book.rows.append(ReturnedRow(sheet, row, key, values))
    if seen.disputed:  # two rows of one key with different answers: neither is taken
        book.rows = [r for r in book.rows if r.key.cell not in seen.disputed]
        book.unanswered = [u for u in book.unanswered if u.key.cell not in seen.disputed]
    _deleted_rows(trip, book, seen)
    return book


def _unreadable(trip: RoundTrip, data: DataRow, ref: str) -> list[SheetProblem]:
    """Excel error values, and formulas whose result was never saved: a row whose answers cannot be known."""
    out = [SheetProblem(data.sheet, data.row, f"{c.said} がエラー値 {err} です。", ERROR_HINT, ref)
           for c, value in zip(trip.answers, data.values, strict=True) if (err := excel_error(value))]
    if out:
        return out
    pending = [c.said for i, c in enumerate(trip.answers) if data.formula_without_result(i)]
    if pending:
        out.append(SheetProblem(
            data.sheet, data.row, f"{'・'.join(pending)} が計算結果の保存されていない数式です（値を読めません）。この行は取り込みません。",
            "Excel で開いて再計算（F9）して保存し直すか、数式を値に置き換えてください。", ref))
    return out


def _parse(trip: RoundTrip, data: DataRow, ref: str) -> tuple[dict[str, Any], list[SheetProblem]]:
    values: dict[str, Any] = {}
    problems = []
    for c, raw in zip(trip.answers, data.values, strict=True):
        value, problem = parse_answer(c, raw, trip.choices_of(c))
        if problem is not None:
            problems.append(SheetProblem(data.sheet, data.row, *problem, ref))
        elif c.required and value is None:
            problems.append(SheetProblem(data.sheet, data.row, f"{c.said}が空です（ほかの欄だけが入力されています）。",
                                         f"{' / '.join(trip.choices_of(c))} から選んでください。"
                                         if c.choices else "入力してください。", ref))
        values[c.name] = value
    return values, problems


def _deleted_rows(trip: RoundTrip, book: ReturnedBook, seen: RowKeys) -> None:
    """Exported keys that are not in the workbook any more: reported (and, where blank rows are
    unanswered, counted as unanswered)."""
    by_code = {code: name for name, code in book.meta.sheets.items()}
    for raw in book.meta.keys:
        if raw in seen:
            continue
        key = decode_key(raw)
        if key is None or not trip.keys.accepts(key):
            continue
        sheet = by_code.get(key.operation_code, "")
        book.deleted += 1
        if not trip.compares_with_export:
            book.unanswered.append(Unanswered(sheet, None, key))
        book.problems.append(SheetProblem(sheet, None, f"{trip.keys.label(key)} の行が削除されています。{trip.deleted}",
                                          "行を削除せずに記入してください。", trip.keys.ref(key)))


__all__ = ["ReturnedBook", "ReturnedRow", "Unanswered", "read_returned"]
