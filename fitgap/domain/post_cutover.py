"""移行後の経過措置: a requirement the vendor implements after the cut-over, filed with デジタル庁 (届出要領 of
2025-10). One record per requirement (operation, kind, ID): the planned date, the date the 届出 was filed,
the date it was done.

The rule, in one place (every surface — status, the workbench, the readiness report and its rules R19/R20,
the CLI — asks it):

- **完了**: a done date is recorded.
- **期限超過**: not done, and today is after the planned date (on the planned date itself it is not yet).
- **実装待ち**: not done, the planned date not passed.
- **届出未了**: not done and no 届出 date recorded.

Pure: plain data in, plain data out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from fitgap.errors import InvalidInputError


class MeasureState(StrEnum):
    DONE = "完了"
    OVERDUE = "期限超過"
    OPEN = "実装待ち"


def measure_overdue(*, planned: date | None, done_on: date | None, today: date) -> bool:
    """Past its planned date and not done: the one definition of an overdue 経過措置."""
    return done_on is None and planned is not None and today > planned


@dataclass(frozen=True, slots=True)
class MeasureRecord:
    """One 経過措置 as stored (without its key)."""

    planned: date | None
    notified_on: date | None = None
    done_on: date | None = None
    vendor: str | None = None
    note: str = ""
    revision: int = 0
    updated_by: str | None = None
    updated_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_on is not None

    @property
    def notified(self) -> bool:
        return self.notified_on is not None

    def overdue(self, today: date) -> bool:
        return measure_overdue(planned=self.planned, done_on=self.done_on, today=today)

    def state(self, today: date) -> MeasureState:
        if self.done:
            return MeasureState.DONE
        return MeasureState.OVERDUE if self.overdue(today) else MeasureState.OPEN

    def label(self, today: date) -> str:
        """One phrase for a cell: 「完了 2027-01-10」「期限超過 12日」「本日予定」「残り 30日」「予定日未定」."""
        if self.done_on is not None:
            return f"{MeasureState.DONE.value} {self.done_on.isoformat()}"
        if self.planned is None:
            return "予定日未定"
        n = (self.planned - today).days
        if n < 0:
            return f"{MeasureState.OVERDUE.value} {-n}日"
        return "本日予定" if n == 0 else f"残り {n}日"


@dataclass(frozen=True, slots=True)
class MeasureCounts:
    """How many 経過措置 are open, of which overdue, and open without a 届出."""

    open: int = 0
    overdue: int = 0
    not_notified: int = 0

    def __add__(self, other: MeasureCounts) -> MeasureCounts:
        return MeasureCounts(self.open + other.open, self.overdue + other.overdue,
                             self.not_notified + other.not_notified)

    @property
    def any(self) -> bool:
        return self.open > 0


def count_measures(records: Iterable[MeasureRecord], *, today: date) -> MeasureCounts:
    out = MeasureCounts()
    for r in records:
        if not r.done:
            out += MeasureCounts(1, int(r.overdue(today)), int(not r.notified))
    return out


def check_measure(record: MeasureRecord, *, today: date) -> None:
    """InvalidInputError (with what to do) for a record that cannot be saved: no planned date, or a 届出 or
    done date in the future."""
    if record.planned is None:
        raise InvalidInputError("移行後の経過措置には実装予定日が必要です。",
                                "予定日を 2027-03-31 の形で指定してください（記録をやめるには削除してください）。")
    for when, what in ((record.notified_on, "届出日"), (record.done_on, "完了日")):
        if when is not None and when > today:
            raise InvalidInputError(f"{what} {when.isoformat()} は今日（{today.isoformat()}）より後です。",
                                    f"{what}は済んだ日を入れてください（まだなら空欄のままにします）。")
