"""The order of a spec's versions: by publication date, then by the version number in the label.

Two versions often carry the same 変更履歴 date (a revision and its correction, or a date read from a shared
history sheet); the label breaks the tie — 第10.0版 after 第9.0版, 第6.1版 after 第6.0版, 令和6年版 after
令和5年版 — and the order of importing never does. A version without a date sorts by its label among the
undated ones only (see :func:`is_newer`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_NUMBER = re.compile(r"第\s*(\d+(?:\.\d+)*)\s*版|[vV](?:er)?\.?\s*(\d+(?:\.\d+)*)")
_ERA = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}
_WAREKI = re.compile(r"(令和|平成|R|H)\s*(\d{1,2}|元)\s*年(?:度)?\s*(?:(\d{1,2})\s*月)?")
_SEIREKI = re.compile(r"(20\d{2})\s*年(?:度)?\s*(?:(\d{1,2})\s*月)?")


def label_number(label: str) -> tuple[int, ...]:
    """The version number a label states: 第10.0版 → (10, 0), v6.1 → (6, 1), 令和6年3月版 → (2024, 3);
    () when it states none."""
    s = unicodedata.normalize("NFKC", label)
    if m := _NUMBER.search(s):
        return tuple(int(n) for n in (m.group(1) or m.group(2)).split("."))
    if m := _WAREKI.search(s):
        year = 1 if m.group(2) == "元" else int(m.group(2))
        return (_ERA[m.group(1)] + year, int(m.group(3) or 0))
    if m := _SEIREKI.search(s):
        return (int(m.group(1)), int(m.group(2) or 0))
    return ()


def is_newer(published_on: date | None, label: str, than_published: date | None, than_label: str) -> bool:
    """Whether a version comes after another: by date when both have one, then by the label's number.

    A version without a date is compared with a dated one by nothing (it is not newer: a list without a date
    is taken as the latest when it is imported, see ``services.specs_import``)."""
    if published_on is not None and than_published is not None and published_on != than_published:
        return published_on > than_published
    if (published_on is None) != (than_published is None):
        return False
    return label_number(label) > label_number(than_label)
