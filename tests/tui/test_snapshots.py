"""What each screen shows, at 120×36 with the frozen clock (accept changes with --snapshot-update)."""

from __future__ import annotations

from fitgap.domain.enums import Status
from fitgap.services.items import ItemFilter
from fitgap.tui.screens.requirements import RequirementsScreen
from tests.tui.conftest import REVISED_IDS, SIZE


def test_home(demo_db, make_app, snap_compare):
    assert snap_compare(make_app(demo_db), terminal_size=SIZE)


def test_requirements_of_one_operation(demo_db, make_app, snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.open_requirements("001")
        await pilot.pause()
        await pilot.press("down", "down")

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_requirements_of_all_operations_filtered_with_selection(demo_db, make_app, snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.open_requirements(None)
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, RequirementsScreen)
        screen.set_filter(ItemFilter(statuses=frozenset({Status.GAP})))
        await pilot.pause()
        await pilot.press("space", "shift+down")

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_needs_review_item_shows_old_and_new_text_side_by_side(revised_db, make_app, snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.open_requirements("001")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, RequirementsScreen)
        screen.set_filter(ItemFilter(needs_review=True))
        await pilot.pause()
        assert screen.table.current_row.key.req_id == REVISED_IDS[0]

    assert snap_compare(make_app(revised_db), terminal_size=SIZE, run_before=run_before)


def test_help(demo_db, make_app, snap_compare):
    assert snap_compare(make_app(demo_db), terminal_size=SIZE, press=["question_mark"])


def test_note_editor(demo_db, make_app, snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.open_requirements("001")
        await pilot.pause()
        await pilot.press("e")

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_filter_picker(demo_db, make_app, snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.open_requirements("001")
        await pilot.pause()
        await pilot.press("F", "down", "down", "space")

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_narrow_terminal(demo_db, make_app, snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.open_requirements(None)
        await pilot.pause()

    assert snap_compare(make_app(demo_db), terminal_size=(100, 30), run_before=run_before)
