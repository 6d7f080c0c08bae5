"""Recording a requirement's 移行後の経過措置 in the workbench: the item view's t opens a small form (予定日,
届出日, 完了日, メモ); a refused save is shown in the form with the input kept; the detail pane and the item
view show the record; the list's palette offers the same form, and a colleague's save in between is a
conflict, never overwritten silently."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, Static

from fitgap.services import post_cutover
from fitgap.services.items import ItemKey
from fitgap.tui.screens.form_dialog import FormDialog
from fitgap.tui.screens.item_view import ItemScreen
from fitgap.tui.screens.post_cutover_form import RECORD_TITLE, REMOVE_TITLE
from fitgap.tui.screens.requirements import RequirementsScreen
from fitgap.tui.widgets.pickers import ChoiceModal
from tests.tui.conftest import detail_shown, open_list, row_of

TODAY = date(2026, 12, 7)
KEY = ItemKey.of("001", "機能", "1.1.1-必須")


def _fill(form: FormDialog, **values: str) -> None:
    for field, value in values.items():
        form.query_one(f"#f-{field}", Input).value = value


async def _save(pilot, form: FormDialog) -> None:
    """Enter in a field saves, as 保存 does (a second click on 保存 within its press effect would not count)."""
    form.query_one("#f-note", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


def _error(form: FormDialog) -> str:
    return str(form.query_one("#form-error", Static).render())


async def test_the_item_view_records_it_and_every_view_shows_it(db, make_app, monkeypatch) -> None:
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())
    app = make_app(db)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_list(pilot)
        screen.table.move_to(row_of(screen, KEY))
        await detail_shown(pilot, screen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ItemScreen)
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        _fill(form, planned="2026/13/1", note="一部の帳票")
        await pilot.click("#form-save")
        await pilot.pause()
        assert app.screen is form and "エラー: " in _error(form)  # shown in the dialog, which stays open
        assert form.query_one("#f-note", Input).value == "一部の帳票"  # what was typed is kept
        _fill(form, planned="2026-12-01", done="2026-12-08")
        await _save(pilot, form)
        assert app.screen is form and "完了日 2026-12-08 は今日" in _error(form)
        _fill(form, done="")
        await _save(pilot, form)
        assert isinstance(app.screen, ItemScreen)
        view = post_cutover.get_measure(db=db, key=KEY, today=TODAY)
        assert view is not None and view.record.planned == date(2026, 12, 1) and view.record.note == "一部の帳票"
        body = str(app.screen.query_one("#item-body", Static).render())
        assert "■ 移行後の経過措置" in body and "予定 2026-12-01" in body and "届出未了" in body
        assert "期限超過 6日" in body and "経過措置 予定日" in body  # the record, and its history

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)
        app.screen._show_detail()
        await pilot.pause()
        rest = str(app.screen.query_one("#detail-rest", Static).render())
        assert "■ 移行後の経過措置" in rest and "期限超過 6日" in rest and "一部の帳票" in rest


async def test_the_list_palette_opens_the_form_and_a_colleagues_save_is_a_conflict(db, make_app,
                                                                                  monkeypatch) -> None:
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())
    post_cutover.set_measure(db=db, user="同僚", key=KEY, today=TODAY, planned=date(2027, 3, 31))
    app = make_app(db)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_list(pilot)
        screen.table.move_to(row_of(screen, KEY))
        await detail_shown(pilot, screen)
        command = next(c for c in screen.palette_commands() if c.title == RECORD_TITLE)
        command.callback()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-planned", Input).value == "2027-03-31"  # filled with what is recorded
        # the colleague files the 届出 while the form is open
        post_cutover.set_measure(db=db, user="同僚", key=KEY, today=TODAY, notified_on=date(2026, 2, 1))
        _fill(form, planned="2027-06-30", note="延期")
        await _save(pilot, form)
        assert app.screen is form
        assert "読み込んだ後に変更されています（同僚）" in _error(form) and "届出 2026-02-01" in _error(form)
        assert form.query_one("#f-note", Input).value == "延期"
        view = post_cutover.get_measure(db=db, key=KEY, today=TODAY)
        assert view is not None and view.record.planned == date(2027, 3, 31)  # not overwritten
        await _save(pilot, form)  # saved knowingly on the record as it is now
        assert isinstance(app.screen, RequirementsScreen)
        view = post_cutover.get_measure(db=db, key=KEY, today=TODAY)
        assert view is not None and (view.record.planned, view.record.note) == (date(2027, 6, 30), "延期")
        assert view.record.notified_on is None  # the form's empty 届出日 is what was saved

        command.callback()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        _fill(form, note="書きかけ")
        await pilot.press("escape")  # typed text: asks before anything is lost
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)


async def test_the_record_is_removed_after_a_confirmation(db, make_app, monkeypatch) -> None:
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())
    post_cutover.set_measure(db=db, user="同僚", key=KEY, today=TODAY, planned=date(2027, 3, 31))
    app = make_app(db)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_list(pilot)
        screen.table.move_to(row_of(screen, KEY))
        await detail_shown(pilot, screen)
        await pilot.press("enter")
        await pilot.pause()
        item = app.screen
        assert isinstance(item, ItemScreen)
        remove = next(c for c in item.palette_commands() if c.title == REMOVE_TITLE)
        remove.callback()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("1")  # 削除しない
        await pilot.pause()
        assert post_cutover.get_measure(db=db, key=KEY, today=TODAY) is not None
        remove.callback()
        await pilot.pause()
        await pilot.press("2")  # 削除する
        await pilot.pause()
        assert app.screen is item and post_cutover.get_measure(db=db, key=KEY, today=TODAY) is None
        assert "■ 移行後の経過措置" not in str(item.query_one("#item-body", Static).render())
