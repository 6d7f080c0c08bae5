"""The publication date a requirement list states about itself (cover sheet, 変更履歴), in 西暦 or 和暦."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

_ERAS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}
_WAREKI = re.compile(r"(令和|平成|R|H)\s*(\d{1,2}|元)\s*[年.]\s*(\d{1,2})\s*[月.]\s*(\d{1,2})\s*日?")
_SEIREKI = re.compile(r"(20\d{2})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?")


def dates_in(text: str) -> list[date]:
    """Every date written in ``text``: 2023年3月31日, 2023/3/31, 2023-03-31, 令和5年3月31日, R5.3.31."""
    s = unicodedata.normalize("NFKC", text)
    out: list[date] = []
    for m in _WAREKI.finditer(s):
        year = 1 if m.group(2) == "元" else int(m.group(2))
        out += _safe(_ERAS[m.group(1)] + year, int(m.group(3)), int(m.group(4)))
    for m in _SEIREKI.finditer(s):
        out += _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return out


def _safe(y: int, mo: int, d: int) -> list[date]:
    try:
        return [date(y, mo, d)]
    except ValueError:
        return []


_LABEL = re.compile(r"第\s*(\d+(?:\.\d+)?)\s*版")


def stated_label(cells: Iterable[object]) -> str | None:
    """The first version label written in the cells ('第6.0版'), e.g. on a cover sheet."""
    for v in cells:
        if isinstance(v, str) and (m := _LABEL.search(unicodedata.normalize("NFKC", v))):
            num = m.group(1)
            return f"第{num if '.' in num else num + '.0'}版"
    return None


def stated_date(cells: Iterable[object]) -> date | None:
    """The latest date among the cells (on a cover or in a 変更履歴 sheet, the latest is this version's)."""
    found: list[date] = []
    for v in cells:
        if isinstance(v, date):
            found.append(v if type(v) is date else date(v.year, v.month, v.day))
        elif isinstance(v, str) and v:
            found += dates_in(v)
    return max(found) if found else None
