"""Nothing a user typed disappears without their say: note drafts survive esc and a colleague's change."""

from __future__ import annotations

from fitgap.domain.enums import Status
from fitgap.services.assessment import update_items
from fitgap.services.items import ItemFilter, get_item, list_items
from fitgap.tui.capture import screen_text
from fitgap.tui.screens.requirements import RequirementsScreen
from fitgap.tui.widgets.conflict_dialog import ConflictDialog
from fitgap.tui.widgets.note_editor import NoteEditor
from fitgap.tui.widgets.pickers import ChoiceModal
from tests.tui.conftest import SIZE, open_list, row_of


def _editor_text(app) -> str:
    assert isinstance(app.screen, NoteEditor)
    return app.screen.query_one("#note-text").text


async def test_escape_on_a_changed_note_asks_and_can_keep_a_draft(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        row = screen.table.current_row
        await pilot.press("e", *"xyz", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)  # asked, not thrown away
        assert "保存していません" in screen_text(app)
        await pilot.press("escape")  # back to the editor, the text still there
        await pilot.pause()
        assert _editor_text(app) == row.note + "xyz"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("3")  # 下書きとして残して閉じる
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)
        assert get_item(db=demo_db, key=row.key).note == row.note  # nothing saved …
        await pilot.press("e")  # … but offered again
        await pilot.pause()
        assert _editor_text(app) == row.note + "xyz"
        assert "下書き" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert get_item(db=demo_db, key=row.key).note == row.note + "xyz"


async def test_escape_can_discard_and_an_unchanged_note_closes_at_once(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        row = screen.table.current_row
        await pilot.press("e", "escape")  # nothing typed: closes without a question
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)
        await pilot.press("e", *"abc", "escape")
        await pilot.pause()
        await pilot.press("4")  # 変更を捨てて閉じる
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)
        await pilot.press("e")
        await pilot.pause()
        assert _editor_text(app) == row.note
        assert get_item(db=demo_db, key=row.key).note == row.note


async def test_note_typed_before_a_conflict_is_offered_again_and_saved(demo_db, colleague_db, make_app):
    app = make_app(demo_db, user="alice")
    target = list_items(db=demo_db, flt=ItemFilter(operation_code="001", statuses=frozenset({Status.UNCHECKED})))[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.table.move_to(row_of(screen, target.key))
        await pilot.press("2")  # a gap needs a note: the editor opens
        await pilot.pause()
        await pilot.press(*"vendor")
        update_items(db=colleague_db, user="bob", keys=[target.key], status=Status.FIT)  # bob, meanwhile
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        assert "入力したメモは残してあります" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert _editor_text(app) == "vendor"  # not an empty editor
        assert get_item(db=demo_db, key=target.key).status == Status.FIT  # bob's change stands so far
        await pilot.press("ctrl+s")  # alice saves after seeing bob's change
        await pilot.pause()
        row = get_item(db=demo_db, key=target.key)
        assert row.status == Status.GAP and row.note == "vendor" and row.assessed_by == "alice"
