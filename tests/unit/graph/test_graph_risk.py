from __future__ import annotations

from datetime import date

import pytest

from fitgap.domain.calendar import FY2025_END
from fitgap.domain.enums import MilestoneKind, SystemKind
from fitgap.graph.model import MilestonePoint
from fitgap.graph.risk import RiskLevel, deadline_risks

EARLY = date(2025, 6, 1)
ALL_DONE = tuple(MilestonePoint(kind=k, planned=EARLY, actual=EARLY) for k in MilestoneKind)


def _one(graph, today, gaps=0, **fields):
    sg = graph({"住記": {"deadline": FY2025_END, **fields}}, [])
    (risk,) = deadline_risks(sg, today=today, open_must_gaps={1: gaps})
    return risk


def test_on_track_is_low(graph) -> None:
    risk = _one(graph, date(2025, 7, 1), planned_cutover=date(2026, 1, 5), milestones=ALL_DONE)
    assert risk.level == RiskLevel.LOW
    assert risk.days_left == 273
    assert risk.margin_days == 85
    assert risk.milestones_open == ()
    assert risk.reasons == ()


def test_cut_over_is_done(graph) -> None:
    risk = _one(graph, date(2026, 5, 1), gaps=3, actual_cutover=date(2026, 1, 5))
    assert risk.level == RiskLevel.DONE


def test_planned_after_the_deadline_is_high(graph) -> None:
    risk = _one(graph, date(2025, 7, 1), planned_cutover=date(2026, 5, 1), milestones=ALL_DONE)
    assert risk.level == RiskLevel.HIGH
    assert risk.margin_days == -31
    assert risk.reasons == ("移行予定が期限後 31日",)


def test_planned_date_past_without_a_cut_over_is_high(graph) -> None:
    # the deadline is still ahead (2031), but the planned date 2026-01-05 has passed and nothing happened
    risk = _one(graph, date(2026, 2, 1), planned_cutover=date(2026, 1, 5), milestones=ALL_DONE,
                deadline=date(2031, 3, 31))
    assert risk.level == RiskLevel.HIGH
    assert risk.reasons == ("予定日超過（移行予定日 2026-01-05 を過ぎて移行実施日なし）",)
    on_time = _one(graph, date(2026, 1, 5), planned_cutover=date(2026, 1, 5), milestones=ALL_DONE,
                   deadline=date(2031, 3, 31))
    assert on_time.level == RiskLevel.LOW


def test_overdue_is_high(graph) -> None:
    risk = _one(graph, date(2026, 4, 10), planned_cutover=date(2026, 3, 1), milestones=ALL_DONE)
    assert risk.level == RiskLevel.HIGH
    assert risk.days_left == -10
    assert "期限超過 10日" in risk.reasons


@pytest.mark.parametrize(
    ("today", "level"), [(date(2025, 10, 1), RiskLevel.MEDIUM), (date(2025, 10, 2), RiskLevel.HIGH)]
)
def test_open_must_gaps_become_high_within_180_days(graph, today, level) -> None:
    risk = _one(graph, today, gaps=4, planned_cutover=date(2026, 1, 5), milestones=ALL_DONE)
    assert risk.open_must_gaps == 4
    assert risk.level == level


def test_milestones_not_done_and_overdue(graph) -> None:
    milestones = (
        MilestonePoint(kind=MilestoneKind.ANALYSIS, planned=EARLY, actual=EARLY),
        MilestonePoint(kind=MilestoneKind.CONTRACT, planned=date(2025, 9, 1)),
        MilestonePoint(kind=MilestoneKind.VENDOR, planned=date(2025, 8, 1)),
    )
    risk = _one(graph, date(2025, 8, 15), planned_cutover=date(2026, 1, 5), milestones=milestones)
    assert risk.milestones_open == (
        MilestoneKind.VENDOR,
        MilestoneKind.CONTRACT,
        MilestoneKind.DATA_MIGRATION,
        MilestoneKind.GO_LIVE,
    )
    assert risk.milestones_overdue == (MilestoneKind.VENDOR,)
    assert risk.level == RiskLevel.HIGH


def test_no_planned_date_is_medium(graph) -> None:
    risk = _one(graph, date(2025, 4, 1), milestones=ALL_DONE)
    assert risk.level == RiskLevel.MEDIUM
    assert risk.reasons == ("移行予定日が未設定",)


def test_ordered_by_level_then_days_left_and_external_left_out(graph) -> None:
    sg = graph(
        {
            "独自": {
                "planned_cutover": date(2026, 1, 5),
                "deadline": date(2027, 3, 31),
                "milestones": ALL_DONE,
            },
            "住記": {"planned_cutover": date(2026, 1, 5), "deadline": FY2025_END, "milestones": ALL_DONE},
            "税": {"planned_cutover": date(2027, 1, 5), "deadline": FY2025_END},
            "中間サーバー": {"kind": SystemKind.EXTERNAL},
        },
        [],
    )
    risks = deadline_risks(sg, today=date(2025, 4, 1))
    assert sg.names(r.system for r in risks) == ["税", "住記", "独自"]
