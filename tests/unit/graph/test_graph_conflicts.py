from __future__ import annotations

from datetime import date

from fitgap.domain.calendar import FY2025_END
from fitgap.graph.schedule import ConflictKind, schedule_conflicts


def _summary(sg, conflicts):
    return [
        (c.kind, sg.name(c.provider), sg.name(c.consumer), c.days, c.interim_interface) for c in conflicts
    ]


def test_consumer_cutting_over_before_its_provider(graph) -> None:
    sg = graph(
        {"住記": {"planned_cutover": date(2026, 2, 1)}, "税": {"planned_cutover": date(2026, 1, 5)}},
        [("住記", "税")],
    )
    assert _summary(sg, schedule_conflicts(sg)) == [(ConflictKind.CONSUMER_FIRST, "住記", "税", 27, False)]


def test_interim_interface_allows_the_consumer_to_go_first(graph) -> None:
    sg = graph(
        {"住記": {"planned_cutover": date(2026, 2, 1)}, "税": {"planned_cutover": date(2026, 1, 5)}},
        [("住記", "税", {"interim_interface": True})],
    )
    assert schedule_conflicts(sg) == []


def test_provider_after_the_consumers_deadline(graph) -> None:
    systems = {
        "税": {"planned_cutover": date(2026, 6, 1), "deadline": date(2028, 3, 31)},
        "国保": {"planned_cutover": date(2026, 3, 1), "deadline": FY2025_END},
    }
    sg = graph(systems, [("税", "国保")])
    assert _summary(sg, schedule_conflicts(sg)) == [
        (ConflictKind.CONSUMER_FIRST, "税", "国保", 92, False),
        (ConflictKind.PROVIDER_LATE, "税", "国保", 62, False),
    ]
    sg = graph(systems, [("税", "国保", {"interim_interface": True})])
    assert _summary(sg, schedule_conflicts(sg)) == [(ConflictKind.PROVIDER_LATE, "税", "国保", 62, True)]


def test_settled_or_undated_systems_have_no_conflicts(graph) -> None:
    late = date(2026, 6, 1)
    sg = graph(
        {
            "住記": {"planned_cutover": late, "actual_cutover": late},  # provider already moved
            "税": {"planned_cutover": date(2026, 1, 5), "deadline": FY2025_END},
            "戸籍": {},  # provider without a date
            "附票": {"planned_cutover": date(2026, 1, 5), "deadline": FY2025_END},
            "国保": {"planned_cutover": late},
            "介護": {"actual_cutover": date(2026, 1, 5), "deadline": FY2025_END},  # consumer already moved
        },
        [("住記", "税"), ("戸籍", "附票"), ("国保", "介護")],
    )
    assert schedule_conflicts(sg) == []


def test_conflicts_are_ordered_by_the_consumers_date(graph) -> None:
    sg = graph(
        {
            "住記": {"planned_cutover": date(2026, 3, 1)},
            "国保": {"planned_cutover": date(2026, 2, 1)},
            "税": {"planned_cutover": date(2026, 1, 5)},
        },
        [("住記", "国保"), ("住記", "税")],
    )
    assert [sg.name(c.consumer) for c in schedule_conflicts(sg)] == ["税", "国保"]
