"""The virtual table reads only the pages it shows, however many rows the source has."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from textual.app import App, ComposeResult

from fitgap.tui.capture import screen_text
from fitgap.tui.widgets.virtual_table import Column, VirtualTable


class CountingSource:
    """A million rows that exist only when asked for."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.reads: list[tuple[int, int]] = []

    def count(self) -> int:
        return self.n

    def fetch(self, offset: int, limit: int) -> Sequence[tuple[int, str]]:
        self.reads.append((offset, limit))
        return [(i, f"要件{i:07d}") for i in range(offset, min(offset + limit, self.n))]


class TableApp(App[None]):
    def __init__(self, source: CountingSource) -> None:
        super().__init__()
        self.source = source

        self.activated: list[int] = []

    def on_virtual_table_activated(self, event: VirtualTable.Activated) -> None:
        self.activated.append(event.index)

    def compose(self) -> ComposeResult:
        yield VirtualTable(self.source, columns=[Column("no", "番号", 8, "right"), Column("name", "名称")],
                           formatter=lambda r: {"no": str(r[0]), "name": r[1]}, page_size=50)


async def test_a_million_rows_cost_one_page_per_screenful():
    source = CountingSource(1_000_000)
    app = TableApp(source)
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(VirtualTable)
        assert len(source.reads) == 1  # the first page only
        assert "要件0000000" in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor == 999_999
        assert "要件0999999" in screen_text(app)
        assert len(source.reads) <= 3  # the last page (and the one before it), nothing in between
        for _ in range(30):
            await pilot.press("up")
        assert len(source.reads) <= 3


async def test_click_moves_the_cursor_and_double_click_activates():
    source = CountingSource(100)
    app = TableApp(source)
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.click(VirtualTable, offset=(5, 4))  # line 0 is the header
        assert table.cursor == 3
        await pilot.click(VirtualTable, offset=(5, 6), times=2)
        await pilot.pause()
        assert table.cursor == 5
        assert app.activated == [5]
        await pilot.press("enter")
        assert app.activated == [5, 5]


# ---- the cursor anchored to its row ------------------------------------------------------------------


class ScannedSource:
    """Rows by key that others may insert or remove between reads (it cannot say where a row stands: the
    table looks row by row)."""

    def __init__(self, keys: range) -> None:
        self.keys = list(keys)
        self.located = 0

    def count(self) -> int:
        return len(self.keys)

    def fetch(self, offset: int, limit: int) -> Sequence[tuple[int, str]]:
        return [(k, f"要件{k:07d}") for k in self.keys[offset : offset + limit]]


class MovingSource(ScannedSource):
    """… and says where rows stand, as the database does."""

    def locate(self, keys: Sequence[int]) -> tuple[int, int] | None:
        self.located += 1
        where = {k: i for i, k in enumerate(self.keys)}
        return next(((k, where[k]) for k in keys if k in where), None)


class KeyedApp(App[None]):
    def __init__(self, source: ScannedSource) -> None:
        super().__init__()
        self.source = source
        self.displaced: list[tuple[int, int | None]] = []

    def on_virtual_table_cursor_displaced(self, event: VirtualTable.CursorDisplaced) -> None:
        self.displaced.append((event.lost, event.index))

    def compose(self) -> ComposeResult:
        yield VirtualTable(self.source, columns=[Column("no", "番号", 8, "right"), Column("name", "名称")],
                           formatter=lambda r: {"no": str(r[0]), "name": r[1]}, key=lambda r: r[0], page_size=50)


async def test_a_reload_keeps_the_cursor_on_its_row_wherever_it_moved():
    source = MovingSource(range(1000))
    app = KeyedApp(source)
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(VirtualTable)
        table.move_to(30)
        source.keys[0:0] = [-1, -2]  # two rows above: found near where it was, no lookup
        table.reload()
        assert (table.cursor, table.current_row[0], source.located) == (32, 30, 0)
        source.keys.remove(30)
        source.keys.insert(900, 30)  # far away (e.g. re-sorted by its update time): looked up once
        table.reload()
        assert (table.cursor, table.current_row[0], source.located) == (900, 30, 1)
        await pilot.pause()
        assert app.displaced == []  # it never left


async def test_a_page_read_anew_after_the_rows_moved_keeps_the_cursor_on_its_row():
    source = MovingSource(range(1000))
    app = KeyedApp(source)
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(VirtualTable)
        table.move_to(30)
        await pilot.pause()
        source.keys.insert(0, -1)
        table.cache.invalidate(count=False)  # its page read again later (fell out of the cache): one row off
        assert table.current_row[0] == 30 and table.cursor == 31
        source.keys.insert(0, -2)
        table.cache.invalidate(count=False)
        table.refresh()  # only painted, nobody asked for the row: the paint notices and finds it again
        await pilot.pause()
        await pilot.pause()
        assert table.cursor == 32 and table.row_at(table.cursor)[0] == 30
        assert "要件0000030" in screen_text(app)


@pytest.mark.parametrize("source_type", [MovingSource, ScannedSource])
async def test_when_its_row_leaves_the_cursor_goes_to_the_next_and_says_so(source_type: type[ScannedSource]):
    source = source_type(range(100))
    app = KeyedApp(source)
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(VirtualTable)
        table.move_to(10)
        del source.keys[8:14]  # its row and the next three: the cursor goes to the first still there
        table.reload()
        assert table.current_row[0] == 14
        table.move_to(table.row_count - 1)
        source.keys.pop()  # the last row leaves: the cursor goes to the one before
        table.reload()
        assert table.current_row[0] == 98
        await pilot.pause()
        assert app.displaced == [(10, 8), (99, 92)]
        assert table.displaced is not None and table.displaced.lost == 99
        table.move_to(0)
        assert table.displaced is None  # the user moved: nothing pending


async def test_without_a_key_the_cursor_keeps_its_row_number():
    source = MovingSource(range(100))
    app = TableApp(source)  # type: ignore[arg-type]
    async with app.run_test(size=(60, 20)):
        table = app.query_one(VirtualTable)
        table.move_to(10)
        source.keys.insert(0, -1)
        table.reload()
        assert table.cursor == 10 and table.current_row[0] == 9
