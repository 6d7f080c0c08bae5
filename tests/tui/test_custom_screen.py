"""The 独自機能 screen: list and detail, mapping picker, 標準外, disposition with its reason, bulk, filter,
undo and redo; and the counts on the home screen."""

from __future__ import annotations

from textual.widgets import Input, Static, TextArea

from fitgap.domain.custom import Coverage, CustomDisposition, FunctionRecord
from fitgap.services import custom, drafts
from fitgap.services.custom import FunctionKey
from fitgap.services.custom_import import import_functions
from fitgap.storage.db import Database
from fitgap.tui.app import FitGapApp
from fitgap.tui.capture import screen_text
from fitgap.tui.screens.custom import CustomScreen
from fitgap.tui.screens.custom_picker import RequirementPicker
from fitgap.tui.widgets.note_editor import NoteEditor
from fitgap.tui.widgets.pickers import ChoiceModal
from fitgap.tui.widgets.virtual_table import VirtualTable
from tests.tui.conftest import SIZE

JUKI = "001"
F1, F2, F3 = FunctionKey(JUKI, "F-001"), FunctionKey(JUKI, "F-002"), FunctionKey(JUKI, "F-003")


def _inventory(db: Database) -> None:
    import_functions(db=db, user="t", records=[
        FunctionRecord(JUKI, "F-001", "住民票の写し交付", department="市民課"),
        FunctionRecord(JUKI, "F-002", "窓口混雑表示", department="市民課"),
        FunctionRecord(JUKI, "F-003", "職員別の処理件数集計", department="市民課"),
    ])


def _row(db: Database, key: FunctionKey):
    return custom.get_function(db=db, key=key).row


async def _open(app: FitGapApp, pilot) -> CustomScreen:
    """Through the registered mode, as the palette's "go: 独自機能" does."""
    await app.switch_mode("custom")
    await pilot.pause()
    assert isinstance(app.screen, CustomScreen)
    return app.screen


async def test_list_detail_and_summary(db: Database, make_app) -> None:
    _inventory(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        text = screen_text(app)
        assert "住民票の写し交付" in text and "窓口混雑表示" in text
        assert "現行機能 3件" in text and "未確認 3" in text
        detail = str(screen.query_one("#custom-detail-text", Static).content)
        assert "F-001" in detail and "m で検索して対応付け" in detail


async def test_mapping_picker_searches_and_saves_by_kind_and_id(db: Database, make_app) -> None:
    _inventory(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, RequirementPicker)
        picker.query_one(Input).value = "1.1.11-不可"
        await pilot.pause()
        assert picker.results and picker.results[0].key.req_id == "1.1.11-不可"
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        row = _row(db, F1)
        assert [m.key.req_id for m in row.mapped] == ["1.1.11-不可"] and row.reverse_gap
        assert "要廃止" in screen_text(app)


async def test_escape_in_the_picker_asks_before_throwing_ticks_away(db: Database, make_app) -> None:
    _inventory(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape")  # nothing ticked: closes at once
        await pilot.pause()
        assert isinstance(app.screen, CustomScreen)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("enter", "escape")  # a tick not saved: esc asks
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and "まだ保存していません" in app.screen.hint
        await pilot.press("1")  # back to the picker, the tick still there
        await pilot.pause()
        assert isinstance(app.screen, RequirementPicker) and len(app.screen.chosen) == 1
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("4")  # throw it away (3 keeps it as a draft)
        await pilot.pause()
        assert isinstance(app.screen, CustomScreen) and _row(db, F1).mapped == ()


async def test_ticks_kept_as_a_draft_come_back_after_a_restart(db: Database, make_app) -> None:
    _inventory(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one(Input).value = "1.1.11-不可"
        await pilot.pause()
        await pilot.press("enter", "escape")
        await pilot.pause()
        await pilot.press("3")  # keep as a draft
        await pilot.pause()
        assert isinstance(app.screen, CustomScreen) and _row(db, F1).mapped == ()
    assert [d.label for d in drafts.list_drafts(db=db, user="tester") if d.key.startswith("map:")]
    again = make_app(db)  # the next day
    async with again.run_test(size=SIZE) as pilot:
        await _open(again, pilot)
        await pilot.press("m")
        await pilot.pause()
        picker = again.screen
        assert isinstance(picker, RequirementPicker) and [k.req_id for k in picker.chosen] == ["1.1.11-不可"]
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert [m.key.req_id for m in _row(db, F1).mapped] == ["1.1.11-不可"]
    assert not [d for d in drafts.list_drafts(db=db, user="tester") if d.key.startswith("map:")]


async def test_outside_and_a_disposition_that_needs_a_reason(db: Database, make_app) -> None:
    _inventory(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("down", "o")
        await pilot.pause()
        assert _row(db, F2).coverage == Coverage.OUTSIDE
        text = screen_text(app)  # the counts follow the change made in place
        assert "標準外 1" in text and "方針未決定 1" in text and "未確認 2" in text
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("5")  # 共通機能で対応 (EUC)
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, NoteEditor) and "理由が必要" in editor.required
        editor.query_one(TextArea).text = ""
        await pilot.press("ctrl+s")  # empty: refused, the editor stays with what was typed
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor) and _row(db, F2).disposition is None
        app.screen.query_one(TextArea).text = "集計は EUC で"
        await pilot.press("ctrl+s")
        await pilot.pause()
        row = _row(db, F2)
        assert (row.disposition, row.note) == (CustomDisposition.EUC, "集計は EUC で")
        assert "方針未決定 0" in screen_text(app) and "EUC" in screen_text(app)


async def test_bulk_filter_undo_and_redo(db: Database, make_app) -> None:
    _inventory(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("down", "space", "space", "o")  # select F-002 and F-003, then 標準外
        await pilot.pause()
        assert {_row(db, k).coverage for k in (F2, F3)} == {Coverage.OUTSIDE}
        assert _row(db, F1).coverage == Coverage.UNCHECKED
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("2")  # 方針未決定
        await pilot.pause()
        table = screen.query_one("#functions", VirtualTable)
        assert [table.row_at(i).key for i in range(table.row_count)] == [F2, F3]
        await pilot.press("z")
        await pilot.pause()
        assert _row(db, F2).coverage == Coverage.UNCHECKED and table.row_count == 0
        await pilot.press("y")
        await pilot.pause()
        assert _row(db, F3).coverage == Coverage.OUTSIDE and table.row_count == 2
        await pilot.press("z")  # the redo is undone in turn, and redone again
        await pilot.pause()
        assert _row(db, F3).coverage == Coverage.UNCHECKED and table.row_count == 0
        await pilot.press("y")
        await pilot.pause()
        assert _row(db, F2).coverage == Coverage.OUTSIDE and table.row_count == 2
        assert screen.undo_stack and not screen.redo_stack


async def test_home_shows_the_inventory_once_there_is_one(db: Database, make_app) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE):
        assert "独自機能" not in screen_text(app)
    _inventory(db)
    custom.set_functions(db=db, user="t", keys=[F2], outside_spec=True)
    app = make_app(db)
    async with app.run_test(size=SIZE):
        text = screen_text(app)
    assert "独自機能 3件（未決定 1）" in text and "独自未決" in text


async def test_a_reason_typed_but_not_saved_is_kept_as_a_draft(db: Database, make_app) -> None:
    _inventory(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).text = "途中まで書いた理由"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("3")  # 下書きとして残して閉じる
        await pilot.pause()
        assert isinstance(app.screen, CustomScreen) and _row(db, F1).note == ""
        await pilot.press("e")  # the draft comes back
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "途中まで書いた理由"
        custom.set_functions(db=db, user="他の人", keys=[F1], note="先に保存された理由")  # someone else, meanwhile
        await pilot.press("ctrl+s")  # a conflict: not saved, and the text is not lost
        await pilot.pause()
        assert _row(db, F1).note == "先に保存された理由"
        editor = app.screen
        assert isinstance(editor, NoteEditor) and editor.query_one(TextArea).text == "途中まで書いた理由"
        assert "先に保存された理由" in str(editor.query_one("#note-other-text").content)  # theirs, beside
        await pilot.press("ctrl+s")  # never over the newer reason unseen: asked
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and _row(db, F1).note == "先に保存された理由"
        await pilot.press("2")  # 自分の入力で上書きする: knowingly
        await pilot.pause()
        assert _row(db, F1).note == "途中まで書いた理由" and isinstance(app.screen, CustomScreen)
        assert drafts.list_drafts(db=db, user=app.workspace.user) == []


async def test_a_reason_kept_when_quitting_comes_back_in_a_new_workbench(db: Database, make_app) -> None:
    _inventory(db)
    app = make_app(db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(TextArea).text = "明日続きを書く"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and "F-001" in screen_text(app)
        await pilot.press("3")  # 下書きとして残して終了
        await pilot.pause()
        assert app._exit
    assert _row(db, F1).note == ""
    app = make_app(db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor) and app.screen.query_one(TextArea).text == "明日続きを書く"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert _row(db, F1).note == "明日続きを書く" and drafts.list_drafts(db=db, user="alice") == []


async def test_my_functions_filter_by_department(db: Database, make_app) -> None:
    from fitgap.services import owners

    _inventory(db)
    from fitgap.services.bpr import FUNCTION_KIND, Target

    owners.assign(db=db, user="t", targets=[Target(JUKI, FUNCTION_KIND, "F-002")], department="情報政策課", person=None)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal)
        picker.choose(next(i for i, (label, _v) in enumerate(picker.choices) if label == "担当課: 情報政策課"))
        await pilot.pause()
        text = screen_text(app)
        assert "窓口混雑表示" in text and "住民票の写し交付" not in text
        assert "担当課: 情報政策課 1件" in text
