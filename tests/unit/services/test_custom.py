"""独自機能: mapping to requirements, reverse gaps, dispositions with the note rule, counts, undo and redo."""

import pytest

from fitgap.domain.custom import Coverage, CustomDisposition, FunctionKind, FunctionRecord
from fitgap.domain.enums import Kubun, Status, SystemKind
from fitgap.errors import NotFoundError
from fitgap.services import custom
from fitgap.services.assessment import set_note_rule, update_items
from fitgap.services.custom import FunctionFilter, FunctionKey
from fitgap.services.custom_import import import_functions, import_or_problems
from fitgap.services.items import ItemKey
from fitgap.services.systems import list_links, list_systems

JUKI = "001"
MUST = ItemKey.of(JUKI, "機能", "1.1.1-必須")
FORBIDDEN = ItemKey.of(JUKI, "機能", "1.1.11-不可")
F1, F2, F3 = FunctionKey(JUKI, "F-001"), FunctionKey(JUKI, "F-002"), FunctionKey(JUKI, "F-003")


@pytest.fixture
def inventory(db):
    import_functions(db=db, user="t", records=[
        FunctionRecord(JUKI, "F-001", "住民票の写し交付", kind=FunctionKind.FORM, department="市民課"),
        FunctionRecord(JUKI, "F-002", "窓口混雑表示", kind=FunctionKind.SCREEN, department="市民課"),
        FunctionRecord(JUKI, "F-003", "続柄の独自表記", department="市民課"),
    ])
    return db


def row(db, key):
    return custom.get_function(db=db, key=key).row


def test_mapping_by_kind_and_id_makes_a_function_covered(inventory):
    r = custom.map_functions(db=inventory, user="佐藤", keys=[F1], add=[MUST])
    assert r.changed == [F1] and r.batch
    got = row(inventory, F1)
    assert got.coverage == Coverage.IN_SPEC and [m.key for m in got.mapped] == [MUST]
    assert got.mapped[0].kubun == Kubun.MUST and not got.reverse_gap and not got.undecided


def test_an_unknown_requirement_is_refused_and_nothing_changes(inventory):
    wrong_kind = ItemKey.of(JUKI, "帳票", "1.1.1-必須")  # same ID, other ID space
    with pytest.raises(NotFoundError, match=r"帳票:1\.1\.1-必須"):
        custom.map_functions(db=inventory, user="t", keys=[F1], add=[MUST, wrong_kind])
    assert row(inventory, F1).mapped == () and row(inventory, F1).revision == 1


def test_matching_a_forbidden_requirement_is_a_reverse_gap_and_flags_the_assessment(inventory):
    r = custom.map_functions(db=inventory, user="t", keys=[F3], add=[FORBIDDEN])
    assert r.mismatches == [FORBIDDEN]  # assessed 未確認, but the current system does it
    got = row(inventory, F3)
    assert got.reverse_gap and got.verdict == "要廃止" and got.undecided
    update_items(db=inventory, user="t", keys=[FORBIDDEN], status=Status.FIT)
    custom.map_functions(db=inventory, user="t", keys=[F3], remove=[FORBIDDEN])
    again = custom.map_functions(db=inventory, user="t", keys=[F3], add=[FORBIDDEN])
    assert again.mismatches == []  # consistent now: 実装不可 × 適合 = 要廃止 on both sides


def test_outside_spec_needs_a_disposition_and_the_note_rule_applies(inventory):
    custom.set_functions(db=inventory, user="t", keys=[F2], outside_spec=True)
    assert row(inventory, F2).coverage == Coverage.OUTSIDE and row(inventory, F2).undecided
    r = custom.set_functions(db=inventory, user="t", keys=[F2], disposition=CustomDisposition.DROP)
    assert r.changed == [] and "理由" in r.rejected[0][1]
    assert row(inventory, F2).disposition is None
    r = custom.set_functions(db=inventory, user="t", keys=[F2], disposition=CustomDisposition.DROP, note="掲示で足りる")
    assert r.changed == [F2] and not row(inventory, F2).undecided
    set_note_rule(db=inventory, user="t", statuses=[])  # the municipality's rule: no reason needed
    r = custom.set_functions(db=inventory, user="t", keys=[F2], disposition=CustomDisposition.EUC, note="")
    assert r.changed == [F2]


def test_undecided_disposition_still_counts_as_undecided(inventory):
    custom.set_functions(db=inventory, user="t", keys=[F2], outside_spec=True,
                         disposition=CustomDisposition.UNDECIDED, note="課内で検討中")
    assert row(inventory, F2).undecided


def test_a_disposition_on_a_covered_function_is_rejected_and_mapping_clears_one(inventory):
    custom.map_functions(db=inventory, user="t", keys=[F1], add=[MUST])
    r = custom.set_functions(db=inventory, user="t", keys=[F1], disposition=CustomDisposition.EUC, note="x")
    assert r.changed == [] and "標準外または要廃止" in r.rejected[0][1]
    custom.set_functions(db=inventory, user="t", keys=[F2], outside_spec=True, disposition=CustomDisposition.EUC,
                         note="EUC で集計")
    r = custom.map_functions(db=inventory, user="t", keys=[F2], add=[MUST])
    assert r.cleared_dispositions == [F2]  # said, not silent
    got = row(inventory, F2)
    assert got.coverage == Coverage.IN_SPEC and got.disposition is None


def test_marking_outside_drops_the_mappings_and_says_how_many(inventory):
    custom.map_functions(db=inventory, user="t", keys=[F1], add=[MUST, FORBIDDEN])
    r = custom.set_functions(db=inventory, user="t", keys=[F1], outside_spec=True)
    assert r.removed_mappings == 2 and row(inventory, F1).mapped == ()


def test_counts_per_operation(inventory):
    custom.map_functions(db=inventory, user="t", keys=[F1], add=[MUST])
    custom.set_functions(db=inventory, user="t", keys=[F2], outside_spec=True, disposition=CustomDisposition.BPR,
                         note="窓口の運用で")
    counts = custom.counts_by_operation(db=inventory)[JUKI]
    assert (counts.total, counts.in_spec, counts.outside, counts.unchecked, counts.undecided) == (3, 1, 1, 1, 0)
    custom.map_functions(db=inventory, user="t", keys=[F3], add=[FORBIDDEN])
    counts = custom.counts_by_operation(db=inventory)[JUKI]
    assert (counts.reverse_gap, counts.undecided, counts.by_disposition["業務見直し"]) == (1, 1, 1)


def test_filter_by_disposition_coverage_and_text(inventory):
    custom.set_functions(db=inventory, user="t", keys=[F2, F3], outside_spec=True)
    custom.set_functions(db=inventory, user="t", keys=[F3], disposition=CustomDisposition.EUC, note="集計表")
    names = lambda flt: [r.key.code for r in custom.list_functions(db=inventory, flt=flt)]  # noqa: E731
    assert names(FunctionFilter(dispositions=frozenset({CustomDisposition.EUC}))) == ["F-003"]
    assert names(FunctionFilter(dispositions=frozenset({None}), coverage=frozenset({Coverage.OUTSIDE}))) == ["F-002"]
    assert names(FunctionFilter(undecided=True)) == ["F-002"]
    assert names(FunctionFilter(text="住民票")) == ["F-001"]


def test_every_change_is_audited_and_undo_redo_restore_it(inventory):
    r1 = custom.map_functions(db=inventory, user="佐藤", keys=[F1], add=[MUST])
    r2 = custom.set_functions(db=inventory, user="佐藤", keys=[F2, F3], outside_spec=True)
    detail = custom.get_function(db=inventory, key=F1)
    assert next((e.user, e.field, e.new_value) for e in detail.history) == ("佐藤", "mapped", str(MUST))
    u = custom.undo(db=inventory, user="佐藤", batch=r2.batch)
    assert sorted(u.changed) == [F2, F3] and row(inventory, F2).coverage == Coverage.UNCHECKED
    again = custom.redo(db=inventory, user="佐藤", batch=r2.batch)
    assert row(inventory, F2).coverage == Coverage.OUTSIDE
    assert custom.last_batch(db=inventory, user="佐藤") == again.batch  # what `fitgap custom undo` takes back
    custom.undo(db=inventory, user="佐藤", batch=r1.batch)
    assert row(inventory, F1).mapped == ()


def test_undo_does_not_overwrite_a_later_change_by_someone_else(inventory):
    r = custom.set_functions(db=inventory, user="佐藤", keys=[F2], outside_spec=True)
    custom.set_functions(db=inventory, user="鈴木", keys=[F2], disposition=CustomDisposition.EUC, note="集計")
    custom.map_functions(db=inventory, user="鈴木", keys=[F2], add=[MUST])  # covered now: 標準外 cleared
    u = custom.undo(db=inventory, user="佐藤", batch=r.batch)
    assert u.changed == [] and [c.key for c in u.conflicts] == [F2]
    assert row(inventory, F2).coverage == Coverage.IN_SPEC


def test_stale_revision_is_a_conflict(inventory):
    shown = row(inventory, F2)
    custom.set_functions(db=inventory, user="鈴木", keys=[F2], outside_spec=True)
    r = custom.set_functions(db=inventory, user="佐藤", keys=[F2], outside_spec=False,
                             expected_revisions={F2: shown.revision})
    assert r.changed == [] and r.conflicts[0].current.coverage == Coverage.OUTSIDE


def test_moving_to_a_separate_system_adds_a_related_system_with_its_link(inventory):
    custom.set_functions(db=inventory, user="t", keys=[F2], outside_spec=True)
    r = custom.set_functions(db=inventory, user="t", keys=[F2], disposition=CustomDisposition.SEPARATE_SYSTEM,
                             note="庁舎案内と一体で", target_system="窓口案内システム")
    assert r.changed == [F2] and r.added_systems == ["窓口案内システム"]
    assert row(inventory, F2).target_system == "窓口案内システム"
    new = next(s for s in list_systems(db=inventory) if s.name == "窓口案内システム")
    assert new.kind == SystemKind.RELATED and new.operations == (JUKI,)
    links = [(link.provider, link.data) for link in list_links(db=inventory) if link.consumer == "窓口案内システム"]
    assert links and all(data == "独自機能" for _, data in links)


def test_undoing_a_move_or_another_disposition_says_the_separate_system_stays_when_no_function_moves_there(inventory):
    custom.set_functions(db=inventory, user="t", keys=[F2, F3], outside_spec=True)
    first = custom.set_functions(db=inventory, user="t", keys=[F2], disposition=CustomDisposition.SEPARATE_SYSTEM,
                                 note="庁舎案内と一体で", target_system="窓口案内システム")
    second = custom.set_functions(db=inventory, user="t", keys=[F3], disposition=CustomDisposition.SEPARATE_SYSTEM,
                                  note="同じ", target_system="窓口案内システム")
    assert second.batch and first.batch
    back = custom.undo(db=inventory, user="t", batch=second.batch)
    assert back.changed == [F3] and back.left_systems == []  # F2 still moves there
    back = custom.undo(db=inventory, user="t", batch=first.batch)
    assert back.changed == [F2] and back.left_systems == ["窓口案内システム"]
    assert "窓口案内システム" in [s.name for s in list_systems(db=inventory)]  # kept, and the user is told
    again = custom.redo(db=inventory, user="t", batch=first.batch)
    assert again.changed == [F2] and again.left_systems == [] and row(inventory, F2).target_system == "窓口案内システム"
    other = custom.set_functions(db=inventory, user="t", keys=[F2], disposition=CustomDisposition.EUC, note="EUC")
    assert other.changed == [F2] and other.left_systems == ["窓口案内システム"]  # the target cleared with it


def test_a_refused_move_does_not_leave_a_new_system_behind(inventory):
    r = custom.set_functions(db=inventory, user="t", keys=[F1], disposition=CustomDisposition.SEPARATE_SYSTEM,
                             note="x", target_system="幻のシステム")  # F1 is not outside the spec
    assert r.changed == [] and r.rejected
    assert "幻のシステム" not in [s.name for s in list_systems(db=inventory)]


def test_import_refuses_the_whole_list_on_one_bad_row(inventory):
    before = custom.list_functions(db=inventory)
    r = import_or_problems(db=inventory, user="t", rows=[2, 3, 4], records=[
        FunctionRecord(JUKI, "F-010", "新しい機能"),
        FunctionRecord(JUKI, "F-011", "廃止予定", outside_spec=True, disposition=CustomDisposition.DROP),  # no reason
        FunctionRecord("999", "F-012", "存在しない業務"),
    ])
    assert not r.ok and [p.row for p in r.problems] == [3, 4]
    assert "理由" in r.problems[0].message and "999" in r.problems[1].message
    assert custom.list_functions(db=inventory) == before


def test_a_round_trip_keeps_a_mapping_whose_requirement_left_the_current_version(inventory, tmp_path):
    import sqlalchemy as sa

    from fitgap.domain.models import Requirement
    from fitgap.services.custom_export import export_inventory
    from fitgap.services.custom_import import import_file

    custom.map_functions(db=inventory, user="t", keys=[F1], add=[MUST])
    with inventory.write() as s:  # as after a new spec version without this requirement
        req = Requirement.__table__  # type: ignore[attr-defined]
        s.execute(sa.update(req).where(req.c.req_id == MUST.req_id).values(current=False))
    assert row(inventory, F1).mapped[0].kubun is None  # shown as 現行の版になし
    out = export_inventory(db=inventory, user="t", exports_dir=tmp_path)
    r = import_file(db=inventory, user="t", path=out.path)
    assert r.ok and len(r.unchanged) == 3
    assert [m.key for m in row(inventory, F1).mapped] == [MUST]
