"""Where a requirement stands in the list: the same numbering as the pages the workbench reads, for every
sort (ascending and descending, with the columns that may be empty), with a filter and a search, so that
the cursor can find its requirement again after the list is read anew."""

from __future__ import annotations

import pytest

from fitgap.domain.enums import Status
from fitgap.services.assessment import update_items
from fitgap.services.demo import generate_demo
from fitgap.services.items import ItemFilter, ItemKey, ItemSort, list_items, locate_item
from fitgap.storage.db import Database


@pytest.fixture
def demo(db: Database) -> Database:
    generate_demo(db=db, total=300, seed=3, user="demo")
    return db


FILTERS = (ItemFilter(), ItemFilter(operation_code="001"), ItemFilter(statuses=frozenset({Status.UNCHECKED, Status.GAP})),
           ItemFilter(text="出力"))


@pytest.mark.parametrize("column", ItemSort.COLUMNS)
@pytest.mark.parametrize("descending", [False, True])
def test_the_place_found_is_the_row_of_the_pages(demo: Database, column: str, descending: bool) -> None:
    sort = ItemSort(column, descending)
    for flt in FILTERS:
        keys = [r.key for r in list_items(db=demo, flt=flt, sort=sort, limit=1000)]
        assert keys
        for i in sorted({0, len(keys) - 1, *range(0, len(keys), 11)}):  # across empty and filled values
            assert locate_item(db=demo, flt=flt, sort=sort, keys=[keys[i]]) == (keys[i], i)


def test_the_first_key_in_the_list_is_the_one_found(demo: Database) -> None:
    flt = ItemFilter(operation_code="001", statuses=frozenset({Status.UNCHECKED}))
    rows = list_items(db=demo, flt=flt, limit=1000)
    first, second, third = (r.key for r in rows[:3])
    other_operation = list_items(db=demo, flt=ItemFilter(operation_code="002"), limit=1)[0].key
    missing = ItemKey.of("001", "帳票", "no-such-id")
    assert locate_item(db=demo, flt=flt, sort=ItemSort(), keys=[missing, third, second]) == (third, 2)
    update_items(db=demo, user="bob", keys=[first], status=Status.FIT)  # leaves the 未確認 list
    assert locate_item(db=demo, flt=flt, sort=ItemSort(), keys=[first, other_operation, missing, third]) == (third, 1)
    assert locate_item(db=demo, flt=flt, sort=ItemSort(), keys=[first, missing]) is None
    assert locate_item(db=demo, flt=flt, sort=ItemSort(), keys=[]) is None
