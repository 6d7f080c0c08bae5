"""Values of optional edit arguments, light enough for argument parsing: UNSET and dates typed by users."""

from __future__ import annotations

from datetime import date
from typing import Any

from fitgap.errors import InvalidInputError
from fitgap.importers.systems_csv import parse_date


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # "leave as it is" for optional edit arguments


def parse_date_input(text: str | None) -> date | None:
    """A date typed by a user ('2026-01-05', '2026/1/5'; empty clears it) or InvalidInputError."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise InvalidInputError(str(exc), "日付は 2026-01-05 の形で入力してください。") from None
