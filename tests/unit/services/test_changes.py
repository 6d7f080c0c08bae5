"""改修 items of data links where the municipality must act: created when a link touches a 関連システム or
joins two standard systems moving on different days (two steps), never for unknown dates; edited, judged
late against the needed-by date, removed with their link; untouched ones the rule no longer asks for removed
and counted, touched ones kept; risk, schedule and slip include them."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlmodel import select

from fitgap.domain.enums import ChangeStatus, SystemKind
from fitgap.domain.models import AuditEvent, InterfaceChange
from fitgap.errors import ConflictError, InvalidInputError, NotFoundError
from fitgap.graph.changes import LateKind, Step
from fitgap.graph.risk import RiskLevel
from fitgap.importers.systems_csv import LINK_COLUMNS
from fitgap.services import change_sync, changes, schedule, system_graph, systems, systems_csv
from fitgap.services.catalog import init_database
from fitgap.storage import changes as change_store
from fitgap.storage.db import Database

JUKI = "住民記録システム"
FUKUSHI = "福祉総合システム"
TODAY = date(2026, 12, 1)


def _saved(db: Database) -> list[InterfaceChange]:
    with db.read() as session:
        return list(session.exec(select(InterfaceChange)))


def _item(db: Database, provider: str, consumer: str) -> changes.ChangeView:
    view = changes.get_changes(db=db, today=TODAY)
    return next(v for v in view.items if (v.provider, v.consumer) == (provider, consumer))


def _related(db: Database, name: str = FUKUSHI, *, provider: str = JUKI, **kw) -> None:
    systems.add_system(db=db, user="u", name=name, kind=SystemKind.RELATED, **kw)
    systems.set_link(db=db, user="u", provider=provider, consumer=name, data="宛名")


def test_init_creates_no_item_while_no_date_is_known(db: Database, db_url: str) -> None:
    assert len(systems.list_links(db=db)) == 53 and _saved(db) == []  # all typical systems standard, no dates
    assert changes.get_changes(db=db, today=TODAY).items == []
    assert init_database(url=db_url, user="t").changes_added == 0  # a second init creates nothing


def test_a_link_touching_a_related_system_gets_an_item_not_late_while_its_standard_side_has_no_date(
        db: Database) -> None:
    _related(db, vendor="株式会社福祉")
    item = _item(db, JUKI, FUKUSHI)
    assert item.saved and not item.item.typical and item.item.vendor == "株式会社福祉"  # the side that adapts
    assert item.item.change == "宛名: ファイル（現行） → 標準準拠の連携（データ要件・連携要件標準仕様書）"
    assert (item.state.needed_by, item.state.late) == (None, None)  # 住民記録 has no date: not its FY2025 deadline
    assert item.state.reason == "住民記録システムの移行日が未定（日程未定）"
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2027, 1, 5))
    assert _item(db, JUKI, FUKUSHI).state.needed_by == date(2027, 1, 5)
    assert _item(db, JUKI, FUKUSHI).state.reason == "住民記録システムの移行予定 2027-01-05"


def test_two_standard_systems_moving_together_need_none_on_different_days_two_steps(db: Database) -> None:
    koseki, fuhyo = "戸籍情報システム", "戸籍附票システム"
    systems.update_system(db=db, user="u", system=koseki, planned_cutover=date(2027, 1, 4))
    v = systems.update_system(db=db, user="u", system=fuhyo, planned_cutover=date(2027, 1, 4))
    assert v.change_sync.created == 0 and _saved(db) == []  # the same day: the interface does not change
    v = systems.update_system(db=db, user="u", system=fuhyo, planned_cutover=date(2027, 3, 1))
    assert v.change_sync.created == 1 and v.change_sync.lines() == ["連携の改修項目 1件を「未着手」で作成しました。"]
    st = _item(db, koseki, fuhyo).state
    assert (st.step, st.needed_by) == (Step.INTERIM, date(2027, 1, 4))
    assert st.steps == "暫定連携 2027-01-04 まで → 本連携 2027-03-01 まで"
    edit = changes.update_change(db=db, user="u", provider=koseki, consumer=fuhyo, status="完了",
                                 actual=date(2027, 1, 3), today=TODAY)
    assert edit.after["interim_done"] == date(2027, 1, 3)
    assert (edit.after["status"], edit.after["actual"]) == (ChangeStatus.NOT_STARTED, None)  # now the final step
    assert "暫定連携を 2027-01-03 に完了として記録し、本連携の段階にしました" in edit.notes[-1]
    st = _item(db, koseki, fuhyo).state
    assert (st.step, st.needed_by) == (Step.FINAL, date(2027, 3, 1))
    changes.undo_edit(db=db, user="u", edit=edit)  # back to the interim step, exactly as it was
    st = _item(db, koseki, fuhyo).state
    assert (st.step, st.item.status, st.item.interim_done) == (Step.INTERIM, ChangeStatus.NOT_STARTED, None)
    # back on the same day: the untouched item is removed again, and said
    changes.update_change(db=db, user="u", provider=koseki, consumer=fuhyo, note="", today=TODAY)
    assert _item(db, koseki, fuhyo).item.revision == 2  # touched (edited, then undone): kept
    v = systems.update_system(db=db, user="u", system=fuhyo, planned_cutover=date(2027, 1, 4))
    assert v.change_sync.removed == 0
    assert _item(db, koseki, fuhyo).state.verdict == "不要か確認（同じ日に移行）"


def test_an_interim_step_nobody_tracked_has_run_since_the_first_cut_over_and_an_edit_records_it(
        db: Database) -> None:
    fuhyo = "戸籍附票システム"
    systems.update_system(db=db, user="u", system=JUKI, actual_cutover=date(2026, 1, 5))
    systems.update_system(db=db, user="u", system=fuhyo, planned_cutover=date(2027, 3, 1))
    item = next(v for v in changes.get_changes(db=db, today=TODAY).items if fuhyo in (v.provider, v.consumer))
    st = item.state
    assert (st.step, st.interim_done, st.needed_by, st.late) == (Step.FINAL, date(2026, 1, 5), date(2027, 3, 1), None)
    edit = changes.update_change(db=db, user="u", provider=item.provider, consumer=item.consumer,
                                 vendor="株式会社附票", today=TODAY)
    assert edit.after["interim_done"] == date(2026, 1, 5)  # recorded with the first real edit


def test_seeded_items_nobody_touched_that_the_rule_no_longer_asks_for_are_removed_and_counted(
        db: Database, db_url: str) -> None:
    """A database from the release that seeded one item per typical link: the next init removes the
    untouched ones (audited, counted) and keeps every item someone touched."""
    with db.write() as session:
        sg = system_graph.load_graph_in(session)
        change_store.insert_changes(session=session, rows=[change_sync.default_row(sg, pair) for pair in sorted(sg.links)])
    kokuho, nenkin, chukan = "国民健康保険システム", "国民年金システム", "中間サーバー"
    changes.update_change(db=db, user="u", provider=JUKI, consumer=kokuho, status="調査中", today=TODAY)
    with db.write() as session:  # changed by hand, never through fitgap: a field differs from the seed
        row = next(r for r in session.exec(select(InterfaceChange)) if r.consumer_id == _id(db, nenkin))
        row.note = "確認中"
        session.add(row)
    with db.write() as session:  # edited by someone (updated_by) and put back: still touched
        row = next(r for r in session.exec(select(InterfaceChange)) if r.consumer_id == _id(db, chukan))
        row.updated_by = "佐藤"
        session.add(row)
    assert len(_saved(db)) == 53
    shown = changes.get_changes(db=db, today=TODAY).items
    assert {v.consumer for v in shown} == {kokuho, nenkin, chukan}  # untouched unwanted ones are not shown
    result = init_database(url=db_url, user="t")
    assert (result.changes_removed, result.changes_added) == (50, 0)
    assert {r.consumer_id for r in _saved(db)} == {_id(db, kokuho), _id(db, nenkin), _id(db, chukan)}
    verdicts = {v.consumer: v.state.verdict for v in changes.get_changes(db=db, today=TODAY).items}
    assert verdicts == {kokuho: "日程未定（要否未定）", nenkin: "日程未定（要否未定）",
                        chukan: "不要か確認（改修の対象外）"}
    with db.read() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "change.delete")).all()
    assert len(events) == 50 and all(e.new_value == "不要（未着手・誰も編集していない）" for e in events)
    assert init_database(url=db_url, user="t").changes_removed == 0


def _id(db: Database, name: str) -> int:
    return next(v.id for v in systems.list_systems(db=db) if v.name == name)


def test_lifecycle_status_dates_cost_and_audit(db: Database) -> None:
    systems.add_system(db=db, user="u", name=FUKUSHI, kind=SystemKind.RELATED)
    systems.set_link(db=db, user="u", provider=JUKI, consumer=FUKUSHI)
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2027, 1, 5))
    edit = changes.update_change(db=db, user="u", provider=JUKI, consumer=FUKUSHI, status="調査中",
                                 planned=date(2027, 2, 1), vendor="株式会社B", cost_kyen="1,200", today=TODAY)
    assert edit.after["status"] == ChangeStatus.SURVEY and edit.after["cost_kyen"] == 1200.0
    late = _item(db, JUKI, FUKUSHI).state
    assert (late.late, late.days_late) == (LateKind.PLANNED_AFTER, 27)
    edit = changes.update_change(db=db, user="u", provider=JUKI, consumer=FUKUSHI, actual=date(2027, 1, 4),
                                 today=TODAY)
    assert edit.after["status"] == ChangeStatus.DONE
    assert edit.notes == ["完了日を入れたので状況を「完了」にしました。"]
    assert _item(db, JUKI, FUKUSHI).state.late is None
    edit = changes.update_change(db=db, user="u", provider=JUKI, consumer=FUKUSHI, status=ChangeStatus.IN_PROGRESS,
                                 today=TODAY)
    assert edit.after["actual"] is None and "完了日 2027-01-04 を消しました" in edit.notes[0]
    edit = changes.update_change(db=db, user="u", provider=JUKI, consumer=FUKUSHI, status=ChangeStatus.DONE,
                                 today=TODAY)
    assert edit.after["actual"] == TODAY
    with db.read() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "interface_change")).all()
    assert {e.field for e in events} >= {"status", "planned", "vendor", "cost_kyen", "actual"}


@pytest.mark.parametrize(("values", "message"), [
    ({"status": "終わった"}, "状況「終わった」は選択肢にありません"),
    ({"cost_kyen": "-1"}, "負の値"),
    ({"cost_kyen": "高い"}, "数値ではありません"),
    ({"cost_kyen": "nan"}, "数値ではありません"),  # a NaN cost would break every later export and report
    ({"cost_kyen": "inf"}, "数値ではありません"),
    ({"status": "改修中", "actual": date(2027, 1, 1)}, "完了」のときだけ"),
])
def test_bad_input_is_refused_and_changes_nothing(db: Database, values, message) -> None:
    _related(db)
    before = _item(db, JUKI, FUKUSHI)
    with pytest.raises(InvalidInputError, match=message):
        changes.update_change(db=db, user="u", provider=JUKI, consumer=FUKUSHI, today=TODAY, **values)
    assert _item(db, JUKI, FUKUSHI) == before


def test_no_link_is_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError):
        changes.update_change(db=db, user="u", provider="中間サーバー", consumer=JUKI, status="調査中")


def test_undo_puts_the_item_back_and_refuses_after_another_change(db: Database) -> None:
    kokuho = "国民健康保険システム"
    first = changes.update_change(db=db, user="u", provider=JUKI, consumer=kokuho, status="改修中", today=TODAY)
    changes.undo_edit(db=db, user="u", edit=first)
    assert _item(db, JUKI, kokuho).item.status == ChangeStatus.NOT_STARTED
    second = changes.update_change(db=db, user="u", provider=JUKI, consumer=kokuho, status="調査中", today=TODAY)
    changes.update_change(db=db, user="v", provider=JUKI, consumer=kokuho, note="別の人", today=TODAY)
    with pytest.raises(ConflictError):
        changes.undo_edit(db=db, user="u", edit=second)
    assert _item(db, JUKI, kokuho).item.note == "別の人"


def test_removing_a_link_removes_its_item_and_says_so(db: Database) -> None:
    changes.update_change(db=db, user="u", provider=JUKI, consumer="国民年金システム", status="改修中")
    _related(db)
    _related(db, "財務会計システム", provider=FUKUSHI)  # related with related: nothing moves, no item
    assert len(_saved(db)) == 2
    note = systems.remove_link(db=db, user="u", provider=JUKI, consumer="国民年金システム")
    assert note == "この連携の改修項目（状況: 改修中）も削除しました。"
    assert len(_saved(db)) == 1
    systems.delete_system(db=db, user="u", system=FUKUSHI)
    assert _saved(db) == []


def test_late_items_are_schedule_conflicts_and_raise_the_risk_of_both_ends(db: Database) -> None:
    systems.add_system(db=db, user="u", name=FUKUSHI, kind=SystemKind.RELATED)
    systems.set_link(db=db, user="u", provider=JUKI, consumer=FUKUSHI)
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2027, 1, 5))
    changes.update_change(db=db, user="u", provider=JUKI, consumer=FUKUSHI, status="改修中", planned=date(2027, 3, 1))
    view = schedule.get_schedule(db=db, today=TODAY)
    assert [c.label for c in view.late_changes if c.consumer == FUKUSHI] == [f"{JUKI} → {FUKUSHI}"]
    risk = {view.graph.name(r.system): r for r in view.risks}
    assert risk[FUKUSHI].level == RiskLevel.HIGH
    assert "必要日までに終わらない改修 1件" in risk[FUKUSHI].reasons
    assert "移行予定日が未設定" not in risk[FUKUSHI].reasons  # a related system does not cut over
    changes.update_change(db=db, user="u", provider=JUKI, consumer=FUKUSHI, status="完了", actual=date(2027, 1, 4))
    view = schedule.get_schedule(db=db, today=TODAY)
    assert {view.graph.name(r.system): r for r in view.risks}[FUKUSHI].level == RiskLevel.DONE


def test_slip_moves_the_needed_by_date_of_the_items_and_flags_new_late_ones(db: Database) -> None:
    systems.add_system(db=db, user="u", name=FUKUSHI, kind=SystemKind.RELATED)
    systems.set_link(db=db, user="u", provider=JUKI, consumer=FUKUSHI)
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2027, 1, 5))
    kokuho = "国民健康保険システム"
    systems.update_system(db=db, user="u", system=kokuho, planned_cutover=date(2027, 6, 1))
    changes.update_change(db=db, user="u", provider=JUKI, consumer=FUKUSHI, planned=date(2027, 1, 4))
    changes.update_change(db=db, user="u", provider=JUKI, consumer=kokuho, planned=date(2027, 2, 1))
    # 住民記録 slips to 2027-03-01: both items are needed later; the one planned after 2027-01-05 is on time again
    assert _item(db, JUKI, kokuho).state.late == LateKind.PLANNED_AFTER
    sg, report, moved = schedule.slip_changes(db=db, system=JUKI, new_date=date(2027, 3, 1), today=TODAY)
    impacted = {sg.name(i.system) for i in report.impacts}
    assert kokuho not in impacted and FUKUSHI not in impacted  # 国保 is planned later; 福祉総合 does not cut over
    by = {(sg.name(m.state.item.provider), sg.name(m.state.item.consumer)): m for m in moved}
    assert (by[(JUKI, FUKUSHI)].needed_before, by[(JUKI, FUKUSHI)].state.needed_by) == (date(2027, 1, 5),
                                                                                        date(2027, 3, 1))
    assert by[(JUKI, kokuho)].state.late is None
    # brought forward to 2026-12-15 instead: both changes are late, the latest first
    sg, _report, moved = schedule.slip_changes(db=db, system=JUKI, new_date=date(2026, 12, 15), today=TODAY)
    assert [(sg.name(m.state.item.consumer), m.state.late, m.state.days_late) for m in moved[:2]] == [
        (kokuho, LateKind.PLANNED_AFTER, 48), (FUKUSHI, LateKind.PLANNED_AFTER, 20)]


def test_csv_import_with_replace_links_removes_their_items_and_says_how_many(db: Database, tmp_path) -> None:
    path = tmp_path / "links.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(LINK_COLUMNS)
        w.writerow([JUKI, "国民健康保険システム", "宛名", "ファイル", "なし", ""])
        w.writerow(["国民健康保険システム", FUKUSHI, "資格", "API", "なし", ""])
    systems.add_system(db=db, user="u", name=FUKUSHI, kind=SystemKind.RELATED)
    changes.update_change(db=db, user="u", provider=JUKI, consumer="国民年金システム", status="調査中")
    changes.update_change(db=db, user="u", provider=JUKI, consumer="介護保険システム", note="確認")
    result = systems_csv.import_csv(db=db, user="u", links_path=path, replace_links=True, accept_older=True)
    assert result.changes_removed == 2  # the other typical links went, and their items with them
    assert result.changes_added == 1  # 国保 → 福祉総合
    assert {(v.provider, v.consumer) for v in changes.get_changes(db=db, today=TODAY).items} == {
        ("国民健康保険システム", FUKUSHI)}  # 住民記録 → 国保: both standard, no dates yet
