"""担当課 as owners in the requirement list ("my items"): assign, filter, count, and the filter's words."""

from __future__ import annotations

from fitgap.services import owners
from fitgap.services.bpr import Target
from fitgap.services.items import ItemFilter, count_items, list_items
from fitgap.storage.db import Database
from fitgap.tui.widgets.filter_picker import apply_values, condition_parts, filter_options, filter_values


def test_the_requirement_list_filters_by_department(db: Database) -> None:
    mine = [Target("001", "機能", "1.1.1-必須"), Target("001", "機能", "1.1.2-必須")]
    owners.assign(db=db, user="u", targets=mine, department="市民課", person="佐藤")
    owners.assign(db=db, user="u", targets=[Target("001", "機能", "1.1.3-必須")], department="税務課", person=None)
    flt = ItemFilter(departments=frozenset({"市民課"}))
    assert count_items(db=db, flt=flt) == 2
    assert {r.key.req_id for r in list_items(db=db, flt=flt)} == {"1.1.1-必須", "1.1.2-必須"}
    assert count_items(db=db, flt=ItemFilter(departments=frozenset({"市民課", "税務課"}))) == 3
    assert owners.departments(db=db) == [("市民課", 2, 0), ("税務課", 1, 0)]
    # the filter's words and a saved view keep it
    assert ("担当課: 市民課", "department:市民課") in filter_options(["市民課", "税務課"])
    assert apply_values(ItemFilter(), filter_values(flt)) == flt
    assert "担当課 市民課" in condition_parts(flt)
    assert ItemFilter.from_json(flt.to_json()) == flt
    assert "departments" not in ItemFilter().to_json()  # views saved before keep their JSON


def test_assigning_nothing_or_an_unknown_target_changes_nothing(db: Database) -> None:
    import pytest

    from fitgap.errors import InvalidInputError, NotFoundError

    with pytest.raises(InvalidInputError):
        owners.assign(db=db, user="u", targets=[], department="市民課", person=None)
    with pytest.raises(NotFoundError, match="9999"):
        owners.assign(db=db, user="u", targets=[Target("001", "機能", "1.1.1-必須"), Target("001", "機能", "9999")],
                      department="市民課", person=None)
    assert owners.departments(db=db) == []
