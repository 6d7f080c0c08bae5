"""Bulk changes are previewed with counts and reasons, then applied to the rest, with a note written for
the items that need one, or cancelled; no other field disappears silently."""

from __future__ import annotations

from fitgap.domain.enums import Disposition, Status
from fitgap.services.assessment import update_items
from fitgap.services.items import ItemFilter, get_item, get_item_detail, list_items
from fitgap.tui.capture import screen_text
from fitgap.tui.screens.requirements import RequirementsScreen
from fitgap.tui.widgets.note_editor import NoteEditor
from fitgap.tui.widgets.pickers import ChoiceModal
from tests.tui.conftest import SIZE, open_list


async def _all_selected(pilot, db, flt: ItemFilter) -> tuple[RequirementsScreen, dict]:
    screen = await open_list(pilot, flt.operation_code)
    screen.set_filter(flt)
    await pilot.pause()
    await pilot.press("ctrl+a")
    await pilot.pause()
    before = {r.key: r for r in list_items(db=db, flt=flt, limit=1000)}
    assert len(screen.selected_items) == len(before)
    return screen, before


def _setup(db) -> dict:
    """In 001: one gap with a disposition and a note, one fit with a note, the rest as the demo left them."""
    rows = list_items(db=db, flt=ItemFilter(operation_code="001"))
    gap, noted = rows[0].key, rows[1].key
    update_items(db=db, user="t", keys=[gap], status=Status.GAP, note="手作業で対応")
    update_items(db=db, user="t", keys=[gap], disposition=Disposition.EUC)
    update_items(db=db, user="t", keys=[noted], status=Status.FIT, note="確認済み")
    return {"gap": gap, "noted": noted}


async def test_bulk_not_applicable_previews_counts_and_reasons_and_cancel_changes_nothing(demo_db, make_app):
    keys = _setup(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        _screen, before = await _all_selected(pilot, demo_db, ItemFilter(operation_code="001"))
        with_note = [k for k, r in before.items() if r.note.strip() and r.status != Status.NOT_APPLICABLE]
        without = [k for k, r in before.items() if not r.note.strip() and r.status != Status.NOT_APPLICABLE]
        already = [k for k, r in before.items() if r.status == Status.NOT_APPLICABLE]
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        text = screen_text(app)
        assert f"変更する: {len(with_note)}件" in text
        assert f"メモが必要（対象外にはメモ（理由）が必要）: {len(without)}件" in text
        cleared = [k for k in with_note if before[k].disposition is not None]
        assert len(cleared) >= 2 and keys["gap"] in cleared
        assert f"うち対応方針が消える: {len(cleared)}件" in text  # the gaps' dispositions, said before they go
        if already:
            assert f"すでにその値: {len(already)}件" in text
        await pilot.press("escape")  # cancel
        await pilot.pause()
        assert {k: get_item(db=demo_db, key=k) for k in before} == before
        assert get_item(db=demo_db, key=keys["gap"]).disposition == Disposition.EUC


async def test_bulk_apply_to_the_rest_changes_only_those_and_says_how_many_were_left(demo_db, make_app):
    keys = _setup(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        _screen, before = await _all_selected(pilot, demo_db, ItemFilter(operation_code="001"))
        without = [k for k, r in before.items() if not r.note.strip() and r.status != Status.NOT_APPLICABLE]
        changing = [k for k, r in before.items() if r.note.strip() and r.status != Status.NOT_APPLICABLE]
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("1")  # apply to the rest
        await pilot.pause()
        assert get_item(db=demo_db, key=keys["noted"]).status == Status.NOT_APPLICABLE
        assert all(get_item(db=demo_db, key=k).status == before[k].status for k in without)
        assert any(f"{len(changing)}件を変更しました、{len(before) - len(changing)}件は変更していません" in n.message
                   for n in app._notifications)


async def test_bulk_can_write_the_missing_notes_and_apply_to_all(demo_db, make_app):
    _setup(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        _screen, before = await _all_selected(pilot, demo_db, ItemFilter(operation_code="001"))
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("2")  # write the note for those that have none
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"not used here", "ctrl+s")
        await pilot.pause()
        after = {k: get_item(db=demo_db, key=k) for k in before}
        assert all(r.status == Status.NOT_APPLICABLE for r in after.values())
        for k, r in after.items():  # a note already written is kept; the new one fills only the empty ones
            assert r.note == (before[k].note if before[k].note.strip() else "not used here")
        await pilot.press("z")  # one step
        await pilot.pause()
        assert {k: get_item(db=demo_db, key=k).status for k in before} == {k: r.status for k, r in before.items()}


async def test_bulk_disposition_makes_non_gaps_gaps_as_it_says(demo_db, make_app):
    app = make_app(demo_db)
    flt = ItemFilter(operation_code="001", statuses=frozenset({Status.FIT}))
    async with app.run_test(size=SIZE) as pilot:
        screen, before = await _all_selected(pilot, demo_db, flt)
        update_items(db=demo_db, user="t", keys=[next(iter(before))], note="適合だが要検討")
        before = {k: get_item(db=demo_db, key=k) for k in before}
        screen.data_changed()
        screen.selected_items = {k: r.revision for k, r in before.items()}
        noted = [k for k, r in before.items() if r.note.strip()]
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("5")  # 共通機能で対応: which one
        await pilot.pause()
        await pilot.press(*"EUC", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)  # the preview, not a refusal
        text = screen_text(app)
        assert f"うちギャップにする: {len(noted)}件" in text  # (a gap needs a note: the others wait for one)
        assert f"メモが必要（ギャップにはメモ（理由）が必要）: {len(before) - len(noted)}件" in text
        await pilot.press("2")  # write the missing notes and apply to all
        await pilot.pause()
        await pilot.press(*"EUC で対応", "ctrl+s")
        await pilot.pause()
        for k in before:
            row = get_item(db=demo_db, key=k)
            assert (row.status, row.disposition) == (Status.GAP, Disposition.EUC)
            assert get_item_detail(db=demo_db, key=k).disposition_detail == "EUC"  # named for every one


async def test_the_three_choices_keep_their_numbers_whatever_the_situation(demo_db, make_app):
    """1 apply to the rest, 2 write the notes and apply to all, 3 cancel — always under the same numbers: a
    choice that does not apply is shown greyed out, and its number does nothing."""
    app = make_app(demo_db)
    flt = ItemFilter(operation_code="001", statuses=frozenset({Status.UNCHECKED}))
    async with app.run_test(size=SIZE) as pilot:
        _screen, before = await _all_selected(pilot, demo_db, flt)
        assert all(not r.note.strip() for r in before.values())  # every one needs a note for 対象外
        await pilot.press("3")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceModal)
        labels = [label for label, _v in dialog.choices]
        assert len(labels) == 3 and labels[0].startswith("適用する") and labels[1].startswith("メモを書いて")
        assert labels[2].startswith("取消") and dialog.unavailable == {0}
        await pilot.press("1")  # nothing to apply to without a note: nothing happens, the dialog stays
        await pilot.pause()
        assert app.screen is dialog
        await pilot.press("3")  # cancel, under its own number
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceModal)
        assert {k: get_item(db=demo_db, key=k) for k in before} == before


async def test_the_note_of_a_bulk_change_kept_as_a_draft_comes_back(demo_db, make_app):
    from fitgap.services import drafts

    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        _screen, before = await _all_selected(pilot, demo_db, ItemFilter(operation_code="001"))
        await pilot.press("2")  # ギャップ: the preview, then 2 writes the missing notes
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"ikkatsu")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("3")  # 下書きとして残して終了
        await pilot.pause()
        assert app._exit
    assert {k: get_item(db=demo_db, key=k) for k in before} == before  # nothing changed
    [kept] = drafts.list_drafts(db=demo_db, user="alice")
    assert kept.kind == drafts.BULK_NOTE and kept.text == "ikkatsu"
    app = make_app(demo_db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _all_selected(pilot, demo_db, ItemFilter(operation_code="001"))
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor) and app.screen.query_one("#note-text").text == "ikkatsu"
        await pilot.press("ctrl+s")  # applied, the draft gone
        await pilot.pause()
    assert drafts.list_drafts(db=demo_db, user="alice") == []
    assert all(get_item(db=demo_db, key=k).status == Status.GAP for k in before)
