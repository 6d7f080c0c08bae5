"""移行後の経過措置 through the service: set, done, overdue against today, conflicts, unknown requirements,
removal, the audit trail, and the counts every surface reads."""

from __future__ import annotations

from datetime import date

import pytest

from fitgap.domain.enums import RequirementKind
from fitgap.domain.post_cutover import MeasureState
from fitgap.errors import ConflictError, InvalidInputError, NotFoundError
from fitgap.services import post_cutover, status, systems
from fitgap.services.items import ItemKey, get_item_detail
from fitgap.storage import audit
from fitgap.storage import post_cutover as store
from fitgap.storage.db import Database

TODAY = date(2026, 12, 7)
JUKI = ItemKey.of("001", "機能", "1.1.1-必須")
GAIKOKU = ItemKey.of("001", "機能", "1.1.2-必須")


def _set(db: Database, key: ItemKey = JUKI, **values: object) -> post_cutover.MeasureEdit:
    return post_cutover.set_measure(db=db, user="担当", key=key, today=TODAY, **values)


def test_keys_are_read_as_users_type_them() -> None:
    assert post_cutover.parse_key("001:機能:1.1.1-必須") == JUKI
    assert post_cutover.parse_key("1：1.1.1-必須") == JUKI  # full-width colon, kind left out, code padded
    assert post_cutover.parse_key("001:帳票:1.1.1-必須").kind == RequirementKind.FORM
    for bad in ("1.1.1-必須", "001:機能", "abc:機能:x", "001:画面:x"):
        with pytest.raises(InvalidInputError):
            post_cutover.parse_key(bad)


def test_set_creates_then_changes_only_what_is_given(db: Database) -> None:
    edit = _set(db, planned=date(2027, 3, 31), vendor=" A社 ")
    assert edit.created and edit.changed and edit.name == "日本人住民データの管理"
    assert edit.after is not None and edit.after.revision == 1 and edit.after.vendor == "A社"
    edit = _set(db, notified_on=date(2026, 2, 1), note="届出済み")
    after = edit.after
    assert after is not None and not edit.created
    assert (after.planned, after.notified_on, after.vendor, after.note, after.revision) == (
        date(2027, 3, 31), date(2026, 2, 1), "A社", "届出済み", 2)
    again = _set(db, note="届出済み")
    assert not again.changed and again.after is not None and again.after.revision == 2  # nothing written
    with db.read() as session:
        events = [(e.action, e.field, e.new_value) for e in audit.history(session=session, entity_key=str(JUKI))]
    assert ("post_cutover.set", "planned", "2027-03-31") in events
    assert ("post_cutover.set", "notified_on", "2026-02-01") in events
    assert len(events) == 4  # planned, vendor; notified_on, note


def test_overdue_is_computed_against_today_and_done_clears_it(db: Database) -> None:
    systems.update_system(db=db, user="t", system="住民記録システム", actual_cutover=date(2026, 1, 5))
    _set(db, planned=date(2026, 12, 1))
    _set(db, GAIKOKU, planned=date(2027, 3, 31), notified_on=date(2026, 2, 1))
    views = post_cutover.list_measures(db=db, today=TODAY)
    assert [(v.key, v.overdue, v.label) for v in views] == [(JUKI, True, "期限超過 6日"),
                                                             (GAIKOKU, False, "残り 114日")]
    assert views[0].standing is not None and views[0].standing.label == "移行済 2026-01-05"
    assert [v.key for v in post_cutover.list_measures(db=db, today=TODAY, overdue_only=True)] == [JUKI]
    assert post_cutover.list_measures(db=db, today=date(2026, 12, 1), overdue_only=True) == []  # the day itself

    ov = status.get_overview(db=db, today=TODAY)
    assert (ov.total("post_cutover_open"), ov.total("post_cutover_overdue"), ov.total("post_cutover_not_notified")) \
        == (2, 1, 1)
    assert status.post_cutover_line(ov) == "移行後の経過措置: 未完了 2 件（うち期限超過 1 件、届出未了 1 件）"
    with db.read() as s:
        assert store.counts_by_operation(session=s, today=TODAY) == {"001": (2, 1)}  # what R19/R20 read

    edit = post_cutover.mark_done(db=db, user="担当", key=JUKI, today=TODAY)
    assert edit.after is not None and edit.after.done_on == TODAY
    view = post_cutover.get_measure(db=db, key=JUKI, today=TODAY)
    assert view is not None and view.state == MeasureState.DONE and not view.overdue
    assert status.post_cutover_line(status.get_overview(db=db, today=TODAY)) == \
        "移行後の経過措置: 未完了 1 件（うち期限超過 0 件、届出未了 0 件）"


def test_a_stale_revision_is_a_conflict_and_nothing_is_overwritten(db: Database) -> None:
    _set(db, planned=date(2027, 3, 31))  # revision 1, as the form read it
    _set(db, note="同僚の変更")  # someone else: revision 2
    with pytest.raises(ConflictError) as exc:
        _set(db, planned=date(2027, 6, 30), expected_revision=1)
    assert "読み込んだ後に変更されています（担当）" in exc.value.message
    view = post_cutover.get_measure(db=db, key=JUKI, today=TODAY)
    assert view is not None and view.record.planned == date(2027, 3, 31) and view.record.note == "同僚の変更"
    _set(db, GAIKOKU, planned=date(2027, 1, 31))
    with pytest.raises(ConflictError):  # the form read "nothing recorded" (0), but someone recorded it since
        _set(db, GAIKOKU, planned=date(2027, 3, 31), expected_revision=0)
    with pytest.raises(ConflictError):
        post_cutover.remove_measure(db=db, user="担当", key=JUKI, expected_revision=1)
    _set(db, planned=date(2027, 6, 30), expected_revision=2)  # read again: saved


def test_unknown_requirements_and_bad_records_are_refused_and_change_nothing(db: Database) -> None:
    with pytest.raises(NotFoundError) as exc:
        _set(db, ItemKey.of("001", "機能", "9.9.9-なし"), planned=date(2027, 3, 31))
    assert "現在の要件一覧に 機能 9.9.9-なし はありません" in exc.value.message and exc.value.hint
    with pytest.raises(NotFoundError):
        _set(db, ItemKey.of("001", "帳票", "1.1.1-必須"), planned=date(2027, 3, 31))  # 機能 and 帳票 differ
    with pytest.raises(NotFoundError):
        _set(db, ItemKey.of("999", "機能", "x"), planned=date(2027, 3, 31))
    with pytest.raises(InvalidInputError):
        _set(db, note="予定日なし")
    with pytest.raises(NotFoundError):
        post_cutover.mark_done(db=db, user="担当", key=JUKI, today=TODAY)
    _set(db, planned=date(2027, 3, 31))
    with pytest.raises(InvalidInputError):
        _set(db, planned=None)  # the planned date cannot be emptied
    with pytest.raises(InvalidInputError):
        _set(db, done_on=date(2026, 12, 8))  # not in the future
    view = post_cutover.get_measure(db=db, key=JUKI, today=TODAY)
    assert view is not None and view.record.revision == 1 and view.record.done_on is None
    assert [v.key for v in post_cutover.list_measures(db=db, today=TODAY)] == [JUKI]


def test_remove_and_the_requirement_detail_shows_the_record(db: Database) -> None:
    _set(db, planned=date(2027, 3, 31), note="帳票の一部")
    detail = get_item_detail(db=db, key=JUKI)
    assert detail.post_cutover is not None and detail.post_cutover.note == "帳票の一部"
    assert any(h.action == "post_cutover.set" for h in detail.history)
    edit = post_cutover.remove_measure(db=db, user="担当", key=JUKI)
    assert edit.after is None and edit.changed
    assert get_item_detail(db=db, key=JUKI).post_cutover is None
    with pytest.raises(NotFoundError):
        post_cutover.remove_measure(db=db, user="担当", key=JUKI)
    assert post_cutover.list_measures(db=db, today=TODAY) == []
