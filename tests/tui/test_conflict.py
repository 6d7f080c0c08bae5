"""Two people on the same database file: an item changed by the other is not silently overwritten."""

from __future__ import annotations

from fitgap.domain.enums import Status
from fitgap.services.assessment import update_items
from fitgap.services.database import open_db
from fitgap.services.items import get_item
from fitgap.tui.capture import screen_text
from fitgap.tui.screens.requirements import RequirementsScreen
from fitgap.tui.widgets.conflict_dialog import ConflictDialog
from tests.tui.conftest import SIZE


async def test_change_by_another_session_is_reported_and_kept(demo_db, db_url, make_app):
    other_db = open_db(url=db_url)  # the second person's own connection to the same file
    first = make_app(demo_db, user="alice")
    second = make_app(other_db, user="bob")
    try:
        async with first.run_test(size=SIZE) as alice, second.run_test(size=SIZE) as bob:
            first.open_requirements("001")
            second.open_requirements("001")
            await alice.pause()
            await bob.pause()
            a_screen, b_screen = first.screen, second.screen
            assert isinstance(a_screen, RequirementsScreen) and isinstance(b_screen, RequirementsScreen)
            key = a_screen.table.current_row.key
            assert b_screen.table.current_row.key == key
            await bob.press("1")  # bob marks it 適合 first
            await bob.pause()
            await alice.press("u")  # alice, on her stale view, marks it 未確認
            await alice.pause()
            assert isinstance(first.screen, ConflictDialog)
            text = screen_text(first)
            assert key.req_id in text and "bob" in text and "適合" in text
            row = get_item(db=demo_db, key=key)
            assert row.status == Status.FIT and row.assessed_by == "bob"
            await alice.press("enter")
            await alice.pause()
            assert a_screen.table.row_at(0).status == Status.FIT  # the current value is shown
    finally:
        other_db.dispose()


async def test_undo_does_not_revert_what_someone_else_changed_since(demo_db, db_url, make_app):
    other_db = open_db(url=db_url)
    app = make_app(demo_db, user="alice")
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.open_requirements("001")
            await pilot.pause()
            key = app.screen.table.current_row.key
            await pilot.press("1")
            await pilot.pause()
            update_items(db=other_db, user="bob", keys=[key], status=Status.GAP, note="bob の判断")
            await pilot.press("z")
            await pilot.pause()
            row = get_item(db=demo_db, key=key)
            assert row.status == Status.GAP and row.note == "bob の判断"
    finally:
        other_db.dispose()
