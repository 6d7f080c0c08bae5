"""Normalising Japanese requirement text, IDs and display widths. Pure functions."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Full-width ASCII and the ideographic space: NFKC maps them to ASCII. Japanese text has a few of these
# (（）、１２３) in otherwise normalised text; replacing just those is many times faster than full NFKC.
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _to_ascii(m: re.Match[str]) -> str:
    ch = m.group()
    return " " if ch == "\u3000" else chr(ord(ch) - 0xFEE0)


def nfkc(text: str) -> str:
    """unicodedata NFKC, with fast paths for text that is (nearly) normalised already."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    text = _FULLWIDTH.sub(_to_ascii, text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def normalize_text(text: str | None) -> str:
    """NFKC, whitespace folded to single spaces, trimmed: the form two versions are compared in."""
    if not text:
        return ""
    return " ".join(nfkc(text).split())


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


_DIGITS = re.compile(r"\d+")


def natural_id_key(req_id: str) -> str:
    """A sort key that orders IDs as people read them: 1.1.2 before 1.1.10, 2.x before 10.x.

    Every run of digits is zero-padded to 10 places; 7-digit 機能IDs keep their own order.
    """
    return _DIGITS.sub(lambda m: m.group().zfill(10), nfkc(req_id))


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
