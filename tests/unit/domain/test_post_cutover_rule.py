"""The one rule of a 移行後の経過措置: overdue once its planned date has passed undone; counts and checks."""

from __future__ import annotations

from datetime import date

import pytest

from fitgap.domain.post_cutover import (
    MeasureCounts,
    MeasureRecord,
    MeasureState,
    check_measure,
    count_measures,
    measure_overdue,
)
from fitgap.errors import InvalidInputError

TODAY = date(2026, 12, 7)


def test_overdue_only_after_the_planned_day_and_never_once_done() -> None:
    assert not measure_overdue(planned=TODAY, done_on=None, today=TODAY)  # the planned day itself: not yet
    assert measure_overdue(planned=date(2026, 12, 6), done_on=None, today=TODAY)
    assert not measure_overdue(planned=date(2026, 12, 6), done_on=date(2026, 12, 7), today=TODAY)
    assert not measure_overdue(planned=None, done_on=None, today=TODAY)


def test_state_and_label_read_the_same_rule() -> None:
    late = MeasureRecord(planned=date(2026, 12, 1))
    assert (late.state(TODAY), late.label(TODAY)) == (MeasureState.OVERDUE, "期限超過 6日")
    soon = MeasureRecord(planned=date(2026, 12, 17))
    assert (soon.state(TODAY), soon.label(TODAY)) == (MeasureState.OPEN, "残り 10日")
    assert MeasureRecord(planned=TODAY).label(TODAY) == "本日予定"
    done = MeasureRecord(planned=date(2026, 12, 1), done_on=date(2026, 12, 5))
    assert (done.state(TODAY), done.label(TODAY)) == (MeasureState.DONE, "完了 2026-12-05")


def test_counts_are_of_open_measures() -> None:
    records = [
        MeasureRecord(planned=date(2026, 12, 1)),  # overdue, no 届出
        MeasureRecord(planned=date(2027, 3, 31), notified_on=date(2026, 2, 1)),  # open, filed
        MeasureRecord(planned=date(2026, 4, 1), done_on=date(2026, 11, 1)),  # done: counted nowhere
    ]
    assert count_measures(records, today=TODAY) == MeasureCounts(open=2, overdue=1, not_notified=1)
    assert MeasureCounts(1, 1, 0) + MeasureCounts(2, 0, 1) == MeasureCounts(3, 1, 1)
    assert not MeasureCounts().any


@pytest.mark.parametrize(("record", "words"), [
    (MeasureRecord(planned=None), "実装予定日が必要"),
    (MeasureRecord(planned=TODAY, notified_on=date(2026, 12, 8)), "届出日 2026-12-08 は今日"),
    (MeasureRecord(planned=TODAY, done_on=date(2027, 1, 1)), "完了日 2027-01-01 は今日"),
])
def test_a_record_that_cannot_be_saved_says_why(record: MeasureRecord, words: str) -> None:
    with pytest.raises(InvalidInputError) as exc:
        check_measure(record, today=TODAY)
    assert words in exc.value.message and exc.value.hint
