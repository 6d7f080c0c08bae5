"""The full view of a requirement, the saved views and the too-small notice at 120×36 and 100×30."""

from __future__ import annotations

import pytest

from fitgap.domain.enums import Status
from fitgap.services import views
from fitgap.services.items import ItemFilter, ItemSort

SIZES = pytest.mark.parametrize("size", [(120, 36), (100, 30)], ids=["120x36", "100x30"])


@SIZES
def test_full_view_of_a_needs_review_item(revised_db, make_app, snap_compare, size):
    async def run_before(pilot) -> None:
        pilot.app.open_requirements("001")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(revised_db), terminal_size=size, run_before=run_before)


@SIZES
def test_saved_views_with_their_conditions(demo_db, make_app, snap_compare, size):
    views.save_view(db=demo_db, name="住記のギャップ", flt=ItemFilter(operation_code="001", statuses=frozenset({Status.GAP})),
                    sort=ItemSort("name"))
    views.save_view(db=demo_db, name="転出の検索", flt=ItemFilter(text="転出"), sort=ItemSort())

    async def run_before(pilot) -> None:
        pilot.app.action_saved_views()
        await pilot.pause()

    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=run_before)


def test_too_small_terminal(demo_db, make_app, snap_compare):
    assert snap_compare(make_app(demo_db), terminal_size=(90, 28))
