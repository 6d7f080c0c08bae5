"""A requirement gap's decision names what it uses: the option it adopts, the 共通機能, the system that takes
the work over. The same rule as for 独自機能 (domain.dispositions), checked in the writing transaction."""

from __future__ import annotations

from fitgap.domain.enums import Disposition, Kubun, Status
from fitgap.services import systems
from fitgap.services.assessment import undo, update_items
from fitgap.services.items import ItemFilter, ItemKey, get_item, get_item_detail, list_items

JUKI = "001"
K1 = ItemKey.of(JUKI, "機能", "1.1.1-必須")


def _option(db) -> ItemKey:
    page = list_items(db=db, flt=ItemFilter(operation_code=JUKI, kubun=frozenset({Kubun.OPTION})))
    return page[0].key


def test_an_option_decision_names_an_option_requirement_of_the_operation(db) -> None:
    bare = update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.OPTION, note="n")
    assert bare.changed == [] and "標準オプション" in bare.rejected[0][1]
    wrong = update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.OPTION, note="n",
                         detail=f"機能:{K1.req_id}")  # a 必須 requirement, not an option
    assert wrong.changed == [] and "標準オプションの要件ではありません" in wrong.rejected[0][1]
    option = _option(db)
    ok = update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.OPTION, note="n",
                      detail=f"{option.kind.value}:{option.req_id}")
    assert ok.changed == [K1]
    shown = get_item_detail(db=db, key=K1)
    assert shown.disposition_detail == f"{option.kind.value}:{option.req_id}"
    assert shown.option_status == Status.UNCHECKED  # not adopted yet: the detail view says so
    update_items(db=db, user="t", keys=[option], status=Status.FIT)
    assert get_item_detail(db=db, key=K1).option_status == Status.FIT


def test_a_system_decision_names_an_existing_system_or_adds_a_separate_one(db) -> None:
    r = update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.EXISTING_SYSTEM, note="n")
    assert r.changed == [] and "システムの指定" in r.rejected[0][1]
    unknown = update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.EXISTING_SYSTEM,
                           note="n", system="存在しない庁内システム")
    assert unknown.changed == [] and "ありません" in unknown.rejected[0][1]
    assert not any(s.name == "存在しない庁内システム" for s in systems.list_systems(db=db))
    systems.add_system(db=db, user="t", name="庁内グループウェア")
    ok = update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.EXISTING_SYSTEM,
                      note="n", system="グループウェア")  # a unique part of its name
    assert ok.changed == [K1] and ok.added_systems == []
    assert get_item_detail(db=db, key=K1).target_system == "庁内グループウェア"
    new = update_items(db=db, user="t", keys=[K1], disposition=Disposition.SEPARATE_SYSTEM, system="窓口予約システム")
    assert new.changed == [K1] and new.added_systems == ["窓口予約システム"]
    assert get_item_detail(db=db, key=K1).target_system == "窓口予約システム"
    # another decision drops the system the old one named; undo brings it back
    later = update_items(db=db, user="t", keys=[K1], disposition=Disposition.PARAMETER)
    assert get_item_detail(db=db, key=K1).target_system is None
    undo(db=db, user="t", batch=later.batch)
    shown = get_item_detail(db=db, key=K1)
    assert (shown.row.disposition, shown.target_system) == (Disposition.SEPARATE_SYSTEM, "窓口予約システム")


def test_a_system_is_refused_for_a_decision_that_names_none(db) -> None:
    systems.add_system(db=db, user="t", name="庁内グループウェア")
    r = update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.PARAMETER, note="n",
                     system="庁内グループウェア")
    assert r.changed == [] and "移行先システム" in r.rejected[0][1]
    assert get_item(db=db, key=K1).status == Status.UNCHECKED


def test_leaving_the_gap_clears_what_the_decision_named(db) -> None:
    update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.COMMON, note="n",
                 detail="EUC")
    assert get_item_detail(db=db, key=K1).disposition_detail == "EUC"
    update_items(db=db, user="t", keys=[K1], status=Status.FIT)
    shown = get_item_detail(db=db, key=K1)
    assert (shown.row.disposition, shown.disposition_detail, shown.target_system) == (None, "", None)


def test_the_history_names_the_system_not_its_number(db) -> None:
    systems.add_system(db=db, user="t", name="庁内グループウェア")
    update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.EXISTING_SYSTEM, note="n",
                 system="庁内グループウェア")
    moved = [h for h in get_item_detail(db=db, key=K1).history if h.field == "target_system_id"]
    assert moved and moved[0].new == "庁内グループウェア"


def test_the_audit_export_names_the_system_too(db, tmp_path) -> None:
    import csv

    from fitgap.services.audit_export import export_audit

    systems.add_system(db=db, user="t", name="庁内グループウェア")
    update_items(db=db, user="t", keys=[K1], status=Status.GAP, disposition=Disposition.EXISTING_SYSTEM, note="n",
                 system="庁内グループウェア")
    out = export_audit(db=db, output=tmp_path / "audit.csv").path
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    moved = [r for r in rows if "移行先システム" in r]
    assert moved and "庁内グループウェア" in moved[0]
