"""Marking: one key sets the status and moves on; the note rule; disposition; bulk; undo and redo."""

from __future__ import annotations

from fitgap.domain.enums import Disposition, Kubun, Status
from fitgap.services import systems
from fitgap.services.items import ItemFilter, ItemKey, get_item, get_item_detail, list_items
from fitgap.tui.capture import screen_text
from fitgap.tui.widgets.note_editor import NoteEditor
from fitgap.tui.widgets.pickers import ChoiceModal, NameModal
from tests.tui.conftest import SIZE, detail_shown, open_list, row_of


async def test_one_key_marks_fit_and_moves_to_the_next_item(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        first = screen.table.current_row
        await pilot.press("1")
        await pilot.pause()
        row = get_item(db=demo_db, key=first.key)
        assert row.status == Status.FIT and row.assessed_by == "tester"
        assert screen.table.cursor == 1
        await pilot.press("f")  # the letter does the same
        await pilot.pause()
        assert screen.table.cursor == 2


async def test_gap_without_note_asks_for_the_note_first(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        rows = list_items(db=demo_db, flt=ItemFilter(operation_code="001", statuses=frozenset({Status.UNCHECKED})))
        target = rows[0].key
        screen.table.move_to(row_of(screen, target))
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape")  # cancelled: nothing changes
        await pilot.pause()
        assert get_item(db=demo_db, key=target).status == Status.UNCHECKED
        await pilot.press("2")
        await pilot.pause()
        await pilot.press(*"vendor", "enter", *"2nd line")
        await pilot.press("ctrl+s")
        await pilot.pause()
        row = get_item(db=demo_db, key=target)
        assert row.status == Status.GAP and row.note == "vendor\n2nd line"


async def test_disposition_picker_sets_the_handling_of_a_gap(demo_db, make_app):
    app = make_app(demo_db)
    gap = list_items(db=demo_db, flt=ItemFilter(statuses=frozenset({Status.GAP})), limit=1)[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, gap.key.operation_code)
        screen.table.move_to(row_of(screen, gap.key))
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("5")  # fifth choice: 共通機能で対応 — it asks which 共通機能
        await pilot.pause()
        assert isinstance(app.screen, NameModal)
        await pilot.press(*"EUC", "enter")
        await pilot.pause()
        assert get_item(db=demo_db, key=gap.key).disposition == Disposition.EUC
        shown = get_item_detail(db=demo_db, key=gap.key)
        assert shown.disposition_detail == "EUC" and "共通機能 EUC" in screen_text(app)


async def test_a_decision_asks_for_the_system_or_the_option_it_names(demo_db, make_app):
    systems.add_system(db=demo_db, user="t", name="庁内グループウェア")
    app = make_app(demo_db)
    gap = list_items(db=demo_db, flt=ItemFilter(operation_code="001", statuses=frozenset({Status.GAP})), limit=1)[0]
    option = list_items(db=demo_db, flt=ItemFilter(operation_code="001", kubun=frozenset({Kubun.OPTION})), limit=1)[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, "001")
        screen.table.move_to(row_of(screen, gap.key))
        await pilot.press("d", "6")  # 既存の別システムで実現: the systems to pick from
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and "システム" in app.screen.title_text
        await pilot.press("escape")  # esc: no decision
        await pilot.pause()
        assert get_item(db=demo_db, key=gap.key).disposition == gap.disposition
        await pilot.press("d", "6")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal)
        picker.choose(next(i for i, (_label, v) in enumerate(picker.choices) if v == "庁内グループウェア"))
        await pilot.pause()
        shown = get_item_detail(db=demo_db, key=gap.key)
        assert (shown.row.disposition, shown.target_system) == (Disposition.EXISTING_SYSTEM, "庁内グループウェア")
        assert "移行先システム 庁内グループウェア" in screen_text(app)
        await pilot.press("d", "3")  # 標準オプションで対応: the operation's options to pick from
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal) and "標準オプション" in picker.title_text
        picker.choose(next(i for i, (_label, v) in enumerate(picker.choices) if v.endswith(option.key.req_id)))
        await pilot.pause()
        shown = get_item_detail(db=demo_db, key=gap.key)
        assert shown.row.disposition == Disposition.OPTION and shown.target_system is None
        assert shown.disposition_detail == f"{option.kind.value}:{option.key.req_id}"
        assert "採用されるまで未決" in screen_text(app) or shown.option_status == Status.FIT


async def test_bulk_mark_selected_items_then_undo_and_redo(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        before = {r.key: r.status for r in list_items(db=demo_db, flt=ItemFilter(operation_code="001"))}
        await pilot.press("space", "shift+down", "shift+down")
        assert len(screen.selected_items) == 4  # space selects and moves; shift+down extends over two more
        picked = set(screen.selected_items)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)  # the preview: nothing written yet
        await pilot.press("1")  # apply
        await pilot.pause()
        after = {r.key: r.status for r in list_items(db=demo_db, flt=ItemFilter(operation_code="001"))}
        assert all(after[k] == Status.FIT for k in picked)
        assert all(after[k] == before[k] for k in before if k not in picked)
        assert not screen.selected_items
        await pilot.press("z")
        await pilot.pause()
        assert {r.key: r.status for r in list_items(db=demo_db, flt=ItemFilter(operation_code="001"))} == before
        await pilot.press("y")
        await pilot.pause()
        assert {r.key: r.status for r in list_items(db=demo_db, flt=ItemFilter(operation_code="001"))} == after
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert {r.key: r.status for r in list_items(db=demo_db, flt=ItemFilter(operation_code="001"))} == before


async def test_select_all_matching_and_bulk_mark_runs_in_a_worker(demo_db, make_app):
    app = make_app(demo_db)
    unchecked = ItemFilter(statuses=frozenset({Status.UNCHECKED}))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, None)  # all operations: 300 items
        screen.set_filter(unchecked)
        n = screen.table.row_count
        assert n > 150
        await pilot.press("ctrl+a")
        assert len(screen.selected_items) == n
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("1")  # apply, after the preview
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert list_items(db=demo_db, flt=unchecked) == []
        assert screen.table.row_count == 0
        await pilot.press("z")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(list_items(db=demo_db, flt=unchecked, limit=1000)) == n


async def test_bulk_status_that_needs_a_note_leaves_items_without_note_unchanged(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.set_filter(ItemFilter(statuses=frozenset({Status.UNCHECKED})))
        keys = [screen.table.row_at(i).key for i in range(2)]
        await pilot.press("space", "space", "3")  # 対象外 needs a note; these have none
        await pilot.pause()
        assert all(get_item(db=demo_db, key=k).status == Status.UNCHECKED for k in keys)


async def test_escape_clears_the_selection_before_leaving(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        await pilot.press("space")
        await pilot.press("escape")
        assert app.screen is screen and not screen.selected_items
        await pilot.press("escape")
        assert app.screen is not screen


def test_item_key_string_is_what_the_audit_log_uses():
    assert str(ItemKey.of("001", "機能", "0010001")) == "001:機能:0010001"


async def test_note_rule_is_configurable_from_the_palette(demo_db, make_app):
    from fitgap.services.assessment import get_note_rule
    from fitgap.tui.commands import commands_for
    from fitgap.tui.widgets.note_rule import NoteRulePicker

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.set_filter(ItemFilter(statuses=frozenset({Status.UNCHECKED})))
        cmd = next(c for c in commands_for(app, app.screen) if c.title == "設定: メモが必要な状況…")
        cmd.callback()
        await pilot.pause()
        assert isinstance(app.screen, NoteRulePicker)
        await pilot.press("down", "down", "space", "enter")  # third status: ギャップ — no longer needs a note
        await pilot.pause()
        assert get_note_rule(db=demo_db) == frozenset({Status.NOT_APPLICABLE})
        key = screen.table.current_row.key
        await pilot.press("2")  # marks at once, no note editor
        await pilot.pause()
        assert get_item(db=demo_db, key=key).status == Status.GAP


async def test_undo_of_a_judgement_restores_note_and_disposition_exactly(demo_db, make_app):
    gap = next(r for r in list_items(db=demo_db, flt=ItemFilter(operation_code="001", statuses=frozenset({Status.GAP})))
               if r.disposition is not None and r.note)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        screen.table.move_to(row_of(screen, gap.key))
        await pilot.press("1")  # 適合: a fit has no disposition
        await pilot.pause()
        assert get_item(db=demo_db, key=gap.key).disposition is None
        await pilot.press("z")
        await pilot.pause()
        back = get_item(db=demo_db, key=gap.key)
        assert (back.status, back.disposition, back.note) == (gap.status, gap.disposition, gap.note)
        assert any(f"元に戻しました: {gap.key.label} を適合に" in n.message for n in app._notifications)


async def test_undoing_a_bulk_mark_leaves_never_judged_items_without_a_last_update(demo_db, make_app):
    """Items nobody had judged, bulk-marked and then undone, look as before: 未確認 with no 最終更新 by
    the user who undid it (the history keeps both steps)."""
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        rows = list_items(db=demo_db, flt=ItemFilter(operation_code="001", statuses=frozenset({Status.UNCHECKED})))
        never = [r.key for r in rows if r.assessed_by is None][:3]
        assert len(never) == 3
        screen.selected_items = {k: None for k in never}
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("1")  # apply
        await pilot.pause()
        assert all(get_item(db=demo_db, key=k).assessed_by == "tester" for k in never)
        await pilot.press("z")
        await pilot.pause()
        for key in never:
            row = get_item(db=demo_db, key=key)
            assert (row.status, row.assessed_by, row.assessed_at) == (Status.UNCHECKED, None, None)
        screen.table.move_to_key(never[0])
        await detail_shown(pilot, screen)
        assert "最終更新 —" in screen_text(app)
