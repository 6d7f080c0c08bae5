"""Mark-and-move goes to the row that followed the marked item in the list as the user saw it."""

from __future__ import annotations

from fitgap.domain.enums import Status
from fitgap.services.items import ItemSort, get_item
from tests.tui.conftest import SIZE, open_list


async def test_sorted_by_update_time_the_cursor_goes_to_the_next_row_not_a_reviewed_one(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.set_sort(ItemSort("assessed_at", descending=True))  # newest first: a marked item jumps to the top
        await pilot.pause()
        seen = [screen.table.row_at(i) for i in range(screen.table.row_count)]
        start = next(i for i, r in enumerate(seen) if r.status == Status.UNCHECKED)
        assert start > 0
        screen.table.move_to(start)
        for step in range(start, start + 3):  # fast keying: each mark lands on the next row the user saw
            await pilot.press("1")
            await pilot.pause()
            assert get_item(db=demo_db, key=seen[step].key).status == Status.FIT
            assert screen.table.current_row.key == seen[step + 1].key
            assert screen.table.row_at(0).key == seen[step].key  # (the marked item did move)


async def test_marking_the_status_an_item_already_has_still_moves_on_and_says_so(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        fit = next(i for i in range(screen.table.row_count) if screen.table.row_at(i).status == Status.FIT)
        screen.table.move_to(fit)
        following = screen.table.row_at(fit + 1)
        await pilot.press("1")
        await pilot.pause()
        assert screen.table.current_row.key == following.key
        assert any("すでに適合です" in n.message and "次の行" in n.message for n in app._notifications)
        assert get_item(db=demo_db, key=following.key).revision == following.revision  # nothing else changed
