from __future__ import annotations

from datetime import date

import pytest

from fitgap.domain.calendar import FY2025_END
from fitgap.graph.schedule import lateness_impact

SYSTEMS = {
    "住記": {"planned_cutover": date(2026, 1, 5), "deadline": FY2025_END},
    "税": {"planned_cutover": date(2026, 2, 1), "deadline": FY2025_END},
    "国保": {"planned_cutover": date(2026, 3, 1), "deadline": FY2025_END},
    "介護": {"planned_cutover": date(2026, 6, 1), "deadline": date(2028, 3, 31)},
    "印鑑": {"planned_cutover": date(2026, 1, 20), "deadline": FY2025_END},
    "選挙": {"deadline": FY2025_END},
    "独自": {"planned_cutover": date(2026, 2, 15)},
}
LINKS = [
    ("住記", "税"),
    ("税", "国保"),
    ("国保", "介護"),
    ("住記", "印鑑", {"interim_interface": True}),
    ("住記", "選挙"),
    ("選挙", "独自"),
]


def _by_name(sg, report):
    return {
        sg.name(i.system): (i.earliest, i.delay_days, sg.name(i.via), i.misses_deadline)
        for i in report.impacts
    }


def test_slip_spreads_down_the_links(graph) -> None:
    sg = graph(SYSTEMS, LINKS)
    report = lateness_impact(sg, system=1, new_date=date(2026, 4, 15))
    assert report.misses_deadline
    slipped = date(2026, 4, 15)
    assert _by_name(sg, report) == {
        "税": (slipped, 73, "住記", True),
        "国保": (slipped, 45, "税", True),  # transitively, through 税
        "選挙": (slipped, None, "住記", True),  # no planned date, but now past its deadline
        "独自": (slipped, 59, "選挙", False),  # reached through the undated 選挙
    }
    # 介護 is planned after the new date; 印鑑 has an interim interface
    assert [i.earliest for i in report.impacts] == sorted(i.earliest for i in report.impacts)


def test_slip_before_every_consumer_puts_nobody_at_risk(graph) -> None:
    sg = graph(SYSTEMS, LINKS)
    report = lateness_impact(sg, system=1, new_date=date(2026, 1, 10))
    assert report.impacts == ()
    assert not report.misses_deadline


def test_slip_through_a_loop_ends(graph) -> None:
    day = date(2026, 1, 5)
    sg = graph(
        {"A": {"planned_cutover": day}, "B": {"planned_cutover": day}, "C": {"planned_cutover": day}},
        [("A", "B"), ("B", "C"), ("C", "B"), ("C", "A")],
    )
    report = lateness_impact(sg, system=1, new_date=date(2026, 2, 1))
    assert sorted(sg.names(i.system for i in report.impacts)) == ["B", "C"]


def test_systems_already_cut_over_are_not_at_risk(graph) -> None:
    sg = graph(
        {"A": {"planned_cutover": date(2026, 1, 5)}, "B": {"actual_cutover": date(2026, 1, 1)}, "C": {}},
        [("A", "B"), ("B", "C")],
    )
    assert lateness_impact(sg, system=1, new_date=date(2026, 5, 1)).impacts == ()


def test_unknown_system(graph) -> None:
    sg = graph(["A"], [])
    with pytest.raises(ValueError):
        lateness_impact(sg, system=99, new_date=date(2026, 1, 1))
