"""The vendor's answers to the current functions outside the spec (独自機能回答票), pure rules.

The municipality keeps to the standard (the whitelist): a function outside the spec is either given up,
done by a standard function or a standard option the vendor names by its 機能ID, moved to a 独自施策システム
(loosely coupled through the standard interfaces), done with EUC (共通機能), or is impossible / to discuss.
"The standard product does it" is no answer here: it would be a function inside the spec.

An answer never decides by itself: :data:`IMPLIED_DISPOSITION` is what the municipality may record after
reading it (our own mapping, kept here while the disposition vocabulary is reworked elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fitgap.domain.answer_sheet import KEY_SEP, SheetKey
from fitgap.domain.text import nfkc


class CustomVendorAnswerKind(StrEnum):
    """A vendor's answer to how a current function outside the spec can be covered."""

    STANDARD = "標準機能で代替"  # names the standard function(s) by 機能ID
    OPTION = "標準オプションで対応"  # names the standard option function(s) by 機能ID
    SEPARATE = "独自施策システムで対応"
    EUC = "共通機能・EUCで対応"  # no full-width brackets: a choice is compared after NFKC
    IMPOSSIBLE = "対応不可"
    DISCUSS = "要協議"


NEEDS_ID = frozenset({CustomVendorAnswerKind.STANDARD, CustomVendorAnswerKind.OPTION})

# what the municipality may record after reading an answer: the words of the disposition, the first that the
# vocabulary of the day has (共通機能で対応 was EUC); none when the answer names standard functions to map to,
# or leaves the decision to the municipality (対応不可: 廃止 or 業務見直し)
IMPLIED_DISPOSITION: dict[CustomVendorAnswerKind, tuple[str, ...]] = {
    CustomVendorAnswerKind.STANDARD: (),  # custom map OP:CODE --add 機能:ID (the function is in the spec)
    CustomVendorAnswerKind.OPTION: ("標準オプションで対応",),
    CustomVendorAnswerKind.SEPARATE: ("独自施策システム",),
    CustomVendorAnswerKind.EUC: ("共通機能で対応", "EUC"),
    CustomVendorAnswerKind.IMPOSSIBLE: (),
    CustomVendorAnswerKind.DISCUSS: ("ベンダ要協議",),
}

# ---- the row key: <operation>|<function number>|独自|<revision at export>| ----------------------------

CUSTOM_MARK = "独自"


def _escape(code: str) -> str:
    return code.replace("%", "%25").replace(KEY_SEP, "%7C")


def _unescape(code: str) -> str:
    return code.replace("%7C", KEY_SEP).replace("%25", "%")


def custom_key(operation_code: str, code: str, revision: int) -> str:
    """The hidden key of a function's row: read back by decode_key as a key without a requirement kind whose
    text hash is 独自 and whose revision is the function's at export (a later change makes the row stale)."""
    return KEY_SEP.join([operation_code, _escape(code), CUSTOM_MARK, str(revision), ""])


def is_custom_key(key: SheetKey) -> bool:
    return not key.kind and key.text_hash == CUSTOM_MARK and key.revision is not None and bool(key.req_id)


def function_code(key: SheetKey) -> str:
    """The function number a custom key names."""
    return _unescape(key.req_id)


def function_label(key: SheetKey) -> str:
    return f"現行機能 {key.operation_code}:{function_code(key)}"


# ---- the standard IDs a row names -----------------------------------------------------------------------

_SPLIT = re.compile(r"[、,;\s]+")
_TOKEN = re.compile(r"^(?:(?P<op>\d{1,3}):)?(?:(?P<kind>機能|帳票):?)?(?P<id>[^:]+)$")


@dataclass(frozen=True, slots=True)
class StandardRef:
    operation_code: str | None  # None: the function's own operation
    kind: str  # 機能 / 帳票
    req_id: str

    def text(self, operation_code: str) -> str:
        """As ``custom map --add`` takes it (the operation only when another one's)."""
        own = self.operation_code in (None, operation_code)
        return f"{self.kind}:{self.req_id}" if own else f"{self.operation_code}:{self.kind}:{self.req_id}"


def parse_standard_ids(text: str | None) -> tuple[list[StandardRef], list[str]]:
    """The standard functions a cell names (機能:0010005、帳票:0010010、0010006 — 機能 when no kind is
    given, 002:機能:0020001 for another operation), and the parts that could not be read."""
    refs: list[StandardRef] = []
    bad: list[str] = []
    for token in _SPLIT.split(nfkc(text or "").replace("：", ":").replace("；", ";")):
        if not token:
            continue
        m = _TOKEN.match(token)
        if m is None:
            bad.append(token)
            continue
        ref = StandardRef(m["op"].zfill(3) if m["op"] else None, m["kind"] or "機能", m["id"])
        if ref not in refs:
            refs.append(ref)
    return refs, bad


def joined(refs: list[StandardRef], operation_code: str) -> str:
    """How the IDs are stored and shown: 機能:0010005、帳票:0010010."""
    return "、".join(r.text(operation_code) for r in refs)


def id_rules(v: Mapping[str, Any]) -> list[tuple[str, str]]:
    """An answer naming standard functions needs their 機能ID; an ID given with another answer is refused."""
    answer, ids = v.get("answer"), (v.get("standard_ids") or "").strip()
    if answer is None:
        return []
    _refs, bad = parse_standard_ids(ids)
    out: list[tuple[str, str]] = []
    if answer in NEEDS_ID and not ids:
        out.append((f"「{answer}」には代替できる標準機能IDが必要です。",
                    "代替できる標準機能ID の欄に 機能:0010005 のように機能IDを記入してください（複数は 、 で区切ります）。"))
    elif answer not in NEEDS_ID and ids:
        out.append((f"代替できる標準機能ID「{ids}」は、回答が「{answer}」のときは記入できません。",
                    "標準機能で代替・標準オプションで対応のときだけ記入するか、欄を空にしてください。"))
    elif bad:
        out.append((f"代替できる標準機能ID「{'、'.join(bad)}」を読めません。",
                    "機能:0010005、帳票:0010010 のように、種別と機能IDを 、 で区切って記入してください。"))
    return out


__all__ = ["CUSTOM_MARK", "IMPLIED_DISPOSITION", "NEEDS_ID", "CustomVendorAnswerKind", "StandardRef", "custom_key",
           "function_code", "function_label", "id_rules", "is_custom_key", "joined", "parse_standard_ids"]
