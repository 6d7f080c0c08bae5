"""The systems screen's 改修 panel: the selected system's items, editing them from the screen, undo."""

from __future__ import annotations

from datetime import date

from textual.widgets import Button, Input, Select, Static

from fitgap.domain.enums import ChangeStatus, SystemKind
from fitgap.services import change_sync, changes, system_graph, systems
from fitgap.storage import changes as change_store
from fitgap.storage.db import Database
from fitgap.tui.app import FitGapApp
from fitgap.tui.screens.form_dialog import FormDialog
from fitgap.tui.screens.systems import SystemsScreen
from fitgap.tui.widgets.virtual_table import VirtualTable

TODAY = date(2026, 12, 1)
JUKI = "住民記録システム"
FUKUSHI = "福祉総合システム"



async def _save(app, pilot) -> None:
    """The form's 保存 button pressed as a click would (a notice over the button cannot take the click)."""
    app.screen.query_one("#form-save", Button).press()
    await pilot.pause()

async def _open_on(app: FitGapApp, pilot, name: str) -> SystemsScreen:
    await app.switch_mode("systems")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SystemsScreen)
    index = next(i for i, r in enumerate(screen.rows) if r.name == name)
    screen.query_one("#systems", VirtualTable).move_to(index)
    await pilot.pause()
    return screen


def _item(db: Database) -> changes.ChangeView:
    return next(v for v in changes.get_changes(db=db, today=TODAY).items if v.consumer == FUKUSHI)


async def test_panel_shows_the_needed_by_date_and_edits_are_saved_and_undone(db: Database, make_app,
                                                                             monkeypatch) -> None:
    systems.add_system(db=db, user="t", name=FUKUSHI, kind=SystemKind.RELATED, vendor="株式会社福祉")
    systems.set_link(db=db, user="t", provider=JUKI, consumer=FUKUSHI, data="宛名")
    systems.update_system(db=db, user="t", system=JUKI, planned_cutover=date(2027, 1, 5))
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _open_on(app, pilot, FUKUSHI)
        detail = str(screen.query_one("#sys-detail-text", Static).content)
        assert "必要日 2027-01-05 (R8年度)（住民記録システムの移行予定 2027-01-05 に合わせる）" in detail
        panel = str(screen.query_one("#sys-changes", Static).content)
        assert "連携の改修[/] 1件" in panel and "← 住民記録システム" in panel and "未着手" in panel
        await pilot.press("i")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-status", Select).value = ChangeStatus.IN_PROGRESS
        form.query_one("#f-planned", Input).value = "2027/2/1"
        await _save(app, pilot)
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)
        item = _item(db).item
        assert (item.status, item.planned) == (ChangeStatus.IN_PROGRESS, date(2027, 2, 1))
        panel = str(screen.query_one("#sys-changes", Static).content)
        assert "必要日までに終わらない 1件" in panel and "改修予定が必要日より後 27日" in panel
        conflicts = str(screen.query_one("#sys-conflicts-text", Static).content)
        assert f"{JUKI} → {FUKUSHI}: 改修予定が必要日より後 27日" in conflicts
        assert "改修の遅れ" in str(screen.query_one("#sys-summary", Static).content)
        await pilot.press("z")  # z undoes a 改修 edit like the screen's other edits (no second undo key)
        await pilot.pause()
        item = _item(db).item
        assert (item.status, item.planned) == (ChangeStatus.NOT_STARTED, None)


async def test_a_bad_cost_is_refused_and_the_item_is_unchanged(db: Database, make_app, monkeypatch) -> None:
    systems.add_system(db=db, user="t", name=FUKUSHI, kind=SystemKind.RELATED)
    systems.set_link(db=db, user="t", provider=JUKI, consumer=FUKUSHI)
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _open_on(app, pilot, FUKUSHI)
        assert screen.current() is not None and screen.current().name == FUKUSHI, screen.current()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog), app.screen
        app.screen.query_one("#f-cost", Input).value = "-10"
        await _save(app, pilot)
        await pilot.pause()
        assert _item(db).item.cost_kyen is None and _item(db).item.revision == 0
        form = app.screen  # the form stays open with what was typed, the refusal shown in it
        assert isinstance(form, FormDialog) and form.query_one("#f-cost", Input).value == "-10"
        assert "負の値" in str(form.query_one("#form-error", Static).content)
        assert len([s for s in app.screen_stack if isinstance(s, FormDialog)]) == 1
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("z")  # nothing to undo: said, nothing changes
        await pilot.pause()
        assert _item(db).item.status == ChangeStatus.NOT_STARTED


async def test_a_conflict_keeps_what_was_typed_and_a_second_save_is_made_on_the_fresh_item(db: Database, make_app,
                                                                        monkeypatch) -> None:
    systems.add_system(db=db, user="t", name=FUKUSHI, kind=SystemKind.RELATED)
    systems.set_link(db=db, user="t", provider=JUKI, consumer=FUKUSHI)
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        await _open_on(app, pilot, FUKUSHI)
        await pilot.press("i")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        # another user saves the item while the form is open
        changes.update_change(db=db, user="other", provider=JUKI, consumer=FUKUSHI, note="先に保存", cost_kyen=10)
        form.query_one("#f-interim", Input).value = "CSV を手で渡す"
        await _save(app, pilot)
        await pilot.pause()
        item = _item(db).item
        assert (item.interim, item.note, item.revision) == ("", "先に保存", 1)  # not overwritten
        assert app.screen is form  # the form stays open with what was typed, the refusal shown in it
        assert form.query_one("#f-interim", Input).value == "CSV を手で渡す"
        assert "読み込んだ後に変更されています" in str(form.query_one("#form-error", Static).content)
        await _save(app, pilot)  # saved knowingly on the item as it is now: no second conflict
        await pilot.pause()
        item = _item(db).item
        assert (item.interim, item.note) == ("CSV を手で渡す", "先に保存")
        assert not isinstance(app.screen, FormDialog)


async def test_with_several_links_the_chosen_ones_form_opens(db: Database, make_app, monkeypatch) -> None:
    systems.add_system(db=db, user="t", name=FUKUSHI, kind=SystemKind.RELATED)
    systems.set_link(db=db, user="t", provider=JUKI, consumer=FUKUSHI)
    systems.set_link(db=db, user="t", provider=FUKUSHI, consumer=JUKI)
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _open_on(app, pilot, FUKUSHI)
        assert len(screen.current().changes) == 2
        await pilot.press("i")
        await pilot.pause()
        chooser = app.screen
        assert isinstance(chooser, FormDialog) and chooser.query("#f-item")
        await _save(app, pilot)
        await pilot.pause()
        form = app.screen  # the chooser closed, the chosen item's form is open
        assert isinstance(form, FormDialog) and form is not chooser and form.query("#f-status"), app.screen_stack
        assert [s for s in app.screen_stack if isinstance(s, FormDialog)] == [form]
        form.query_one("#f-interim", Input).value = "暫定ファイル連携"
        await _save(app, pilot)
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)
        assert "暫定ファイル連携" in {c.item.interim for c in changes.get_changes(db=db, today=TODAY).items}


async def test_panel_shows_the_step_the_flag_and_an_undated_system_and_completing_the_interim_step_moves_on(
        db: Database, make_app, monkeypatch) -> None:
    koseki, fuhyo = "戸籍情報システム", "戸籍附票システム"
    systems.update_system(db=db, user="t", system=koseki, planned_cutover=date(2027, 1, 4))
    systems.update_system(db=db, user="t", system=fuhyo, planned_cutover=date(2027, 3, 1))
    systems.add_system(db=db, user="t", name=FUKUSHI, kind=SystemKind.RELATED)
    systems.set_link(db=db, user="t", provider=FUKUSHI, consumer=fuhyo)  # a related system feeding a standard one
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _open_on(app, pilot, fuhyo)
        panel = str(screen.query_one("#sys-changes", Static).content)
        assert "← 戸籍情報システム　暫定連携（1/2）　未着手" in panel and "必要日 2027-01-04" in panel
        assert "標準の連携ではない（関連システムから）" in panel
        await pilot.press("i")
        await pilot.pause()
        chooser = app.screen
        assert isinstance(chooser, FormDialog)
        chooser.query_one("#f-item", Select).value = next(
            i for i, c in enumerate(screen.current().changes) if c.provider == koseki)
        await _save(app, pilot)
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog) and "本連携の段階に進みます" in str(form.query_one("#form-help", Static).content)
        form.query_one("#f-status", Select).value = ChangeStatus.DONE
        form.query_one("#f-actual", Input).value = "2027-01-03"
        await _save(app, pilot)
        await pilot.pause()
        assert any("本連携の段階にしました" in n.message for n in app._notifications)
        panel = str(screen.query_one("#sys-changes", Static).content)
        assert "← 戸籍情報システム　本連携（2/2）　未着手" in panel and "必要日 2027-03-01" in panel
        screen = await _open_on(app, pilot, JUKI)  # no date: said on its panel, once
        assert "日程未定" in str(screen.query_one("#sys-changes", Static).content)


async def test_a_date_edit_that_removes_untouched_items_says_how_many(db: Database, make_app, monkeypatch) -> None:
    with db.write() as session:  # items seeded by an older release for every typical link
        sg = system_graph.load_graph_in(session)
        change_store.insert_changes(session=session, rows=[change_sync.default_row(sg, p) for p in sorted(sg.links)])
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _open_on(app, pilot, JUKI)
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one(Input).value = "2027-01-05"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen) and screen.current() is not None
        said = [n.message for n in app._notifications]
        assert any("不要になった未着手の改修項目 53件を削除しました（誰も編集していないもの）。" in m for m in said), said
