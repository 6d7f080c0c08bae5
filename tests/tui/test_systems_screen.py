"""The systems screen: rows in migration order, the selected system's dependencies, timeline, editing."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Checkbox, ContentSwitcher, Input, Select, Static

from fitgap.services import systems
from fitgap.storage.db import Database
from fitgap.tui.app import FitGapApp
from fitgap.tui.screens.form_dialog import FormDialog
from fitgap.tui.screens.systems import SystemsScreen
from fitgap.tui.widgets.timeline import timeline_text
from fitgap.tui.widgets.virtual_table import VirtualTable

TODAY = date(2025, 10, 1)
JUKI = "住民記録システム"


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FITGAP_TODAY", TODAY.isoformat())


def _text(screen: SystemsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def _open(app: FitGapApp, pilot) -> SystemsScreen:
    """Through the registered mode, as the palette's "開く: システムと移行計画" does."""
    await app.switch_mode("systems")
    await pilot.pause()
    assert isinstance(app.screen, SystemsScreen)
    return app.screen


async def _on(app: FitGapApp, pilot, name: str) -> SystemsScreen:
    """The systems screen with the cursor on one system."""
    screen = await _open(app, pilot)
    await _move_to(screen, pilot, name)
    return screen


async def _form(app: FitGapApp, pilot, key: str) -> FormDialog:
    """The dialog a key opens on the systems screen (p date, m milestone, n link, l links)."""
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, FormDialog)
    return app.screen


async def _move_to(screen: SystemsScreen, pilot, name: str) -> None:
    table = screen.query_one("#systems", VirtualTable)
    index = next(i for i, r in enumerate(screen.rows) if r.name == name)
    table.move_to(index)
    await pilot.pause()


async def test_rows_detail_and_conflicts(db: Database, make_app) -> None:
    systems.update_system(db=db, user="t", system=JUKI, planned_cutover=date(2026, 1, 5))
    systems.update_system(db=db, user="t", system="個人住民税システム", planned_cutover=date(2025, 12, 1))
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _open(app, pilot)
        assert screen.query_one("#systems", VirtualTable).row_count == 23
        assert [r.name for r in screen.rows][:2] == ["戸籍情報システム", "法人住民税システム"]
        await _move_to(screen, pilot, JUKI)
        detail = _text(screen, "#sys-detail-text")
        assert "必要とするシステム（提供元）" in detail and "戸籍情報システム" in detail
        assert "2026-01-05 (R7年度)" in detail and "残り 181日" in detail
        conflicts = _text(screen, "#sys-conflicts-text")
        assert "提供元より先に移行" in conflicts and "個人住民税システム" in conflicts
        assert "循環" in conflicts
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "operations"


async def test_edit_planned_date_from_the_screen(db: Database, make_app) -> None:
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _on(app, pilot, JUKI)
        form = await _form(app, pilot, "p")
        form.query_one(Input).value = "2026/2/1"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)
        assert systems.get_system(db=db, key=JUKI).planned_cutover == date(2026, 2, 1)
        assert "2026-02-01 (R7年度)" in _text(screen, "#sys-detail-text")


async def test_bad_date_is_refused_in_the_dialog_which_keeps_the_input(db: Database, make_app) -> None:
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        await _on(app, pilot, JUKI)
        form = await _form(app, pilot, "p")
        form.query_one(Input).value = "来年の春"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form  # still open, with what was typed and what is wrong
        assert form.query_one(Input).value == "来年の春"
        error = str(form.query_one("#form-error", Static).content)
        assert "エラー" in error and "対処" in error and "2026-01-05" in error
        assert systems.get_system(db=db, key=JUKI).planned_cutover is None
        form.query_one(Input).value = "2026-02-01"  # corrected in place
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)
        assert systems.get_system(db=db, key=JUKI).planned_cutover == date(2026, 2, 1)


async def test_milestone_dialog_keeps_both_dates_after_a_bad_one(db: Database, make_app) -> None:
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        await _on(app, pilot, JUKI)
        form = await _form(app, pilot, "m")
        form.query_one("#f-planned", Input).value = "2026-01-10"
        form.query_one("#f-actual", Input).value = "2026-13-40"
        await pilot.click("#form-save")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#f-planned", Input).value == "2026-01-10"
        assert form.query_one("#f-actual", Input).value == "2026-13-40"
        assert "エラー" in str(form.query_one("#form-error", Static).content)
        assert systems.get_system(db=db, key=JUKI).milestones == ()


async def test_undo_on_the_systems_screen_reverts_the_system_edit_not_a_judgement(demo_db, make_app) -> None:
    from fitgap.domain.enums import Status
    from fitgap.services.items import get_item
    from fitgap.tui.screens.requirements import RequirementsScreen

    app = make_app(demo_db)
    async with app.run_test(size=(180, 50)) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        req = app.screen
        assert isinstance(req, RequirementsScreen)
        marked = req.table.current_row
        await pilot.press("3")  # 対象外 needs a note: write one, then save
        await pilot.pause()
        await pilot.press(*"not used", "ctrl+s")
        await pilot.pause()
        judged = get_item(db=demo_db, key=marked.key)
        assert judged.status == Status.NOT_APPLICABLE
        screen = await _open(app, pilot)
        typical = next(r.name for r in screen.rows if r.node.typical)
        await _move_to(screen, pilot, typical)
        await pilot.press("c")  # confirm a typical system
        await pilot.pause()
        assert systems.get_system(db=demo_db, key=typical).typical is False
        await pilot.press("z")
        await pilot.pause()
        assert systems.get_system(db=demo_db, key=typical).typical is True  # the system edit is undone …
        after = get_item(db=demo_db, key=marked.key)
        assert (after.status, after.note) == (judged.status, judged.note)  # … the judgement is not
        assert any("元に戻しました" in n.message and typical in n.message and "確認済み" in n.message
                   for n in app._notifications)
        await pilot.press("y")
        await pilot.pause()
        assert systems.get_system(db=demo_db, key=typical).typical is False
        await pilot.press("z", "z")  # only one system step: the second z says there is nothing
        await pilot.pause()
        assert systems.get_system(db=demo_db, key=typical).typical is True
        assert get_item(db=demo_db, key=marked.key).status == Status.NOT_APPLICABLE


async def test_undo_reverts_links_and_milestones(db: Database, make_app) -> None:
    before_links = {(lk.provider, lk.consumer): lk for lk in systems.list_links(db=db)}
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _on(app, pilot, JUKI)
        form = await _form(app, pilot, "m")
        form.query_one("#f-planned", Input).value = "2026-01-10"
        await pilot.click("#form-save")
        await pilot.pause()
        assert systems.get_system(db=db, key=JUKI).milestones
        await _move_to(screen, pilot, "国民年金システム")
        form = await _form(app, pilot, "n")
        form.query_one("#f-direction", Select).value = "out"
        form.query_one("#f-other", Select).value = "健康管理システム"
        await pilot.click("#form-save")
        await pilot.pause()
        assert ("国民年金システム", "健康管理システム") in {(lk.provider, lk.consumer) for lk in systems.list_links(db=db)}
        await pilot.press("z")  # the link
        await pilot.pause()
        assert {(lk.provider, lk.consumer): lk for lk in systems.list_links(db=db)} == before_links
        assert any("連携 国民年金システム → 健康管理システム" in n.message for n in app._notifications)
        await pilot.press("z")  # the milestone
        await pilot.pause()
        assert systems.get_system(db=db, key=JUKI).milestones == ()


async def test_undo_of_a_system_edit_changed_since_by_someone_else_is_refused(db: Database, make_app) -> None:
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        await _on(app, pilot, JUKI)
        form = await _form(app, pilot, "p")
        form.query_one(Input).value = "2026-02-01"
        await pilot.press("enter")
        await pilot.pause()
        systems.update_system(db=db, user="bob", system=JUKI, planned_cutover=date(2026, 3, 1))
        await pilot.press("z")
        await pilot.pause()
        assert systems.get_system(db=db, key=JUKI).planned_cutover == date(2026, 3, 1)  # bob's stands
        assert any("変更されているため" in n.message for n in app._notifications)


async def test_timeline_toggle_and_year(db: Database, make_app) -> None:
    systems.update_system(db=db, user="t", system=JUKI, planned_cutover=date(2026, 1, 5))
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        assert screen.query_one("#sys-switcher", ContentSwitcher).current == "timeline"
        assert "R7年度（2025-04〜2026-03）" in _text(screen, "#timeline-text")
        assert "全期間" in _text(screen, "#timeline-text")  # the whole span above the year
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "R8年度（2026-04〜2027-03）" in _text(screen, "#timeline-text")


def test_timeline_marks_cutover_and_deadline(db: Database) -> None:
    from fitgap.services import schedule

    systems.update_system(db=db, user="t", system=JUKI, planned_cutover=date(2026, 1, 5))
    rows = schedule.system_rows(schedule.get_schedule(db=db, today=TODAY))
    text = timeline_text(rows, fy=2025, today=TODAY)
    juki = next(line for line in text.splitlines() if line.startswith(JUKI))
    cells = juki.split("┃")[0]
    assert "◆" in cells  # the cut-over in January, before the deadline bar at the end of March
    assert juki.count("┃") == 1


def test_the_whole_span_shows_a_late_cutover_after_its_deadline(db: Database) -> None:
    from fitgap.services import schedule
    from fitgap.tui.widgets.timeline import span_text

    systems.update_system(db=db, user="t", system=JUKI, planned_cutover=date(2031, 6, 1),
                          deadline=date(2031, 3, 31))
    rows = schedule.system_rows(schedule.get_schedule(db=db, today=TODAY))
    text = span_text(rows, today=TODAY)
    assert "2025年度〜2031年度" in text  # the span reaches the late cut-over
    juki = next(line for line in text.splitlines() if line.startswith(JUKI))
    before, after = juki.split("┃")
    assert "◆" not in before and "◆" in after  # drawn after the deadline, not on it
    assert "$text-error]◆" in after  # in the risk colour






async def test_add_and_edit_links(db: Database, make_app) -> None:
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _on(app, pilot, "国民年金システム")
        form = await _form(app, pilot, "n")
        form.query_one("#f-direction", Select).value = "out"
        form.query_one("#f-other", Select).value = "健康管理システム"
        form.query_one("#f-data", Input).value = "資格"
        await pilot.click("#form-save")
        await pilot.pause()
        links = {(lk.provider, lk.consumer): lk for lk in systems.list_links(db=db)}
        added = links[("国民年金システム", "健康管理システム")]
        assert (added.data, added.typical, added.interim_interface) == ("資格", False, False)

        await _move_to(screen, pilot, "健康管理システム")
        await pilot.press("l")
        await pilot.pause()
        chooser = app.screen
        assert isinstance(chooser, FormDialog)
        choice = next(v for _label, v in chooser.fields[0].options if v[0] == "国民年金システム")
        chooser.query_one("#f-link", Select).value = choice
        await pilot.click("#form-save")
        await pilot.pause()
        app.screen.query_one("#f-interim", Checkbox).value = True
        await pilot.click("#form-save")
        await pilot.pause()
        links = {(lk.provider, lk.consumer): lk for lk in systems.list_links(db=db)}
        assert links[("国民年金システム", "健康管理システム")].interim_interface is True
        assert "暫定連携あり" in _text(screen, "#sys-detail-text")



async def test_escape_on_a_typed_date_asks_before_dropping_it(db: Database, make_app) -> None:
    from fitgap.tui.widgets.pickers import ChoiceModal

    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        await _on(app, pilot, JUKI)
        form = await _form(app, pilot, "p")
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)
        form = await _form(app, pilot, "p")
        form.query_one(Input).value = "2026-02-01"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape")  # back to the form, the date still there
        await pilot.pause()
        assert app.screen is form and form.query_one(Input).value == "2026-02-01"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("2")  # 保存する
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)
        assert systems.get_system(db=db, key=JUKI).planned_cutover == date(2026, 2, 1)


def test_the_whole_span_to_fy2030_fits_in_100_columns(db: Database) -> None:
    from rich.cells import cell_len
    from rich.text import Text

    from fitgap.services import schedule
    from fitgap.tui.widgets.timeline import span_text

    systems.update_system(db=db, user="t", system=JUKI, planned_cutover=date(2031, 6, 1), deadline=date(2031, 3, 31))
    rows = schedule.system_rows(schedule.get_schedule(db=db, today=TODAY))
    plain = Text.from_markup(span_text(rows, today=TODAY).replace("$text-error", "red").replace("$text-accent", "blue")
                             .replace("$text-success", "green").replace("$text-muted", "dim")).plain
    assert max(cell_len(line) for line in plain.splitlines()) <= 96  # inside a 100-column terminal with its border


async def test_days_left_are_never_cut_at_100x30(db: Database, make_app, monkeypatch) -> None:
    from fitgap.tui.capture import screen_text

    monkeypatch.setenv("FITGAP_TODAY", "2026-11-23")
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(app, pilot)
        text = screen_text(app)
        overdue = [line for line in text.splitlines() if "期限超過" in line and "│" in line]
        assert overdue and all("期限超過 237日" in line for line in overdue)


async def test_a_save_shows_the_schedule_again_without_counting_the_gaps_again(db: Database, make_app,
                                                                              monkeypatch) -> None:
    """The open 実装必須 gaps come from one query; an edit on this screen changes no assessment, so the
    screen shows itself again with the counts it read (issue 23: saves froze at 30,000 requirements). A
    return to the screen reads again only when something changed meanwhile; r always reads again."""
    from fitgap.services import assessment
    from fitgap.services.items import ItemFilter, list_items
    from fitgap.storage import systems as system_rows

    counted: list[int] = []
    real = system_rows.open_must_gaps_by_operation

    def counting(**kwargs):
        counted.append(1)
        return real(**kwargs)

    monkeypatch.setattr(system_rows, "open_must_gaps_by_operation", counting)
    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await _on(app, pilot, JUKI)
        assert len(counted) == 1
        form = await _form(app, pilot, "p")
        form.query_one(Input).value = "2026/2/1"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen) and len(counted) == 1  # saved and shown: no recount
        assert "2026-02-01 (R7年度)" in _text(screen, "#sys-detail-text")
        await app.switch_mode("operations")
        await pilot.pause()
        await app.switch_mode("systems")
        await pilot.pause()
        assert len(counted) == 1  # nothing changed meanwhile: shown as it was
        key = list_items(db=db, flt=ItemFilter(operation_code="001"), limit=1)[0].key
        assessment.update_items(db=db, user="colleague", keys=[key], status="ギャップ", note="x")
        await app.switch_mode("operations")
        await pilot.pause()
        await app.switch_mode("systems")
        await pilot.pause()
        assert len(counted) == 2  # a colleague's judgement since: read again
        await pilot.press("r")
        await pilot.pause()
        assert len(counted) == 3


def test_the_systems_screen_has_one_undo_key() -> None:
    """z undoes every edit of this screen, 改修 items included: no second undo key (U) to learn."""
    keys = {k for b in SystemsScreen.BINDINGS for k in getattr(b, "key", "").split(",")}
    assert "U" not in keys and all(getattr(b, "action", "") != "undo_change" for b in SystemsScreen.BINDINGS)


def test_the_detail_of_a_system_that_cut_over_reads_migrated_not_overdue(db: Database) -> None:
    """The detail pane words a system's date by the standing rule: history once cut over, never 期限超過."""
    from fitgap.services import schedule
    from fitgap.tui.screens.system_detail import detail_text

    systems.update_system(db=db, user="t", system=JUKI, actual_cutover=date(2026, 1, 5))
    today = date(2026, 12, 7)
    view = schedule.get_schedule(db=db, today=today)
    row = next(r for r in schedule.system_rows(view) if r.name == JUKI)
    text = detail_text(row, view)
    assert "移行済 2026-01-05" in text and "期限超過" not in text
    assert "原則（令和7年度末）" in text  # where its date comes from, as status says


async def test_progress_of_the_40_steps_is_recorded_from_the_screen(db: Database, make_app) -> None:
    """s: the steps done out of 40 for this month (the same record as fitgap systems progress); a value that is
    no number stays in the dialog with what is wrong."""
    from fitgap.services import progress

    app = make_app(db)
    async with app.run_test(size=(180, 50)) as pilot:
        await _on(app, pilot, JUKI)
        form = await _form(app, pilot, "s")
        steps = form.query_one("#form-steps", Input) if form.query("#form-steps") else form.query(Input).first()
        steps.value = "たくさん"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and "数ではありません" in str(form.query_one("#form-error", Static).content)
        steps.value = "32"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)
    latest = progress.system_progress(db=db, system=JUKI).latest
    assert latest is not None and (latest.steps, latest.month) == (32, TODAY.strftime("%Y-%m"))
