"""Lists stay true: a change made by someone else shows up in the list, next to the detail pane."""

from __future__ import annotations

from fitgap.domain.enums import Status
from fitgap.services.assessment import update_items
from fitgap.services.database import open_db
from fitgap.services.items import ItemFilter, list_items
from fitgap.tui.screens.requirements import RequirementsScreen
from tests.tui.conftest import SIZE


async def _open(pilot, code: str = "001") -> RequirementsScreen:
    pilot.app.open_requirements(code)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RequirementsScreen)
    return screen


def _unchecked(db, n: int = 2):
    return list_items(db=db, flt=ItemFilter(operation_code="001", statuses=frozenset({Status.UNCHECKED})))[:n]


async def test_r_reads_the_list_again_after_a_colleagues_change(demo_db, db_url, make_app):
    other_db = open_db(url=db_url)
    app = make_app(demo_db, user="alice")
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await _open(pilot)
            far = _unchecked(demo_db, 3)[-1]
            index = next(i for i in range(15) if screen.table.row_at(i).key == far.key)
            update_items(db=other_db, user="bob", keys=[far.key], status=Status.FIT)
            assert screen.table.row_at(index).status == Status.UNCHECKED  # (the page read before)
            await pilot.press("r")
            await pilot.pause()
            assert screen.table.row_at(index).status == Status.FIT
            assert screen.table.row_at(index).assessed_by == "bob"
    finally:
        other_db.dispose()


async def test_the_row_under_the_cursor_agrees_with_the_detail_pane(demo_db, db_url, make_app):
    other_db = open_db(url=db_url)
    app = make_app(demo_db, user="alice")
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await _open(pilot)
            target = _unchecked(demo_db)[0]
            index = next(i for i in range(15) if screen.table.row_at(i).key == target.key)
            update_items(db=other_db, user="bob", keys=[target.key], status=Status.GAP, note="bob")
            screen.table.move_to(index)  # the pane reads the item afresh …
            await pilot.pause()
            assert "ギャップ" in str(screen.query_one("#detail-head").render())
            assert screen.table.row_at(index).status == Status.GAP  # … and so does the list
    finally:
        other_db.dispose()


async def test_the_list_notices_a_change_made_elsewhere_on_its_next_check(demo_db, db_url, make_app):
    other_db = open_db(url=db_url)
    app = make_app(demo_db, user="alice")
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await _open(pilot)
            assert screen.poll_changes() is False  # nothing changed: nothing read
            far = _unchecked(demo_db, 3)[-1]
            index = next(i for i in range(15) if screen.table.row_at(i).key == far.key)
            update_items(db=other_db, user="bob", keys=[far.key], status=Status.NOT_APPLICABLE, note="不要")
            assert screen.poll_changes() is True  # (what the periodic timer calls)
            await pilot.pause()
            assert screen.table.row_at(index).status == Status.NOT_APPLICABLE
    finally:
        other_db.dispose()
