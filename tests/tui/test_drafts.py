"""Nothing a user typed disappears without their say: notes survive esc, quitting, a restart and a colleague's
change; drafts are kept in the database per user and item; quitting with typed text asks first; a note
someone else saved is shown beside the text and never replaced unseen. Two workbenches (or the workbench
and a second session) on one database."""

from __future__ import annotations

from fitgap.domain.enums import Status
from fitgap.services import drafts
from fitgap.services.assessment import update_items
from fitgap.services.database import open_db
from fitgap.services.items import ItemFilter, get_item, list_items
from fitgap.tui.capture import screen_text
from fitgap.tui.screens.requirements import RequirementsScreen
from fitgap.tui.widgets.note_editor import NoteEditor
from fitgap.tui.widgets.pickers import ChoiceModal
from tests.tui.conftest import SIZE, open_list, row_of


def _editor_text(app) -> str:
    assert isinstance(app.screen, NoteEditor), app.screen
    return app.screen.query_one("#note-text").text


def _beside(app) -> str:
    """What the editor shows beside the text (the saved note, or what a colleague saved)."""
    editor = app.screen
    assert isinstance(editor, NoteEditor)
    if not editor.query_one("#note-other").display:
        return ""
    return f"{editor.query_one('#note-other-title').content}\n{editor.query_one('#note-other-text').content}"


def _unchecked(db, n: int = 0):
    return list_items(db=db, flt=ItemFilter(operation_code="001", statuses=frozenset({Status.UNCHECKED})))[n]


def _draft(db, user: str, key):
    return drafts.get_draft(db=db, user=user, kind=drafts.NOTE, key=str(key))


async def _edit(pilot, key, text: str = "") -> NoteEditor:
    screen = await open_list(pilot)
    screen.table.move_to(row_of(screen, key))
    await pilot.press("e")
    await pilot.pause()
    if text:
        await pilot.press(*text)
    assert isinstance(pilot.app.screen, NoteEditor)
    return pilot.app.screen


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
        kept = _draft(demo_db, "tester", row.key)  # … but kept in the database
        assert kept is not None and kept.text == row.note + "xyz" and kept.base_revision == row.revision
        await pilot.press("e")  # … and offered again
        await pilot.pause()
        assert _editor_text(app) == row.note + "xyz"
        assert "下書き" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert get_item(db=demo_db, key=row.key).note == row.note + "xyz"
        assert _draft(demo_db, "tester", row.key) is None  # saved: the draft is gone


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
        assert _draft(demo_db, "tester", row.key) is None


async def test_quitting_with_typed_text_asks_and_a_kept_draft_comes_back_in_a_new_workbench(demo_db, db_url,
                                                                                          make_app):
    target = _unchecked(demo_db)
    first = make_app(demo_db, user="alice")
    async with first.run_test(size=SIZE) as pilot:
        await _edit(pilot, target.key, "途中まで")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(first.screen, ChoiceModal) and not first._exit  # asked, not gone
        text = screen_text(first)
        assert "保存していない入力があります" in text and target.key.label in text
        assert "保存して終了" in text and "下書きとして残して終了" in text and "破棄して終了" in text
        await pilot.press("1")  # 戻る: back to the note, nothing lost
        await pilot.pause()
        assert _editor_text(first) == target.note + "途中まで" and not first._exit
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("3")  # 下書きとして残して終了
        await pilot.pause()
        assert first._exit
    assert get_item(db=demo_db, key=target.key).note == target.note  # nothing saved

    again = open_db(url=db_url)  # a new start of the workbench, with its own connection
    second = make_app(again, user="alice")
    try:
        async with second.run_test(size=SIZE) as pilot:
            await _edit(pilot, target.key)
            assert _editor_text(second) == target.note + "途中まで"  # the draft, not the saved note
            assert "保存していない下書き" in screen_text(second)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert get_item(db=again, key=target.key).note == target.note + "途中まで"
            assert _draft(again, "alice", target.key) is None
    finally:
        again.dispose()


async def test_a_draft_is_per_user(demo_db, colleague_db, make_app):
    target = _unchecked(demo_db)
    drafts.keep_draft(db=demo_db, user="alice", kind=drafts.NOTE, key=str(target.key), text="alice の下書き",
                      base_revision=target.revision, base_text=target.note)
    app = make_app(colleague_db, user="bob")
    async with app.run_test(size=SIZE) as pilot:
        await _edit(pilot, target.key)
        assert _editor_text(app) == target.note  # bob does not get alice's draft


async def test_quitting_can_save_the_note_or_throw_it_away(demo_db, make_app):
    one, two = _unchecked(demo_db, 0), _unchecked(demo_db, 1)
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _edit(pilot, one.key, "保存して終わる")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("2")  # 保存して終了
        await pilot.pause()
        assert app._exit
    assert get_item(db=demo_db, key=one.key).note == one.note + "保存して終わる"
    assert _draft(demo_db, "alice", one.key) is None
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _edit(pilot, two.key, "捨てる")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("4")  # 破棄して終了
        await pilot.pause()
        assert app._exit
    assert get_item(db=demo_db, key=two.key).note == two.note
    assert drafts.list_drafts(db=demo_db, user="alice") == []


async def test_the_note_of_a_gap_mark_is_saved_with_the_mark_when_quitting(demo_db, make_app):
    target = _unchecked(demo_db)
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.table.move_to(row_of(screen, target.key))
        await pilot.press("2")  # a gap needs a note: the editor opens
        await pilot.pause()
        await pilot.press(*"理由あり")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("2")  # 保存して終了
        await pilot.pause()
        assert app._exit
    row = get_item(db=demo_db, key=target.key)
    assert (row.status, row.note) == (Status.GAP, "理由あり")


async def test_quitting_with_nothing_typed_does_not_ask(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await _edit(pilot, _unchecked(demo_db).key)  # the editor is open, nothing typed
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app._exit


async def test_closing_the_terminal_keeps_what_was_typed_as_a_draft(demo_db, make_app):
    target = _unchecked(demo_db)
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _edit(pilot, target.key, "端末を閉じた")
        app.closed_by_terminal()  # SIGHUP / SIGTERM: nobody to ask
        await pilot.pause()
        assert app._exit
    kept = _draft(demo_db, "alice", target.key)
    assert kept is not None and kept.text == target.note + "端末を閉じた"


async def test_a_conflict_shows_the_colleagues_note_beside_and_a_second_save_does_not_replace_it(
        demo_db, db_url, make_app):
    target = _unchecked(demo_db)
    other = open_db(url=db_url)
    alice, bob = make_app(demo_db, user="alice"), make_app(other, user="bob")
    try:
        async with alice.run_test(size=SIZE) as a, bob.run_test(size=SIZE) as b:
            await _edit(a, target.key, "alice の意見")
            await _edit(b, target.key, "bob の判断")
            await b.press("ctrl+s")  # bob saves first
            await b.pause()
            await a.press("ctrl+s")
            await a.pause()
            assert isinstance(alice.screen, NoteEditor)  # not saved, and not closed
            assert _editor_text(alice) == target.note + "alice の意見"
            beside = _beside(alice)
            assert "bob さん" in beside and "bob の判断" in beside
            assert "保存していません" in screen_text(alice)
            assert get_item(db=demo_db, key=target.key).note == target.note + "bob の判断"
            kept = _draft(demo_db, "alice", target.key)  # kept meanwhile, whatever happens next
            assert kept is not None and kept.text == target.note + "alice の意見"
            await a.press("ctrl+s")  # a second save: asks, never replaces bob's note unseen
            await a.pause()
            assert isinstance(alice.screen, ChoiceModal)
            assert "消えます" in screen_text(alice)
            assert get_item(db=demo_db, key=target.key).note == target.note + "bob の判断"
            await a.press("1")  # 編集に戻る
            await a.pause()
            await a.press("ctrl+s")
            await a.pause()
            await a.press("2")  # 自分の入力で上書きする: knowingly
            await a.pause()
            row = get_item(db=demo_db, key=target.key)
            assert row.note == target.note + "alice の意見" and row.assessed_by == "alice"
            assert isinstance(alice.screen, RequirementsScreen)
            assert _draft(demo_db, "alice", target.key) is None
    finally:
        other.dispose()


async def test_after_a_conflict_the_colleagues_note_can_be_taken_in_and_merged(demo_db, colleague_db, make_app):
    target = _unchecked(demo_db)
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _edit(pilot, target.key, "自分の分")
        update_items(db=colleague_db, user="bob", keys=[target.key], note="bob の分")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "bob の分" in _beside(app)
        await pilot.press("ctrl+t")  # take theirs in, below the text
        await pilot.pause()
        assert _editor_text(app) == f"{target.note}自分の分\nbob の分"
        await pilot.press("ctrl+s")  # merged: saved without a question
        await pilot.pause()
        assert get_item(db=demo_db, key=target.key).note == f"{target.note}自分の分\nbob の分"


async def test_after_a_conflict_the_colleagues_note_can_be_kept(demo_db, colleague_db, make_app):
    target = _unchecked(demo_db)
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _edit(pilot, target.key, "自分の分")
        update_items(db=colleague_db, user="bob", keys=[target.key], note="bob の分")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("4")  # bob のメモのままにする
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)
        row = get_item(db=demo_db, key=target.key)
        assert row.note == "bob の分" and row.assessed_by == "bob"
        assert _draft(demo_db, "alice", target.key) is None


async def test_a_gap_note_typed_before_a_status_change_is_saved_once_seen(demo_db, colleague_db, make_app):
    app = make_app(demo_db, user="alice")
    target = _unchecked(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.table.move_to(row_of(screen, target.key))
        await pilot.press("2")  # a gap needs a note: the editor opens
        await pilot.pause()
        await pilot.press(*"vendor")
        update_items(db=colleague_db, user="bob", keys=[target.key], status=Status.FIT)  # bob, meanwhile
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert _editor_text(app) == "vendor"  # the editor stays, with the text
        assert "bob さん" in _beside(app) and "状況 適合" in _beside(app)
        assert get_item(db=demo_db, key=target.key).status == Status.FIT  # bob's change stands so far
        await pilot.press("ctrl+s")  # bob wrote no note: nothing of his is replaced, saved after seeing it
        await pilot.pause()
        row = get_item(db=demo_db, key=target.key)
        assert row.status == Status.GAP and row.note == "vendor" and row.assessed_by == "alice"


async def test_a_draft_whose_note_a_colleague_saved_since_shows_theirs_after_a_restart(demo_db, colleague_db,
                                                                                      make_app):
    target = _unchecked(demo_db)
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _edit(pilot, target.key, "下書き")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("3")  # 下書きとして残して閉じる
        await pilot.pause()
        await pilot.press("ctrl+q")  # nothing open is unsaved now: no question
        await pilot.pause()
        assert app._exit
    update_items(db=colleague_db, user="bob", keys=[target.key], note="bob が後から")  # through another session
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _edit(pilot, target.key)
        assert _editor_text(app) == target.note + "下書き"
        assert "bob が後から" in _beside(app) and "下書きを残したあとで" in screen_text(app)
        await pilot.press("ctrl+s")  # not over bob's note unseen
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        assert get_item(db=demo_db, key=target.key).note == "bob が後から"


async def test_the_saved_note_is_shown_beside_a_draft(demo_db, make_app):
    target = next(r for r in list_items(db=demo_db, flt=ItemFilter(operation_code="001")) if r.note.strip())
    drafts.keep_draft(db=demo_db, user="alice", kind=drafts.NOTE, key=str(target.key), text="書き直し中",
                      base_revision=target.revision, base_text=target.note)
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _edit(pilot, target.key)
        assert _editor_text(app) == "書き直し中"
        beside = _beside(app)
        assert "保存されているメモ" in beside and " ".join(target.note.split())[:10] in " ".join(beside.split())
        await pilot.press("ctrl+s")  # the note was not changed by anyone: saved at once
        await pilot.pause()
        assert get_item(db=demo_db, key=target.key).note == "書き直し中"


async def test_the_palette_lists_drafts_and_opens_the_note_with_its_draft(demo_db, make_app):
    target = _unchecked(demo_db, 3)
    drafts.keep_draft(db=demo_db, user="alice", kind=drafts.NOTE, key=str(target.key), label=f"メモ {target.key.label}",
                      text="パレットから", base_revision=target.revision, base_text=target.note)
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_drafts()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and target.key.label in screen_text(app)
        await pilot.press("1")
        for _ in range(5):
            await pilot.pause()
        assert _editor_text(app) == "パレットから"
