"""Column-name synonyms of the official requirement lists, and how header cells are read.

Ministries name the same column differently (機能ID / 要件ID / 帳票ID, 機能要件 / 要件 …) and change the
names between versions. A header cell is normalised (NFKC, no whitespace, bracketed remarks and ※ notes
removed, ASCII lower-cased) and looked up here.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class Column(StrEnum):
    """The fields a requirement list can have. Values are the keys used in mapping profiles."""

    REQ_ID = "req_id"
    NAME = "name"
    TEXT = "text"
    KUBUN = "kubun"
    REASON = "reason"
    NOTE = "note"
    CATEGORY = "category"
    KIND = "kind"
    TRANSITIONAL = "transitional"
    ITEM_NO = "item_no"  # 項番: the ID only when the list has no 機能ID column
    MARK_MUST = "mark_must"  # 実装必須 ○ (one column per class)
    MARK_OPTION = "mark_option"
    MARK_FORBIDDEN = "mark_forbidden"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Column.REQ_ID: "機能ID/帳票ID",
    Column.NAME: "機能名称/帳票名称",
    Column.TEXT: "機能要件/帳票要件",
    Column.KUBUN: "実装区分",
    Column.REASON: "要件の考え方・理由",
    Column.NOTE: "備考",
    Column.CATEGORY: "大分類/中分類/小分類",
    Column.KIND: "種別(機能/帳票)",
    Column.TRANSITIONAL: "経過措置",
    Column.ITEM_NO: "項番",
    Column.MARK_MUST: "実装必須機能(○)",
    Column.MARK_OPTION: "標準オプション機能(○)",
    Column.MARK_FORBIDDEN: "実装不可機能(○)",
}

SYNONYMS: dict[Column, tuple[str, ...]] = {
    Column.REQ_ID: (
        "機能id", "帳票id", "要件id", "機能要件id", "帳票要件id", "id", "要件番号", "機能番号",
        "帳票番号", "管理番号", "機能・帳票id", "req_id",
    ),
    Column.NAME: (
        "機能名称", "帳票名称", "機能名", "帳票名", "要件名", "要件名称", "名称", "機能要件名", "name",
    ),
    Column.TEXT: (
        "機能要件", "帳票要件", "要件", "要件内容", "要件の内容", "機能要件の内容", "帳票要件の内容",
        "機能内容", "機能概要", "帳票概要", "帳票の概要", "機能の概要", "概要", "内容", "機能説明", "説明",
        "要件本文", "text",
    ),
    Column.KUBUN: (
        "実装区分", "区分", "類型", "実装類型", "機能区分", "要件区分", "実装区分・類型", "kubun",
    ),
    Column.REASON: (
        "要件の考え方・理由", "要件の考え方", "考え方・理由", "考え方", "理由", "要件の考え方及び理由",
        "reason",
    ),
    Column.NOTE: ("備考", "補足", "留意事項", "注記", "note"),
    Column.CATEGORY: (
        "大分類", "中分類", "小分類", "分類", "機能分類", "業務分類", "機能グループ", "カテゴリ",
        "大項目", "中項目", "小項目", "category",
    ),
    Column.KIND: ("種別", "要件種別", "機能/帳票", "機能・帳票", "kind"),
    Column.TRANSITIONAL: ("経過措置", "経過措置対象", "transitional"),
    Column.ITEM_NO: ("項番", "no", "no.", "番号", "通番"),
    Column.MARK_MUST: ("実装必須機能", "実装必須", "類型1", "実装すべき機能", "必須機能"),
    Column.MARK_OPTION: ("標準オプション機能", "標準オプション", "類型3", "実装してもしなくても良い機能", "オプション機能"),
    Column.MARK_FORBIDDEN: ("実装不可機能", "実装不可", "類型2", "実装しない機能", "不可機能"),
}

MARK_COLUMNS: dict[Column, str] = {
    Column.MARK_MUST: "実装必須機能",
    Column.MARK_OPTION: "標準オプション機能",
    Column.MARK_FORBIDDEN: "実装不可機能",
}

_LOOKUP: dict[str, Column] = {word: col for col, words in SYNONYMS.items() for word in words}

_BRACKETS = re.compile(r"[（(【\[［<＜][^）)】\]］>＞]*[）)】\]］>＞]")
_NOTE = re.compile(r"[※＊*].*$")


def normalize_header(value: object) -> str:
    """The lookup form of a header cell: '機能ID\\n（7桁）' → '機能id', '備考※1' → '備考'."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value))
    s = "".join(s.split())
    s = _NOTE.sub("", s)
    stripped = _BRACKETS.sub("", s)
    return (stripped or s).lower()


def match_header(value: object) -> Column | None:
    """The field a header cell names, or None when it is not a known column name."""
    key = normalize_header(value)
    if not key:
        return None
    return _LOOKUP.get(key)


def header_text(value: object) -> str:
    """A header cell as shown to the user: one line, trimmed."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def column_letter_index(value: str) -> int | None:
    """0-based index of a column letter ('A' → 0, 'AB' → 27); None when it is not a letter reference."""
    s = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{1,3}", s):
        return None
    n = 0
    for ch in s:
        n = n * 26 + (ord(ch) - 64)
    return n - 1
