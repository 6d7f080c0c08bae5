"""Lists stay true: a change made by someone else shows up in the list, next to the detail pane."""

from __future__ import annotations

from fitgap.domain.enums import Status
from fitgap.services.assessment import update_items
from fitgap.services.items import ItemFilter, list_items
from tests.tui.conftest import SIZE, open_list, row_of


def _unchecked(db, n: int = 2):
    return list_items(db=db, flt=ItemFilter(operation_code="001", statuses=frozenset({Status.UNCHECKED})))[:n]


async def test_r_reads_the_list_again_after_a_colleagues_change(demo_db, colleague_db, make_app):
    async with make_app(demo_db, user="alice").run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        far = _unchecked(demo_db, 3)[-1]
        index = row_of(screen, far.key)
        update_items(db=colleague_db, user="bob", keys=[far.key], status=Status.FIT)
        assert screen.table.row_at(index).status == Status.UNCHECKED  # (the page read before)
        await pilot.press("r")
        await pilot.pause()
        assert screen.table.row_at(index).status == Status.FIT
        assert screen.table.row_at(index).assessed_by == "bob"


async def test_the_row_under_the_cursor_agrees_with_the_detail_pane(demo_db, colleague_db, make_app):
    async with make_app(demo_db, user="alice").run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        target = _unchecked(demo_db)[0]
        index = row_of(screen, target.key)
        update_items(db=colleague_db, user="bob", keys=[target.key], status=Status.GAP, note="bob")
        screen.table.move_to(index)  # the pane reads the item afresh …
        await pilot.pause()
        assert "ギャップ" in str(screen.query_one("#detail-head").render())
        assert screen.table.row_at(index).status == Status.GAP  # … and so does the list


async def test_the_list_notices_a_change_made_elsewhere_on_its_next_check(demo_db, colleague_db, make_app):
    async with make_app(demo_db, user="alice").run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        assert screen.poll_changes() is False  # nothing changed: nothing read
        far = _unchecked(demo_db, 3)[-1]
        index = row_of(screen, far.key)
        update_items(db=colleague_db, user="bob", keys=[far.key], status=Status.NOT_APPLICABLE, note="不要")
        assert screen.poll_changes() is True  # (what the periodic timer calls)
        await pilot.pause()
        assert screen.table.row_at(index).status == Status.NOT_APPLICABLE
