"""The virtual table reads only the pages it shows, however many rows the source has."""

from __future__ import annotations

from collections.abc import Sequence

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
