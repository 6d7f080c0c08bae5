from __future__ import annotations

from datetime import date

import pytest

from fitgap.domain.calendar import FY2025_END, FY2030_END
from fitgap.domain.enums import DeadlineKind, LinkMethod, MilestoneKind
from fitgap.domain.models import Integration, Milestone, Operation, System, SystemOperation
from fitgap.domain.standing import DeadlineSource
from fitgap.graph.build import build_graph, links_from_domain, nodes_from_domain
from fitgap.graph.model import Link, SystemNode


def test_nodes_and_links_from_domain_rows() -> None:
    systems = [
        System(id=1, name="住民記録", planned_cutover=date(2026, 1, 5)),
        System(id=2, name="税務", deadline_kind=DeadlineKind.TOKUTEI, deadline=date(2029, 3, 31)),
        System(id=3, name="固定資産税"),
        System(name="未保存"),
    ]
    ops = [
        SystemOperation(system_id=2, operation_code="012"),
        SystemOperation(system_id=2, operation_code="010"),
        SystemOperation(system_id=3, operation_code="012"),
    ]
    ms = [Milestone(system_id=1, kind=MilestoneKind.CONTRACT, planned=date(2025, 6, 1))]
    operations = [
        Operation(
            code="012",
            order=1,
            name="固定資産税",
            short_name="固定資産税",
            group="税系",
            ministry="総務省",
            spec_document="税務",
            deadline=FY2030_END,
            deadline_kind=DeadlineKind.TOKUTEI,
            deadline_source=DeadlineSource.OFFICIAL,
        )
    ]
    nodes = {
        n.id: n
        for n in nodes_from_domain(
            systems=systems, system_operations=ops, milestones=ms, operations=operations
        )
    }
    assert set(nodes) == {1, 2, 3}
    # 012 answers to the date set by hand on 税務 (it wins over the official flag); 固定資産税 follows 012
    assert (nodes[3].deadline_kind, nodes[3].deadline) == (DeadlineKind.TOKUTEI, date(2029, 3, 31))
    assert nodes[1].deadline == FY2025_END
    assert nodes[1].milestones[0].kind == MilestoneKind.CONTRACT
    assert nodes[2].operations == ("010", "012")
    assert nodes[2].deadline == date(2029, 3, 31)

    links = links_from_domain(
        [Integration(provider_id=1, consumer_id=2, data="宛名、世帯, 所得", method=LinkMethod.API)]
    )
    assert links == [Link(provider=1, consumer=2, data=("宛名", "世帯", "所得"), method=LinkMethod.API)]


@pytest.mark.parametrize(
    ("links", "message"),
    [
        ([Link(provider=1, consumer=9)], "unknown"),
        ([Link(provider=1, consumer=1)], "itself"),
        ([Link(provider=1, consumer=2), Link(provider=1, consumer=2)], "twice"),
    ],
)
def test_build_rejects_bad_links(links, message) -> None:
    nodes = [SystemNode(id=1, name="A"), SystemNode(id=2, name="B")]
    with pytest.raises(ValueError, match=message):
        build_graph(nodes, links)


def test_providers_and_consumers_by_name(graph) -> None:
    sg = graph(["住記", "税", "国保", "介護"], [("住記", "国保"), ("住記", "介護"), ("税", "国保")])
    assert [sg.name(i) for i in sg.consumers(1)] == ["介護", "国保"]
    assert [sg.name(i) for i in sg.providers(3)] == ["住記", "税"]
