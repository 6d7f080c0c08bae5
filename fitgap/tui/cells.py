"""Fitting text into terminal cells: full-width characters count two, nothing is cut in half."""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size

ELLIPSIS = "…"


def one_line(text: str) -> str:
    return " ".join(text.split())


def fit(text: str, width: int, align: str = "left") -> str:
    """``text`` in exactly ``width`` cells: truncated with … (never mid-character) or padded."""
    if width <= 0:
        return ""
    n = cell_len(text)
    if n > width:
        text, n = _head(text, width - 1)
        text, n = text + ELLIPSIS, n + 1
    pad = " " * (width - n)
    if align == "right":
        return pad + text
    if align == "center":
        left = len(pad) // 2
        return pad[:left] + text + pad[left:]
    return text + pad


def _head(text: str, cells: int) -> tuple[str, int]:
    """The longest start of ``text`` that fits in ``cells`` (a double-width character is never split)."""
    used = 0
    for i, ch in enumerate(text):
        w = get_character_cell_size(ch)
        if used + w > cells:
            return text[:i], used
        used += w
    return text, used


def bar(fraction: float, width: int) -> str:
    """A progress bar in ``width`` cells with eighth-cell resolution."""
    if width <= 0:
        return ""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part] if part else ""
    out = "█" * full + partial
    return out + "·" * (width - cell_len(out))
