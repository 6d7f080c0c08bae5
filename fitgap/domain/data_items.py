"""データ要件: the data items of an operation's 基本データリスト (項目定義書) and how the current data fits them.

The second half of the Fit & Gap. Every standard system reads and writes the data items of the
データ要件・連携要件標準仕様書; a municipality checks, item by item, whether its current system holds the item
(保持状況), which current field feeds it and how (現行項目, 移行方法), how the current type and length compare
(現行の型・桁数), how its codes map to the standard codes (コード対応), and what its vendor answers.

An item is identified by its 8-digit データ項目ID: the 3-digit 業務コード and a 5-digit number (031 + 00001).
Its assessment is keyed by that ID, so it outlives versions of the list. Plain rules over plain data.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar


class Holding(StrEnum):
    """保持状況: whether the current system holds the item."""

    HELD = "保持"
    PARTLY = "一部保持"
    NOT_HELD = "未保持"
    OTHER_SYSTEM = "他システムで保持"
    PAPER = "紙のみ"
    NOT_APPLICABLE = "対象外"


class FieldMethod(StrEnum):
    """How the current field(s) feed the item (移行方法)."""

    AS_IS = "そのまま"
    CONVERT = "変換"
    SPLIT = "分割"
    JOIN = "結合"
    MANUAL = "手入力"
    NOT_MIGRATED = "移行しない"


class DataAnswer(StrEnum):
    """A vendor's answer for one data item."""

    OK = "移行可"
    CONVERT = "変換要"
    MANUAL = "手入力"
    IMPOSSIBLE = "移行不可"


class OutputCondition(StrEnum):
    """データ出力条件: whether a value must be set when the item is output."""

    REQUIRED = "必須"
    CONDITIONAL = "条件付き必須"
    OPTIONAL = "任意"


class DataVerdict(StrEnum):
    """Where one item stands: the one rule the list, status, home screen and reports all read."""

    UNCHECKED = "未確認"
    REVIEW = "要再確認"  # the definition changed since it was assessed
    BLOCKER = "阻害"  # required, not held and no plan (or the vendor cannot migrate it)
    TODO = "要対応"  # assessed, but needs work: partly held, conversion, codes unmapped
    READY = "準備済"
    NOT_APPLICABLE = "対象外"


# the data types of the 凡例）データ型 sheet, as the official workbooks spell them
DATA_TYPES = ("X", "Ｎ", "9", "9V", "S9", "BLOB", "YEAR", "DATE", "TIME")
# what a current field may be besides those: dates in 和暦, text of mixed width, something else
CURRENT_TYPES = (*DATA_TYPES, "和暦", "混在", "その他")

_TYPE_WORDS = {
    "X": "X", "半角": "X", "半角文字": "X", "半角文字列": "X", "CHAR": "X", "VARCHAR": "X",
    "N": "Ｎ", "全角": "Ｎ", "全角文字": "Ｎ", "全角文字列": "Ｎ", "NCHAR": "Ｎ", "NVARCHAR": "Ｎ",
    "9": "9", "整数": "9", "数値": "9", "NUMBER": "9", "INTEGER": "9", "INT": "9",
    "9V": "9V", "小数": "9V", "小数点付き実数": "9V", "DECIMAL": "9V",
    "S9": "S9", "符号付き整数": "S9",
    "BLOB": "BLOB", "画像": "BLOB",
    "YEAR": "YEAR", "西暦年": "YEAR",
    "DATE": "DATE", "日付": "DATE", "西暦日付": "DATE",
    "TIME": "TIME", "時刻": "TIME",
    "和暦": "和暦", "和暦日付": "和暦", "和暦年": "和暦",
    "混在": "混在", "全半混在": "混在",
    "その他": "その他",
}

_SYNONYMS: dict[type[StrEnum], dict[str, str]] = {
    Holding: {"あり": "保持", "有": "保持", "○": "保持", "一部": "一部保持", "△": "一部保持", "なし": "未保持",
              "無": "未保持", "×": "未保持", "他システム": "他システムで保持", "紙": "紙のみ", "紙台帳": "紙のみ",
              "不要": "対象外", "-": "対象外"},
    FieldMethod: {"変換要": "変換", "変換あり": "変換", "分割要": "分割", "結合要": "結合", "手入力要": "手入力",
                  "移行不要": "移行しない", "移行なし": "移行しない", "そのまま移行": "そのまま"},
    DataAnswer: {"可": "移行可", "移行できる": "移行可", "変換": "変換要", "要変換": "変換要", "不可": "移行不可",
                 "移行できない": "移行不可", "手入力要": "手入力"},
    OutputCondition: {"条件付": "条件付き必須", "条件付必須": "条件付き必須", "条件付き": "条件付き必須"},
}


E = TypeVar("E", bound=StrEnum)


def parse_label(enum_cls: type[E], text: object) -> E | None:
    """The member whose label (or a common synonym) the text holds; None when empty or unknown."""
    if text is None:
        return None
    s = "".join(unicodedata.normalize("NFKC", str(text)).split())
    if not s:
        return None
    for member in enum_cls:
        if "".join(unicodedata.normalize("NFKC", member.value).split()) == s:
            return member
    word = _SYNONYMS.get(enum_cls, {}).get(s)
    return enum_cls(word) if word else None


def labels(enum_cls: type[StrEnum]) -> str:
    return "、".join(m.value for m in enum_cls)


def parse_type(text: object) -> str | None:
    """A data type as the official workbooks write it (X, Ｎ, 9, 9V, S9, DATE …); None when unknown."""
    if text is None:
        return None
    s = "".join(unicodedata.normalize("NFKC", str(text)).split()).upper()
    if not s:
        return None
    return _TYPE_WORDS.get(s) or _TYPE_WORDS.get(s.replace("型", ""))


# ---- the 8-digit ID, 桁数 and 標準仕様書関連箇所 ----------------------------------------------------

ITEM_ID = re.compile(r"^\d{8}$")


def item_id(business_code: object, number: object) -> str | None:
    """The 8-digit データ項目ID from the sheet's two columns (業務コード, 項目番号); None when they are not numbers."""
    b = _digits(business_code)
    n = _digits(number)
    if b is None or n is None or len(b) > 3 or len(n) > 5:
        return None
    return b.zfill(3) + n.zfill(5)


def parse_item_id(text: object) -> str | None:
    """An ID typed or pasted: 03100001, 031-00001, 031 1, ０３１００００１; None when it is not one."""
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text)).strip()
    if ITEM_ID.match(s):
        return s
    parts = re.split(r"[\s\-_:]+", s)
    if len(parts) == 2:
        return item_id(*parts)
    return None


def _digits(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    s = unicodedata.normalize("NFKC", str(value)).strip()
    return s if s.isdigit() else None


def parse_length(text: object) -> tuple[int, int | None] | None:
    """桁数: ``15`` → (15, None); ``5,2`` (9V: integer and fraction digits) → (5, 2); None when unreadable."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = "".join(unicodedata.normalize("NFKC", str(text)).split()).replace("、", ",").replace(".", ",")
    m = re.fullmatch(r"(\d+)(?:,(\d+))?", s)
    if not m:
        return None
    return int(m.group(1)), (int(m.group(2)) if m.group(2) is not None else None)


def length_text(length: tuple[int, int | None] | None) -> str:
    if length is None:
        return ""
    return f"{length[0]},{length[1]}" if length[1] is not None else str(length[0])


def code_list_id(text: object) -> str:
    """The コード column: a code-list ID (``002`` and ``2`` are the same list) or a 連携 list's name."""
    if text is None:
        return ""
    d = _digits(text)
    if d is not None:
        return str(int(d))
    return unicodedata.normalize("NFKC", str(text)).strip()


FREE_CODE_LIST = "999"  # 自治体固有コード: the municipality defines the codes; nothing to map against

_FUNCTION_REF = re.compile(r"(\d{7})")


def function_ids(spec_ref: str) -> list[str]:
    """The 機能IDs a 標準仕様書関連箇所 names (``0310002住登外者宛名情報管理機能`` → ["0310002"])."""
    return list(dict.fromkeys(_FUNCTION_REF.findall(unicodedata.normalize("NFKC", spec_ref or ""))))


def split_condition(description: str) -> str:
    """The condition of a 条件付き必須 item: what 項目説明 writes after ※※ (one line per ※※)."""
    found = []
    for part in (description or "").split("※※")[1:]:
        line = part.strip().splitlines()[0].strip() if part.strip() else ""
        if line:
            found.append(line)
    return "\n".join(found)


# ---- what a definition is, for versions ---------------------------------------------------------

# the fields whose change makes an assessment 要再確認 (what the current data must fit)
DEFINITION_FIELDS = ("data_type", "length", "code_list", "condition", "output_required", "repeat")
# every field a new version may change (the diff lists them)
DIFF_FIELDS = ("name", "romaji", "group_name", "primary_key", "foreign_key", *DEFINITION_FIELDS, "definition",
               "description", "spec_ref")
FIELD_LABELS = {
    "name": "データ項目", "romaji": "ローマ字", "group_name": "グループ", "primary_key": "主キー",
    "foreign_key": "外部キー", "data_type": "データ型", "length": "桁数", "code_list": "コード",
    "condition": "データ出力条件", "output_required": "実装類型", "repeat": "繰り返し", "definition": "項目定義",
    "description": "項目説明", "spec_ref": "標準仕様書関連箇所",
}


def definition_hash(values: dict[str, object]) -> str:
    """A short hash of what the current data must fit (type, length, code list, condition …)."""
    text = "\x1f".join(str(values.get(f, "") or "") for f in DEFINITION_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# ---- rules ----------------------------------------------------------------------------------------


def is_required(condition: str | None, output_required: bool) -> bool:
    """必須 (a value must be set) or 実装類型 ○ (the item must be output)."""
    return condition == OutputCondition.REQUIRED or bool(output_required)


def has_plan(method: FieldMethod | str | None) -> bool:
    """A way to fill the item is decided (hand entry counts; 移行しない does not)."""
    return method is not None and method != "" and method != FieldMethod.NOT_MIGRATED


def verdict(*, required: bool, holding: Holding | str | None, method: FieldMethod | str | None,
            needs_review: bool = False, vendor_answer: DataAnswer | str | None = None,
            findings: int = 0, unmapped_codes: int = 0) -> DataVerdict:
    """Where one item stands. A required item that is 未保持 (or only on paper) with no plan, or that the
    vendor cannot migrate, blocks the migration."""
    if holding is None or holding == "":
        return DataVerdict.UNCHECKED
    if needs_review:
        return DataVerdict.REVIEW
    h = Holding(holding)
    if h == Holding.NOT_APPLICABLE:
        return DataVerdict.NOT_APPLICABLE
    if required and vendor_answer == DataAnswer.IMPOSSIBLE:
        return DataVerdict.BLOCKER
    if required and h in (Holding.NOT_HELD, Holding.PAPER) and not has_plan(method):
        return DataVerdict.BLOCKER
    if h in (Holding.PARTLY, Holding.NOT_HELD, Holding.PAPER) or findings or unmapped_codes:
        return DataVerdict.TODO
    if vendor_answer in (DataAnswer.CONVERT, DataAnswer.MANUAL, DataAnswer.IMPOSSIBLE):
        return DataVerdict.TODO
    return DataVerdict.READY


def blocker_reason(*, holding: Holding | str | None, vendor_answer: DataAnswer | str | None) -> str:
    if vendor_answer == DataAnswer.IMPOSSIBLE:
        return "必須の項目をベンダが移行不可と回答"
    return f"必須の項目が{holding}で、移行方法が決まっていません"


_MUNICIPAL_CODE = re.compile(r"(市区町村|団体|自治体)コード")


def type_findings(*, data_type: str, length: str, current_type: str, current_length: str,
                  name: str = "") -> list[str]:
    """What follows from the current type and length against the standard's (日本語, one line each)."""
    out: list[str] = []
    std = parse_type(data_type)
    cur = parse_type(current_type) if current_type else None
    std_len = parse_length(length)
    cur_len = parse_length(current_length)
    if std and cur:
        if std == "X" and cur == "Ｎ":
            out.append("全角→半角の変換が必要")
        elif std == "Ｎ" and cur == "X":
            out.append("半角→全角の変換が必要")
        elif std in ("X", "Ｎ") and cur == "混在":
            out.append(f"全角・半角の混在を{'半角' if std == 'X' else '全角'}にそろえる変換が必要")
        if cur == "和暦" and std in ("DATE", "YEAR"):
            out.append("和暦→西暦の変換が必要")
        elif cur in ("X", "Ｎ", "混在") and std in ("DATE", "YEAR", "TIME"):
            out.append(f"文字列→{std}（{'YYYY-MM-DD' if std == 'DATE' else 'YYYY' if std == 'YEAR' else 'HH:MM:SS'}）"
                       "の変換が必要")
        if cur in ("9", "9V", "S9") and std == "X":
            out.append("数値→文字列の変換が必要（先頭の0を補う桁そろえを確認）")
        elif cur in ("X", "Ｎ") and std in ("9", "9V", "S9"):
            out.append("文字列→数値の変換が必要（数字以外の値がないか確認）")
        if cur == "S9" and std in ("9", "9V"):
            out.append("負の値は標準では持てません（符号の扱いを確認）")
        if cur == "9V" and std in ("9", "S9"):
            out.append("小数部は標準では持てません（丸めを確認）")
    if std_len and cur_len:
        if (std == "X" and std_len[0] == 6 and cur_len[0] == 5 and _MUNICIPAL_CODE.search(name or "")):
            out.append("5桁→6桁 団体コード（検査数字を付加）")
        elif std_len[1] is not None or cur_len[1] is not None:
            si, sf = std_len[0], std_len[1] or 0
            ci, cf = cur_len[0], cur_len[1] or 0
            if ci > si:
                out.append(f"整数部の桁数超過（現行 {ci} 桁 > 標準 {si} 桁）")
            if cf > sf:
                out.append(f"小数部の桁数超過（現行 {cf} 桁 > 標準 {sf} 桁）")
        elif cur_len[0] > std_len[0] and std not in ("DATE", "TIME", "YEAR", "BLOB"):
            out.append(f"桁数超過（現行 {cur_len[0]} 桁 > 標準 {std_len[0]} 桁）")
    return out


# ---- profiling: characters that need 文字同定 -------------------------------------------------------


def is_gaiji_candidate(ch: str) -> bool:
    """外字候補: a character in the Private Use Area or outside JIS X 0213 (what 文字同定 to 行政事務標準文字
    works through). ASCII and the characters JIS X 0213 has are not."""
    cp = ord(ch)
    if cp < 0x80:
        return False
    if 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000:
        return True
    try:
        ch.encode("euc_jis_2004")
    except UnicodeEncodeError:
        return True
    return False


@dataclass(frozen=True)
class CodeCoverage:
    """How an item's current codes map to the standard codes."""

    mapped: int
    unmapped: int  # current codes with no standard code (or one the standard list does not have)


def code_coverage(mapping: Iterable[tuple[str, str]], standard_codes: Iterable[str], list_id: str) -> CodeCoverage:
    std = set(standard_codes)
    mapped = unmapped = 0
    for _current, target in mapping:
        if target and (list_id == FREE_CODE_LIST or not std or target in std):
            mapped += 1
        else:
            unmapped += 1
    return CodeCoverage(mapped, unmapped)


# ---- one item's outcome, and the counts every surface shows ------------------------------------------


@dataclass(frozen=True)
class ItemOutcome:
    """What follows for one item from its definition, assessment, code mapping, profile and vendor answer."""

    findings: tuple[str, ...]
    mapped_codes: int
    unmapped_codes: int
    gaiji: tuple[tuple[str, int], ...]  # 外字候補 of the profile: (character, count), most frequent first
    required: bool
    verdict: DataVerdict


def item_outcome(*, name: str, data_type: str, length: str, code_list: str, condition: str, output_required: bool,
                 holding: Holding | str | None, method: FieldMethod | str | None, current_type: str,
                 current_length: str, needs_review: bool, mapping: Iterable[tuple[str, str]],
                 standard_codes: Iterable[str], profiled: bool, outside_codes: int, gaiji_json: str | None,
                 vendor_answer: DataAnswer | str | None) -> ItemOutcome:
    """The one assembly of an item's outcome: the item list (services.data_items.rows_in) and the counts read
    without an ORM (storage.data_overview) both call it, so that a list filtered by 判定 and every count agree."""
    findings = tuple(type_findings(data_type=data_type, length=length, current_type=current_type,
                                   current_length=current_length, name=name)) if holding else ()
    cov = code_coverage(mapping, standard_codes, code_list)
    unmapped = cov.unmapped + (outside_codes if profiled and code_list else 0)
    gaiji = tuple(sorted(json.loads(gaiji_json or "{}").items(), key=lambda kv: (-kv[1], kv[0]))) if profiled else ()
    required = is_required(condition, output_required)
    return ItemOutcome(findings=findings, mapped_codes=cov.mapped, unmapped_codes=unmapped, gaiji=gaiji,
                       required=required,
                       verdict=verdict(required=required, holding=holding or None, method=method or None,
                                       needs_review=needs_review, vendor_answer=vendor_answer or None,
                                       findings=len(findings), unmapped_codes=unmapped))


class Counted(Protocol):
    """What the counts read of an item (a DataRow of services.data_items, or a row read without an ORM)."""

    @property
    def holding(self) -> Holding | str | None: ...
    @property
    def verdict(self) -> DataVerdict: ...
    @property
    def unmapped_codes(self) -> int: ...
    @property
    def gaiji(self) -> tuple[tuple[str, int], ...]: ...


@dataclass
class DataCounts:
    """One operation's data items as every surface counts them (fitgap data status, fitgap status, the
    readiness report)."""

    items: int = 0
    assessed: int = 0  # 保持状況 set (対象外 included)
    ready: int = 0  # 準備済 or 対象外
    blockers: int = 0  # 必須未保持 with no plan, or 移行不可
    review: int = 0  # 要再確認
    todo: int = 0
    unmapped_items: int = 0  # items with a code list and unmapped current codes
    unmapped_codes: int = 0
    gaiji_items: int = 0  # items whose profile found 外字候補
    gaiji_chars: int = 0  # distinct 外字候補 characters
    version: str = ""

    @property
    def assessed_pct(self) -> float:
        return 100.0 * self.assessed / self.items if self.items else 0.0

    @property
    def ready_pct(self) -> float:
        return 100.0 * self.ready / self.items if self.items else 0.0


def counts_of(rows: Iterable[Counted]) -> DataCounts:
    c = DataCounts()
    chars: set[str] = set()
    for r in rows:
        c.items += 1
        c.assessed += r.holding is not None and r.holding != ""
        c.ready += r.verdict in (DataVerdict.READY, DataVerdict.NOT_APPLICABLE)
        c.blockers += r.verdict == DataVerdict.BLOCKER
        c.review += r.verdict == DataVerdict.REVIEW
        c.todo += r.verdict == DataVerdict.TODO
        if r.unmapped_codes:
            c.unmapped_items += 1
            c.unmapped_codes += r.unmapped_codes
        if r.gaiji:
            c.gaiji_items += 1
            chars.update(ch for ch, _ in r.gaiji)
    c.gaiji_chars = len(chars)
    return c
