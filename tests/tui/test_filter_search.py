"""Finding things: filters, search narrowing as you type, sort, saved views, the last view on start."""

from __future__ import annotations

from fitgap.config import load_config
from fitgap.domain.enums import Kubun, Status
from fitgap.services import views
from fitgap.services.items import ItemFilter, ItemSort, count_items, list_items
from fitgap.tui.screens.item_source import SORT_LABELS
from fitgap.tui.screens.requirements import RequirementsScreen
from fitgap.tui.widgets.filter_picker import FilterPicker
from tests.tui.conftest import SIZE


async def _open_all(pilot) -> RequirementsScreen:
    pilot.app.open_requirements(None)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RequirementsScreen)
    return screen


def _shown(screen: RequirementsScreen) -> list:
    return [screen.table.row_at(i) for i in range(screen.table.row_count)]


async def test_filter_picker_narrows_the_list_at_once(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_all(pilot)
        await pilot.press("F")
        assert isinstance(app.screen, FilterPicker)
        await pilot.press("down", "down", "space")  # 状況: ギャップ
        await pilot.pause()
        gaps = count_items(db=demo_db, flt=ItemFilter(statuses=frozenset({Status.GAP})))
        assert screen.table.row_count == gaps
        assert all(r.status == Status.GAP for r in _shown(screen))
        await pilot.press("escape")
        await pilot.press("x")  # clear
        await pilot.pause()
        assert screen.table.row_count == 300


async def test_search_narrows_as_you_type_over_japanese_text(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_all(pilot)
        await pilot.press("slash", *"住民票")
        await pilot.pause(0.4)  # (each key's query runs in a worker: see test_live_search)
        expected = list_items(db=demo_db, flt=ItemFilter(text="住民票"), limit=1000)
        assert 0 < screen.table.row_count == len(expected) < 300
        assert [r.key for r in _shown(screen)] == [r.key for r in expected]
        await pilot.press("backspace")  # 住民 — more items match
        await pilot.pause(0.4)
        assert screen.table.row_count == count_items(db=demo_db, flt=ItemFilter(text="住民")) >= len(expected)
        await pilot.press("enter")
        assert app.focused is screen.table


async def test_sort_by_any_column_and_reverse(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_all(pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(str(list(SORT_LABELS).index("name") + 1))  # 名称
        await pilot.pause()
        by_name = list_items(db=demo_db, flt=ItemFilter(), sort=ItemSort("name"), limit=1000)
        assert [r.key for r in _shown(screen)] == [r.key for r in by_name]
        await pilot.press("S")
        await pilot.pause()
        desc = list_items(db=demo_db, flt=ItemFilter(), sort=ItemSort("name", descending=True), limit=1000)
        assert [r.key for r in _shown(screen)] == [r.key for r in desc]
        assert desc[0].name >= desc[-1].name


async def test_saved_view_is_kept_in_the_database_and_reopened(demo_db, make_app):
    app = make_app(demo_db)
    must = ItemFilter(kubun=frozenset({Kubun.MUST}), statuses=frozenset({Status.GAP}))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_all(pilot)
        screen.set_filter(must)
        await pilot.press("V")
        await pilot.pause()
        await pilot.press(*"must-gaps", "enter")
        await pilot.pause()
        assert views.list_views(db=demo_db) == ["must-gaps"]
        await pilot.press("x")
        await pilot.pause()
        assert screen.table.row_count == 300
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert screen.table.row_count == count_items(db=demo_db, flt=must)


async def test_the_last_view_comes_back_on_start(demo_db, make_app):
    review = ItemFilter(statuses=frozenset({Status.FIT}))
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_all(pilot)
        screen.set_filter(review)
        screen.set_sort(ItemSort("name", descending=True))
        await pilot.press("escape")  # leaving saves the last view
    again = make_app(demo_db)
    async with again.run_test(size=SIZE) as pilot:
        screen = await _open_all(pilot)
        assert screen.flt.statuses == review.statuses
        assert screen.sort == ItemSort("name", descending=True)
        assert screen.table.row_count == count_items(db=demo_db, flt=review)


async def test_names_with_brackets_are_shown_as_typed(demo_db, make_app):
    from fitgap.tui.capture import screen_text

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_all(pilot)
        await pilot.press("V")
        await pilot.pause()
        await pilot.press(*"[b]重要[/b]", "enter")
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert "[b]重要[/b]" in screen_text(app)


async def test_continue_where_the_last_session_left_off(demo_db, make_app):
    gaps = ItemFilter(statuses=frozenset({Status.GAP}))
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        pilot.app.open_requirements("023")
        await pilot.pause()
        pilot.app.screen.set_filter(gaps)
        await pilot.press("escape")
    again = make_app(demo_db)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, RequirementsScreen)
        assert screen.operation_code == "023" and screen.flt.statuses == gaps.statuses


async def test_document_order_of_all_operations_goes_operation_by_operation(demo_db, make_app):
    """文書順 over all operations: each operation's document whole, in 政令順, never row by row (every
    document numbers its rows from 1); reversed, the whole list reversed."""
    from fitgap.services.status import get_overview

    order = [o.code for o in get_overview(db=demo_db, today=load_config().today).operations if o.requirements]
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_all(pilot)
        assert screen.sort.column == "document"
        codes = [r.key.operation_code for r in _shown(screen)]
        assert list(dict.fromkeys(codes)) == order  # one run per operation, in 政令順
        assert codes[:15] == [order[0]] * 15
        firsts = [r.key for r in list_items(db=demo_db, flt=ItemFilter(operation_code=order[0]), limit=15)]
        assert [r.key for r in _shown(screen)][:15] == firsts  # the first operation in its own document order
        screen.set_sort(ItemSort("document", descending=True))
        await pilot.pause()
        assert [r.key for r in _shown(screen)] == [r.key for r in reversed(list_items(db=demo_db, flt=ItemFilter(),
                                                                                      limit=1000))]
