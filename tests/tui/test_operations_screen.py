"""The home screen: 20 operations in 政令順 with their figures; Enter and the palette open one."""

from __future__ import annotations

from fitgap.services.catalog import catalog_operations
from fitgap.services.status import get_overview
from fitgap.tui.capture import screen_text
from fitgap.tui.commands import commands_for
from fitgap.tui.screens.operations import OperationsScreen
from fitgap.tui.screens.requirements import RequirementsScreen
from tests.tui.conftest import SIZE


async def test_home_lists_the_20_operations_in_cabinet_order_with_demo_marker(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE):
        text = screen_text(app)
    names = [e.name for e in sorted(catalog_operations(), key=lambda e: e.order) if not e.cross_cutting]
    assert len(names) == 20
    lines = text.splitlines()
    rows = [next(i for i, line in enumerate(lines) if f" {n} " in line) for n in names]
    assert rows == sorted(rows) and len(set(rows)) == 20
    assert "デモデータ" in text
    assert "期限超過" in text  # FY2025 deadline has passed on the frozen today (2026-11-23)


async def test_home_shows_the_figures_of_the_overview(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE):
        text = screen_text(app)
    ov = get_overview(db=demo_db, today=app.workspace.today)
    total = ov.total("requirements")
    assert f"要件 {total:,}件" in text
    assert f"うち必須 {ov.total('must_gaps'):,}" in text
    juki = next(o for o in ov.operations if o.code == "001")
    line = next(line for line in text.splitlines() if "住民基本台帳" in line)
    assert f"{juki.reviewed_pct:.1f}%" in line


async def test_enter_opens_the_requirements_of_the_highlighted_operation(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "enter")  # third in 政令順: 住民基本台帳
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RequirementsScreen)
        assert screen.operation_code == "001"
        assert screen.table.row_count == 15
        assert "住民基本台帳（001） の要件" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, OperationsScreen)


async def test_palette_go_command_opens_an_operation(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in commands_for(app, app.screen)]
        assert "開く: 住民基本台帳" in titles and "開く: すべての要件" in titles and "ヘルプ: キー一覧" in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"開く: 印鑑")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)
        assert app.screen.operation_code == "002"


async def test_all_requirements_view_has_an_operation_column(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RequirementsScreen)
        assert screen.table.row_count == 300
        assert "operation" in screen.table.visible_columns()


async def test_go_to_another_operation_from_a_requirements_list(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.press(*"go: 国民年金")  # the English group name of earlier versions still finds it
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)
        assert app.screen.operation_code == "026"
        assert len(app.screen_stack) == 2  # home and the new list, not a pile of lists
        await pilot.press("escape")
        assert isinstance(app.screen, OperationsScreen)


async def test_an_operation_without_a_list_shows_a_dash_not_zero_percent(db, make_app):
    app = make_app(db)  # the bundled catalog: only 住民基本台帳 has a list
    async with app.run_test(size=SIZE):
        text = screen_text(app)
    child = next(line for line in text.splitlines() if " 児童手当 " in line)
    assert "—" in child and "一覧なし" in child and "0.0%" not in child
    juki = next(line for line in text.splitlines() if "住民基本台帳" in line)
    assert "0.0%" in juki  # a list nobody has reviewed yet is 0.0%


async def test_home_shows_what_was_marked_in_a_list_on_coming_back(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = next(o for o in app.screen.overview.operations if o.code == "001")
        app.open_requirements("001")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RequirementsScreen)
        unchecked = next(i for i in range(screen.table.row_count) if screen.table.row_at(i).status.value == "未確認")
        screen.table.move_to(unchecked)
        await pilot.press("1")  # 適合
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, OperationsScreen)
        after = next(o for o in home.overview.operations if o.code == "001")
        assert after.fit == before.fit + 1 and after.reviewed == before.reviewed + 1
        line = next(line for line in screen_text(app).splitlines() if "住民基本台帳" in line)
        assert f"{after.reviewed_pct:.1f}%" in line


async def test_d_sets_an_operations_deadline_by_hand_and_every_row_follows(db, make_app):
    """`d` on the home screen: 特定移行支援 with a date and the 移行計画's reason; a bad date stays in the
    dialog with エラー; the row, the status command and `deadline list` then read the same date."""
    from textual.widgets import Input, Select

    from fitgap.services import status
    from fitgap.tui.screens.form_dialog import FormDialog

    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#operations")
        table.move_to(next(i for i in range(table.row_count) if table.row_at(i).code == "003"))  # 戸籍
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-date", Input).value = "2029/3/32"
        form.query_one("#f-reason", Select).value = "メインフレーム"
        form.save()
        await pilot.pause()
        assert app.screen is form and "エラー" in screen_text(app)  # stays open, the input kept
        assert form.query_one("#f-date", Input).value == "2029/3/32"
        form.query_one("#f-date", Input).value = "2029/3/31"
        form.save()
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)
        koseki = next(line for line in screen_text(app).splitlines() if " 戸籍 " in line)
        assert "2029-03-31" in koseki
    row = next(o for o in status.get_overview(db=db, today=app.workspace.today).main if o.code == "003")
    assert row.standing.due.date.isoformat() == "2029-03-31"
    assert row.standing.due.label == "特定移行支援（手動設定）・メインフレーム"


async def test_closing_the_palette_reads_the_figures_again_only_after_a_change(demo_db, make_app, monkeypatch):
    """Back on the home screen from a dialog or the palette, the figures are read again only when someone
    changed something since (reading them takes a tenth of a second at 30,000 requirements)."""
    from fitgap.domain.enums import Status
    from fitgap.services.assessment import update_items
    from fitgap.services.items import ItemFilter, list_items
    from fitgap.tui.screens import operations

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        reads: list[int] = []
        real = operations.get_overview
        monkeypatch.setattr(operations, "get_overview", lambda **kw: reads.append(1) or real(**kw))
        for _ in range(2):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        assert reads == []
        key = list_items(db=demo_db, flt=ItemFilter(operation_code="001"), limit=1)[0].key
        update_items(db=demo_db, user="colleague", keys=[key], status=Status.FIT)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert reads == [1]
