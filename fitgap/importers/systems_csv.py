"""Read systems and their links from CSV (as exported by fitgap or edited in Excel).

Pure: a file in, records and problems out. Names are not checked against the database here (the
services do that); everything that can be checked from the file alone is, row by row (a cell longer than
Excel allows is refused with its place, from a workbook as from a CSV). A file fitgap wrote carries a stamp
per row in its last column (see domain.row_stamp), read as it stands and checked by the services.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Generic, TypeVar

from fitgap.domain.answer_sheet import unguard_csv
from fitgap.domain.calendar import serial_date
from fitgap.domain.enums import DeadlineKind, LinkMethod, MilestoneKind, SystemKind
from fitgap.domain.records import Problem
from fitgap.domain.row_stamp import STAMP_HEADER
from fitgap.domain.text import strip_invisible
from fitgap.errors import InvalidInputError
from fitgap.importers.limits import MAX_CELL_CHARS, csv_rows, overlong_cell, read_input_bytes
from fitgap.importers.workbook_guard import format_suffix

NAME, VENDOR, KIND, OPERATIONS = "システム名", "ベンダ", "区分", "業務コード"
PLANNED, ACTUAL, DEADLINE_KIND, DEADLINE = "移行予定日", "移行実施日", "期限区分", "期限"
TYPICAL, NOTE = "典型例", "備考"
PROVIDER, CONSUMER, DATA, METHOD, INTERIM = "提供元", "利用側", "データ", "方式", "暫定連携"

SYSTEM_REQUIRED = (NAME, VENDOR, KIND, OPERATIONS, PLANNED, ACTUAL, DEADLINE_KIND, DEADLINE, NOTE)
LINK_REQUIRED = (PROVIDER, CONSUMER, DATA, METHOD, INTERIM)
TYPICAL_MARK = "要確認"
SYSTEM_SHEET, LINK_SHEET = "システム", "連携"  # the sheets of a systems workbook (.xlsx)
_MULTILINE = {unicodedata.normalize("NFKC", c) for c in (NOTE, DATA)}  # free text that may hold line breaks


def milestone_columns(kind: MilestoneKind) -> tuple[str, str]:
    return (f"{kind.value}(予定)", f"{kind.value}(実績)")


SYSTEM_COLUMNS = (
    *SYSTEM_REQUIRED[:-1],
    TYPICAL,
    NOTE,
    *[c for k in MilestoneKind for c in milestone_columns(k)],
)
LINK_COLUMNS = (*LINK_REQUIRED, TYPICAL)


@dataclass(frozen=True, slots=True)
class MilestoneRecord:
    kind: MilestoneKind
    planned: date | None
    actual: date | None


@dataclass(frozen=True, slots=True)
class SystemRecord:
    name: str
    vendor: str | None = None
    kind: SystemKind = SystemKind.STANDARD
    operations: tuple[str, ...] = ()
    planned_cutover: date | None = None
    actual_cutover: date | None = None
    deadline_kind: DeadlineKind = DeadlineKind.FY2025
    deadline: date | None = None
    typical: bool = False
    note: str = ""
    milestones: tuple[MilestoneRecord, ...] | None = None  # None: the file has no milestone columns
    row: int | None = None
    stamp: str = ""  # the row's stamp cell as read ("" for a row without one)


@dataclass(frozen=True, slots=True)
class LinkRecord:
    provider: str
    consumer: str
    data: str = ""
    method: LinkMethod = LinkMethod.FILE
    interim_interface: bool = False
    typical: bool = False
    row: int | None = None
    stamp: str = ""


R = TypeVar("R")
T = TypeVar("T")


@dataclass(slots=True)
class CsvResult(Generic[R]):
    source_file: str
    records: list[R] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stripped_chars: int = 0  # control and invisible characters removed from names and notes
    stamped: bool = False  # the file has fitgap's stamp column (written by this version or later)
    sheet: str | None = None  # the sheet read, for a workbook
    has_typical: bool = False  # the file has the 典型例 column

    @property
    def ok(self) -> bool:
        return not self.problems

    def where(self, row: int | None) -> str:
        """A row's place in words: シート「システム」 3行目, or systems.csv 3行目."""
        at = f"{row}行目" if row is not None else ""
        return f"シート「{self.sheet}」 {at}" if self.sheet else f"{self.source_file} {at}"


# ---- cell readers (ValueError with a Japanese message on a bad value) -----------------------------

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_REIWA = re.compile(r"^(?:R|令和)(\d{1,2}|元)[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", re.IGNORECASE)
_TRUE = {"要確認", "あり", "有", "○", "◯", "はい", "true", "yes", "y", "1"}
_FALSE = {"", "なし", "無", "×", "いいえ", "false", "no", "n", "0", "-", "—"}


def norm(text: object) -> str:
    return unicodedata.normalize("NFKC", "" if text is None else str(text)).strip()


def parse_date(text: object) -> date | None:
    """'2026-01-05', '2026/1/5', '2026年1月5日', 'R8.1.5', '令和8年1月5日', '2026-01-05 (R7年度)',
    '2026/01/05 0:00:00', Excel's day number 46023; '' → None."""
    s = norm(text)
    if not s:
        return None
    s = re.sub(r"\s*\(.*\)$", "", s).split(" ")[0]
    m = _DATE.match(s)
    r = _REIWA.match(s)
    if m is None and r is not None:
        year = 2019 if r[1] == "元" else 2018 + int(r[1])
        m = _DATE.match(f"{year}-{r[2]}-{r[3]}")
    if m is None and re.fullmatch(r"\d{8}", s):
        m = _DATE.match(f"{s[:4]}-{s[4:6]}-{s[6:]}")
    if m is None and (day := serial_date(s)) is not None:
        return day  # Excel's day number, as a date reads in a cell formatted as text
    if m is None:
        raise ValueError(f"日付として読めません: {norm(text)!r}（例: 2026-01-05）")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"存在しない日付です: {norm(text)!r}") from None


def parse_flag(text: object) -> bool:
    s = norm(text).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(f"「あり」か「なし」で書いてください: {norm(text)!r}")


E = TypeVar("E", SystemKind, DeadlineKind, LinkMethod)


def _parse_enum(enum_cls: type[E], aliases: dict[str, E], default: E) -> Callable[[object], E]:
    def parse(text: object) -> E:
        s = norm(text)
        if not s:
            return default
        for member in enum_cls:
            if s == norm(member.value):
                return member
        if s.lower() in aliases:
            return aliases[s.lower()]
        allowed = " / ".join(m.value for m in enum_cls)
        raise ValueError(f"{s!r} は使えません（{allowed}）")

    return parse


parse_kind = _parse_enum(
    SystemKind,
    {"標準": SystemKind.STANDARD, "関連": SystemKind.RELATED, "独自施策システム": SystemKind.RELATED},
    SystemKind.STANDARD,
)
parse_deadline_kind = _parse_enum(
    DeadlineKind,
    {
        "r7年度末": DeadlineKind.FY2025,
        "fy2025": DeadlineKind.FY2025,
        "特定": DeadlineKind.TOKUTEI,
        "個別": DeadlineKind.CUSTOM,
    },
    DeadlineKind.FY2025,
)
parse_method = _parse_enum(
    LinkMethod,
    {
        "rest": LinkMethod.API,
        "file": LinkMethod.FILE,
        "db": LinkMethod.SHARED_DB,
        "shared db": LinkMethod.SHARED_DB,
    },
    LinkMethod.FILE,
)


def parse_operation_codes(text: object) -> tuple[str, ...]:
    """'001, 4、017' → ('001', '004', '017'): Excel's lost leading zeros restored."""
    parts = re.split(r"[,、\s/・]+", norm(text))
    codes = []
    for p in parts:
        if not p:
            continue
        if not p.isdigit() or len(p) > 3:
            raise ValueError(f"業務コードは3桁の数字です: {p!r}")
        codes.append(p.zfill(3))
    return tuple(dict.fromkeys(codes))


# ---- files ----------------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    """A workbook cell as the CSV would hold it: dates ISO, whole numbers without .0."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _workbook_lines(path: Path, sheet: str) -> tuple[str, list[list[str]]]:
    from fitgap.importers.workbook_reader import open_workbook  # not for every command

    wb = open_workbook(path)
    try:
        names = wb.sheetnames
        name = sheet if sheet in names else names[0]
        return name, [[_cell_text(v) for v in row] for row in wb.rows(name)]
    finally:
        wb.close()


def _read_rows(
    path: Path, required: tuple[str, ...], sheet: str = SYSTEM_SHEET
) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[Problem], str | None]:
    """Header and rows keyed by normalised header; problems when unreadable or columns are missing; the
    sheet read.

    A .xlsx file is read from its sheet ``sheet`` (or its first sheet), a CSV as UTF-8 or Shift_JIS.
    """
    if format_suffix(path) in (".xlsx", ".xlsm"):
        try:
            name, lines = _workbook_lines(path, sheet)
        except InvalidInputError as exc:
            return [], [], [Problem(exc.message, exc.hint or "")], None
        return (*_parse_rows(iter(lines), required, sheet=name), name)
    try:
        raw = read_input_bytes(path)  # refused by its size before it is read
    except InvalidInputError as exc:
        return [], [], [Problem(exc.message, exc.hint or "")], None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return (
            [],
            [],
            [Problem("文字コードを判別できません。", "UTF-8 か Shift_JIS の CSV で保存してください。")],
            None,
        )
    try:
        # strict: an unclosed quote is refused, and a field over 32,767 characters with its row and column
        return (*_parse_rows(csv_rows(text, name=path.name), required), None)
    except InvalidInputError as exc:
        return [], [], [Problem(exc.message, exc.hint or "")], None


def _parse_rows(
    reader: Iterator[list[str]], required: tuple[str, ...], sheet: str | None = None
) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[Problem]]:
    header = [norm(h) for h in next(reader, [])]
    missing = [c for c in required if norm(c) not in header]
    if missing:
        return (
            header,
            [],
            [
                Problem(
                    f"必要な列がありません: {'、'.join(missing)}",
                    f"1行目に次の列見出しが必要です: {'、'.join(required)}",
                    row=1,
                )
            ],
        )
    rows = []
    problems: list[Problem] = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        long_at = overlong_cell(cells)
        if long_at is not None:  # refused, never cut: the next export would keep 32,767 characters of it
            problems.append(Problem(
                f"長すぎるセルがあります（{len(cells[long_at]):,} 文字、上限 {MAX_CELL_CHARS:,} 文字）。",
                "Excel のセルに入る長さ（32,767 文字）までにしてください。", sheet=sheet, row=n,
                column=header[long_at] if long_at < len(header) and header[long_at] else f"{long_at + 1}列目"))
            continue
        row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        broken = [h for h, v in row.items() if "\n" in v and h not in _MULTILINE]
        if broken:  # a quote closed only on a later line: those lines were read as one cell
            problems.append(Problem(f"列「{broken[0]}」に改行が入っています（引用符 \" の閉じ忘れで後ろの行を"
                                    "取り込んだ可能性があります）。", "引用符を閉じるか、セルの改行を削除してください。", row=n))
            continue
        rows.append((n, row))
    return header, rows, problems


class _Row:
    """Reads cells of one row, collecting a problem per bad cell instead of stopping at the first."""

    def __init__(self, row: int, cells: dict[str, str], problems: list[Problem], result: CsvResult[Any]) -> None:
        self.row, self.cells, self.problems, self.bad = row, cells, problems, False
        self.result = result

    def get(self, column: str, parse: Callable[[object], T], default: T) -> T:
        try:
            return parse(self.cells.get(norm(column), ""))
        except ValueError as exc:
            self.problems.append(Problem(str(exc), row=self.row, column=column))
            self.bad = True
            return default

    def text(self, column: str) -> str:
        """Free text (names, notes) as written, only trimmed: never width-normalised. The apostrophe
        fitgap puts before text beginning with = + - @ is taken off again; control and invisible characters
        are removed (and counted)."""
        text, removed = strip_invisible(unguard_csv(self.cells.get(norm(column), "").strip()))
        self.result.stripped_chars += removed
        return text.strip()


_STAMP = norm(STAMP_HEADER)


def read_systems_csv(path: Path) -> CsvResult[SystemRecord]:
    header, rows, problems, sheet = _read_rows(path, SYSTEM_REQUIRED)
    has_typical = norm(TYPICAL) in header
    result: CsvResult[SystemRecord] = CsvResult(source_file=path.name, problems=problems, sheet=sheet,
                                                stamped=_STAMP in header, has_typical=has_typical)
    ms_present = [k for k in MilestoneKind if any(norm(c) in header for c in milestone_columns(k))]
    seen: dict[str, int] = {}
    for n, cells in rows:
        r = _Row(n, cells, result.problems, result)
        name = r.text(NAME)
        if not name:
            result.problems.append(Problem("システム名が空です。", row=n, column=NAME))
            continue
        if name in seen:
            result.problems.append(
                Problem(f"「{name}」は {seen[name]}行目と重複しています。", row=n, column=NAME)
            )
            continue
        seen[name] = n
        milestones = tuple(
            MilestoneRecord(
                kind=k,
                planned=r.get(milestone_columns(k)[0], parse_date, None),
                actual=r.get(milestone_columns(k)[1], parse_date, None),
            )
            for k in ms_present
        )
        record = SystemRecord(
            name=name,
            vendor=r.text(VENDOR) or None,
            kind=r.get(KIND, parse_kind, SystemKind.STANDARD),
            operations=r.get(OPERATIONS, parse_operation_codes, ()),
            planned_cutover=r.get(PLANNED, parse_date, None),
            actual_cutover=r.get(ACTUAL, parse_date, None),
            deadline_kind=r.get(DEADLINE_KIND, parse_deadline_kind, DeadlineKind.FY2025),
            deadline=r.get(DEADLINE, parse_date, None),
            typical=r.get(TYPICAL, parse_flag, False) if has_typical else False,
            note=r.text(NOTE),
            milestones=milestones if ms_present else None,
            row=n,
            stamp=cells.get(_STAMP, "").strip(),
        )
        if not r.bad:
            result.records.append(record)
    return result


def read_links_csv(path: Path) -> CsvResult[LinkRecord]:
    header, rows, problems, sheet = _read_rows(path, LINK_REQUIRED, LINK_SHEET)
    has_typical = norm(TYPICAL) in header
    result: CsvResult[LinkRecord] = CsvResult(source_file=path.name, problems=problems, sheet=sheet,
                                              stamped=_STAMP in header, has_typical=has_typical)
    seen: dict[tuple[str, str], int] = {}
    for n, cells in rows:
        r = _Row(n, cells, result.problems, result)
        provider, consumer = r.text(PROVIDER), r.text(CONSUMER)
        if not provider or not consumer:
            column = PROVIDER if not provider else CONSUMER
            result.problems.append(Problem(f"{column}が空です。", row=n, column=column))
            continue
        if provider == consumer:
            result.problems.append(
                Problem(
                    f"「{provider}」が自分自身と連携しています。",
                    "提供元と利用側は別のシステムにしてください。",
                    row=n,
                )
            )
            continue
        pair = (provider, consumer)
        if pair in seen:
            result.problems.append(
                Problem(f"{provider} → {consumer} は {seen[pair]}行目と重複しています。", row=n)
            )
            continue
        seen[pair] = n
        record = LinkRecord(
            provider=provider,
            consumer=consumer,
            data=r.text(DATA),
            method=r.get(METHOD, parse_method, LinkMethod.FILE),
            interim_interface=r.get(INTERIM, parse_flag, False),
            typical=r.get(TYPICAL, parse_flag, False) if has_typical else False,
            row=n,
            stamp=cells.get(_STAMP, "").strip(),
        )
        if not r.bad:
            result.records.append(record)
    return result
