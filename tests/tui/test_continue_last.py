"""前回の続き (c on the home screen): saved per user, on every way out, and never carrying a search into
another list."""

from __future__ import annotations

from fitgap.domain.enums import Status
from fitgap.services.items import ItemFilter, ItemSort
from fitgap.tui.screens.requirements import RequirementsScreen
from tests.tui.conftest import SIZE, open_list


async def _continue(app, pilot) -> RequirementsScreen | None:
    await pilot.press("c")
    await pilot.pause()
    return app.screen if isinstance(app.screen, RequirementsScreen) else None


async def test_ctrl_q_saves_the_last_list_with_its_search_filter_and_sort(demo_db, make_app):
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, "001")
        await pilot.press("slash", *"統計")
        await pilot.pause()
        screen.set_filter(ItemFilter(operation_code="001", statuses=frozenset({Status.UNCHECKED}), text="統計"))
        screen.set_sort(ItemSort("name", descending=True))
        await pilot.press("escape")  # leave the search box, still on the list
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+q")  # quit at once (before the delayed save)
        await pilot.pause()
    again = make_app(demo_db, user="alice")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await _continue(again, pilot)
        assert screen is not None and screen.operation_code == "001"
        assert screen.flt.text == "統計" and screen.flt.statuses == frozenset({Status.UNCHECKED})
        assert screen.sort == ItemSort("name", descending=True)


async def test_ctrl_q_saves_the_list_the_user_was_on_even_without_a_new_filter(demo_db, make_app):
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "001")
        await pilot.press("escape")  # 001 was the last list …
        await pilot.pause()
        await open_list(pilot, "003")  # … then she works on 003 and quits from there
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("ctrl+q")
    again = make_app(demo_db, user="alice")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await _continue(again, pilot)
        assert screen is not None and screen.operation_code == "003"


async def test_each_user_continues_their_own_list(demo_db, make_app):
    alice = make_app(demo_db, user="alice")
    async with alice.run_test(size=SIZE) as pilot:
        await open_list(pilot, "001")
        await pilot.press("ctrl+q")
    bob = make_app(demo_db, user="bob")
    async with bob.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert await _continue(bob, pilot) is None  # bob has no last list of his own yet
        screen = await open_list(pilot, "003")
        await pilot.press("ctrl+q")
    alice = make_app(demo_db, user="alice")
    async with alice.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await _continue(alice, pilot)
        assert screen is not None and screen.operation_code == "001"  # not bob's 003


async def test_a_search_on_one_list_is_not_carried_into_another(demo_db, make_app):
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, "001")
        screen.set_filter(ItemFilter(operation_code="001", text="存在しない語"))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        other = await open_list(pilot, "002")
        assert other.flt == ItemFilter(operation_code="002")  # a fresh list: all its items
        assert other.table.row_count == 15
        await pilot.press("escape")
        await pilot.pause()
        back = await open_list(pilot, "001")  # the list where the search was typed keeps it
        assert back.flt.text == "存在しない語"


async def test_continue_brings_back_the_requirement_the_cursor_was_on(demo_db, make_app):
    """c reopens the list on the row the user left it on (issue 23), not on its first row: also far down the
    list of all operations, where the row has to be scrolled to."""
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, None)
        screen.table.move_to(137)
        await pilot.pause()
        left_on = screen.table.current_row.key
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
    again = make_app(demo_db, user="alice")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await _continue(again, pilot)
        assert screen is not None and screen.operation_code is None
        await pilot.pause()
        assert screen.table.current_row.key == left_on and screen.table.cursor == 137
        assert screen.table.scroll_offset.y <= 137 < screen.table.scroll_offset.y + screen.table.body_height
