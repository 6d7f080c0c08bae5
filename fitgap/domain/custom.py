"""独自機能: the current system's functions that the standard specification does not have.

The standard specs are a whitelist. Every function of the current system (from the 現行機能一覧 the
current vendor provides) is either covered by requirements of the spec (標準内) or not (標準外); a
function outside the spec needs a decision before migration. Plain rules over plain data.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from fitgap.domain.dispositions import Disposition
from fitgap.domain.enums import Kubun, Status


class FunctionKind(StrEnum):
    """What a current function is."""

    FUNCTION = "機能"
    FORM = "帳票"
    SCREEN = "画面"
    BATCH = "バッチ"
    INTERFACE = "外部連携"


class LegalBasis(StrEnum):
    """Why the municipality does it."""

    LAW = "法令"
    ORDINANCE = "条例"
    RULES = "要綱"
    PRACTICE = "慣行"


CustomDisposition = Disposition  # one vocabulary for gaps and 独自機能: see domain.dispositions


class Coverage(StrEnum):
    """Whether the spec covers a current function."""

    UNCHECKED = "未確認"  # not yet compared with the spec
    IN_SPEC = "標準内"  # mapped to one or more requirements
    OUTSIDE = "標準外"  # marked as not in the spec


E = TypeVar("E", bound=StrEnum)

REVERSE_GAP = "要廃止"  # the function matches a 実装不可 requirement

_SYNONYMS: dict[type[StrEnum], dict[str, str]] = {
    FunctionKind: {"帳票出力": "帳票", "画面機能": "画面", "バッチ処理": "バッチ", "夜間バッチ": "バッチ",
                   "連携": "外部連携", "インタフェース": "外部連携", "インターフェース": "外部連携", "IF": "外部連携"},
    LegalBasis: {"法律": "法令", "政令": "法令", "省令": "法令", "規則": "条例", "要領": "要綱", "慣例": "慣行",
                 "運用": "慣行"},
}


def parse_label(enum_cls: type[E], text: object) -> E | None:
    """The member whose label (or a common synonym) the cell holds; None when empty or unknown."""
    if enum_cls is Disposition:  # one vocabulary: today's words, the old ones, short forms
        from fitgap.domain.dispositions import parse

        return parse(text)  # type: ignore[return-value]
    if text is None:
        return None
    s = "".join(unicodedata.normalize("NFKC", str(text)).split())
    if not s:
        return None
    s = _SYNONYMS.get(enum_cls, {}).get(s, s)
    for member in enum_cls:
        if unicodedata.normalize("NFKC", member.value) == s:
            return member
    return None


def coverage(*, mapped: int, outside_spec: bool) -> Coverage:
    if mapped:
        return Coverage.IN_SPEC
    return Coverage.OUTSIDE if outside_spec else Coverage.UNCHECKED


def is_reverse_gap(kubun_of_mapped: Iterable[Kubun]) -> bool:
    """A current function that matches a 実装不可 requirement must go (要廃止), as 実装不可 × 適合 does."""
    return any(k == Kubun.FORBIDDEN for k in kubun_of_mapped)


def needs_disposition(cov: Coverage, reverse_gap: bool, option_pending: bool = False) -> bool:
    """Functions outside the spec and reverse gaps need a decision; so does a function covered only by
    標準オプション that are not confirmed yet (see :func:`is_option_pending`); covered functions do not."""
    return cov == Coverage.OUTSIDE or reverse_gap or option_pending


def is_option_pending(mapped: Iterable[tuple[Kubun, bool]]) -> bool:
    """A function covered only by 標準オプション requirements is safe only when one of them is adopted (its
    assessment 適合 or ギャップ) and the chosen product implements it (a vendor answered 標準で対応). ``mapped``:
    (実装区分, adopted and implemented) of each mapped requirement of the current version."""
    found = list(mapped)
    return bool(found) and all(k == Kubun.OPTION for k, _ in found) and not any(ok for _, ok in found)


def option_confirmed(status: Status | str | None, implemented: bool) -> bool:
    return status in (Status.FIT, Status.GAP, Status.FIT.value, Status.GAP.value) and implemented


def is_undecided(cov: Coverage, reverse_gap: bool, disposition: CustomDisposition | None,
                 option_pending: bool = False) -> bool:
    """Counts against readiness: a function that needs a decision and has none (or 要検討); a function
    waiting for its 標準オプション stays open whatever its disposition says."""
    if option_pending:
        return True
    return needs_disposition(cov, reverse_gap) and disposition in (None, CustomDisposition.UNDECIDED)


def note_missing(disposition: CustomDisposition | None, note: str, required_for: Iterable[Status]) -> bool:
    """The note rule as for gaps: a function outside the spec is the mirror of a gap, so when the rule
    asks for a note on ギャップ, a disposition needs its reason."""
    return disposition is not None and Status.GAP in set(required_for) and not note.strip()


def assessment_mismatch(kubun: Kubun, status: Status) -> bool:
    """A current function covers this requirement, so the current system does it: a 実装不可 requirement
    whose assessment is not 適合 contradicts the inventory (the reverse gap would be missed)."""
    return kubun == Kubun.FORBIDDEN and status != Status.FIT


@dataclass(frozen=True, slots=True)
class FunctionRecord:
    """One current function as read from a 現行機能一覧 (or typed): what the inventory holds."""

    operation_code: str
    code: str
    name: str
    kind: FunctionKind = FunctionKind.FUNCTION
    description: str = ""
    department: str = ""
    frequency: str = ""
    basis: LegalBasis | None = None
    basis_detail: str = ""
    yearly_cost_kyen: float | None = None
    system: str | None = None  # name of the current system
    mapped: tuple[tuple[str, str], ...] = ()  # (kind, req_id) of the requirements that cover it
    outside_spec: bool = False
    disposition: CustomDisposition | None = None
    note: str = ""
    target_system: str | None = None


# Column headers of the inventory workbook fitgap writes and reads back (importers add synonyms).
INVENTORY_HEADERS: dict[str, str] = {
    "operation_code": "業務コード",
    "code": "機能番号",
    "name": "機能名",
    "kind": "種別",
    "description": "説明",
    "department": "利用課",
    "frequency": "利用頻度",
    "basis": "根拠",
    "basis_detail": "根拠法令等",
    "yearly_cost_kyen": "年間費用（千円）",
    "system": "システム",
    "mapped": "対応要件",
    "outside_spec": "標準外",
    "disposition": "対応方針",
    "note": "理由",
    "target_system": "移行先システム",
}
VERDICT_HEADER = "判定"  # written for reading only: 標準内 / 標準外 / 要廃止 / 要判断 / the disposition

# The purposes written in the metadata sheet: the inventory is read back by import; the vendor variant is
# read back by fitgap custom import vendor (domain.custom_vendor); custom import refuses it by this mark.
PURPOSE_INVENTORY = "custom_inventory"
PURPOSE_CUSTOM_VENDOR = "custom_vendor"

