"""Which links need a 改修 item, at which step, by when, which items are late, which links are flagged."""

from __future__ import annotations

from datetime import date

from fitgap.domain.enums import ChangeStatus, LinkMethod, SystemKind
from fitgap.graph.changes import (
    ChangeItem,
    LateKind,
    Need,
    Step,
    change_states,
    counts_by_system,
    default_vendor,
    link_need,
    needed_links,
    not_standard,
    undated_systems,
)

RELATED = {"kind": SystemKind.RELATED, "vendor": "株式会社福祉"}
TODAY = date(2026, 12, 1)


def test_which_links_need_an_item(graph) -> None:
    sg = graph({
        "住記": {"planned_cutover": date(2027, 1, 5), "vendor": "標準ベンダ"},
        "附票": {"planned_cutover": date(2027, 1, 5)},
        "税": {"planned_cutover": date(2027, 4, 1)},
        "国保": {},
        "福祉総合": RELATED,
        "文書管理": {"kind": SystemKind.RELATED},
        "中間サーバー": {"kind": SystemKind.EXTERNAL},
    }, [("住記", "附票"), ("住記", "税"), ("住記", "国保"), ("住記", "福祉総合"), ("福祉総合", "文書管理"),
        ("住記", "中間サーバー"), ("国保", "福祉総合")])
    assert link_need(sg, 1, 2) == Need.TOGETHER  # two standard systems on the same day: none
    assert link_need(sg, 1, 3) == Need.STAGGERED  # different days: 暫定連携, then 本連携
    assert link_need(sg, 1, 4) == Need.UNDATED  # 国保 has no date: not known yet, no item
    assert link_need(sg, 1, 5) == Need.RELATED  # a 関連システム: changed in place
    assert link_need(sg, 5, 6) == Need.NONE  # neither side moves
    assert link_need(sg, 1, 7) == Need.NONE  # 中間サーバー: the standard system's own interface
    assert link_need(sg, 4, 5) == Need.RELATED  # an item even though 国保 has no date (not late: see below)
    assert needed_links(sg) == [(1, 5), (1, 3), (4, 5)]  # by provider then consumer name (code points)
    assert default_vendor(sg, 1, 5) == "株式会社福祉"  # the side that adapts
    assert default_vendor(sg, 1, 3) == "標準ベンダ"
    assert undated_systems(sg) == [4]


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
    assert {s.step for s in states} == {Step.SINGLE}
    assert states[0].reason == "住記の移行予定 2026-11-01"


def test_an_unknown_date_never_makes_a_late_item(graph) -> None:
    sg = graph({"住記": {"deadline": date(2026, 3, 31)}, "福祉総合": RELATED}, [("住記", "福祉総合")])
    [st] = change_states(sg, [ChangeItem(1, 2, planned=date(2027, 3, 1))], today=TODAY)
    assert (st.needed_by, st.late, st.needed) == (None, None, True)  # not its deadline: 住記 has no date yet
    assert st.reason == "住記の移行日が未定（日程未定）"


def test_two_standard_systems_on_different_days_have_an_interim_then_a_final_step(graph) -> None:
    sg = graph({"住記": {"planned_cutover": date(2027, 1, 5)}, "税": {"planned_cutover": date(2027, 4, 1)}},
               [("住記", "税")])
    [st] = change_states(sg, [ChangeItem(1, 2, planned=date(2027, 2, 1))], today=TODAY)
    assert (st.step, st.needed_by, st.late, st.days_late) == (Step.INTERIM, date(2027, 1, 5), LateKind.PLANNED_AFTER, 27)
    assert st.steps == "暫定連携 2027-01-05 まで → 本連携 2027-04-01 まで"
    [st] = change_states(sg, [ChangeItem(1, 2, interim_done=date(2027, 1, 4))], today=TODAY)
    assert (st.step, st.needed_by, st.late) == (Step.FINAL, date(2027, 4, 1), None)
    assert st.steps == "暫定連携 2027-01-04 済 → 本連携 2027-04-01 まで"


def test_an_untracked_interim_step_has_run_since_the_first_cut_over(graph) -> None:
    sg = graph({"住記": {"actual_cutover": date(2026, 1, 5)}, "税": {"planned_cutover": date(2027, 4, 1)}},
               [("住記", "税")])
    [st] = change_states(sg, [ChangeItem(1, 2)], today=TODAY)
    assert (st.step, st.interim_done, st.needed_by, st.late) == (Step.FINAL, date(2026, 1, 5), date(2027, 4, 1), None)
    # someone tracks the interim step and has not finished it: it is late, honestly
    [st] = change_states(sg, [ChangeItem(1, 2, status=ChangeStatus.IN_PROGRESS)], today=TODAY)
    assert (st.step, st.late) == (Step.INTERIM, LateKind.OVERDUE)


def test_items_the_rule_does_not_ask_for_are_never_late_and_not_counted(graph) -> None:
    sg = graph({"住記": {"planned_cutover": date(2026, 1, 5)}, "附票": {"planned_cutover": date(2026, 1, 5)},
                "国保": {}}, [("住記", "附票"), ("住記", "国保")])
    states = change_states(sg, [ChangeItem(1, 2, status=ChangeStatus.IN_PROGRESS),
                                ChangeItem(1, 3, status=ChangeStatus.SURVEY)], today=TODAY)
    assert {s.item.consumer: (s.need, s.step, s.late, s.verdict) for s in states} == {
        2: (Need.TOGETHER, None, None, "不要か確認（同じ日に移行）"), 3: (Need.UNDATED, None, None, "日程未定（要否未定）")}
    assert counts_by_system(states, today=TODAY, pressing_days=180) == {}


def test_both_cut_over_on_different_days_creates_nothing_but_keeps_a_tracked_item(graph) -> None:
    sg = graph({"住記": {"actual_cutover": date(2026, 1, 5)}, "税": {"actual_cutover": date(2026, 2, 1)}},
               [("住記", "税")])
    assert link_need(sg, 1, 2) == Need.MIGRATED and needed_links(sg) == []
    [st] = change_states(sg, [ChangeItem(1, 2, status=ChangeStatus.DONE, actual=date(2026, 1, 20),
                                         interim_done=date(2026, 1, 5))], today=TODAY)
    assert (st.step, st.needed, st.late) == (Step.FINAL, True, None)


def test_links_that_are_not_standard_interfaces_are_flagged(graph) -> None:
    sg = graph({"住記": {}, "介護": {}, "福祉総合": RELATED, "財務": RELATED},
               [("住記", "介護", {"method": LinkMethod.SHARED_DB}), ("福祉総合", "介護"), ("住記", "福祉総合"),
                ("福祉総合", "財務", {"method": LinkMethod.SHARED_DB})])
    assert not_standard(sg, 1, 2) == "標準の連携ではない（DB共有）"
    assert not_standard(sg, 3, 2) == "標準の連携ではない（関連システムから）"
    assert not_standard(sg, 1, 3) == ""  # a standard system feeding a related one: its standard output
    assert not_standard(sg, 3, 4) == ""  # no standard system involved
