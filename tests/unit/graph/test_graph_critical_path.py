from __future__ import annotations

from datetime import date

from fitgap.graph.analysis import critical_path

PLAN = {
    "住記": {"planned_cutover": date(2025, 10, 1)},
    "税": {"planned_cutover": date(2025, 12, 1)},
    "国保": {"planned_cutover": date(2026, 1, 5)},
    "介護": {"planned_cutover": date(2026, 2, 1)},
    "印鑑": {"planned_cutover": date(2025, 11, 1)},
    "選挙": {},
}
BASE = [("住記", "税"), ("税", "国保"), ("住記", "印鑑"), ("住記", "選挙")]


def test_longest_span_wins(graph) -> None:
    sg = graph(PLAN, [*BASE, ("住記", "介護")])
    path = critical_path(sg)
    assert path is not None
    assert sg.names(path.systems) == ["住記", "介護"]
    assert (path.start, path.end, path.days) == (date(2025, 10, 1), date(2026, 2, 1), 123)


def test_equal_span_prefers_the_longer_chain(graph) -> None:
    sg = graph(PLAN, [*BASE, ("住記", "介護"), ("国保", "介護")])
    path = critical_path(sg)
    assert path is not None
    assert sg.names(path.systems) == ["住記", "税", "国保", "介護"]
    assert path.dates == (date(2025, 10, 1), date(2025, 12, 1), date(2026, 1, 5), date(2026, 2, 1))


def test_interim_interface_breaks_the_chain(graph) -> None:
    sg = graph(PLAN, [*BASE, ("住記", "介護", {"interim_interface": True})])
    path = critical_path(sg)
    assert path is not None
    assert sg.names(path.systems) == ["住記", "税", "国保"]


def test_systems_already_cut_over_are_not_on_the_path(graph) -> None:
    plan = {**PLAN, "住記": {"planned_cutover": date(2025, 10, 1), "actual_cutover": date(2025, 10, 1)}}
    sg = graph(plan, BASE)
    path = critical_path(sg)
    assert path is not None
    assert sg.names(path.systems) == ["税", "国保"]


def test_link_against_the_planned_order_does_not_count(graph) -> None:
    plan = {**PLAN, "税": {"planned_cutover": date(2026, 3, 1)}}
    sg = graph(plan, [("住記", "国保"), ("税", "国保")])
    path = critical_path(sg)
    assert path is not None
    assert sg.names(path.systems) == ["住記", "国保"]


def test_same_day_cutovers_in_a_loop_still_give_a_path(graph) -> None:
    day = {"planned_cutover": date(2026, 1, 5)}
    sg = graph({"住記": day, "附票": day}, [("住記", "附票"), ("附票", "住記")])
    path = critical_path(sg)
    assert path is not None
    assert len(path.systems) == 2 and path.days == 0


def test_no_planned_dates_no_path(graph) -> None:
    sg = graph(["住記", "税"], [("住記", "税")])
    assert critical_path(sg) is None
