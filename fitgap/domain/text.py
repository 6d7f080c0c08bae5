"""Normalising Japanese requirement text, IDs and display widths. Pure functions."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WS = re.compile(r"\s+")


def normalize_text(text: str | None) -> str:
    """NFKC, whitespace folded to single spaces, trimmed: the form two versions are compared in."""
    if not text:
        return ""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def text_hash(text: str | None) -> str:
    """A short stable hash of the normalised text (16 hex digits)."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:16]


def normalize_requirement_id(raw: object, *, digits: int = 7) -> str:
    """A requirement ID as a string: full-width digits converted, spaces trimmed, Excel's lost zeros restored.

    Numeric IDs shorter than ``digits`` are left-padded (10001 → 0010001). Section numbers such as 1.1.5 and
    other non-numeric keys are kept as they are (after NFKC and trimming).
    """
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = unicodedata.normalize("NFKC", str(raw)).strip()
    s = "".join(s.split())
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    if s.isdigit() and len(s) < digits:
        s = s.zfill(digits)
    return s


def display_width(text: str) -> int:
    """Terminal cells the text takes: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to a display width (CJK-aware); truncates with … when too long, never mid-character."""
    w = display_width(text)
    if w > width:
        out, used = [], 0
        for ch in text:
            cw = display_width(ch)
            if used + cw > width - 1:
                break
            out.append(ch)
            used += cw
        text = "".join(out) + "…"
        w = used + 1
    fill = " " * (width - w)
    return fill + text if right else text + fill
