"""Forms keep what was typed too: the systems screen's forms, the 改修 form, the 移行後の経過措置 form and the
home screen's deadline form keep a draft per user and form (esc → 下書きとして残す, or quitting), offer it
again in a new workbench with the saved values named, and a draft begun before a colleague's save is not
saved over it unseen."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input, Select, Static

from fitgap.domain.enums import ChangeStatus, SystemKind
from fitgap.services import changes, drafts, post_cutover, systems
from fitgap.services.database import open_db
from fitgap.services.items import ItemKey
from fitgap.storage.db import Database
from fitgap.tui.app import FitGapApp
from fitgap.tui.screens.form_dialog import FormDialog
from fitgap.tui.screens.operations import OperationsScreen
from fitgap.tui.screens.post_cutover_form import record_post_cutover
from fitgap.tui.screens.systems import SystemsScreen
from fitgap.tui.widgets.pickers import ChoiceModal
from fitgap.tui.widgets.virtual_table import VirtualTable
from tests.tui.conftest import SIZE, open_list

TODAY = date(2026, 12, 1)
JUKI = "住民記録システム"
FUKUSHI = "福祉総合システム"


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())


async def _systems_on(app: FitGapApp, pilot, name: str) -> SystemsScreen:
    await app.switch_mode("systems")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SystemsScreen)
    screen.query_one("#systems", VirtualTable).move_to(next(i for i, r in enumerate(screen.rows) if r.name == name))
    await pilot.pause()
    return screen


async def _form(app: FitGapApp, pilot, key: str) -> FormDialog:
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, FormDialog), app.screen
    return app.screen


def _notice(form: FormDialog) -> str:
    found = form.query("#form-draft")
    return str(found.first(Static).content) if found else ""


async def test_a_systems_form_kept_when_quitting_comes_back_in_a_new_workbench(db: Database, db_url, make_app):
    app = make_app(db, user="alice")
    async with app.run_test(size=(180, 50)) as pilot:
        await _systems_on(app, pilot, JUKI)
        form = await _form(app, pilot, "p")
        form.query_one(Input).value = "2027-01-04"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and "移行予定日" in str(app.screen.hint)
        await pilot.press("3")  # 下書きとして残して終了
        await pilot.pause()
        assert app._exit
    assert systems.get_system(db=db, key=JUKI).planned_cutover is None  # nothing saved
    again = open_db(url=db_url)
    try:
        app = make_app(again, user="alice")
        async with app.run_test(size=(180, 50)) as pilot:
            await _systems_on(app, pilot, JUKI)
            form = await _form(app, pilot, "p")
            assert form.query_one(Input).value == "2027-01-04"
            assert "保存していない下書き" in _notice(form) and "（空欄）" in _notice(form)  # the saved value named
            form.save()
            await pilot.pause()
            assert isinstance(app.screen, SystemsScreen)
        assert systems.get_system(db=again, key=JUKI).planned_cutover == date(2027, 1, 4)
        assert drafts.list_drafts(db=again, user="alice") == []
    finally:
        again.dispose()


async def test_escape_on_a_form_can_keep_a_draft_or_throw_it_away(db: Database, make_app):
    app = make_app(db, user="alice")
    async with app.run_test(size=(180, 50)) as pilot:
        await _systems_on(app, pilot, JUKI)
        form = await _form(app, pilot, "m")  # milestones: a drop-down and two dates
        form.query_one("#f-planned", Input).value = "2026-06-30"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("3")  # 下書きとして残して閉じる
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)
        form = await _form(app, pilot, "m")
        assert form.query_one("#f-planned", Input).value == "2026-06-30"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("4")  # 入力を捨てて閉じる
        await pilot.pause()
        form = await _form(app, pilot, "m")
        assert form.query_one("#f-planned", Input).value == "" and not _notice(form)
        assert drafts.list_drafts(db=db, user="alice") == []


async def test_a_change_form_draft_begun_before_a_colleagues_save_is_not_saved_over_it_unseen(db: Database,
                                                                                           make_app):
    systems.add_system(db=db, user="t", name=FUKUSHI, kind=SystemKind.RELATED)
    systems.set_link(db=db, user="t", provider=JUKI, consumer=FUKUSHI)
    app = make_app(db, user="alice")
    async with app.run_test(size=(180, 50)) as pilot:
        await _systems_on(app, pilot, FUKUSHI)
        form = await _form(app, pilot, "i")
        form.query_one("#f-status", Select).value = ChangeStatus.IN_PROGRESS
        form.query_one("#f-vendor", Input).value = "A社"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("3")  # 下書きとして残して閉じる
        await pilot.pause()
    changes.update_change(db=db, user="bob", provider=JUKI, consumer=FUKUSHI, vendor="B社")  # bob, later
    app = make_app(db, user="alice")
    async with app.run_test(size=(180, 50)) as pilot:
        await _systems_on(app, pilot, FUKUSHI)
        form = await _form(app, pilot, "i")
        assert form.query_one("#f-vendor", Input).value == "A社"
        assert form.query_one("#f-status", Select).value == ChangeStatus.IN_PROGRESS
        assert "ベンダ" in _notice(form)
        form.save()  # begun before bob's save: refused, with bob's values shown
        await pilot.pause()
        assert app.screen is form and "今の内容" in str(form.query_one("#form-error", Static).content)
        item = next(v for v in changes.get_changes(db=db, today=TODAY).items if v.consumer == FUKUSHI).item
        assert item.vendor == "B社"
        form.save()  # the second save is made knowingly
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)
    item = next(v for v in changes.get_changes(db=db, today=TODAY).items if v.consumer == FUKUSHI).item
    assert (item.vendor, item.status) == ("A社", ChangeStatus.IN_PROGRESS)
    assert drafts.list_drafts(db=db, user="alice") == []


async def test_the_deadline_form_on_the_home_screen_keeps_a_draft(db: Database, make_app):
    app = make_app(db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#operations")
        table.move_to(next(i for i in range(table.row_count) if table.row_at(i).code == "003"))
        form = await _form(app, pilot, "d")
        form.query_one("#f-date", Input).value = "2029-03-31"
        form.query_one("#f-detail", Input).value = "ベンダと調整中"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("3")  # 下書きとして残して終了
        await pilot.pause()
        assert app._exit
    app = make_app(db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)
        table = app.screen.query_one("#operations")
        table.move_to(next(i for i in range(table.row_count) if table.row_at(i).code == "003"))
        form = await _form(app, pilot, "d")
        assert (form.query_one("#f-date", Input).value, form.query_one("#f-detail", Input).value) == (
            "2029-03-31", "ベンダと調整中")


async def test_the_post_cutover_form_keeps_a_draft(db: Database, make_app):
    key = ItemKey.of("001", "機能", "1.1.1-必須")
    app = make_app(db, user="alice")
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_list(pilot)
        record_post_cutover(screen, key, screen.data_changed)
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-planned", Input).value = "2027-03-31"
        form.query_one("#f-note", Input).value = "帳票の一部"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("3")  # 下書きとして残して閉じる
        await pilot.pause()
        assert post_cutover.get_measure(db=db, key=key, today=TODAY) is None
        record_post_cutover(screen, key, screen.data_changed)
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog) and form.query_one("#f-note", Input).value == "帳票の一部"
        form.save()
        await pilot.pause()
    measure = post_cutover.get_measure(db=db, key=key, today=TODAY)
    assert measure is not None and (measure.record.planned, measure.record.note) == (date(2027, 3, 31), "帳票の一部")
    assert drafts.list_drafts(db=db, user="alice") == []
