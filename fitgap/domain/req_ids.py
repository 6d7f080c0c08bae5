"""Requirement IDs at the edge: normalised (NFKC, trimmed, Excel's lost zeros restored) and shape-checked.

The shapes of the national lists: a 7-digit 機能ID / 帳票ID whose first three digits are the 業務コード
(0010001), and the section numbers of the old lists (1.1.5), optionally with the class the old lists
repeat per section (1.1.5-必須). Control characters, zero-width and bidi characters are refused, never
silently dropped: an ID is compared and matched, so what it contains must be what it shows.
Every reader of IDs (spec lists, canonical CSV) calls :func:`check_requirement_id`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fitgap.domain.text import invisible_in, normalize_requirement_id

MAX_ID_LENGTH = 64  # the column's size on every backend
ID_SHAPES = "7桁の数字（例 0010001）か、節番号（例 1.1.5、1.1.5-必須）"
_SECTION = re.compile(r"\d{1,3}(?:\.\d{1,3}){1,7}(?:-(?:必須|オプション|不可))?")
_SECTION_WITH_CLASS = re.compile(r"\d{1,3}(?:-(?:必須|オプション|不可))")


@dataclass(frozen=True, slots=True)
class IdCheck:
    req_id: str  # the normalised ID ("" when there is none)
    problem: str | None = None  # why the ID is refused; None when it is usable


def check_requirement_id(raw: object, *, digits: int = 7) -> IdCheck:
    """The normalised ID and, when it cannot be an ID of the lists, why (in words a user reads)."""
    if raw is None:
        return IdCheck("")
    text = str(raw) if not isinstance(raw, float) else raw
    if isinstance(text, str):
        bad = invisible_in(text)
        if bad:
            shown = normalize_requirement_id(_visible(text), digits=digits)
            return IdCheck(shown, f"ID「{shown}」に制御文字・見えない文字（{'、'.join(bad)}）が含まれています")
    req_id = normalize_requirement_id(raw, digits=digits)
    if not req_id:
        return IdCheck("")
    if len(req_id) > MAX_ID_LENGTH:
        return IdCheck(req_id[:20] + "…", f"ID が長すぎます（{len(req_id)} 文字、上限 {MAX_ID_LENGTH} 文字）")
    if not has_id_shape(req_id, digits=digits):
        return IdCheck(req_id, f"ID「{req_id}」は要件 ID の形（{ID_SHAPES}）ではありません")
    return IdCheck(req_id)


def has_id_shape(req_id: str, *, digits: int = 7) -> bool:
    if req_id.isascii() and req_id.isdigit():
        return len(req_id) == max(digits, 1) or (digits == 0 and len(req_id) <= MAX_ID_LENGTH)
    return bool(_SECTION.fullmatch(req_id) or _SECTION_WITH_CLASS.fullmatch(req_id))


def _visible(text: str) -> str:
    return "".join(ch for ch in text if not invisible_in(ch))
