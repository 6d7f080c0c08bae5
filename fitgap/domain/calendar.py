"""Dates as users read them: 西暦 with the fiscal year (年度, April–March) in 令和."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

FY2025_END = date(2026, 3, 31)  # 令和7年度末: the general deadline
FY2030_END = date(2031, 3, 31)  # 令和12年度末: the latest deadline of 特定移行支援システム in principle


def fiscal_year(d: date) -> int:
    """The fiscal year (年度) a date falls in, as the calendar year it starts in: 2026-01-05 → 2025."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_end(fy: int) -> date:
    return date(fy + 1, 3, 31)


def reiwa_fy_label(d: date) -> str:
    """'R7年度' for any date from 2025-04-01 to 2026-03-31."""
    fy = fiscal_year(d)
    if fy >= 2019:
        return f"R{fy - 2018}年度"
    return f"H{fy - 1988}年度"


def format_date(d: date | None) -> str:
    """'2026-01-05 (R7年度)'; '—' for no date."""
    if d is None:
        return "—"
    return f"{d.isoformat()} ({reiwa_fy_label(d)})"


def days_left(deadline: date, today: date) -> int:
    """Days from today to the deadline; negative when overdue."""
    return (deadline - today).days


def days_left_label(deadline: date, today: date) -> str:
    n = days_left(deadline, today)
    if n < 0:
        return f"期限超過 {-n}日"
    if n == 0:
        return "本日期限"
    return f"残り {n}日"


def margin_label(planned: date, deadline: date) -> str:
    """A planned date against its deadline in plain words: '期限まで 45日', '期限当日', '期限後 62日'."""
    n = (deadline - planned).days
    if n > 0:
        return f"期限まで {n}日"
    if n == 0:
        return "期限当日"
    return f"期限後 {-n}日"


# Excel's day numbers: 1 is 1900-01-01 and 60 the 1900-02-29 that never was, so from 61 on a day number
# counts from 1899-12-30. Only 1990-01-01 … 2100-12-31 are taken for a date: a number outside is not a date.
_EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = (32874, 73415)  # 1990-01-01, 2100-12-31


def serial_date(value: object) -> date | None:
    """The date of an Excel day number, as a number or typed as text (46447 → 2027-03-01): how a date
    reads in a cell that is formatted as text or as a number; None for anything else or out of range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not text.isascii() or not text.isdigit():
            return None
        value = int(text)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
        return None
    return _EXCEL_EPOCH + timedelta(days=value)
