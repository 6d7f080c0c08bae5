"""Enumerations of the domain. Values are the Japanese labels users read and the database stores."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from fitgap.domain.dispositions import Disposition


class Kubun(StrEnum):
    """実装区分 (類型) of a requirement."""

    MUST = "実装必須機能"
    FORBIDDEN = "実装不可機能"
    OPTION = "標準オプション機能"

    @property
    def short(self) -> str:
        return {"実装必須機能": "必須", "実装不可機能": "不可", "標準オプション機能": "オプション"}[self.value]

    @classmethod
    def parse(cls, text: object) -> Kubun | None:
        """Read today's wording, the old wording, 類型1/2/3 and short forms; None when unknown."""
        if text is None:
            return None
        s = unicodedata.normalize("NFKC", str(text)).strip()
        s = "".join(s.split())
        if not s:
            return None
        s = s.replace("（相当）", "").replace("(相当)", "")
        for prefix in ("経過措置", "【経過措置】", "[経過措置]"):
            s = s.replace(prefix, "")
        s = s.strip("()（）・:：")
        if s in _KUBUN_WORDS:
            return _KUBUN_WORDS[s]
        for word, kubun in _KUBUN_WORDS.items():
            if len(word) >= 4 and word in s:
                return kubun
        return None


_KUBUN_WORDS: dict[str, Kubun] = {
    # today's wording
    "実装必須機能": Kubun.MUST,
    "実装必須": Kubun.MUST,
    "実装不可機能": Kubun.FORBIDDEN,
    "実装不可": Kubun.FORBIDDEN,
    "標準オプション機能": Kubun.OPTION,
    "標準オプション": Kubun.OPTION,
    # old wording (2020–21)
    "実装すべき機能": Kubun.MUST,
    "実装すべき": Kubun.MUST,
    "実装しない機能": Kubun.FORBIDDEN,
    "実装しない": Kubun.FORBIDDEN,
    "実装してもしなくても良い機能": Kubun.OPTION,
    "実装してもしなくてもよい機能": Kubun.OPTION,
    "実装してもしなくても良い": Kubun.OPTION,
    "実装してもしなくてもよい": Kubun.OPTION,
    # 類型
    "類型1": Kubun.MUST,
    "類型2": Kubun.FORBIDDEN,
    "類型3": Kubun.OPTION,
    "1": Kubun.MUST,
    "2": Kubun.FORBIDDEN,
    "3": Kubun.OPTION,
    # short forms
    "必須": Kubun.MUST,
    "不可": Kubun.FORBIDDEN,
    "オプション": Kubun.OPTION,
    "任意": Kubun.OPTION,
    "○": Kubun.MUST,
    "◎": Kubun.MUST,
}


def is_transitional(text: object) -> bool:
    """True when a 実装区分 cell marks the item as transitional (経過措置)."""
    return text is not None and "経過措置" in unicodedata.normalize("NFKC", str(text))


class RequirementKind(StrEnum):
    FUNCTION = "機能"
    FORM = "帳票"


class Status(StrEnum):
    """How the current system and work compare with a requirement."""

    UNCHECKED = "未確認"
    FIT = "適合"
    GAP = "ギャップ"
    NOT_APPLICABLE = "対象外"


__all__ = ["Disposition"]  # one vocabulary for gaps and 独自機能: see domain.dispositions


class Severity(StrEnum):
    """Derived from class × status: what the item demands of the municipality."""

    MUST_CLOSE = "要対応"  # 実装必須 × ギャップ
    MUST_REMOVE = "要廃止"  # 実装不可 × 適合 (reverse gap)
    DECIDE = "要判断"  # 標準オプション without a decision


class VendorAnswerKind(StrEnum):
    """A vendor's answer to one requirement."""

    STANDARD = "標準で対応"
    AFTER_DEADLINE = "期限後対応"
    ALTERNATIVE = "代替案あり"
    IMPOSSIBLE = "対応不可"
    DISCUSS = "要協議"


class SystemKind(StrEnum):
    STANDARD = "標準化対象"
    RELATED = "関連システム"
    EXTERNAL = "外部"


class DeadlineKind(StrEnum):
    FY2025 = "FY2025末"
    TOKUTEI = "特定移行支援"
    CUSTOM = "個別設定"


class LinkMethod(StrEnum):
    API = "API"
    FILE = "ファイル"
    SHARED_DB = "DB共有"


class MilestoneKind(StrEnum):
    ANALYSIS = "比較分析完了"
    VENDOR = "ベンダ決定"
    CONTRACT = "契約"
    DATA_MIGRATION = "データ移行"
    GO_LIVE = "本番稼働"


class ChangeStatus(StrEnum):
    """Progress of an interface change (改修) of one data link."""

    NOT_STARTED = "未着手"
    SURVEY = "調査中"
    IN_PROGRESS = "改修中"
    TESTED = "連携テスト済"
    DONE = "完了"

    @property
    def rank(self) -> int:
        return list(ChangeStatus).index(self)


class DeadlineBasis(StrEnum):
    """Where a system's date comes from: the law, the systems it exchanges data with, or a user."""

    LEGAL = "期限"  # serves one of the 20 operations: the legal deadline (FY2025末 or 特定移行支援)
    NEEDED_BY = "必要日"  # not one of the 20 operations: needed by the cut-over of the systems it links to
    MANUAL = "手動設定"  # a date set by hand wins
