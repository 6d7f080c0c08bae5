"""The データ要件 screen: list and detail, 保持状況 by key, bulk over marked rows, undo, filters, a colleague's
change (the cursor stays on its item; a stale write is a conflict, said), the note and form drafts; the
home screen's line per operation (the same figures as `fitgap data status`); a requirement's data items."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from textual.widgets import Input, Static, TextArea

from fitgap.config import bundled_dir
from fitgap.domain.data_items import DataVerdict, FieldMethod, Holding
from fitgap.importers.canonical import read_canonical, write_canonical
from fitgap.services import data_items as data
from fitgap.services import drafts
from fitgap.services.specs_import import import_spec
from fitgap.storage.db import Database
from fitgap.tui.app import FitGapApp
from fitgap.tui.capture import screen_text
from fitgap.tui.screens.data_items import DataItemsScreen
from fitgap.tui.screens.form_dialog import FormDialog
from fitgap.tui.widgets.note_editor import NoteEditor
from fitgap.tui.widgets.pickers import ChoiceModal
from tests.data_books import sample_book, write_book
from tests.tui.conftest import SIZE

INKAN = "002"
I1, I2, I3, I4 = "00200001", "00200002", "00200003", "00200004"


def _import(db: Database, tmp_path: Path) -> None:
    data.import_lists(db=db, user="t", paths=[write_book(sample_book(), tmp_path / "inkan.xlsx")], label="第1.0版")


def _row(db: Database, item_id: str) -> data.DataRow:
    return data.get_item(db=db, item_id=item_id).row


async def _open(app: FitGapApp, pilot, operation: str | None = INKAN) -> DataItemsScreen:
    app.push_screen(DataItemsScreen(operation))
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, DataItemsScreen)
    return app.screen


def _ids(screen: DataItemsScreen) -> list[str]:
    return [screen.table.row_at(i).item_id for i in range(screen.table.row_count)]


def _detail(screen: DataItemsScreen) -> str:
    return str(screen.query_one("#data-detail-text", Static).content)


async def test_list_detail_and_the_mode_from_the_palette(db: Database, make_app, tmp_path: Path) -> None:
    _import(db, tmp_path)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode("data")  # 開く: データ要件 (all operations)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DataItemsScreen) and screen.operation_code is None
        assert I1 in _ids(screen)
        await app.switch_mode("operations")
        screen = await _open(app, pilot)
        text = screen_text(app)
        assert "印鑑登録番号" in text and "保持状況" in text and "判定" in text
        assert "12項目" in text and "確認済 0%" in text
        detail = _detail(screen)
        assert I1 in detail and "項目定義" in detail and "データ出力条件" in detail


async def test_holding_by_key_moves_on_and_undo_redo(db: Database, make_app, tmp_path: Path) -> None:
    _import(db, tmp_path)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("1")  # 保持, next row
        await pilot.pause()
        assert _row(db, I1).holding == Holding.HELD and screen.current().item_id == I2
        await pilot.press("3")  # 未保持 of a required item with no plan: 阻害
        await pilot.pause()
        assert _row(db, I2).verdict == DataVerdict.BLOCKER
        await pilot.pause(0.5)  # the counts once the keys pause
        assert "必須未保持 1" in screen_text(app)
        await pilot.press("up", "m")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("5")  # 手入力: a plan, no longer blocking
        await pilot.pause()
        assert _row(db, I2).method == FieldMethod.MANUAL and _row(db, I2).verdict == DataVerdict.TODO
        await pilot.press("z")
        await pilot.pause()
        assert _row(db, I2).method is None and _row(db, I2).verdict == DataVerdict.BLOCKER
        await pilot.press("y")
        await pilot.pause()
        assert _row(db, I2).method == FieldMethod.MANUAL
        await pilot.press("z", "z", "z")
        await pilot.pause()
        assert _row(db, I1).holding is None and _row(db, I2).holding is None


async def test_bulk_over_marked_rows_and_filters(db: Database, make_app, tmp_path: Path) -> None:
    _import(db, tmp_path)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("space", "space", "down", "space")  # I1, I2 and I4
        await pilot.pause()
        assert set(screen.selected) == {I1, I2, I4}
        await pilot.press("6")  # 対象外, all three
        await pilot.pause()
        assert {_row(db, i).holding for i in (I1, I2, I4)} == {Holding.NOT_APPLICABLE} and _row(db, I3).holding is None
        await pilot.press("escape")  # the marks go, the screen stays
        await pilot.pause()
        assert not screen.selected and isinstance(app.screen, DataItemsScreen)
        await pilot.press("f", "2")  # 未確認
        await pilot.pause()
        assert I1 not in _ids(screen) and I3 in _ids(screen)
        await pilot.press("z")  # the bulk change undone: the three are back in the 未確認 list
        await pilot.pause()
        assert {I1, I2, I4} <= set(_ids(screen))
        await pilot.press("x", "g")
        await pilot.pause()
        await pilot.press("3")  # the second group
        await pilot.pause()
        assert _ids(screen) and all(i[3:5] == "00" and int(i[3:]) > 100 for i in _ids(screen))
        await pilot.press("x", "slash")
        await pilot.pause()
        await pilot.press(*"氏名")
        screen.query_one("#data-search", Input).value = "氏名"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert _ids(screen) == [I3] and screen.focused is screen.table


async def test_a_colleagues_change_keeps_the_cursor_on_its_item_and_a_stale_write_is_a_conflict(
        db: Database, make_app, tmp_path: Path) -> None:
    _import(db, tmp_path)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("f", "2")  # 未確認 only
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()
        assert screen.current().item_id == I3
        data.set_items(db=db, user="同僚", item_ids=[I1], values={"holding": "保持"})  # leaves the list above the cursor
        screen.poll_changes()
        await pilot.pause()
        assert I1 not in _ids(screen) and screen.current().item_id == I3  # the same item, not the same row number
        assert not any(n.title == "カーソルの項目が一覧から外れました" for n in app._notifications)
        await pilot.press("2")
        await pilot.pause()
        assert _row(db, I3).holding == Holding.PARTLY and _row(db, I4).holding is None
        # a write over a row a colleague changed since it was shown: refused, said, shown as it is now
        await pilot.press("x")
        await pilot.pause()
        screen.table.move_to(_ids(screen).index(I4))
        await pilot.pause()
        data.set_items(db=db, user="同僚", item_ids=[I4], values={"holding": "紙のみ"})
        await pilot.press("1")
        await pilot.pause()
        assert _row(db, I4).holding == Holding.PAPER
        said = [n for n in app._notifications if n.title == "競合"]
        assert said and "他の利用者が先に変更していた 1件" in said[-1].message and "同僚 さん" in said[-1].message
        assert screen.current().item_id == I4 and screen.current().holding == Holding.PAPER  # shown as it is now
        await pilot.press("1")  # seen: pressed again, it is changed
        await pilot.pause()
        assert _row(db, I4).holding == Holding.HELD


async def test_a_typed_note_survives_esc_and_a_conflict(db: Database, make_app, tmp_path: Path) -> None:
    _import(db, tmp_path)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).text = "現行は氏名カナのみ"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("3")  # 下書きとして残して閉じる
        await pilot.pause()
        assert isinstance(app.screen, DataItemsScreen) and _row(db, I1).note == ""
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one(TextArea).text == "現行は氏名カナのみ"
        data.set_items(db=db, user="同僚", item_ids=[I1], values={"note": "先に書いたメモ"})
        await pilot.press("ctrl+s")  # a conflict: not saved, the text stays, theirs beside it
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, NoteEditor) and editor.query_one(TextArea).text == "現行は氏名カナのみ"
        assert _row(db, I1).note == "先に書いたメモ"
        assert "先に書いたメモ" in str(editor.query_one("#note-other-text").content)


async def test_the_current_field_form_keeps_a_draft_and_saves(db: Database, make_app, tmp_path: Path) -> None:
    _import(db, tmp_path)
    app = make_app(db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-current_fields", Input).value = "INKAN.TOROKU_NO"
        await pilot.press("ctrl+q")  # quitting asks; keep it as a draft
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("3")
        await pilot.pause()
    assert _row(db, I1).current_fields == "" and drafts.list_drafts(db=db, user="alice")
    app = make_app(db, user="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog) and form.query_one("#f-current_fields", Input).value == "INKAN.TOROKU_NO"
        form.query_one("#f-current_length", Input).value = "10"
        form.save()
        await pilot.pause()
    row = _row(db, I1)
    assert (row.current_fields, row.current_length) == ("INKAN.TOROKU_NO", "10")
    assert drafts.list_drafts(db=db, user="alice") == []


def _status_table(out: str) -> dict[str, list[str]]:
    """`fitgap data status` as {業務: [版, 項目, 確認済, 準備済, 必須未保持, 要再確認, コード未対応, 外字候補]}."""
    rows = {}
    for line in out.splitlines():
        cells = re.split(r"\s{2,}|\s*\|\s*", line.strip())
        if cells and re.fullmatch(r"\d{3}", cells[0]):
            rows[cells[0]] = cells[1:]
    return rows


async def test_the_home_screen_shows_what_fitgap_data_status_says(db: Database, make_app, cli,
                                                                 tmp_path: Path) -> None:
    _import(db, tmp_path)
    data.set_items(db=db, user="t", item_ids=[I1, I2], values={"holding": "未保持"})
    data.set_items(db=db, user="t", item_ids=[I3], values={"holding": "保持"})
    status = cli("data", "status")
    assert status.code == 0
    expected = _status_table(status.out)
    assert INKAN in expected
    app = make_app(db)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        home = app.screen
        lines = str(home.query_one("#ops-data", Static).content).splitlines()
    lines = [line.replace(",", "") for line in lines]
    shown = {m.group(1): m for line in lines if (m := re.search(
        r"(\d{3}) .*?(\d+)項目　確認済 (\d+%)　必須未保持 (\d+)　外字候補 (\d+)", line))}
    assert set(shown) == set(expected)
    for op, m in shown.items():
        _version, items, assessed, _ready, blockers, _review, _unmapped, gaiji = expected[op]
        assert (m.group(2), m.group(3), m.group(4), m.group(5)) == (items, assessed, blockers, gaiji)
    assert shown[INKAN].group(4) == "2"


async def test_a_requirements_detail_lists_its_data_items_and_says_when_one_blocks(
        db: Database, make_app, tmp_path: Path) -> None:
    first = read_canonical(bundled_dir("standard_specs") / "001_juminkiroku_v1.0.csv")
    records = [dataclasses.replace(first.requirements[0], req_id="0010001"), *first.requirements[1:]]
    path = tmp_path / "001.csv"
    write_canonical(path, dataclasses.replace(first.info, label="第1.1版"), records)
    import_spec(db=db, path=path, user="t", operation="001", version="第1.1版")
    book = dataclasses.replace(sample_book("001"), title="■住民記録 項目定義書")
    data.import_lists(db=db, user="t", paths=[write_book(book, tmp_path / "juki.xlsx")])
    data.set_items(db=db, user="t", item_ids=["00100002"], values={"holding": "未保持"})
    from tests.tui.conftest import detail_shown, open_list

    app = make_app(db)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_list(pilot, "001")
        from fitgap.services.items import ItemKey

        screen.table.move_to_key(ItemKey.of("001", "機能", "0010001"))
        await detail_shown(pilot, screen)
        text = str(screen.query_one("#detail-data", Static).content)
    assert "データ項目（" in text and "00100001" in text
    assert "データ要件の阻害 1件" in text and "00100002" in text
