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


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def search_form(text: str) -> str:
    """The one form every search compares in, on SQLite, on PostgreSQL and in Python alike: NFKC (full-width
    ＰＤＦ is PDF, half-width ｶﾅ is カナ, Ⅰ is I), then the 26 Latin capitals lowered — no other case is
    folded (Greek, Cyrillic and İ match as written). That is what SQLite's LIKE folds, and what
    PostgreSQL's lower() folds under the C collation whatever the server's locale
    (:class:`fitgap.storage.text_match.SearchForm` is its SQL spelling)."""
    return nfkc(text).translate(_ASCII_LOWER)


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
    if req_id.isascii() and req_id.isdigit():  # the usual 7-digit ID: one run of digits
        return req_id.zfill(10)
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


# Characters that do not belong in text a user reads or an ID: C0 controls (tab and line feed kept in
# text), DEL, C1 controls, and invisible format characters — zero-width spaces and joiners, bidi
# embeddings, overrides and isolates (an RTL override makes "0010001" display as "1000100"), the BOM.
_INVISIBLE = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
_STRIPPED_FROM_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
_UNSAFE_ON_TERMINAL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
_NOT_IN_IDS = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")


def strip_invisible(text: str) -> tuple[str, int]:
    """Text without control and invisible characters (tab and line breaks kept), and how many were removed.

    A carriage return is a line break: CRLF becomes LF, a lone CR becomes LF (never counted)."""
    if not text or text.isprintable():  # every character stripped is a control (Cc) or format (Cf) one
        return text, 0
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned, n = _STRIPPED_FROM_TEXT.subn("", text)
    return cleaned, n


def needs_stripping(text: str) -> bool:
    """Whether :func:`strip_invisible` would change the text (a quick test for many texts at once)."""
    if "\r" in text:
        return True
    if text.replace("\n", "").replace("\t", "").isprintable():  # what is stripped is never printable
        return False
    return _STRIPPED_FROM_TEXT.search(text) is not None


def invisible_in(text: str) -> list[str]:
    """The control and invisible characters of an ID, as U+XXXX (empty when there are none)."""
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(_NOT_IN_IDS.findall(text))]


def escape_controls(text: str) -> str:
    r"""Text safe to print on a terminal: control and invisible characters shown as \x1b, \u202e …

    Line breaks and tabs stay. Whatever a file held reaches the terminal as visible text, never as an
    escape sequence that moves the cursor, rings the bell or reverses the line."""
    if not _UNSAFE_ON_TERMINAL.search(text):
        return text
    return _UNSAFE_ON_TERMINAL.sub(lambda m: _escaped(m.group()), text)


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
