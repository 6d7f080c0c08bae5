"""Needed-by dates of systems outside the 20 operations, on small graphs with known answers."""

from __future__ import annotations

from datetime import date

from fitgap.domain.calendar import FY2025_END, FY2030_END
from fitgap.domain.enums import DeadlineBasis, DeadlineKind, SystemKind
from fitgap.domain.models import Operation, System, SystemOperation
from fitgap.domain.standing import DeadlineSource
from fitgap.graph.build import build_graph, nodes_from_domain
from fitgap.graph.model import Link
from fitgap.graph.needed_by import needed_by_dates, with_needed_by
from fitgap.graph.risk import RiskLevel, deadline_risks

RELATED = {"kind": SystemKind.RELATED, "deadline": None, "deadline_basis": DeadlineBasis.NEEDED_BY,
           "follows_links": True}


def test_one_provider_gives_its_planned_cut_over(graph) -> None:
    sg = graph({"住記": {"deadline": FY2025_END, "planned_cutover": date(2027, 1, 5)}, "福祉総合": RELATED},
               [("住記", "福祉総合")])
    assert needed_by_dates(sg) == {2: (date(2027, 1, 5), "住記の移行予定 2027-01-05 に合わせる")}


def test_without_a_planned_cut_over_the_deadline_counts(graph) -> None:
    sg = graph({"住記": {"deadline": FY2030_END}, "福祉総合": RELATED}, [("福祉総合", "住記")])
    assert needed_by_dates(sg) == {2: (FY2030_END, "住記の期限 2031-03-31 に合わせる")}


def test_several_providers_the_earliest_wins(graph) -> None:
    sg = graph({
        "住記": {"deadline": FY2030_END, "planned_cutover": date(2028, 1, 4)},
        "税": {"deadline": FY2030_END},
        "国保": {"deadline": FY2030_END, "planned_cutover": date(2027, 10, 1)},
        "福祉総合": RELATED,
    }, [("住記", "福祉総合"), ("税", "福祉総合"), ("福祉総合", "国保")])
    assert needed_by_dates(sg)[4] == (date(2027, 10, 1), "国保の移行予定 2027-10-01 に合わせる")


def test_a_loop_of_related_systems_follows_the_one_standard_system(graph) -> None:
    sg = graph({
        "住記": {"deadline": FY2025_END, "planned_cutover": date(2026, 1, 5)},
        "福祉総合": RELATED,
        "独自施策": RELATED,
        "文書管理": RELATED,
    }, [("住記", "福祉総合"), ("福祉総合", "独自施策"), ("独自施策", "福祉総合"), ("独自施策", "文書管理"),
        ("文書管理", "独自施策")])
    dates = needed_by_dates(sg)
    assert dates[2] == (date(2026, 1, 5), "住記の移行予定 2026-01-05 に合わせる")
    assert dates[3] == (date(2026, 1, 5), "住記の移行予定 2026-01-05 に合わせる（福祉総合経由）")
    assert dates[4] == (date(2026, 1, 5), "住記の移行予定 2026-01-05 に合わせる（福祉総合経由）")


def test_a_loop_without_any_standard_system_has_no_date(graph) -> None:
    sg = graph({"福祉総合": RELATED, "独自施策": RELATED}, [("福祉総合", "独自施策"), ("独自施策", "福祉総合")])
    assert needed_by_dates(sg) == {
        1: (None, "連携する標準化対象システムがないため、必要日はありません"),
        2: (None, "連携する標準化対象システムがないため、必要日はありません"),
    }


def test_a_hand_set_date_wins_and_others_follow_it(graph) -> None:
    hand = {"kind": SystemKind.RELATED, "deadline": date(2026, 9, 30), "deadline_basis": DeadlineBasis.MANUAL}
    sg = graph({"住記": {"deadline": FY2025_END}, "財務会計": hand, "文書管理": RELATED},
               [("住記", "財務会計"), ("財務会計", "文書管理")])
    out = with_needed_by(sg)
    assert out.system(2).deadline == date(2026, 9, 30)  # not the 住記 deadline
    assert needed_by_dates(sg) == {3: (date(2026, 9, 30), "財務会計の必要日（手動設定） 2026-09-30 に合わせる")}


def test_external_systems_give_no_date(graph) -> None:
    sg = graph({"統合宛名": RELATED, "中間サーバー": {"kind": SystemKind.EXTERNAL}}, [("統合宛名", "中間サーバー")])
    assert needed_by_dates(sg)[1][0] is None


def _op(code: str, deadline: date, *, cross: bool = False, name: str | None = None, serves: str = "") -> Operation:
    flagged = deadline == FY2030_END
    return Operation(code=code, order=int(code), name=name or code, short_name=code, group="g", ministry="m",
                     spec_document="s", cross_cutting=cross, deadline=deadline, serves=serves,
                     deadline_kind=DeadlineKind.TOKUTEI if flagged else DeadlineKind.FY2025,
                     deadline_source=DeadlineSource.OFFICIAL if flagged else DeadlineSource.DEFAULT)


def test_cross_cutting_system_follows_the_tax_operations_it_serves_not_fy2025() -> None:
    """統合収納・滞納 (014, a common part) answers to the taxes' date (特定移行支援) instead of the FY2025
    deadline: the date of its operation, which follows the operations it serves (domain.standing)."""
    systems = [System(id=1, name="個人住民税システム"), System(id=2, name="固定資産税システム"),
               System(id=3, name="統合収納・滞納システム"), System(id=4, name="手作り台帳", kind=SystemKind.RELATED)]
    ops = [SystemOperation(system_id=1, operation_code="010"), SystemOperation(system_id=2, operation_code="012"),
           SystemOperation(system_id=3, operation_code="014")]
    operations = [_op("010", FY2030_END, name="個人住民税"), _op("012", FY2030_END, name="固定資産税"),
                  _op("014", FY2025_END, cross=True, serves="010,012")]
    nodes = nodes_from_domain(systems=systems, system_operations=ops, operations=operations)
    sg = with_needed_by(build_graph(nodes, [Link(1, 3), Link(2, 3)]))
    assert sg.system(1).deadline_basis == DeadlineBasis.LEGAL
    toshu = sg.system(3)
    assert (toshu.deadline, toshu.deadline_basis) == (FY2030_END, DeadlineBasis.LEGAL)
    assert toshu.deadline_reason == "個人住民税ほかの期限に合わせる"
    # a related system added by hand with no operations and no links: no date, and not 高
    lone = sg.system(4)
    assert lone.deadline is None
    (risk,) = [r for r in deadline_risks(sg, today=date(2026, 12, 1)) if r.system == 4]
    assert risk.level == RiskLevel.MEDIUM
    assert risk.reasons == ("連携する標準化対象システムがなく必要日が未定",)


def test_a_cross_cutting_system_without_links_keeps_its_operations_deadline() -> None:
    systems = [System(id=1, name="統合宛名")]
    nodes = nodes_from_domain(systems=systems, system_operations=[SystemOperation(system_id=1, operation_code="032")],
                              operations=[_op("032", FY2030_END, cross=True)], official_as_of="2025-12")
    node = with_needed_by(build_graph(nodes, [])).system(1)
    assert node.deadline == FY2030_END
    assert node.deadline_reason == "特定移行支援（公表一覧 2025-12）"


def test_a_date_set_by_hand_is_marked_as_such() -> None:
    systems = [System(id=1, name="福祉総合", kind=SystemKind.RELATED, deadline=date(2027, 3, 31),
                      deadline_kind=DeadlineKind.CUSTOM)]
    (node,) = nodes_from_domain(systems=systems)
    assert (node.deadline, node.deadline_basis, node.follows_links) == (date(2027, 3, 31), DeadlineBasis.MANUAL, False)


def test_the_way_a_date_came_is_named_whatever_the_source_is_called(graph) -> None:
    """The system a date came through is carried along, not read back out of the reason's text."""
    sg = graph({
        "経由地システム": {"deadline": FY2025_END, "planned_cutover": date(2026, 1, 5)},
        "福祉総合": RELATED,
        "文書管理": RELATED,
    }, [("経由地システム", "福祉総合"), ("福祉総合", "文書管理")])
    dates = needed_by_dates(sg)
    assert dates[2] == (date(2026, 1, 5), "経由地システムの移行予定 2026-01-05 に合わせる")
    assert dates[3] == (date(2026, 1, 5), "経由地システムの移行予定 2026-01-05 に合わせる（福祉総合経由）")
