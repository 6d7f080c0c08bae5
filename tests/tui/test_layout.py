"""Full-width text: measured in cells, never cut in half; the layout holds at 100×30 and 200×60."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from fitgap.tui.capture import screen_text
from fitgap.tui.cells import bar, fit
from fitgap.tui.widgets.virtual_table import Column, layout_columns


@pytest.mark.parametrize("width", range(0, 24))
def test_fit_gives_exact_cells_without_splitting_a_character(width):
    text = "子ども・子育て支援システムの標準仕様書 abc"
    out = fit(text, width)
    assert cell_len(out) == width
    if width and cell_len(text) > width:
        head = out.rstrip(" ")[:-1]
        assert text.startswith(head) and out.rstrip(" ").endswith("…")


def test_fit_pads_and_aligns():
    assert fit("適合", 6) == "適合  "
    assert fit("12", 4, "right") == "  12"


def test_bar_has_its_width_for_every_fraction():
    assert {cell_len(bar(i / 37, 10)) for i in range(38)} == {10}
    assert bar(1.0, 4) == "████"


def test_narrow_tables_drop_optional_columns_first():
    cols = [Column("a", "A", 10), Column("name", "名称", 0, min_width=10), Column("b", "B", 10, drop_order=2),
            Column("c", "C", 10, drop_order=1)]
    assert [c.key for c, _ in layout_columns(cols, 60)] == ["a", "name", "b", "c"]
    assert [c.key for c, _ in layout_columns(cols, 40)] == ["a", "name", "b"]
    assert [c.key for c, _ in layout_columns(cols, 25)] == ["a", "name"]
    assert sum(w for _c, w in layout_columns(cols, 60)) + 3 == 60


@pytest.mark.parametrize("size", [(100, 30), (200, 60)])
async def test_screens_fit_the_terminal(demo_db, make_app, size):
    app = make_app(demo_db)
    width, height = size
    async with app.run_test(size=size) as pilot:
        home = screen_text(app)
        app.open_requirements(None)
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        reqs = screen_text(app)
        table = app.screen.table
        detail = app.screen.query_one("#detail")
        body_height = table.body_height
        side_by_side = detail.region.x > table.region.x
        below = detail.region.y > table.region.y
    for text in (home, reqs):
        lines = text.splitlines()
        assert height - 1 <= len(lines) <= height
        assert max(cell_len(line) for line in lines) <= width
        assert "\ufffd" not in text
    assert "住民基本台帳" in home and "国民年金" in home
    assert "ID" in reqs and "名称" in reqs and "■ 要件" in reqs
    assert body_height >= 10
    if width >= 140:
        assert side_by_side
    else:
        assert below


async def test_below_100x30_the_app_says_the_terminal_is_too_small(demo_db, make_app):
    from fitgap.tui.screens.too_small import TooSmallScreen

    app = make_app(demo_db)
    async with app.run_test(size=(90, 28)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "端末が小さすぎます（いま 90×28）" in screen_text(app)
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)
        assert "住民基本台帳" in screen_text(app)


async def test_the_id_column_fits_the_longest_ids_of_the_list(db, make_app):
    from fitgap.tui.screens.requirements import RequirementsScreen

    app = make_app(db)  # the bundled 住民記録 list: IDs such as 1.1.12-オプション
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RequirementsScreen)
        from fitgap.services.items import ItemFilter, list_items

        rows = list_items(db=db, flt=ItemFilter(operation_code="001"), limit=10)  # on the first screen
        longest = max(rows, key=lambda r: cell_len(r.key.req_id))
        assert "オプション" in longest.key.req_id
        assert any(longest.key.req_id + " " in line for line in screen_text(app).splitlines())
