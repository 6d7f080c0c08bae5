"""Which links cross a cut-over, when their change is needed, which items are late."""

from __future__ import annotations

from datetime import date

from fitgap.domain.calendar import FY2030_END
from fitgap.domain.enums import ChangeStatus, SystemKind
from fitgap.graph.changes import (
    ChangeItem,
    LateKind,
    change_states,
    crosses_cutover,
    default_vendor,
    link_needed_by,
)
from fitgap.graph.needed_by import with_needed_by

RELATED = {"kind": SystemKind.RELATED, "vendor": "株式会社福祉"}
TODAY = date(2026, 12, 1)


def test_crossing_rules(graph) -> None:
    sg = graph({
        "住記": {"planned_cutover": date(2027, 1, 5), "vendor": "標準ベンダ"},
        "附票": {"planned_cutover": date(2027, 1, 5)},
        "税": {"planned_cutover": date(2027, 4, 1)},
        "国保": {},
        "福祉総合": RELATED,
        "文書管理": {"kind": SystemKind.RELATED},
        "中間サーバー": {"kind": SystemKind.EXTERNAL},
    }, [("住記", "附票"), ("住記", "税"), ("住記", "国保"), ("住記", "福祉総合"), ("福祉総合", "文書管理"),
        ("住記", "中間サーバー")])
    assert crosses_cutover(sg, 1, 2) is False  # same day
    assert crosses_cutover(sg, 1, 3) is True  # different days
    assert crosses_cutover(sg, 1, 4) is True  # one side not planned yet
    assert crosses_cutover(sg, 1, 5) is True  # related system: changed in place
    assert crosses_cutover(sg, 5, 6) is False  # neither side moves
    assert crosses_cutover(sg, 1, 7) is True
    assert link_needed_by(sg, 1, 3) == (date(2027, 1, 5), "住記の移行予定 2027-01-05")
    assert default_vendor(sg, 1, 5) == "株式会社福祉"  # the side that adapts
    assert default_vendor(sg, 1, 3) == "標準ベンダ"


def test_late_and_done_items(graph) -> None:
    sg = graph({"住記": {"planned_cutover": date(2026, 11, 1)}, "福祉総合": RELATED, "財務": RELATED, "文書": RELATED},
               [("住記", "福祉総合"), ("住記", "財務"), ("住記", "文書")])
    items = [
        ChangeItem(1, 2, status=ChangeStatus.IN_PROGRESS),  # not done, needed a month ago
        ChangeItem(1, 3, status=ChangeStatus.DONE, actual=date(2026, 11, 10)),  # done, 9 days after: not a conflict
        ChangeItem(1, 4, status=ChangeStatus.TESTED, planned=date(2026, 12, 10)),  # planned after
        ChangeItem(1, 9),  # a link that no longer exists: left out
    ]
    states = change_states(sg, items, today=TODAY)
    assert [(s.item.consumer, s.late, s.days_late) for s in states] == [
        (4, LateKind.PLANNED_AFTER, 39), (2, LateKind.OVERDUE, 30), (3, None, 9)]


def test_a_cross_cutting_side_gives_its_needed_by_date_only_when_the_other_side_gives_none(graph) -> None:
    sg = with_needed_by(graph({
        "住記": {"planned_cutover": date(2027, 1, 5), "deadline": FY2030_END},
        "統合宛名": {"follows_links": True},
        "子育て": {"deadline": FY2030_END},
        "中間サーバー": {"kind": SystemKind.EXTERNAL},
    }, [("住記", "統合宛名"), ("子育て", "統合宛名"), ("統合宛名", "中間サーバー")]))
    assert sg.system(2).deadline == date(2027, 1, 5)  # ready for 住記
    assert link_needed_by(sg, 3, 2) == (FY2030_END, "子育ての期限 2031-03-31")  # not every link by 住記's date
    assert link_needed_by(sg, 2, 4) == (date(2027, 1, 5), "統合宛名の期限 2027-01-05")
