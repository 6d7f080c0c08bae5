"""The 業務見直し register through the workbench: a decision creates an item and a second one joins it (the
join picker), the screen reassigns 担当課・担当者, marks 実施済 and reopens, undoes, says a colleague's change
(nothing overwritten, the cursor on its item), keeps a typed note as a draft over esc; "my items" and the
filters; the requirement list's カスタマイズ opens the reason editor first; a 独自機能's decisions (運用で対応
joins, 既存の別システムで実現 picks an existing system)."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, Static, TextArea

from fitgap.domain.bpr import BprStatus
from fitgap.domain.custom import CustomDisposition, FunctionRecord
from fitgap.domain.enums import Disposition, Status
from fitgap.services import bpr, bpr_choices, custom, drafts
from fitgap.services.assessment import update_items
from fitgap.services.custom import FunctionKey
from fitgap.services.custom_import import import_functions
from fitgap.services.items import ItemFilter, ItemKey, get_item, list_items
from fitgap.services.systems import add_system
from fitgap.storage.db import Database
from fitgap.tui.app import FitGapApp
from fitgap.tui.capture import screen_text
from fitgap.tui.screens.bpr import BprScreen
from fitgap.tui.screens.custom import CustomScreen
from fitgap.tui.screens.form_dialog import FormDialog
from fitgap.tui.widgets.note_editor import NoteEditor
from fitgap.tui.widgets.pickers import ChoiceModal
from tests.tui.conftest import SIZE, open_list

TODAY = date(2026, 11, 20)
JUKI = "001"


def _item(db: Database, bpr_id: int) -> bpr.BprRow:
    return bpr.get_item(db=db, bpr_id=bpr_id, today=TODAY).row


def _notices(app: FitGapApp, title: str = "") -> list[str]:
    return [n.message for n in app._notifications if not title or n.title == title]


def _new_item(db: Database, title: str = "転入届の様式変更", **kw) -> int:
    return bpr.add_item(db=db, user="t", operation_code=JUKI, title=title, today=TODAY, **kw).created[0]


async def _open(app: FitGapApp, pilot, operation: str | None = None) -> BprScreen:
    app.push_screen(BprScreen(operation))
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, BprScreen)
    return app.screen


def _free_keys(db: Database, n: int) -> list[ItemKey]:
    """Requirements of 001 that no 業務見直し item answers yet and whose decision changes no work (the demo has
    items of its own)."""
    linked = {t for r in bpr.list_items(db=db, today=TODAY) for t in r.targets}
    rows = list_items(db=db, flt=ItemFilter(operation_code=JUKI), limit=100)
    return [r.key for r in rows if bpr.Target(JUKI, r.key.kind.value, r.key.req_id) not in linked
            and r.disposition not in (Disposition.BPR, Disposition.OPERATION)][:n]


def _ids(screen: BprScreen) -> list[int]:
    return [screen.table.row_at(i).id for i in range(screen.table.row_count)]


async def test_a_decision_creates_an_item_and_a_second_one_joins_it(demo_db: Database, make_app) -> None:
    k1, k2 = _free_keys(demo_db, 2)
    update_items(db=demo_db, user="t", keys=[k1, k2], status=Status.GAP, disposition=None, note="現行と違う")
    before = {r.id for r in bpr.list_items(db=demo_db, today=TODAY)}  # (the demo has items of its own)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, JUKI)
        first, second = get_item(db=demo_db, key=k1), get_item(db=demo_db, key=k2)
        screen.table.move_to_key(first.key)
        await pilot.pause()
        await pilot.press("d", "1")  # 業務見直し
        await pilot.pause()
        if isinstance(app.screen, ChoiceModal):  # the operation has open items: 1 makes a new one
            assert app.screen.title_text == "業務見直し" and app.screen.choices[0][1] is None
            await pilot.press("1")
            await pilot.pause()
        assert get_item(db=demo_db, key=first.key).disposition == Disposition.BPR
        created = [r for r in bpr.list_items(db=demo_db, today=TODAY) if r.id not in before]
        assert len(created) == 1 and created[0].operation_code == JUKI
        bid = created[0].id
        assert any(f"業務見直し #{bid} を作りました" in m for m in _notices(app, "業務見直し"))
        screen.table.move_to_key(second.key)
        await pilot.pause()
        await pilot.press("d", "2")  # 運用で対応: which item? the open one
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal) and picker.title_text == "業務見直し"
        assert picker.choices[0][1] is None and bid in [v for _l, v in picker.choices]
        await pilot.press(str([v for _l, v in picker.choices].index(bid) + 1))
        await pilot.pause()
        assert get_item(db=demo_db, key=second.key).disposition == Disposition.OPERATION
        targets = {t.ref for t in _item(demo_db, bid).targets}
        assert targets == {first.key.req_id, second.key.req_id}
        assert any(f"業務見直し #{bid} に加えました" in m for m in _notices(app, "業務見直し"))
        # a decision that no longer changes the work leaves the item (said); its note is the reason it needs
        await pilot.press("d", "9")  # カスタマイズ
        await pilot.pause()
        assert get_item(db=demo_db, key=second.key).disposition == Disposition.CUSTOMIZE
        assert {t.ref for t in _item(demo_db, bid).targets} == {first.key.req_id}
        assert any(f"業務見直し #{bid} から外しました" in m for m in _notices(app, "業務見直し"))


async def test_customize_without_a_reason_opens_the_reason_editor_first(demo_db: Database, make_app) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, JUKI)
        row = next(screen.table.row_at(i) for i in range(screen.table.row_count)
                   if not screen.table.row_at(i).note.strip())
        screen.table.move_to_key(row.key)
        await pilot.pause()
        await pilot.press("d", "9")  # カスタマイズ
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        assert "理由" in screen_text(app) and "§8(2)" in screen_text(app)
        await pilot.press("ctrl+s")  # an empty reason: refused, the editor stays
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert get_item(db=demo_db, key=row.key).disposition != Disposition.CUSTOMIZE
        editor.query_one(TextArea).text = "条例で定める独自の手数料減免の計算が標準にない"
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = get_item(db=demo_db, key=row.key)
        assert (saved.status, saved.disposition) == (Status.GAP, Disposition.CUSTOMIZE)
        assert saved.note.startswith("条例で定める")
        assert not any(t.ref == row.key.req_id for r in bpr.list_items(db=demo_db, today=TODAY)
                       for t in r.targets)  # it changes no work


async def test_the_registers_life_reassigned_done_reopened_undone(demo_db: Database, make_app) -> None:
    key = _free_keys(demo_db, 1)[0]
    made = update_items(db=demo_db, user="t", keys=[key], status=Status.GAP, disposition=Disposition.BPR,
                        note="様式が違う")
    bid = made.bpr.created[0]
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        assert screen.table.move_to_key(bid)
        await pilot.pause()
        text = screen_text(app)
        assert "件名" in text and "担当課" in text and "対象数" in text
        detail = str(screen.query_one("#bpr-detail-text", Static).content)
        assert key.req_id in detail and "業務見直し" in detail
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-department", Input).value = "市民課"
        form.query_one("#f-person", Input).value = "山田"
        form.query_one("#f-due", Input).value = "2027-01-31"
        form.save()
        await pilot.pause()
        row = _item(demo_db, bid)
        assert (row.department, row.person, row.due) == ("市民課", "山田", date(2027, 1, 31))
        await pilot.press("4")  # 実施済: done today
        await pilot.pause()
        row = _item(demo_db, bid)
        assert row.status == BprStatus.DONE and row.done_on is not None
        await pilot.press("1")  # reopened: 未着手, no longer done
        await pilot.pause()
        row = _item(demo_db, bid)
        assert row.status == BprStatus.NOT_STARTED and row.done_on is None
        await pilot.press("z")  # the reopening undone: 実施済 again
        await pilot.pause()
        assert _item(demo_db, bid).status == BprStatus.DONE
        await pilot.press("z")
        await pilot.pause()
        assert _item(demo_db, bid).status == BprStatus.NOT_STARTED
        await pilot.press("z")  # the form's edit undone
        await pilot.pause()
        assert _item(demo_db, bid).department == ""
        assert screen.current().id == bid


async def test_a_colleagues_change_is_a_conflict_and_the_cursor_stays_on_its_item(
        demo_db: Database, make_app) -> None:
    a = _new_item(demo_db, "転入届の様式変更", department="市民課")
    b = _new_item(demo_db, "窓口手順の見直し", department="市民課")
    c = _new_item(demo_db, "職員研修", department="総務課")
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        screen.table.move_to_key(c)
        await pilot.pause()
        assert screen.current().id == c
        bpr.update_items(db=demo_db, user="同僚", ids=[a], values={"title": "転入届と転出届の様式変更"}, today=TODAY)
        assert screen.poll_changes()
        await pilot.pause()
        assert screen.current().id == c  # the same item after the reload
        screen.table.move_to_key(b)
        await pilot.pause()
        bpr.update_items(db=demo_db, user="同僚", ids=[b], values={"status": "検討中"}, today=TODAY)
        await pilot.press("3")  # over a row the colleague changed since it was shown
        await pilot.pause()
        assert _item(demo_db, b).status == BprStatus.CONSIDERING  # theirs stays
        said = _notices(app, "競合")
        assert said and "他の利用者が先に変更していた 1件" in said[-1] and "検討中" in said[-1]
        assert screen.current().id == b and screen.current().status == BprStatus.CONSIDERING  # shown as it is now
        await pilot.press("3")  # seen: pressed again, it is changed
        await pilot.pause()
        assert _item(demo_db, b).status == BprStatus.DECIDED
        # the form: a colleague's save meanwhile is said in the form, nothing overwritten, the text kept
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-person", Input).value = "佐藤"
        bpr.update_items(db=demo_db, user="同僚", ids=[b], values={"person": "鈴木"}, today=TODAY)
        assert not form.save()
        await pilot.pause()
        assert _item(demo_db, b).person == "鈴木"
        assert "他の利用者が先に保存した" in str(form.query_one("#form-error", Static).content)
        assert form.query_one("#f-person", Input).value == "佐藤"


async def test_a_typed_note_survives_esc(demo_db: Database, make_app) -> None:
    bid = _new_item(demo_db)
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        assert screen.table.move_to_key(bid)
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-note", Input).value = "例規担当と協議: 規則改正は3月議会"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("3")  # 下書きとして残して閉じる
        await pilot.pause()
        assert isinstance(app.screen, BprScreen) and _item(demo_db, bid).note == ""
        assert drafts.list_drafts(db=demo_db, user="alice")
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-note", Input).value == "例規担当と協議: 規則改正は3月議会"
        form.save()
        await pilot.pause()
    assert _item(demo_db, bid).note == "例規担当と協議: 規則改正は3月議会"
    assert drafts.list_drafts(db=demo_db, user="alice") == []


async def test_my_items_department_status_and_overdue_filters(demo_db: Database, make_app) -> None:
    later = date(2030, 3, 31)
    mine = _new_item(demo_db, "転入届の様式変更", department="テスト市民課", person="山田", due=later)
    colleague = _new_item(demo_db, "窓口手順の見直し", department="テスト市民課", person="佐藤", due=later)
    other = _new_item(demo_db, "職員研修", department="テスト総務課", due=date(2026, 1, 5))
    app = make_app(demo_db, user="yamada")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        assert set(_ids(screen)) >= {mine, colleague, other}
        await pilot.press("m")  # the first time: asks 担当課・担当者, remembered per user
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-department", Input).value = "テスト市民課"
        form.query_one("#f-person", Input).value = "山田"
        form.save()
        await pilot.pause()
        assert _ids(screen) == [mine]
        assert bpr_choices.get_mine(db=demo_db, user="yamada") == bpr_choices.Mine("テスト市民課", "山田")
        await pilot.press("m")  # off again
        await pilot.pause()
        assert other in _ids(screen)
        await pilot.press("g")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal)
        await pilot.press(str(next(i for i, (_l, v) in enumerate(picker.choices) if v == "テスト総務課") + 1))
        await pilot.pause()
        assert _ids(screen) == [other]
        assert "期日超過" in screen_text(app)
        await pilot.press("x", "o")  # overdue only
        await pilot.pause()
        assert other in _ids(screen) and mine not in _ids(screen) and colleague not in _ids(screen)
        assert all(screen.table.row_at(i).overdue for i in range(screen.table.row_count))
        await pilot.press("x", "f", "6")  # 実施済
        await pilot.pause()
        assert all(screen.table.row_at(i).status == BprStatus.DONE for i in range(screen.table.row_count))
        assert not {mine, colleague, other} & set(_ids(screen))
    app = make_app(demo_db, user="yamada")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("m")  # remembered: no question this time
        await pilot.pause()
        assert isinstance(app.screen, BprScreen) and _ids(screen) == [mine]


async def test_link_and_unlink_targets_from_the_screen(demo_db: Database, make_app) -> None:
    k1, k2 = _free_keys(demo_db, 2)
    first = update_items(db=demo_db, user="t", keys=[k1], status=Status.GAP, disposition=Disposition.BPR,
                         note="様式").bpr.created[0]
    second = update_items(db=demo_db, user="t", keys=[k2], status=Status.GAP, disposition=Disposition.OPERATION,
                          note="手作業").bpr.created[0]
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        screen.table.move_to_key(first)
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal)
        labels = [label for label, _v in picker.choices]
        i2 = next(i for i, label in enumerate(labels) if k2.req_id in label)
        assert i2 < 9  # (picked by its number)
        assert labels[i2].startswith("☐") and f"#{second} にも" in labels[i2]
        await pilot.press(str(i2 + 1))  # added to this item too
        await pilot.pause()
        assert {t.ref for t in _item(demo_db, first).targets} == {k1.req_id, k2.req_id}
        picker = app.screen
        assert isinstance(picker, ChoiceModal)  # open again: take another, or esc
        assert picker.choices[i2][0].startswith("☑")
        await pilot.press(str(i2 + 1))  # and taken out again
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert {t.ref for t in _item(demo_db, first).targets} == {k1.req_id}
        await pilot.press("z")  # undo the unlink
        await pilot.pause()
        assert {t.ref for t in _item(demo_db, first).targets} == {k1.req_id, k2.req_id}


F1, F2 = FunctionKey(JUKI, "F-001"), FunctionKey(JUKI, "F-002")


async def test_a_functions_decisions_join_an_item_and_name_an_existing_system(db: Database, make_app) -> None:
    import_functions(db=db, user="t", records=[FunctionRecord(JUKI, "F-001", "窓口混雑表示", department="市民課"),
                                               FunctionRecord(JUKI, "F-002", "職員別の処理件数集計", department="市民課")])
    custom.set_functions(db=db, user="t", keys=[F1, F2], outside_spec=True, note="標準にない")
    add_system(db=db, user="t", name="庁内グループウェア")
    bid = _new_item(db, "窓口の案内を紙に戻す")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode("custom")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CustomScreen)
        await pilot.press("d", "2")  # 運用で対応 → which 業務見直し item?
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and app.screen.title_text == "業務見直し"
        await pilot.press("2")  # the open item
        await pilot.pause()
        assert custom.get_function(db=db, key=F1).row.disposition == CustomDisposition.OPERATION
        assert {t.ref for t in _item(db, bid).targets} == {"F-001"}
        assert any(f"業務見直し #{bid} に加えました" in m for m in _notices(app))
        await pilot.press("down", "d", "6")  # 既存の別システムで実現 → which system?
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal) and picker.title_text.startswith("既存の別システムで実現")
        assert "庁内グループウェア" in [v for _l, v in picker.choices]
        picker.choose([v for _l, v in picker.choices].index("庁内グループウェア"))
        await pilot.pause()
        row = custom.get_function(db=db, key=F2).row
        assert (row.disposition, row.target_system) == (CustomDisposition.EXISTING_SYSTEM, "庁内グループウェア")
