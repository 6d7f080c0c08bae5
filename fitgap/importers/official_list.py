"""Read the official list of 特定移行支援システム (デジタル庁「特定移行支援システムの該当見込み一覧」).

The layout as published: an Excel workbook (.xlsx) or a CSV (UTF-8 with or without BOM, or Shift_JIS),
title rows (「令和8年6月末時点」…) above one header row: 団体コード, 都道府県, 団体名 (empty on a
prefecture's own row), 区分 / 団体区分, 該当業務数, one column per operation and 共通機能. A flagged cell
holds ●, ○, 1 or 該当; blank, 0 and - mean not flagged. A header whose operation names sit one row below a
grouping row (「標準化対象事務」 over the 20 names, 団体コード merged down) is read as one header.

Pure: a file in, the list's rows and the date it states out. The body is not looked up here (the service
does that); whatever makes the file unusable as a whole (not this layout, columns missing, an unreadable
or hostile file) is an InvalidInputError, and cells that are neither a flag nor blank are kept per row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fitgap.domain.text import strip_invisible
from fitgap.errors import InvalidInputError
from fitgap.importers.columns import normalize_header
from fitgap.importers.limits import csv_rows, read_input_bytes
from fitgap.importers.spec_csv import decode_csv_bytes
from fitgap.importers.workbook_guard import format_suffix

CODE, PREFECTURE, NAME, KIND, COUNT = "団体コード", "都道府県", "団体名", "団体区分", "該当業務数"
KEY_SYNONYMS = {
    CODE: ("団体コード", "地方公共団体コード", "全国地方公共団体コード", "市区町村コード"),
    PREFECTURE: ("都道府県", "都道府県名"),
    NAME: ("団体名", "地方公共団体名", "市区町村名", "市町村名"),
    KIND: ("団体区分", "区分"),
    COUNT: ("該当業務数", "該当数", "業務数"),
}
# Names the official lists and the ministries also use for an operation's column (the bundled list's
# header is the canonical name); compared after normalize_header, without 「・」 and a trailing 「システム」.
COLUMN_VARIANTS = {
    "住民基本台帳": ("住民記録",),
    "戸籍の附票": ("戸籍附票",),
    "選挙人名簿管理": ("選挙人名簿",),
    "障害者福祉": ("障害福祉",),
    "子ども・子育て支援": ("子ども子育て支援", "子育て支援"),
    "共通機能": ("共通機能等", "団体内統合宛名"),
}
FLAG_MARKS = frozenset({"●", "○", "〇", "◯", "◎", "1", "該当", "該当あり", "対象"})
BLANK_MARKS = frozenset({"", "0", "-", "‐", "−", "―", "ー", "×", "該当なし", "なし", "対象外"})
HEADER_SCAN_ROWS = 30
_SUFFIXES_XLSX = (".xlsx", ".xlsm")


@dataclass(frozen=True, slots=True)
class OfficialRow:
    """One body's row of the list."""

    row: int  # 1-based row number in its sheet or file
    code: str  # the digits as written (「011002」, 「11002」 when Excel dropped the zero, or a 5-digit code)
    prefecture: str
    name: str  # 団体名; a prefecture's own row (empty 団体名): its 都道府県
    kind: str
    flags: frozenset[str]  # the canonical columns flagged for this body
    unreadable: tuple[tuple[str, str], ...] = ()  # (column, value) cells that are neither a flag nor blank

    def has_code(self, code: str) -> bool:
        """Whether this row is the body of a 6-digit 団体コード (with or without the check digit, and with
        the leading zero that a number cell loses)."""
        if not self.code or not code:
            return False
        return self.code.zfill(6) == code or (len(self.code) <= 5 and self.code.zfill(5) == code[:5])


@dataclass(frozen=True)
class OfficialList:
    """The rows of a list and what it says of itself."""

    file: str
    sheet: str | None  # None for a CSV
    header_row: int
    columns: tuple[str, ...]  # the canonical operation columns, as found
    keys: frozenset[str]  # the body columns found (団体コード, 都道府県, 団体名 …)
    rows: tuple[OfficialRow, ...]
    as_of: str | None = None  # YYYY-MM, from a 時点 cell or, failing that, from the file name
    as_of_text: str = ""  # where it was read: 「令和8年6月末時点」 or the file name

    def find(self, *, code: str | None, prefecture: str, name: str) -> tuple[list[OfficialRow], str]:
        """The rows of one body: by 団体コード where both have one, else by 都道府県 and 団体名; and how."""
        if code and CODE in self.keys:
            hits = [r for r in self.rows if r.has_code(code)]
            if hits:
                return hits, CODE
        n, p = _text_key(name), _text_key(prefecture)
        hits = [r for r in self.rows if _text_key(r.name) in (n, p + n)  # 「北海道札幌市」 written in one cell
                and (not r.prefecture or _text_key(r.prefecture) == p)]
        return hits, f"{PREFECTURE}・{NAME}"


def _text_key(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def column_key(value: object) -> str:
    """The comparison form of a header cell: NFKC, no spaces, notes or brackets, no 「・」, no 「システム」."""
    key = normalize_header(value).replace("・", "").rstrip("（(【[［<＜")  # 「共通機能（※1）」 → 「共通機能」
    return key.removesuffix("システム").removesuffix("業務") or key


def _lookup(columns: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical in columns:
        for word in (canonical, *COLUMN_VARIANTS.get(canonical, ())):
            out.setdefault(column_key(word), canonical)
    for field, words in KEY_SYNONYMS.items():
        for word in words:
            out.setdefault(column_key(word), field)
    return out


# --- the date the list states: 令和8年6月末時点, 2026年6月1日時点, tokutei_2026-06.xlsx ---------------------

_WAREKI_YM = re.compile(r"(令和|R)\s*(\d{1,2}|元)\s*[年.]\s*(\d{1,2})\s*月?")
_SEIREKI_YM = re.compile(r"(?<!\d)(20\d{2})\s*(?:年\s*|[-_/.]\s*)(\d{1,2})(?!\d)")
_COMPACT_YM = re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(?:\d{2})?(?!\d)")


def year_month_in(text: str) -> str | None:
    """The first year and month written in ``text`` as YYYY-MM: 令和8年6月, R8.6, 2026年6月, 2026-06, 202606."""
    s = unicodedata.normalize("NFKC", text)
    found: list[tuple[int, int, int]] = []  # (position, year, month)
    for m in _WAREKI_YM.finditer(s):
        found.append((m.start(), 2018 + (1 if m.group(2) == "元" else int(m.group(2))), int(m.group(3))))
    for m in _SEIREKI_YM.finditer(s):
        found.append((m.start(), int(m.group(1)), int(m.group(2))))
    for m in _COMPACT_YM.finditer(s):
        found.append((m.start(), int(m.group(1)), int(m.group(2))))
    for _, y, mo in sorted(found):
        if 1 <= mo <= 12:
            return f"{y:04d}-{mo:02d}"
    return None


def _stated_as_of(cells: Iterable[Any]) -> tuple[str, str] | None:
    """The 時点 of the list from its title rows: a cell such as 「令和8年6月末時点」 (or 「時点」 beside a date)."""
    cells = list(cells)
    texts = [c for c in cells if isinstance(c, str) and "時点" in unicodedata.normalize("NFKC", c)]
    for text in texts:
        ym = year_month_in(text)
        if ym:
            return ym, " ".join(text.split())
    if texts:
        for c in cells:
            if isinstance(c, date):
                return f"{c.year:04d}-{c.month:02d}", f"{texts[0].strip()} {c.year}-{c.month:02d}"
            if isinstance(c, str) and (ym := year_month_in(c)):
                return ym, " ".join(c.split())
    return None


# --- reading -------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text, _ = strip_invisible(str(value))
    return " ".join(text.split())


@dataclass
class _Header:
    row: int  # 1-based
    fields: dict[int, str]  # column index → canonical operation column or key field
    title_cells: list[Any]

    @property
    def score(self) -> int:
        return len(set(self.fields.values()))


def _find_header(rows: Iterator[Sequence[Any]], lookup: dict[str, str]) -> tuple[_Header | None, list[Sequence[Any]]]:
    """The row (possibly with the row above it) that names the most of the list's columns, within the
    first HEADER_SCAN_ROWS rows; and the rows read after it, up to the end of that scan."""
    seen: list[Sequence[Any]] = []
    best: _Header | None = None
    for n, cells in enumerate(rows, start=1):
        seen.append(cells)
        above = seen[-2] if len(seen) > 1 else ()
        fields: dict[int, str] = {}
        for i in range(max(len(cells), len(above))):
            here = cells[i] if i < len(cells) else None
            key = lookup.get(column_key(here)) if here not in (None, "") else None
            if key is None and i < len(above) and above[i] not in (None, ""):
                key = lookup.get(column_key(above[i]))  # a key column merged down from a grouping row
            if key is not None and key not in fields.values():
                fields[i] = key
        found = _Header(n, fields, [c for r in seen[:-1] for c in r])
        if best is None or found.score > best.score:
            best = found
        if n >= HEADER_SCAN_ROWS:
            break
    if best is None or best.score < 3:
        return None, seen
    return best, seen[best.row :]


def _rows_of(header: _Header, rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> list[OfficialRow]:
    by_field = {f: i for i, f in header.fields.items()}
    ops = [(c, by_field[c]) for c in columns if c in by_field]

    def cell(cells: Sequence[Any], field: str) -> str:
        i = by_field.get(field)
        return _text(cells[i]) if i is not None and i < len(cells) else ""

    out: list[OfficialRow] = []
    for n, cells in enumerate(rows, start=header.row + 1):
        code = unicodedata.normalize("NFKC", cell(cells, CODE)).replace("-", "")
        code = code if code.isascii() and code.isdigit() else ""  # a note (「※1 …」) or a repeated header
        prefecture, name = cell(cells, PREFECTURE), cell(cells, NAME)
        if not code and (not name or name == NAME) and (not prefecture or prefecture == PREFECTURE):
            continue  # blank rows, notes under the table, a header repeated at a page break
        flags, unreadable = set(), []
        for column, i in ops:
            raw = _text(cells[i]) if i < len(cells) else ""
            mark = unicodedata.normalize("NFKC", raw).strip()
            if mark in FLAG_MARKS or raw in FLAG_MARKS:
                flags.add(column)
            elif mark not in BLANK_MARKS and raw not in BLANK_MARKS:
                unreadable.append((column, raw))
        out.append(OfficialRow(n, code, prefecture, name or prefecture, cell(cells, KIND), frozenset(flags),
                               tuple(unreadable)))
    return out


def _not_the_layout(name: str, columns: Sequence[str]) -> InvalidInputError:
    return InvalidInputError(
        f"{name} は特定移行支援システムの該当見込み一覧の形式ではありません（最初の {HEADER_SCAN_ROWS} 行に、"
        f"{CODE}・{NAME} と業務ごとの列（{columns[0]}、{columns[1]} …）の見出し行が見つかりません）。"
        "データベースは変更していません。",
        "デジタル庁が公表した一覧（Excel か CSV）をそのまま指定してください。見出し行には 団体コード、都道府県、"
        f"団体名、区分、該当業務数と、業務ごとの {len(columns)} 列（{'、'.join(columns)}）が必要です。")


def _check_columns(where: str, header: _Header, columns: Sequence[str]) -> None:
    found = set(header.fields.values())
    missing = [c for c in columns if c not in found]
    if CODE not in found and NAME not in found:
        missing.insert(0, f"{CODE}（または {NAME}）")
    if missing:
        raise InvalidInputError(
            f"{where} の見出し行（{header.row}行目）に次の列がありません: {'、'.join(missing)}。"
            "データベースは変更していません。",
            "公表された一覧の列を削除・改名していないか確かめてください。業務の列名は同梱の一覧と同じ"
            f"（{'、'.join(columns)}）か、住民記録・戸籍附票のような通称で読めます。")


def _table(name: str, sheet: str | None, rows: Iterator[Sequence[Any]], columns: Sequence[str],
           lookup: dict[str, str]) -> tuple[_Header, list[OfficialRow]] | None:
    header, rest = _find_header(rows, lookup)
    if header is None or not any(f in columns for f in header.fields.values()):
        return None
    _check_columns(f"{name} のシート「{sheet}」" if sheet else name, header, columns)
    body = _rows_of(header, [*rest, *rows], columns)
    return header, body


def read_official_list(path: Path, *, columns: Sequence[str]) -> OfficialList:
    """Read the list; ``columns`` are the operation columns it must have (the bundled list's names)."""
    columns = tuple(columns)
    lookup = _lookup(columns)
    suffix = format_suffix(path)
    found: tuple[str | None, _Header, list[OfficialRow]] | None = None
    if suffix == ".csv":
        text = decode_csv_bytes(read_input_bytes(path), path.name)
        sample = text[:8192]
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        table = _table(path.name, None, csv_rows(text, name=path.name, delimiter=delimiter), columns, lookup)
        if table is not None:
            found = (None, *table)
    elif suffix in _SUFFIXES_XLSX:
        from fitgap.importers.workbook_reader import open_workbook  # calamine only when a workbook is read

        with open_workbook(path) as wb:
            for title in wb.sheetnames:
                if not wb.is_visible(title) or not wb.is_table(title):
                    continue
                table = _table(path.name, title, wb.rows(title), columns, lookup)
                if table is not None:
                    found = (title, *table)
                    break
    else:
        raise InvalidInputError(f"{path.name} は読めない形式です（{path.suffix or '拡張子なし'}）。データベースは変更していません。",
                                "公表された一覧の Excel ブック（.xlsx）か CSV を指定してください。")
    if found is None:
        raise _not_the_layout(path.name, columns)
    sheet, header, body = found
    stated = _stated_as_of([*header.title_cells, sheet or ""])
    if stated is None and (ym := year_month_in(path.stem)):
        stated = (ym, path.name)
    present = tuple(c for c in columns if c in header.fields.values())
    keys = frozenset(f for f in header.fields.values() if f in KEY_SYNONYMS)
    return OfficialList(path.name, sheet, header.row, present, keys, tuple(body),
                        stated[0] if stated else None, stated[1] if stated else "")
