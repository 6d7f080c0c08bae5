"""Dispositions as the guidance words them: one vocabulary for requirement gaps and 独自機能 alike.

A gap (a requirement the current system and work do not meet) or a current function outside the spec is
closed by a decision. Customising a standard system is allowed only where truly unavoidable (標準化法 §8(2),
基本方針); a body's own policy functions go to separate, loosely coupled systems through the standard
interfaces. Most decisions change the work, not the system: those create (or join) a 業務見直し item.

Each value carries its rule: what it requires (a reason, the option, the system, the 共通機能) and whether it
changes the work. Plain data; the services check it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Disposition(StrEnum):
    """The decision for a gap or a function outside the spec (対応方針)."""

    BPR = "業務見直し"
    OPERATION = "運用で対応"
    OPTION = "標準オプションで対応"
    PARAMETER = "パラメータ設定で対応"
    COMMON = "共通機能で対応"
    EXISTING_SYSTEM = "既存の別システムで実現"
    SEPARATE_SYSTEM = "独自施策システム"
    STANDARD_LINK = "標準の連携で他システムが取得"
    CUSTOMIZE = "カスタマイズ"
    DROP = "廃止"
    VENDOR = "ベンダ要協議"
    UNDECIDED = "要検討"
    # the words of earlier versions, read as today's (EUC is a 共通機能)
    EUC = "共通機能で対応"


class Needs(StrEnum):
    """What a decision must name besides itself."""

    NOTHING = ""
    REASON = "理由"
    OPTION = "標準オプションの要件"
    NEW_SYSTEM = "独自施策システム（新規または既存）"
    EXISTING_SYSTEM = "既存のシステム"


@dataclass(frozen=True)
class Rule:
    meaning: str  # 日本語, as the docs table (docs/dispositions.md) and the help show it
    needs: Needs
    for_requirements: bool = True  # a requirement gap may take it
    changes_work: bool = False  # creates (or joins) a 業務見直し item


RULES: dict[Disposition, Rule] = {
    Disposition.BPR: Rule("業務の流れ・例規・様式などを標準に合わせて変える", Needs.NOTHING, changes_work=True),
    Disposition.OPERATION: Rule("システムの外の事務（手作業・様式・窓口手順）で行う", Needs.NOTHING, changes_work=True),
    Disposition.OPTION: Rule("標準オプション機能を採用して行う。その要件が採用（確認済み）され、ベンダが「標準で対応」と"
                             "回答するまで未決のまま", Needs.OPTION),
    Disposition.PARAMETER: Rule("標準準拠システムのパラメータ設定で行う", Needs.NOTHING),
    Disposition.COMMON: Rule("共通機能（EUC、申請管理、統合収納 など）で行う（どの共通機能かを書ける）", Needs.NOTHING),
    Disposition.EXISTING_SYSTEM: Rule("既存の別システムで行う（システムを指定）", Needs.EXISTING_SYSTEM),
    Disposition.SEPARATE_SYSTEM: Rule("独自施策システム（標準の連携機能で疎結合）で行う。ないシステムは関連システムとして追加",
                                      Needs.NEW_SYSTEM),
    Disposition.STANDARD_LINK: Rule("他のシステムが標準の連携（公開API・ファイル連携）でデータを取得して行う（システムを指定）",
                                    Needs.EXISTING_SYSTEM),
    Disposition.CUSTOMIZE: Rule("標準準拠システムをカスタマイズする。真にやむを得ない場合だけ（理由必須）", Needs.REASON),
    Disposition.DROP: Rule("現行の機能をやめる（独自機能だけ）", Needs.NOTHING, for_requirements=False),
    Disposition.VENDOR: Rule("ベンダと協議中（回答待ち）", Needs.NOTHING),
    Disposition.UNDECIDED: Rule("まだ決めていない", Needs.NOTHING),
}

# old values (schema 12 and earlier, files written by earlier versions) → today's, with the detail they imply
MIGRATED: dict[str, tuple[Disposition, str]] = {
    "EUC": (Disposition.COMMON, "EUC"),
    "ベンダ対応待ち": (Disposition.VENDOR, ""),
}

_SYNONYMS = {
    "BPR": Disposition.BPR, "業務の見直し": Disposition.BPR, "業務フロー見直し": Disposition.BPR,
    "運用": Disposition.OPERATION, "運用対応": Disposition.OPERATION,
    "オプション": Disposition.OPTION, "標準オプション": Disposition.OPTION,
    "パラメータ": Disposition.PARAMETER, "パラメータ設定": Disposition.PARAMETER, "設定で対応": Disposition.PARAMETER,
    "EUC": Disposition.COMMON, "共通機能": Disposition.COMMON,
    "既存システム": Disposition.EXISTING_SYSTEM, "別システム": Disposition.EXISTING_SYSTEM,
    "独自施策": Disposition.SEPARATE_SYSTEM, "疎結合": Disposition.SEPARATE_SYSTEM,
    "標準の連携": Disposition.STANDARD_LINK, "公開API": Disposition.STANDARD_LINK, "ファイル連携": Disposition.STANDARD_LINK,
    "標準の連携(公開API・ファイル連携)で他システムが取得": Disposition.STANDARD_LINK,
    "カスタマイズ(真にやむを得ない場合)": Disposition.CUSTOMIZE,
    "ベンダ対応待ち": Disposition.VENDOR, "ベンダ協議": Disposition.VENDOR, "ベンダー要協議": Disposition.VENDOR,
    "要協議": Disposition.VENDOR, "検討中": Disposition.UNDECIDED, "未定": Disposition.UNDECIDED,
}


def parse(text: object) -> Disposition | None:
    """The decision a cell or an argument names (today's words, the old ones, short forms); None if unknown."""
    if text is None:
        return None
    s = "".join(unicodedata.normalize("NFKC", str(text)).split())
    if not s:
        return None
    for member in Disposition:
        if "".join(unicodedata.normalize("NFKC", member.value).split()) == s:
            return member
    return _SYNONYMS.get(s)




def for_requirements() -> list[Disposition]:
    """The decisions a requirement gap may take, in the order pickers and drop-downs list them."""
    return [d for d in Disposition if RULES[d].for_requirements]




def changes_work(d: Disposition | None) -> bool:
    return d is not None and RULES[d].changes_work


def needs_system(d: Disposition | None) -> bool:
    """The decision names the system that takes the work over (a new one only for 独自施策システム)."""
    return d is not None and RULES[d].needs in (Needs.NEW_SYSTEM, Needs.EXISTING_SYSTEM)


def takes_detail(d: Disposition | None) -> bool:
    """The decision names what it uses: the option (標準オプションで対応) or the 共通機能 (EUC, 申請管理 …)."""
    return d in (Disposition.OPTION, Disposition.COMMON)


def reason_missing(d: Disposition | None, note: str) -> bool:
    """A decision that needs its reason (カスタマイズ) without one: the editor of the reason opens first."""
    return d is not None and RULES[d].needs == Needs.REASON and not note.strip()


def problem(d: Disposition | None, *, for_function: bool, note: str = "", detail: str = "",
            system: str | None = None) -> str | None:
    """Why this decision cannot be recorded as given (日本語), or None: the same rule for a requirement gap
    (the workbench, the review workbook) and a 独自機能. ``detail`` names the option (a requirement gap:
    機能:0010005) or the 共通機能; ``system`` the system that takes it over."""
    if d is None:
        return None
    rule = RULES[d]
    if not for_function and not rule.for_requirements:
        return f"{d.value} は独自機能にだけ設定できます（要件のギャップは標準に合わせて閉じます）"
    if rule.needs == Needs.REASON and not note.strip():
        return f"{d.value} には理由（メモ）が必要です（標準化法 §8(2): 真にやむを得ない場合だけ）"
    if rule.needs == Needs.OPTION and (not detail.strip() or (not for_function and option_key(detail) is None)):
        return f"{d.value} には採用する標準オプションの要件（機能:0010005 など）の指定が必要です"
    if rule.needs in (Needs.NEW_SYSTEM, Needs.EXISTING_SYSTEM) and not (system or "").strip():
        return f"{d.value} にはシステムの指定が必要です"
    return None


def option_adopted(option_status: object) -> bool:
    """A gap decided 標準オプションで対応 is decided once the option it names is adopted (marked 適合); until
    then it counts as open (storage.readiness.option_pending is the same rule in SQL)."""
    return str(getattr(option_status, "value", option_status)) == "適合"


def option_key(detail: str) -> tuple[str, str] | None:
    """The option requirement a 標準オプションで対応 names: ``機能:0010005``, ``帳票:0010005`` or a bare ID
    (a 機能); None when the text names none. (Whether it is an option of the operation, the service checks.)"""
    s = "".join(unicodedata.normalize("NFKC", detail).split())
    kind, _, rid = s.rpartition(":")
    kind = kind.rsplit(":", 1)[-1] or "機能"  # '001:機能:0010005' names the same requirement
    if kind not in ("機能", "帳票") or not rid:
        return None
    return kind, rid


def readme_table() -> list[tuple[str, str, str, str]]:
    """(value, meaning, what it requires, 業務見直し) rows, for the docs (docs/dispositions.md) and the help."""
    rows = []
    for d in Disposition:
        if d.name == "EUC":
            continue
        r = RULES[d]
        rows.append((d.value, r.meaning, r.needs.value or "—", "作る" if r.changes_work else ""))
    return rows
