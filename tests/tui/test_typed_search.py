"""Typing in the requirements list goes to the search, never to the mark keys by accident (issue 23):
an ID typed while the list has focus (0010004) marks nothing and finds the requirement; a single mark key
still marks."""

from __future__ import annotations

from textual import events

from fitgap.domain.enums import Status
from fitgap.services.items import ItemKey, change_stamp, get_item
from tests.tui.conftest import SIZE, open_list

K4 = ItemKey.of("001", "機能", "0010004")


def _search(screen) -> str:
    return screen.query_one("#search").value


async def test_typing_an_id_in_the_list_searches_for_it_and_marks_nothing(demo_db, make_app):
    stamp = change_stamp(db=demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        assert app.focused is screen.table
        await pilot.press(*"0010004")
        await pilot.pause()
        assert change_stamp(db=demo_db) == stamp  # nothing was marked: not one audit event
        assert _search(screen) == "0010004"
        assert any("検索に入ります" in n.message for n in app._notifications)
        await pilot.press("enter")  # the search stays, the list has the keys again
        await pilot.pause()
        assert screen.flt.text == "0010004" and app.focused is screen.table
        rows = [screen.table.row_at(i) for i in range(screen.table.row_count)]
        assert rows and all("0010004" in r.key.req_id for r in rows)
        assert screen.table.current_row.key == K4
        await pilot.press("1")  # now a mark key marks the requirement found
        await pilot.pause()
    assert get_item(db=demo_db, key=K4).status == Status.FIT


async def test_an_id_arriving_in_one_burst_marks_nothing_either(demo_db, make_app):
    """Keys that come all at once (a fast typist, a terminal sending the whole ID) are all queued before
    the first is handled: none may reach a mark key while the search starts."""
    stamp = change_stamp(db=demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        for ch in "0030012":
            app.post_message(events.Key(ch, ch))
        await pilot.pause()
        await pilot.pause()
        assert change_stamp(db=demo_db) == stamp
        assert _search(screen) == "0030012"


async def test_single_mark_keys_still_mark_and_0_is_no_mark_key(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        first = screen.table.current_row.key
        await pilot.press("1")  # 適合, and on to the next row
        await pilot.pause()
        assert get_item(db=demo_db, key=first).status == Status.FIT and _search(screen) == ""
        await pilot.press("up", "u")  # u: 未確認 again
        await pilot.pause()
        assert get_item(db=demo_db, key=first).status == Status.UNCHECKED
        stamp = change_stamp(db=demo_db)
        await pilot.press("up", "0")  # 0 starts a search (IDs begin with it), it marks nothing
        await pilot.pause()
        assert change_stamp(db=demo_db) == stamp and _search(screen) == "0"


async def test_esc_takes_a_typed_search_back_and_other_keys_end_it(demo_db, make_app):
    stamp = change_stamp(db=demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        total = screen.table.row_count
        await pilot.press(*"0010", "backspace", "1")
        await pilot.pause()
        assert _search(screen) == "0011"
        await pilot.press("escape")  # typed by mistake: as it was, and still in the list
        await pilot.pause()
        await pilot.pause()
        assert _search(screen) == "" and screen.flt.text == "" and screen.table.row_count == total
        assert app.screen is screen
        await pilot.press(*"住民", "up")  # kanji start a search too; ↑ ends it (kept) and moves as usual
        await pilot.pause()
        assert screen.flt.text == "住民" and app.focused is screen.table
        assert change_stamp(db=demo_db) == stamp
        row = screen.table.current_row.key
        await pilot.press("1")  # the typing is over: 1 marks again
        await pilot.pause()
    assert get_item(db=demo_db, key=row).status == Status.FIT
