"""Mapping profiles: TOML files that say where the requirements are in a layout the synonyms miss.

Example (see standard_specs/profiles/ and docs/import.md)::

    title = "○○システム標準仕様書 機能・帳票要件一覧"
    id_digits = 7

    [[sheets]]
    sheet = "機能一覧*"      # sheet name, or a glob pattern; "*" for a CSV file
    header_row = 4          # 1-based row of the (first) header row
    header_rows = 2         # rows the header spans (default 1)
    kind = "機能"            # 機能 or 帳票 (default: told from sheet and column names)

    [sheets.columns]         # header text as written in the sheet, or a column letter
    req_id = "要件番号"
    name = "C"
    text = "要件の内容"
    kubun = "実装の要否"
    category = ["大分類", "中分類"]
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from fitgap.domain.enums import Kubun, RequirementKind
from fitgap.errors import InvalidInputError
from fitgap.importers.columns import Column

PROFILE_HINT = """マッピングプロファイル (TOML) を書いて --mapping で指定してください。例:
  [[sheets]]
  sheet = "機能要件一覧"   # シート名 (ワイルドカード可。CSV は "*")
  header_row = 3          # 見出し行の行番号 (1始まり)
  header_rows = 1         # 見出しが2行なら 2
  [sheets.columns]        # 見出しの文字列そのまま、または列記号 (A, B …)
  req_id = "要件番号"
  name = "機能名"
  text = "要件の内容"
  kubun = "実装の要否"
  category = ["大分類", "中分類"]
standard_specs/profiles/ に同梱のプロファイルも参考にしてください。"""


@dataclass(frozen=True, slots=True)
class SheetMapping:
    sheet: str
    columns: dict[Column, tuple[str, ...]]
    header_row: int | None = None
    header_rows: int = 1
    kind: RequirementKind | None = None
    kubun_default: Kubun | None = None
    id_suffix_kubun: bool = False  # key = ID + '-' + class, for old lists with one row per section × class

    def matches(self, sheet_name: str) -> bool:
        return self.sheet == sheet_name or fnmatch.fnmatchcase(sheet_name, self.sheet)


@dataclass(frozen=True, slots=True)
class MappingProfile:
    path: str
    title: str = ""
    id_digits: int = 7
    sheets: tuple[SheetMapping, ...] = field(default_factory=tuple)

    def for_sheet(self, sheet_name: str) -> SheetMapping | None:
        return next((s for s in self.sheets if s.matches(sheet_name)), None)


def _bad(path: Path, what: str) -> InvalidInputError:
    return InvalidInputError(f"マッピングプロファイル {path.name} を読めません: {what}", PROFILE_HINT)


def load_profile(path: Path) -> MappingProfile:
    """Read and validate a mapping profile."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InvalidInputError(
            f"マッピングプロファイル {path} が見つかりません。", "パスを確かめてください。"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _bad(path, f"TOML の書式が正しくありません ({exc})") from None
    raw_sheets = data.get("sheets")
    if not isinstance(raw_sheets, list) or not raw_sheets:
        raise _bad(path, "[[sheets]] がありません")
    sheets = tuple(_sheet(path, i, s) for i, s in enumerate(raw_sheets, 1))
    digits = data.get("id_digits", 7)
    if not isinstance(digits, int) or not 1 <= digits <= 20:
        raise _bad(path, "id_digits は 1〜20 の整数で指定してください")
    return MappingProfile(path=str(path), title=str(data.get("title", "")), id_digits=digits, sheets=sheets)


def _sheet(path: Path, i: int, raw: object) -> SheetMapping:
    if not isinstance(raw, dict):
        raise _bad(path, f"{i}番目の [[sheets]] が表になっていません")
    sheet = raw.get("sheet", "*")
    cols_raw = raw.get("columns")
    if not isinstance(cols_raw, dict):
        raise _bad(path, f"{i}番目の [[sheets]] に [sheets.columns] がありません")
    columns: dict[Column, tuple[str, ...]] = {}
    for key, value in cols_raw.items():
        try:
            col = Column(key)
        except ValueError:
            known = ", ".join(c.value for c in Column)
            raise _bad(path, f"列の種類 '{key}' は使えません (使えるもの: {known})") from None
        values = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else None
        if not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise _bad(path, f"列 '{key}' には見出しの文字列か列記号を書いてください")
        if len(values) > 1 and col is not Column.CATEGORY:
            raise _bad(path, f"複数の列を指定できるのは category だけです ('{key}')")
        columns[col] = values
    if Column.REQ_ID not in columns:
        raise _bad(path, f"シート '{sheet}' に req_id (機能ID/帳票ID の列) がありません")
    if Column.TEXT not in columns and Column.NAME not in columns:
        raise _bad(path, f"シート '{sheet}' に text か name の列がありません")
    header_row = raw.get("header_row")
    header_rows = raw.get("header_rows", 1)
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise _bad(path, "header_row は 1 以上の整数で指定してください")
    if not isinstance(header_rows, int) or not 1 <= header_rows <= 3:
        raise _bad(path, "header_rows は 1〜3 で指定してください")
    kind = None
    if "kind" in raw:
        try:
            kind = RequirementKind(str(raw["kind"]))
        except ValueError:
            raise _bad(path, "kind は 機能 か 帳票 で指定してください") from None
    kubun_default = None
    if "kubun_default" in raw:
        kubun_default = Kubun.parse(raw["kubun_default"])
        if kubun_default is None:
            raise _bad(path, f"kubun_default '{raw['kubun_default']}' は実装区分として読めません")
    return SheetMapping(
        sheet=str(sheet),
        columns=columns,
        header_row=header_row,
        header_rows=header_rows,
        kind=kind,
        kubun_default=kubun_default,
        id_suffix_kubun=bool(raw.get("id_suffix_kubun", False)),
    )
