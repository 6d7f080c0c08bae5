"""Readiness verdicts: the worst applying rule decides, and the report prints the same sentences."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from fitgap.domain.readiness import (
    PRESSING_DAYS,
    RULES,
    OperationFacts,
    Verdict,
    judge,
    rule_lines,
)

TODAY = date(2025, 6, 1)
DEADLINE = date(2026, 3, 31)


def _facts(**changes: object) -> OperationFacts:
    """An operation on track: everything reviewed, nothing open, cut-over planned before the deadline."""
    base = OperationFacts(
        deadline=DEADLINE, days_left=(DEADLINE - TODAY).days, requirements=100, reviewed=100,
        has_systems=True, cutover=date(2026, 1, 4),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _codes(facts: OperationFacts) -> list[str]:
    return [r.code for r in judge(facts).reasons]


def test_an_operation_on_track_is_green_with_no_reasons() -> None:
    j = judge(_facts())
    assert j.verdict == Verdict.GREEN
    assert j.reasons == ()


def test_overdue_and_not_migrated_is_red() -> None:
    j = judge(_facts(days_left=-10, cutover=date(2026, 5, 1)))
    assert j.verdict == Verdict.RED
    assert {"R1", "R2"} <= set(_codes(_facts(days_left=-10, cutover=date(2026, 5, 1))))


def test_open_must_gaps_turn_red_only_when_the_deadline_is_near() -> None:
    far = _facts(must_gaps_undecided=3, days_left=PRESSING_DAYS + 1)
    near = _facts(must_gaps_undecided=3, days_left=PRESSING_DAYS)
    assert judge(far).verdict == Verdict.AMBER
    assert _codes(far) == ["R8"]
    assert judge(near).verdict == Verdict.RED
    assert _codes(near) == ["R3", "R8"]


def test_late_vendor_answers_and_late_providers_are_red() -> None:
    assert judge(_facts(vendor_late=1)).verdict == Verdict.RED
    assert judge(_facts(providers_late=1)).verdict == Verdict.RED
    assert judge(_facts(vendor_impossible=1)).verdict == Verdict.AMBER
    assert judge(_facts(consumer_first=2)).verdict == Verdict.AMBER


def test_reverse_gaps_and_undecided_options_are_amber() -> None:
    assert _codes(_facts(reverse_gaps=1)) == ["R9"]
    assert _codes(_facts(options_undecided=4)) == ["R12"]
    assert _codes(_facts(needs_review=1)) == ["R13"]


def test_review_progress_rules() -> None:
    half = _facts(reviewed=50, days_left=PRESSING_DAYS - 1)
    assert judge(half).verdict == Verdict.RED
    assert "R6" in _codes(half)
    early = _facts(reviewed=50, days_left=500)
    assert judge(early).verdict == Verdict.GREEN


def test_no_requirements_and_no_plan_say_so() -> None:
    j = judge(_facts(requirements=0, reviewed=0, has_systems=False, cutover=None))
    assert j.verdict == Verdict.AMBER
    assert any("データなし" in line for line in j.reason_lines)
    assert "R14" in [r.code for r in j.reasons]


def test_a_migrated_operation_is_green_whatever_is_left() -> None:
    done = _facts(migrated=True, must_gaps_undecided=5, reverse_gaps=2, days_left=-30, vendor_late=1)
    assert judge(done).verdict == Verdict.GREEN


def test_reasons_are_ordered_worst_first_and_printed_as_in_the_rule_list() -> None:
    facts = _facts(reverse_gaps=1, vendor_late=1, days_left=(DEADLINE - TODAY).days)
    j = judge(facts)
    levels = [r.level.rank for r in j.reasons]
    assert levels == sorted(levels)
    assert j.verdict == Verdict.RED
    printed = rule_lines()
    for line in j.reason_lines:
        assert line in printed


def test_every_rule_is_written_out_once_with_its_level() -> None:
    lines = rule_lines()
    assert len(lines) == len(RULES) + 1  # plus the green rule
    codes = [r.code for r in RULES]
    assert len(set(codes)) == len(codes)
    for rule in RULES:
        assert rule.level in (Verdict.RED, Verdict.AMBER)
        assert any(line.startswith(rule.code) and rule.level.value in line for line in lines)
    assert Verdict.GREEN.value in lines[-1]


def test_days_threshold_is_in_the_text_that_explains_it() -> None:
    r3 = next(r for r in RULES if r.code == "R3")
    assert str(PRESSING_DAYS) in r3.text
    assert r3.applies(_facts(must_gaps_undecided=1, days_left=PRESSING_DAYS))
    assert not r3.applies(_facts(must_gaps_undecided=1, days_left=PRESSING_DAYS + 1))
    assert not r3.applies(_facts(must_gaps_undecided=1, days_left=10, migrated=True))
