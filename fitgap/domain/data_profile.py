"""データ要件, profiling: what an extract of the current data shows about each data item, as counts.

`fitgap data profile` reads an extract of the current system (one column per item) and keeps, per item, only
counts: rows, empty values, the longest value against 桁数, half-width characters in an Ｎ item and full-width
ones in an X item, dates that do not parse, values outside the code mapping, and the 外字候補 — the characters
in the Private Use Area or outside JIS X 0213 that 文字同定 to 行政事務標準文字 works through — each with its
count. No record and no other value is kept. Plain rules over plain data (no file, no database).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from fitgap.domain.data_items import is_gaiji_candidate, parse_item_id, parse_length, parse_type

# ---- the per-value rules ----------------------------------------------------------------------------
#
# An extract of the current data is read value by value; each rule below says what one value shows. Only
# counts (and the 外字候補 characters themselves) are ever kept. Trailing blanks are fixed-length padding
# (CHAR columns), not part of a value: a value is taken with them removed (:func:`profile_value`).

_HALFWIDTH = re.compile(r"[\x00-\x7f\uff61-\uff9f]")  # ASCII and half-width katakana: what X allows
_FULLWIDTH = re.compile(r"[^\x00-\x7f\uff61-\uff9f]")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR = re.compile(r"\d{4}")
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d):([0-5]\d)")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
DATE_TYPES = ("DATE", "YEAR", "TIME")
WIDTH_TYPES = ("X", "Ｎ")
NUMBER_TYPES = ("9", "9V", "S9")
_UNKNOWN_DATE = re.compile(r"不詳日?(を|も)?許容")


def profile_value(value: str) -> str:
    """A value as profiled: trailing blanks (half- or full-width, the padding of a fixed-length field) removed."""
    return value.rstrip()


def has_halfwidth(value: str) -> bool:
    """A value of an Ｎ (全角) item with a half-width character in it: ASCII (a space included) or half-width kana."""
    return _HALFWIDTH.search(value) is not None


def has_fullwidth(value: str) -> bool:
    """A value of an X (半角) item with a character that is not half-width (ASCII or half-width kana)."""
    return not value.isascii() and _FULLWIDTH.search(value) is not None


def allows_unknown_date(description: str) -> bool:
    """The item accepts 不詳日 (項目説明 「不詳日を許容する」, as 生年月日 of the 住登外者宛名): a date whose
    unknown month or day is written 00 (``1950-00-00``, ``1950-04-00``, ``0000-00-00``)."""
    return bool(_UNKNOWN_DATE.search(unicodedata.normalize("NFKC", description or "")))


def date_ok(value: str, data_type: str, *, unknown_allowed: bool = False) -> bool:
    """Whether a value of a DATE (YYYY-MM-DD, a real day), YEAR (YYYY) or TIME (HH:MM:SS) item parses."""
    if data_type == "YEAR":
        return _YEAR.fullmatch(value) is not None
    if data_type == "TIME":
        return _TIME.fullmatch(value) is not None
    m = _DATE.fullmatch(value)
    if m is None:
        return False
    y, mo, dd = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if unknown_allowed and (mo == 0 or dd == 0):
        return (mo == 0 and dd == 0) or (1 <= mo <= 12 and dd == 0 and y > 0)
    if y == 0 or not 1 <= mo <= 12 or not 1 <= dd <= _DAYS[mo - 1]:
        return False
    return not (mo == 2 and dd == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)))


def over_length(value: str, data_type: str, length: tuple[int, int | None] | None) -> bool:
    """Longer than 桁数, in characters. A number's sign is not a digit; 9V ``n,m`` bounds the integer and the
    fraction digits apart. DATE, YEAR, TIME and BLOB have no length of their own (a date either parses or not)."""
    if length is None or data_type in (*DATE_TYPES, "BLOB"):
        return False
    if data_type in NUMBER_TYPES:
        digits = value.lstrip("+-")
        if length[1] is not None:
            whole, _, fraction = digits.partition(".")
            return len(whole) > length[0] or len(fraction) > length[1]
        return len(digits) > length[0]
    return len(value) > length[0]


def gaiji_in(value: str) -> list[str]:
    """The 外字候補 of a value, in order, each as often as it occurs."""
    if value.isascii():
        return []
    return [ch for ch in value if _gaiji(ch)]


_gaiji = functools.cache(is_gaiji_candidate)


@dataclass
class ProfileCounts:
    """What profiling found for one item: counts only (and the 外字候補 characters with their counts)."""

    rows: int = 0
    empty: int = 0
    max_length: int = 0
    over_length: int = 0
    halfwidth_in_n: int = 0
    fullwidth_in_x: int = 0
    bad_dates: int = 0
    outside_codes: int = 0  # values (not distinct codes) outside the code mapping or list
    gaiji: Counter[str] = field(default_factory=Counter)


_CACHE_LIMIT = 100_000  # distinct date values remembered per column (beyond: checked again each time)


class ItemProfiler:
    """Counts one item's values batch by batch, with the rules above (the same results as applying them value
    by value, which the tests check) but fast: each check runs only for the types it concerns, mostly in C
    (``str.isascii``, ``list.count``, ``map``), a date is parsed once per distinct value, and the 外字候補 of a
    batch are looked for only when its non-ASCII text as a whole is refused by ``euc_jis_2004`` (every
    candidate is: JIS X 0213 has no Private Use Area)."""

    def __init__(self, *, data_type: str, length: str, codes: Iterable[str] | None = None,
                 unknown_dates: bool = False) -> None:
        self.kind = parse_type(data_type) or ""
        self.length = parse_length(length)
        self.codes = frozenset(codes) if codes is not None else None
        self.unknown_dates = unknown_dates
        self.counts = ProfileCounts()
        self._good: set[str] = set()
        self._bad: set[str] = set()
        self._plain = (self.length[0] if self.length is not None and self.length[1] is None
                       and self.kind in ("X", "Ｎ", "9") else None)  # a bound checked on len() alone
        # 9V n,m: a value within both bounds, as over_length reads it (signs, then the part before the first .)
        self._fits = (re.compile(rf"[+-]*[^.]{{0,{self.length[0]}}}(?:\..{{0,{self.length[1]}}})?", re.DOTALL).fullmatch
                      if self.length is not None and self.length[1] is not None and self.kind in NUMBER_TYPES else None)

    def add(self, values: Iterable[str]) -> None:
        c = self.counts
        vals = list(map(str.rstrip, values))
        n = len(vals)
        c.rows += n
        empty = vals.count("")
        c.empty += empty
        if empty == n:
            return
        lens = list(map(len, vals))
        longest = max(lens)
        c.max_length = max(c.max_length, longest)
        if self._plain is not None:
            if longest > self._plain and self.kind != "9":
                c.over_length += sum(map(self._plain.__lt__, lens))
            elif longest > self._plain:
                c.over_length += sum(1 for v in vals if over_length(v, "9", self.length))
        elif self._fits is not None:
            c.over_length += list(map(self._fits, vals)).count(None)
        elif self.length is not None and self.kind in NUMBER_TYPES:
            c.over_length += sum(1 for v in vals if v and over_length(v, self.kind, self.length))
        if self.kind == "X":
            if not all(map(str.isascii, vals)):
                c.fullwidth_in_x += sum(1 for v in itertools.filterfalse(str.isascii, vals) if _FULLWIDTH.search(v))
        elif self.kind == "Ｎ":
            c.halfwidth_in_n += n - list(map(_HALFWIDTH.search, vals)).count(None)
        elif self.kind in DATE_TYPES:
            unseen = set(vals)
            unseen -= self._good
            unseen -= self._bad
            unseen.discard("")
            if len(self._good) + len(self._bad) + len(unseen) > _CACHE_LIMIT:
                self._good.clear()
                self._bad.clear()
            for v in unseen:
                (self._good if date_ok(v, self.kind, unknown_allowed=self.unknown_dates) else self._bad).add(v)
            if self._bad:
                c.bad_dates += sum(map(self._bad.__contains__, vals))
        if self.codes is not None:
            c.outside_codes += n - empty - sum(map(self.codes.__contains__, vals))
        text = "".join(itertools.filterfalse(str.isascii, vals))
        if text:
            try:
                text.encode("euc_jis_2004")
            except UnicodeEncodeError:
                for ch in set(text):
                    if _gaiji(ch):
                        c.gaiji[ch] += text.count(ch)


# ---- which column is which item -------------------------------------------------------


class ItemLike(Protocol):
    """What matching reads of an item (a DataItem, or anything with these)."""

    @property
    def item_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def romaji(self) -> str: ...
    @property
    def operation_code(self) -> str: ...
    @property
    def group_name(self) -> str: ...


@dataclass(frozen=True)
class ColumnMatch:
    index: int  # 0-based column of the extract
    header: str
    item_id: str
    how: str  # データ項目ID, データ項目, ローマ字, 対応表


@dataclass(frozen=True)
class UnmatchedColumn:
    index: int
    header: str
    reason: str


def header_key(text: str) -> str:
    """A header (or a mapping file's column name) as compared: NFKC, no surrounding blanks."""
    return unicodedata.normalize("NFKC", text or "").strip()


def match_columns(headers: Sequence[str], items: Sequence[ItemLike],
                  mapping: Mapping[str, str] | None = None) -> tuple[list[ColumnMatch], list[UnmatchedColumn]]:
    """Which column of an extract is which item: a mapping file's column name first, then a header that is
    the 8-digit データ項目ID, the データ項目 name or its ローマ字. A name several items share (the same name in
    two groups) goes to the item of the operation and group most other columns matched; otherwise the column
    is reported, as is a second column for an item already matched and a column matching nothing."""
    by_id = {i.item_id: i for i in items}
    by_name: dict[str, list[ItemLike]] = {}
    by_romaji: dict[str, list[ItemLike]] = {}
    for i in items:
        by_name.setdefault(header_key(i.name), []).append(i)
        if i.romaji:
            by_romaji.setdefault(header_key(i.romaji).casefold(), []).append(i)
    mapped = {header_key(k): v for k, v in (mapping or {}).items()}
    found: dict[int, tuple[list[ItemLike], str]] = {}
    unmatched: list[UnmatchedColumn] = []
    for j, raw in enumerate(headers):
        h = header_key(raw)
        if not h:
            unmatched.append(UnmatchedColumn(j, raw, "見出しがありません"))
            continue
        if h in mapped and mapped[h] in by_id:
            found[j] = ([by_id[mapped[h]]], "対応表")
            continue
        iid = parse_item_id(h)
        if iid is not None and iid in by_id:
            found[j] = ([by_id[iid]], "データ項目ID")
        elif h in by_name:
            found[j] = (by_name[h], "データ項目")
        elif h.casefold() in by_romaji:
            found[j] = (by_romaji[h.casefold()], "ローマ字")
        else:
            unmatched.append(UnmatchedColumn(j, raw, "対応するデータ項目がありません"))
    sure = [c[0][0] for c in found.values() if len(c[0]) == 1]
    ops = Counter(i.operation_code for i in sure)
    groups = Counter((i.operation_code, i.group_name) for i in sure)
    matches: list[ColumnMatch] = []
    taken: dict[str, int] = {}
    for j, (cands, how) in sorted(found.items()):
        if len(cands) > 1:
            best = max(cands, key=lambda i: (groups[(i.operation_code, i.group_name)], ops[i.operation_code]))
            rank = (groups[(best.operation_code, best.group_name)], ops[best.operation_code])
            if rank == (0, 0) or sum(1 for i in cands if (groups[(i.operation_code, i.group_name)],
                                                          ops[i.operation_code]) == rank) > 1:
                shown = "、".join(i.item_id for i in cands[:5]) + ("…" if len(cands) > 5 else "")
                unmatched.append(UnmatchedColumn(j, headers[j], f"同じ名前のデータ項目が複数あります（{shown}）"))
                continue
            cands = [best]
        item = cands[0]
        if item.item_id in taken:
            unmatched.append(UnmatchedColumn(j, headers[j], f"{item.item_id} は {taken[item.item_id] + 1}列目で読みます"))
            continue
        taken[item.item_id] = j
        matches.append(ColumnMatch(j, headers[j], item.item_id, how))
    unmatched.sort(key=lambda u: u.index)
    return matches, unmatched
