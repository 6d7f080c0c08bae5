"""Lists stay true: a change made by someone else shows up in the list, next to the detail pane."""

from __future__ import annotations

from fitgap.domain.enums import Status
from fitgap.services.assessment import update_items
from fitgap.services.items import ItemFilter, ItemKey, ItemSort, get_item, list_items
from fitgap.tui.screens.requirements import RequirementsScreen
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


# ---- the cursor stays on its requirement (issue 23, "Wrong item") ---------------------------------

UNCHECKED = ItemFilter(statuses=frozenset({Status.UNCHECKED}))
K4, K7, K8 = (ItemKey.of("001", "機能", rid) for rid in ("0010004", "0010007", "0010008"))


async def _put_cursor_on(pilot, screen, key: ItemKey) -> None:
    """Move the cursor to ``key`` with the keyboard, as a user does."""
    await pilot.press("home")
    for _ in range(row_of(screen, key)):
        await pilot.press("down")
    await pilot.pause()
    assert screen.table.current_row.key == key


def _messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_colleague_marking_a_row_above_does_not_move_the_cursor_off_its_requirement(demo_db, make_app):
    """The walk of the issue, with two workbenches on one database: alice filters 未確認 and sits on 0010007;
    bob marks 0010004 (above it) in his; at alice's next check her cursor is still on 0010007, and her `1`
    marks 0010007, not 0010008."""
    assert [get_item(db=demo_db, key=k).status for k in (K4, K7, K8)] == [Status.UNCHECKED] * 3
    alice_app, bob_app = make_app(demo_db, user="alice"), make_app(demo_db, user="bob")
    async with alice_app.run_test(size=SIZE) as alice, bob_app.run_test(size=SIZE) as bob:
        # alice works through her own keys and timers (her screen runs in her app, never in the test's)
        home = alice_app.screen.query_one("#operations")
        await alice.press(*["down"] * next(i for i in range(home.row_count) if home.row_at(i).code == "001"))
        await alice.press("enter")  # 住民基本台帳 (001)
        await alice.pause()
        mine = alice_app.screen
        assert isinstance(mine, RequirementsScreen) and mine.operation_code == "001"
        mine.call_later(mine.set_filter, UNCHECKED)
        await alice.pause()
        await _put_cursor_on(alice, mine, K7)
        theirs = await open_list(bob)
        await _put_cursor_on(bob, theirs, K4)
        await bob.press("1")
        await bob.pause()
        assert get_item(db=demo_db, key=K4).assessed_by == "bob"

        mine.call_later(mine.poll_changes)  # what alice's 5-second timer calls (run in her app, as the timer is)
        await alice.pause()
        assert K4 not in [mine.table.row_at(i).key for i in range(mine.table.row_count)]  # the list is fresh
        assert mine.table.current_row.key == K7  # … and the cursor is where it was: on 0010007
        assert mine.table.row_at(mine.table.cursor).key == K7
        await alice.press("1")
        await alice.pause()
        assert not any(n.title == "カーソルの要件が一覧から外れました" for n in alice_app._notifications)
    marked = get_item(db=demo_db, key=K7)
    assert (marked.status, marked.assessed_by) == (Status.FIT, "alice")
    assert get_item(db=demo_db, key=K8).status == Status.UNCHECKED


async def test_sorted_by_update_time_the_cursor_follows_its_requirement(demo_db, colleague_db, make_app):
    """Newest first: a colleague's mark puts a row at the top and every row below moves down one."""
    async with make_app(demo_db, user="alice").run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.set_sort(ItemSort("assessed_at", descending=True))
        await pilot.pause()
        target = screen.table.row_at(3).key
        await _put_cursor_on(pilot, screen, target)
        update_items(db=colleague_db, user="bob", keys=[K4], status=Status.FIT)  # never judged: to the top
        assert screen.poll_changes() is True
        await pilot.pause()
        assert screen.table.row_at(0).key == K4
        assert screen.table.cursor == 4 and screen.table.current_row.key == target
        await pilot.press("1")
        await pilot.pause()
    assert get_item(db=demo_db, key=target).assessed_by == "alice"
    assert get_item(db=demo_db, key=K4).assessed_by == "bob"


async def test_when_its_requirement_leaves_the_list_the_cursor_goes_to_the_next_and_says_why(
        demo_db, colleague_db, make_app):
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.set_filter(UNCHECKED)
        await pilot.pause()
        await _put_cursor_on(pilot, screen, K7)
        update_items(db=colleague_db, user="bob", keys=[K7], status=Status.FIT)  # leaves alice's 未確認 list
        assert screen.poll_changes() is True
        await pilot.pause()
        assert screen.table.current_row.key == K8
        said = [(n.title, n.message) for n in app._notifications if "0010007" in n.message]
        assert said == [("カーソルの要件が一覧から外れました",
                         "機能 0010007 は bob さんが適合にしたため、いまの絞り込み（状況 未確認）に当てはまらなく"
                         "なりました。カーソルは次の 機能 0010008 に移りました。")]

        # `1` pressed at once was meant for 0010007, which the screen showed until a moment ago: it waits
        await pilot.press("1")
        await pilot.pause()
        assert get_item(db=demo_db, key=K8).status == Status.UNCHECKED
        assert any("判定していません" in m and "もう一度" in m for m in _messages(app))
        assert screen.table.current_row.key == K8
        await pilot.press("1")  # pressed again: 0010008, the requirement shown, is marked
        await pilot.pause()
    assert get_item(db=demo_db, key=K8).status == Status.FIT
    assert get_item(db=demo_db, key=K7).assessed_by == "bob"


async def test_a_mark_key_well_after_the_cursor_moved_on_acts_at_once(demo_db, colleague_db, make_app,
                                                                      monkeypatch):
    from fitgap.tui.screens import marking

    async with make_app(demo_db, user="alice").run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.set_filter(UNCHECKED)
        await pilot.pause()
        await _put_cursor_on(pilot, screen, K7)
        update_items(db=colleague_db, user="bob", keys=[K7], status=Status.FIT)
        screen.poll_changes()
        await pilot.pause()
        monkeypatch.setattr(marking, "HOLD_S", 0.0)  # (as if the user had looked at the notice first)
        await pilot.press("1")
        await pilot.pause()
    assert get_item(db=demo_db, key=K8).status == Status.FIT


async def test_own_mark_taking_a_row_out_of_the_filter_moves_on_without_a_notice(demo_db, make_app):
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.set_filter(UNCHECKED)
        await pilot.pause()
        await _put_cursor_on(pilot, screen, K7)
        await pilot.press("1")
        await pilot.pause()
        assert screen.table.current_row.key == K8
        assert not any(n.title == "カーソルの要件が一覧から外れました" for n in app._notifications)
        await pilot.press("1")  # at once: alice's own rhythm is never held
        await pilot.pause()
    assert get_item(db=demo_db, key=K8).status == Status.FIT


async def test_filter_and_sort_keep_the_cursor_on_its_requirement(demo_db, make_app):
    async with make_app(demo_db, user="alice").run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        await _put_cursor_on(pilot, screen, K7)
        screen.set_filter(UNCHECKED)  # 0010007 is 未確認: still listed, further up
        await pilot.pause()
        assert screen.table.current_row.key == K7 and screen.table.cursor < row_of(screen, K8)
        screen.set_sort(ItemSort("name"))
        await pilot.pause()
        assert screen.table.current_row.key == K7
        screen.set_sort(ItemSort("name", descending=True))
        await pilot.pause()
        assert screen.table.current_row.key == K7
        screen.set_filter(ItemFilter(statuses=frozenset({Status.GAP})))  # not listed: the first row
        await pilot.pause()
        assert screen.table.cursor == 0 and screen.table.current_row.status == Status.GAP
