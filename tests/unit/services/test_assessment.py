"""Marking items: one transaction with audit events, conflicts, note rule, bulk, undo and redo."""

import pytest

from fitgap.domain.enums import Disposition, Kubun, Status
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.services.assessment import get_note_rule, redo, set_note_rule, undo, update_items
from fitgap.services.database import open_db
from fitgap.services.items import ItemFilter, ItemKey, get_item, get_item_detail, item_keys, list_items
from fitgap.services.status import get_overview
from fitgap.services.views import get_last_view, get_view, list_views, save_view, set_last_view

JUKI = "001"
K1 = ItemKey.of(JUKI, "機能", "1.1.1-必須")
K2 = ItemKey.of(JUKI, "機能", "1.1.2-必須")


def test_marking_records_who_when_and_bumps_the_revision(db):
    r = update_items(db=db, user="佐藤", keys=[K1], status=Status.FIT)
    assert r.changed == [K1] and r.batch
    row = get_item(db=db, key=K1)
    assert row.status == Status.FIT and row.assessed_by == "佐藤" and row.revision == 1
    update_items(db=db, user="鈴木", keys=[K1], status=Status.GAP, disposition=Disposition.EUC, note="独自帳票")
    row = get_item(db=db, key=K1)
    assert (row.status, row.disposition, row.note, row.revision) == (Status.GAP, Disposition.EUC, "独自帳票", 2)


def test_same_value_again_changes_nothing(db):
    update_items(db=db, user="t", keys=[K1], status=Status.FIT)
    again = update_items(db=db, user="t", keys=[K1], status=Status.FIT)
    assert again.changed == [] and again.unchanged == [K1] and again.batch is None
    assert get_item(db=db, key=K1).revision == 1


def test_stale_edit_is_a_conflict_not_an_overwrite(db_url, db):
    other = open_db(url=db_url)  # a colleague on the same database
    shown = get_item(db=db, key=K1)
    update_items(db=other, user="鈴木", keys=[K1], status=Status.NOT_APPLICABLE, note="当市に該当事務なし")
    r = update_items(db=db, user="佐藤", keys=[K1], status=Status.FIT, expected_revisions={K1: shown.revision})
    assert r.changed == [] and len(r.conflicts) == 1
    assert r.conflicts[0].current.status == Status.NOT_APPLICABLE and r.conflicts[0].current.note == "当市に該当事務なし"
    assert get_item(db=db, key=K1).status == Status.NOT_APPLICABLE
    other.dispose()


def test_note_rule_rejects_a_gap_without_reason_and_is_configurable(db):
    r = update_items(db=db, user="t", keys=[K1], status=Status.GAP)
    assert r.changed == [] and r.rejected and "メモ" in r.rejected[0][1]
    assert get_item(db=db, key=K1).status == Status.UNCHECKED
    set_note_rule(db=db, user="t", statuses=[])
    assert get_note_rule(db=db) == frozenset()
    assert update_items(db=db, user="t", keys=[K1], status=Status.GAP).changed == [K1]


def test_disposition_only_for_gaps_and_cleared_when_status_changes(db):
    with pytest.raises(InvalidInputError):
        update_items(db=db, user="t", keys=[K1], status=Status.FIT, disposition=Disposition.EUC)
    update_items(db=db, user="t", keys=[K1], status=Status.FIT)
    with pytest.raises(InvalidInputError, match="ギャップ"):
        update_items(db=db, user="t", keys=[K1], disposition=Disposition.EUC)
    update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.BPR, note="n")
    update_items(db=db, user="t", keys=[K1], status=Status.FIT)
    assert get_item(db=db, key=K1).disposition is None


def test_unknown_item_is_refused_and_nothing_changes(db):
    with pytest.raises(NotFoundError):
        update_items(db=db, user="t", keys=[K1, ItemKey.of(JUKI, "機能", "9.9.9-必須")], status=Status.FIT)
    assert get_item(db=db, key=K1).status == Status.UNCHECKED


def test_bulk_mark_all_matching_then_undo_and_redo(db):
    flt = ItemFilter(operation_code=JUKI, kubun=frozenset({Kubun.FORBIDDEN}))
    keys = item_keys(db=db, flt=flt)
    assert len(keys) == 47
    r = update_items(db=db, user="t", keys=keys, status=Status.NOT_APPLICABLE, note="実装しない機能：現行もなし")
    assert len(r.changed) == 47
    ov = next(o for o in get_overview(db=db, today=__import__("datetime").date(2026, 11, 23)).operations
              if o.code == JUKI)
    assert ov.reviewed == 47
    u = undo(db=db, user="t", batch=r.batch)
    assert len(u.changed) == 47
    assert all(row.status == Status.UNCHECKED for row in list_items(db=db, flt=flt, limit=100))
    again = redo(db=db, user="t", batch=r.batch)
    assert len(again.changed) == 47
    assert all(row.status == Status.NOT_APPLICABLE for row in list_items(db=db, flt=flt, limit=100))
    actions = [h.action for h in get_item_detail(db=db, key=keys[0]).history if h.field == "status"]
    assert actions == ["assessment.redo", "assessment.undo", "assessment.update"]


def test_undo_leaves_items_someone_changed_since(db_url, db):
    r = update_items(db=db, user="佐藤", keys=[K1, K2], status=Status.FIT)
    other = open_db(url=db_url)
    update_items(db=other, user="鈴木", keys=[K2], status=Status.GAP, note="差異あり")
    other.dispose()
    u = undo(db=db, user="佐藤", batch=r.batch)
    assert u.changed == [K1] and [c.key for c in u.conflicts] == [K2]
    assert get_item(db=db, key=K1).status == Status.UNCHECKED
    assert get_item(db=db, key=K2).status == Status.GAP


def test_saved_views_and_last_view(db):
    from fitgap.services.items import ItemSort

    flt = ItemFilter(operation_code=JUKI, statuses=frozenset({Status.GAP}), text="除票")
    save_view(db=db, name="住記ギャップ", flt=flt, sort=ItemSort("kubun", True))
    assert list_views(db=db) == ["住記ギャップ"]
    assert get_view(db=db, name="住記ギャップ") == (flt, ItemSort("kubun", True))
    assert get_last_view(db=db) is None
    set_last_view(db=db, flt=flt, sort=ItemSort())
    assert get_last_view(db=db) == (flt, ItemSort())


def test_different_changes_for_different_items_are_one_action(db):
    from fitgap.services.assessment import ItemChange, apply_changes

    r = apply_changes(db=db, user="t", changes={
        K1: ItemChange(status=Status.FIT),
        K2: ItemChange(status=Status.GAP, disposition=Disposition.OPERATION, note="運用で回避"),
    })
    assert sorted(r.changed) == sorted([K1, K2]) and r.batch
    assert get_item(db=db, key=K2).disposition == Disposition.OPERATION
    undo(db=db, user="t", batch=r.batch)
    assert get_item(db=db, key=K1).status == get_item(db=db, key=K2).status == Status.UNCHECKED
