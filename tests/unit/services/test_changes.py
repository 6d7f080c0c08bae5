"""改修 items of data links: created for the typical links and when links or dates change, edited, judged
late against the needed-by date, removed with their link; risk, schedule and slip include them."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlmodel import select

from fitgap.domain.enums import ChangeStatus, SystemKind
from fitgap.domain.models import AuditEvent, InterfaceChange
from fitgap.errors import ConflictError, InvalidInputError, NotFoundError
from fitgap.graph.changes import LateKind
from fitgap.graph.risk import RiskLevel
from fitgap.importers.systems_csv import LINK_COLUMNS
from fitgap.services import changes, schedule, systems, systems_csv
from fitgap.services.catalog import init_database
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


def test_init_creates_an_item_for_every_typical_link_that_crosses_a_cut_over(db: Database, db_url: str) -> None:
    saved = _saved(db)
    links = systems.list_links(db=db)
    assert len(saved) == len(links) == 53  # no dates yet: every link may cross
    assert all(s.status == ChangeStatus.NOT_STARTED and s.typical for s in saved)
    item = _item(db, "団体内統合宛名システム", "中間サーバー")
    assert item.item.change == "副本・情報照会: API（現行） → 標準準拠の連携（データ要件・連携要件標準仕様書）"
    assert init_database(url=db_url, user="t").changes_added == 0  # a second init creates nothing


def test_a_new_link_and_a_date_change_create_items_and_same_day_links_do_not_cross(db: Database) -> None:
    systems.add_system(db=db, user="u", name=FUKUSHI, kind=SystemKind.RELATED, vendor="株式会社福祉")
    systems.set_link(db=db, user="u", provider=JUKI, consumer=FUKUSHI, data="宛名")
    item = _item(db, JUKI, FUKUSHI)
    assert item.saved and not item.item.typical and item.item.vendor == "株式会社福祉"  # the side that adapts
    assert item.state.needed_by == date(2026, 3, 31)  # 住民記録's deadline (FY2025末): no cut-over planned
    # both ends of 戸籍情報 → 戸籍附票 on the same day: the interface does not change across generations
    systems.update_system(db=db, user="u", system="戸籍情報システム", planned_cutover=date(2027, 1, 4))
    systems.update_system(db=db, user="u", system="戸籍附票システム", planned_cutover=date(2027, 1, 4))
    koseki = _item(db, "戸籍情報システム", "戸籍附票システム")
    assert koseki.state.crosses is False
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2027, 1, 5))
    assert _item(db, JUKI, FUKUSHI).state.needed_by == date(2027, 1, 5)
    assert _item(db, JUKI, FUKUSHI).state.reason == "住民記録システムの移行予定 2027-01-05"


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
    before = _item(db, JUKI, "国民健康保険システム")
    with pytest.raises(InvalidInputError, match=message):
        changes.update_change(db=db, user="u", provider=JUKI, consumer="国民健康保険システム", today=TODAY, **values)
    assert _item(db, JUKI, "国民健康保険システム") == before


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
    note = systems.remove_link(db=db, user="u", provider=JUKI, consumer="国民年金システム")
    assert note == "この連携の改修項目（状況: 改修中）も削除しました。"
    assert len(_saved(db)) == 52
    systems.delete_system(db=db, user="u", system="中間サーバー")
    assert len(_saved(db)) == 51


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
    result = systems_csv.import_csv(db=db, user="u", links_path=path, replace_links=True)
    assert result.changes_removed == 52  # every other typical link went, and its item with it
    assert result.changes_added == 1  # 国保 → 福祉総合
    assert {(v.provider, v.consumer) for v in changes.get_changes(db=db, today=TODAY).items} == {
        (JUKI, "国民健康保険システム"), ("国民健康保険システム", FUKUSHI)}
