"""Read a current-function list (現行機能一覧) from Excel or CSV: the vendor's list, a municipality's own
spreadsheet, or fitgap's inventory export edited and read back.

Pure: a file in, records and per-row problems out. Excel files go through the same guard as the spec
lists (workbook_reader.open_workbook); the header row is found among the first rows of each sheet by the
column names below and their synonyms. Names are not checked against the database here (the services do
that); everything that can be checked from the file alone is, row by row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitgap.domain.answer_sheet import KEY_HEADER, LIST_SHEET, META_SHEET
from fitgap.domain.custom import (
    INVENTORY_HEADERS,
    PURPOSE_CUSTOM_VENDOR,
    CustomDisposition,
    FunctionKind,
    FunctionRecord,
    LegalBasis,
    parse_label,
)
from fitgap.domain.enums import RequirementKind
from fitgap.domain.records import Problem
from fitgap.domain.row_stamp import STAMP_HEADER
from fitgap.domain.text import strip_invisible
from fitgap.errors import InvalidInputError
from fitgap.importers.limits import MAX_CELL_CHARS, MAX_KEY_CHARS, csv_rows, overlong_cell, read_input_bytes
from fitgap.importers.spec_csv import decode_csv_bytes
from fitgap.importers.systems_csv import parse_flag, parse_operation_codes
from fitgap.importers.workbook_guard import format_suffix
from fitgap.importers.workbook_reader import open_workbook

HEADER_SCAN_ROWS = 10
STAMP_HEADERS = (KEY_HEADER, STAMP_HEADER)  # the hidden key column of the inventory workbook (as written)

# field -> synonyms found in vendors' lists, after the header fitgap writes (INVENTORY_HEADERS)
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "operation_code": ("業務CD",),
    "code": ("機能ID", "機能No", "機能NO", "No", "NO", "番号", "管理番号", "項番", "通番"),
    "name": ("機能名称", "名称", "帳票名", "帳票名称", "画面名", "処理名"),
    "kind": ("機能種別", "区分", "機能区分"),
    "description": ("機能概要", "概要", "内容", "機能説明", "処理内容"),
    "department": ("利用部署", "担当課", "所管課", "利用部門"),
    "frequency": ("頻度", "処理頻度", "実行頻度"),
    "basis": ("根拠区分", "法的根拠", "根拠種別"),
    "basis_detail": ("根拠の詳細", "根拠法令", "根拠名"),
    "yearly_cost_kyen": ("費用", "年間保守費", "保守費用"),
    "system": ("システム名", "現行システム"),
    "mapped": ("対応する要件", "標準仕様の要件", "対応要件ID"),
    "outside_spec": (),
    "disposition": (),
    "note": ("対応方針の理由", "メモ"),
    "target_system": ("移行先",),
}
COLUMNS: dict[str, tuple[str, ...]] = {f: (h, *_SYNONYMS[f]) for f, h in INVENTORY_HEADERS.items()}
REQUIRED = ("code", "name")
DECISION_FIELDS = ("mapped", "outside_spec", "disposition", "note", "target_system")


def header_of(field_name: str) -> str:
    return COLUMNS[field_name][0]


def _norm_header(text: object) -> str:
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    s = re.sub(r"[\s　]+", "", s)
    s = re.sub(r"[（(].*?[)）]", "", s)  # 年間費用（千円） → 年間費用
    return s.strip("※*・:").lower()


_LOOKUP = {_norm_header(h): f for f, names in COLUMNS.items() for h in names}


@dataclass(slots=True)
class CustomListResult:
    source_file: str
    records: list[FunctionRecord] = field(default_factory=list)
    rows: list[int | None] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    has_decisions: bool = False  # the file has mapping/disposition columns
    stripped_chars: int = 0  # control and invisible characters removed from the cells
    sheets: list[str | None] = field(default_factory=list)  # per record: its sheet (None in a CSV)
    stamps: list[str] = field(default_factory=list)  # per record: its hidden key cell as read ("" for none)
    meta: dict[str, str] = field(default_factory=dict)  # a fitgap workbook's metadata (export_id, purpose …)

    @property
    def ok(self) -> bool:
        return not self.problems


PROFILE_HINT = """マッピングプロファイル (TOML) の例:
  sheet = "機能一覧*"      # 読むシート（ワイルドカード可、省略時はすべて）
  header_row = 3          # 見出し行の行番号（1始まり、省略時は先頭10行から探す）
  operation_code = "001"  # 業務コードの列がない一覧の業務コード
  [columns]               # 項目 = 見出しの文字列そのまま（複数なら配列）
  code = "管理No."
  name = "機能名（画面名）"
項目: """ + "、".join(INVENTORY_HEADERS)


@dataclass(frozen=True)
class CustomProfile:
    """Where a 現行機能一覧 keeps its columns when the synonyms miss them (a TOML file, see PROFILE_HINT)."""

    columns: dict[str, tuple[str, ...]]
    sheet: str | None = None
    header_row: int | None = None
    operation_code: str | None = None

    def lookup(self) -> dict[str, str]:
        return {**_LOOKUP, **{_norm_header(h): f for f, names in self.columns.items() for h in names}}


def load_custom_profile(path: Path) -> CustomProfile:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInputError(f"マッピングプロファイル {path.name} を読めません: {exc}", PROFILE_HINT) from None
    raw = data.get("columns", {})
    unknown = sorted(set(raw) - set(INVENTORY_HEADERS)) + sorted(set(data) - {"columns", "sheet", "header_row",
                                                                            "operation_code"})
    if unknown or not isinstance(raw, dict):
        raise InvalidInputError(f"マッピングプロファイル {path.name} に知らない項目があります: {'、'.join(unknown)}",
                                PROFILE_HINT)
    columns = {f: (v,) if isinstance(v, str) else tuple(str(x) for x in v) for f, v in raw.items()}
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise InvalidInputError(f"header_row は 1 以上の行番号です: {header_row!r}", PROFILE_HINT)
    op = data.get("operation_code")
    return CustomProfile(columns=columns, sheet=data.get("sheet"), header_row=header_row,
                         operation_code=str(op).zfill(3) if op is not None else None)


def read_custom_list(path: Path, *, operation_code: str | None = None,
                     profile: CustomProfile | None = None) -> CustomListResult:
    """Every sheet (every row of a CSV) with a recognisable header; ``operation_code`` for lists that
    have no 業務コード column; ``profile`` where the header names are not among the synonyms."""
    import fnmatch

    if not path.exists():
        raise InvalidInputError(f"{path} がありません。", "ファイル名を確かめてください。")
    result = CustomListResult(source_file=path.name)
    operation_code = operation_code or (profile.operation_code if profile else None)
    lookup = profile.lookup() if profile else _LOOKUP
    header_row = profile.header_row if profile else None
    suffix = format_suffix(path)
    if suffix == ".csv":
        text = decode_csv_bytes(read_input_bytes(path), path.name)  # refused by its size before it is read
        # strict: an unclosed quote, an overlong cell or too many rows is refused, never read as one cell
        _read_table(csv_rows(text, name=path.name), None, operation_code, result, lookup, header_row)
    elif suffix in (".xlsx", ".xlsm"):
        wb = open_workbook(path)
        try:
            result.meta = _meta(wb)
            if result.meta.get("purpose") == PURPOSE_CUSTOM_VENDOR:
                raise InvalidInputError(
                    f"{path.name} はベンダ向けの独自機能の回答票（fitgap custom export --vendor）です（現行機能一覧では"
                    "ありません）。何も保存していません。",
                    f"ベンダの回答は fitgap custom import vendor {path.name} で取り込んでください"
                    "（現行機能一覧を編集して読み戻すなら fitgap custom export のブックを使います）。")
            for title in wb.sheetnames:
                if title in (META_SHEET, LIST_SHEET) or not wb.is_visible(title) or not wb.is_table(title):
                    continue
                if profile and profile.sheet and not fnmatch.fnmatchcase(title, profile.sheet):
                    continue
                _read_table(wb.rows(title), title, operation_code, result, lookup, header_row)
        finally:
            wb.close()
    else:
        raise InvalidInputError(f"{path.name} は読めない形式です。", "Excel（.xlsx）か CSV で保存してください。")
    if not result.records and not result.problems:
        result.problems.append(Problem(
            "現行機能の行が見つかりません（見出し行に「機能番号」と「機能名」が必要です）。",
            f"見出しの例: {'、'.join(header_of(f) for f in COLUMNS)}。見出しが違う一覧は --mapping で"
            "マッピングプロファイルを指定してください。"))
    return result


def _meta(wb: Any) -> dict[str, str]:
    """The values written in a fitgap workbook's metadata sheet ({} for any other workbook)."""
    if META_SHEET not in wb.sheetnames or not wb.is_table(META_SHEET):
        return {}
    return {str(row[1]): str(row[2]) for row in wb.rows(META_SHEET)
            if len(row) > 2 and row[0] == "meta" and row[1] is not None and row[2] is not None}


def _find_header(rows: Iterator[Sequence[Any]], lookup: dict[str, str],
                 header_row: int | None) -> tuple[int, dict[int, str], list[str]] | None:
    for n, cells in enumerate(rows, start=1):
        if header_row is not None and n < header_row:
            continue
        found = {i: lookup[_norm_header(c)] for i, c in enumerate(cells) if _norm_header(c) in lookup}
        if all(f in found.values() for f in REQUIRED):
            return n, found, ["" if c is None else str(c).strip() for c in cells]
        if n >= (header_row or HEADER_SCAN_ROWS):
            return None
    return None


def _cell(value: Any, result: CustomListResult) -> str:
    """A cell as text, trimmed; control and invisible characters removed (and counted)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text, removed = strip_invisible(str(value))
    result.stripped_chars += removed
    return text.strip()


def _read_table(rows: Iterator[Sequence[Any]], sheet: str | None, operation_code: str | None,
                result: CustomListResult, lookup: dict[str, str] = _LOOKUP, header_row: int | None = None) -> None:
    it = iter(rows)
    header = _find_header(it, lookup, header_row)
    if header is None:
        return
    head_row, columns, titles = header
    stamp_at = next((i for i, t in enumerate(titles) if t in STAMP_HEADERS), None)
    fields = set(columns.values())
    result.has_decisions = result.has_decisions or bool(fields & set(DECISION_FIELDS))
    if "operation_code" not in fields and operation_code is None:
        result.problems.append(Problem("業務コードの列がありません。", "--operation で業務コードを指定するか、「業務コード」列を加えてください。",
                                       sheet=sheet, row=head_row))
        return
    for n, cells in enumerate(it, start=head_row + 1):
        long_at = overlong_cell(cells)
        if long_at is not None:  # refused, never cut: Excel (and the next export) would keep 32,767 characters
            title = titles[long_at] if long_at < len(titles) and titles[long_at] else f"{long_at + 1}列目"
            result.problems.append(Problem(
                f"セルが長すぎます（{len(str(cells[long_at])):,} 文字、上限 {MAX_CELL_CHARS:,} 文字）",
                "Excel のセルに入る長さ（32,767 文字）までにしてください。長い説明は別の資料に分けてください。",
                sheet=sheet, row=n, column=title))
            continue
        values = {f: _cell(cells[i], result) if i < len(cells) else "" for i, f in columns.items()}
        if not any(values.values()):
            continue
        record = _record(values, operation_code, sheet, n, result.problems)
        if record is not None:
            result.records.append(record)
            result.rows.append(n)
            result.sheets.append(sheet)
            stamp = cells[stamp_at] if stamp_at is not None and stamp_at < len(cells) else None
            result.stamps.append("" if stamp is None else str(stamp).strip())


def _record(v: dict[str, str], default_op: str | None, sheet: str | None, row: int,
            problems: list[Problem]) -> FunctionRecord | None:
    before = len(problems)

    def bad(column: str, message: str, hint: str = "") -> None:
        problems.append(Problem(message, hint, sheet=sheet, row=row, column=column))

    op = default_op or ""
    if v.get("operation_code"):
        try:
            codes = parse_operation_codes(v["operation_code"])
            op = codes[0] if len(codes) == 1 else ""
            if len(codes) != 1:
                bad(header_of("operation_code"), "業務コードは1行に1つです")
        except ValueError as exc:
            bad(header_of("operation_code"), str(exc))
    elif not op:
        bad(header_of("operation_code"), "業務コードが空です")
    code = v.get("code", "")
    if not code:
        bad(header_of("code"), "機能番号が空です", "業務ごとに一意の番号を付けてください。")
    elif len(code) > MAX_KEY_CHARS:
        bad(header_of("code"), f"機能番号が長すぎます（{len(code):,} 文字、上限 {MAX_KEY_CHARS} 文字）",
            "短い番号にしてください（データベースの機能番号の長さの上限です）。")
    name = v.get("name", "")
    if not name:
        bad(header_of("name"), "機能名が空です")
    kind = _choice(v, "kind", FunctionKind, FunctionKind.FUNCTION, bad)
    basis = _choice(v, "basis", LegalBasis, None, bad)
    disposition = _choice(v, "disposition", CustomDisposition, None, bad)
    cost = None
    if v.get("yearly_cost_kyen"):
        try:
            cost = float(unicodedata.normalize("NFKC", v["yearly_cost_kyen"]).replace(",", "").replace("千円", ""))
            if cost < 0:
                raise ValueError
        except ValueError:
            bad(header_of("yearly_cost_kyen"), f"年間費用は千円単位の数です: {v['yearly_cost_kyen']!r}")
    outside = False
    if v.get("outside_spec"):
        try:
            outside = parse_flag(v["outside_spec"])
        except ValueError as exc:
            bad(header_of("outside_spec"), str(exc))
    mapped: list[tuple[str, str]] = []
    for part in _split_keys(v.get("mapped", "")):
        try:
            ref = parse_requirement_ref(part)
        except ValueError as exc:
            bad(header_of("mapped"), str(exc))
            continue
        if len(ref[1].rsplit(":", 1)[-1]) > MAX_KEY_CHARS:
            bad(header_of("mapped"), f"要件の ID が長すぎます（上限 {MAX_KEY_CHARS} 文字）: {part[:40]}…",
                "標準仕様書の要件の ID を書いてください。")
            continue
        mapped.append(ref)
    if len(problems) > before:
        return None
    return FunctionRecord(
        operation_code=op, code=code, name=name, kind=kind or FunctionKind.FUNCTION, description=v.get("description", ""),
        department=v.get("department", ""), frequency=v.get("frequency", ""), basis=basis,
        basis_detail=v.get("basis_detail", ""), yearly_cost_kyen=cost, system=v.get("system") or None,
        mapped=tuple(dict.fromkeys(mapped)), outside_spec=outside, disposition=disposition, note=v.get("note", ""),
        target_system=v.get("target_system") or None,
    )


def _choice(v: dict[str, str], name: str, enum_cls: Any, default: Any, bad: Any) -> Any:
    text = v.get(name, "")
    if not text:
        return default
    found = parse_label(enum_cls, text)
    if found is None:
        bad(header_of(name), f"{header_of(name)}「{text}」は読めません", f"次のどれかにしてください: {'、'.join(m.value for m in enum_cls)}")
    return found


def _split_keys(text: str) -> Iterable[str]:
    return [p.strip() for p in re.split(r"[;；、,，\n]+", text) if p.strip()]


def parse_requirement_ref(text: str) -> tuple[str, str]:
    """'機能 0010001', '帳票:0020001', '0010001' (a 機能), or '002:機能:0020001' for another operation's
    requirement → (kind, ID); the ID keeps the operation when it names one."""
    s = unicodedata.normalize("NFKC", text).strip()
    parts = [p for p in re.split(r"[:\s]+", s) if p]
    if len(parts) == 3 and parts[0].isdigit():
        op, kind, rid = parts
        if kind not in (RequirementKind.FUNCTION.value, RequirementKind.FORM.value):
            raise ValueError(f"要件の種別は 機能 か 帳票 です: {text!r}")
        return (kind, f"{op.zfill(3)}:{kind}:{rid}")
    if len(parts) == 2 and parts[0] in (RequirementKind.FUNCTION.value, RequirementKind.FORM.value):
        return (parts[0], parts[1])
    if len(parts) == 1:
        return (RequirementKind.FUNCTION.value, parts[0])
    raise ValueError(f"要件の指定が読めません: {text!r}（例: 機能 0010001、帳票 0020001）")

