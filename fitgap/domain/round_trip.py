"""A round trip, declared once: a protected workbook that fitgap sends out and reads back.

Every kind (the vendor gap sheet, the review workbook, the 改修 list, …) is one :class:`RoundTrip`: its
columns (context to read, answers to fill in, each with its type, drop-down, width and prompt), its lists,
its instructions, the key its rows carry, whether a row counts when it is filled in or only when it differs
from what was exported, what a deleted row means, and the rules that tie one answer to another. From that
one description:

- ``reports.answer_workbook.write_book`` writes the workbook (cover, locked context, unlocked answer cells
  with drop-downs and date / number rules, hidden keys, the metadata sheet, the print setup);
- ``importers.returned_book.read_returned`` reads it back and checks every row (key, duplicates, added and
  deleted rows, the visible ID, Excel errors, formulas without a value, each answer by its type, the rules);
- ``services.round_trip`` checks that the workbook belongs to this database and export, then runs the
  kind's own plan and apply in one transaction (or a dry run) and writes the problem report.

Only the plan and apply (what an answer changes, and what conflicts with what) are written per kind.
Pure data and functions: no Excel library here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fitgap.domain.answer_sheet import SheetKey, values_hash
from fitgap.domain.calendar import serial_date
from fitgap.domain.text import nfkc

TEXT, CHOICE, DATE, NUMBER = "text", "choice", "date", "number"


@dataclass(frozen=True)
class Column:
    """One column of a data sheet. ``name`` is the field a value is given by at export and read back into
    (answer columns); ``editable`` columns are the answers, the others are locked context."""

    header: str
    width: float
    wrap: bool = False
    editable: bool = False
    kind: str = TEXT  # text | choice | date | number (answers are read back by it; context dates are shown as dates)
    choices: str | None = None  # name of a list in RoundTrip.lists (kind == choice)
    colours: dict[str, str] = field(default_factory=dict)  # value -> fill colour (conditional formatting)
    prompt: str = ""
    late_after: str | None = None  # a date column: shown red while later than this column's date
    name: str = ""
    required: bool = False  # an answer without which a row that has other answers is refused
    trim: bool = True  # answer text: spaces around it are dropped (False: kept exactly, as a note stored so)
    label: str = ""  # how problems name it, when not by its header (概算費用, not 概算費用（千円）)
    optional: bool = False  # an answer column added later: a sheet written before it came in is read without it

    @property
    def said(self) -> str:
        return self.label or self.header


Rule = Callable[[Mapping[str, Any]], list[tuple[str, str]]]  # parsed answers -> (problem, what to do)


@dataclass(frozen=True)
class KeyKind:
    """The hidden key of a kind's rows: which keys it takes, how a row is named in a problem, and whether
    the sheet shows the key in visible cells (種別 and ID) that must agree with it."""

    accepts: Callable[[SheetKey], bool]
    label: Callable[[SheetKey], str]  # 「機能 0010001」, 「改修項目 1-25」
    ref: Callable[[SheetKey], str]  # the problem report's key column
    shown: bool = True
    heading: str = "要件"  # the title of the problem report's key column: what a row is


def _any_key(key: SheetKey) -> bool:
    return True


REQUIREMENT_KEYS = KeyKind(accepts=_any_key, label=lambda k: k.label, ref=str)


@dataclass(frozen=True)
class RoundTrip:
    purpose: str  # the metadata sheet's mark: a workbook of another purpose is refused
    name: str  # what its users call the workbook (ベンダ回答シート)
    command: str  # the command that reads it back, for messages (fitgap import vendor); "" when none does
    columns: tuple[Column, ...]
    lists: Mapping[str, Sequence[str]]
    instructions: tuple[str, ...]
    keys: KeyKind = REQUIREMENT_KEYS
    frozen_columns: int = 1
    # True: a row is read when its answers differ from those exported (the key carries their hash), so rows
    # nobody touched are told apart; False: a row is read when any answer is filled in (blank = unanswered)
    compares_with_export: bool = False
    deleted: str = "取り込みません。"  # what a row deleted from the workbook is taken as
    rules: tuple[Rule, ...] = ()
    cover_title: str = ""

    @property
    def answers(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.editable)

    def choices_of(self, column: Column) -> Sequence[str]:
        return self.lists[column.choices] if column.choices else ()


# ---- one cell's value --------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?$")


def parse_date(value: Any) -> date | None:
    """A date cell (or date-like text such as 2027/3/31, or Excel's day number 46447 in a cell formatted as
    text or as a number, as Excel users type a date there); None when it is not a date."""
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
    return serial_date(value)


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


# words of earlier versions that a returned workbook may still hold (dispositions: domain.dispositions.MIGRATED)
OLD_WORDS = {"EUC": "共通機能で対応", "ベンダ対応待ち": "ベンダ要協議"}


def parse_choice(value: Any, choices: Sequence[str]) -> str | None:
    """The choice a cell holds (full-width letters and spaces forgiven), or None."""
    if not isinstance(value, str):
        return None
    text = "".join(nfkc(value).split())
    if text not in choices and text in OLD_WORDS and OLD_WORDS[text] in choices:
        return OLD_WORDS[text]  # a workbook written by an earlier version: its word read as today's
    return text if text in choices else None


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


ERROR_HINT = "先頭が = の文字は数式になります。先頭に ' を付けて文字として入力してください。"
DATE_HINT = "日付を 2027/03/31 の形で入力してください。"


def parse_answer(column: Column, value: Any, choices: Sequence[str]) -> tuple[Any, tuple[str, str] | None]:
    """One answer cell by its column's type: (value, None), or (None, (problem, what to do)). A blank cell
    is None (text: ""); text is returned as written, the caller cleans it."""
    label = column.said
    if is_blank(value):
        return ("" if column.kind == TEXT else None), None
    if column.kind == CHOICE:
        chosen = parse_choice(value, choices)
        if chosen is None:
            return None, (f"{label}「{value}」は選択肢にありません。", f"{' / '.join(choices)} から選んでください。")
        return chosen, None
    if column.kind == DATE:
        day = parse_date(value)
        return (day, None) if day is not None else (None, (f"{label}「{value}」は日付ではありません。", DATE_HINT))
    if column.kind == NUMBER:
        number = parse_cost(value)
        if number is None or not math.isfinite(number):
            return None, (f"{label}「{value}」は数値ではありません。", "千円単位の数値だけを入力してください（例: 1200）。")
        if number < 0:
            return None, (f"{label}「{value}」は負の値です。", "0 以上の数値を入力してください。")
        return number, None
    return str(value), None


def canonical(column: Column, value: Any) -> str:
    """An answer as the export hash sees it: a choice's value, a date in ISO form, a number without
    trailing zeros, text as it is."""
    if value is None:
        return ""
    if column.kind == DATE and isinstance(value, date):
        return value.isoformat()
    if column.kind == NUMBER and isinstance(value, int | float):
        return f"{value:g}"
    return str(getattr(value, "value", value))


def answers_hash(trip: RoundTrip, values: Mapping[str, Any]) -> str:
    """The hash of a row's answers, written into its key at export and compared at import (rows nobody
    touched are told from rows somebody edited)."""
    return values_hash(*(canonical(c, values.get(c.name)) for c in trip.answers
                         if not (c.optional and is_blank(values.get(c.name)))))  # as a sheet without the column


__all__ = ["CHOICE", "DATE", "NUMBER", "TEXT", "Column", "KeyKind", "RoundTrip", "Rule", "answers_hash",
           "is_blank", "parse_answer", "parse_choice", "parse_cost", "parse_date"]
