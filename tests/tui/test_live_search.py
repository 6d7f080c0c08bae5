"""The search as it is typed (issue 23): no fixed debounce; each key's query starts at once in a worker, keys
that come while one runs cost one more query (for the newest text), results the box has moved past are
dropped, and enter applies the box's text at once."""

from __future__ import annotations

import threading

import pytest

from fitgap.services.items import ItemFilter, count_items, list_items
from fitgap.tui.screens.item_source import ItemSource
from tests.tui.conftest import SIZE, open_list


class HeldQueries:
    """ItemSource.prepare (the worker's reading) counted, the first one held until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.texts: list[str] = []
        self.release = threading.Event()
        real = ItemSource.prepare

        def prepare(source: ItemSource, **kwargs: object) -> None:
            self.texts.append(source.flt.text)
            if len(self.texts) == 1:
                self.release.wait(10)
            real(source, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(ItemSource, "prepare", prepare)


async def _settled(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_a_key_is_queried_at_once_and_keys_meanwhile_cost_one_query(demo_db, make_app, monkeypatch):
    held = HeldQueries(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, None)
        await pilot.press("slash", "住")
        await pilot.pause()
        assert held.texts == ["住"]  # started with the key: no debounce to wait for
        await pilot.press(*"民票")  # typed while the first query runs
        await pilot.pause()
        assert held.texts == ["住"] and screen.flt.text == ""
        held.release.set()
        await _settled(app, pilot)
        assert held.texts == ["住", "住民票"]  # 住民 was never queried: the newest text only
        expected = list_items(db=demo_db, flt=ItemFilter(text="住民票"), limit=1000)
        assert screen.flt.text == "住民票" and screen.table.row_count == len(expected)
        assert [screen.table.row_at(i).key for i in range(len(expected))] == [r.key for r in expected]


async def test_a_result_the_box_has_moved_past_is_dropped(demo_db, make_app, monkeypatch):
    held = HeldQueries(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, None)
        assert app.focused is screen.table
        await pilot.press("統")  # typed in the list: a search of 統 starts …
        await pilot.pause()
        assert held.texts == ["統"]
        await pilot.press("escape")  # … and is taken back before its result came
        await pilot.pause()
        held.release.set()
        await _settled(app, pilot)
        assert screen.flt.text == "" and screen.table.row_count == 300


async def test_enter_applies_the_text_at_once(demo_db, make_app, monkeypatch):
    held = HeldQueries(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, None)
        await pilot.press("slash", *"住民", "enter")
        await pilot.pause()
        assert screen.flt.text == "住民" and app.focused is screen.table  # before the held query's result
        assert screen.table.row_count == count_items(db=demo_db, flt=ItemFilter(text="住民"))
        held.release.set()
        await _settled(app, pilot)
        assert screen.flt.text == "住民"
        assert screen.table.row_count == count_items(db=demo_db, flt=ItemFilter(text="住民"))
