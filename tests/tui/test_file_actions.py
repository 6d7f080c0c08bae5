"""The workbench's file actions: preview (nothing written), apply in a worker, cancel, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from textual.widgets import Button, Input, Select, Static

from fitgap.domain.answer_sheet import H_ANSWER, HEADER_ROW, KEY_HEADER
from fitgap.services.items import ItemFilter, count_items, item_keys
from fitgap.services.vendors import export_vendor_sheet, import_vendor_sheet
from fitgap.storage.db import Database
from fitgap.tui.file_actions import open_action
from fitgap.tui.screens.file_action import ErrorDialog, FileActionDialog
from tests.answer_books import data_sheet, edit_book, set_answer
from tests.conftest import dump_database
from tests.spec_books import write_ministry_workbook

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # relative paths in the dialogs, as a user types them


def _text(dialog: FileActionDialog) -> str:
    return str(dialog.query_one("#action-text", Static).render())


def _data(db_path: Path) -> dict[str, list[tuple]]:
    """The database's data: every table but the drafts (what was typed is kept there as the user types)."""
    return {t: rows for t, rows in dump_database(db_path).items() if t != "draft"}


async def _fill(pilot, dialog: FileActionDialog, **values: str) -> None:
    for key, value in values.items():
        widget = dialog.query_one(f"#af-{key}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.pause()


async def _press(pilot, app, dialog: FileActionDialog, button: str) -> None:
    dialog.query_one(f"#action-{button}", Button).press()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_import_a_list_previews_then_applies(db: Database, db_path: Path, make_app, tmp_path: Path):
    write_ministry_workbook(tmp_path / "住民記録_第6.0版.xlsx")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        dialog = open_action(app, "import-spec")
        await pilot.pause()
        await _fill(pilot, dialog, path="住民記録_第6.0版.xlsx")
        await app.workers.wait_for_complete()
        before = _data(db_path)
        await _press(pilot, app, dialog, "preview")
        shown = _text(dialog)
        assert "第6.0版（取り込み: 要件 6 件）" in shown and "追加" in shown and "まだ何も書き込んでいません" in shown
        assert _data(db_path) == before  # the preview wrote nothing
        assert not dialog.query_one("#action-apply", Button).disabled
        await _press(pilot, app, dialog, "apply")
        assert "取り込みました" in _text(dialog)
        assert dialog.query_one("#action-apply", Button).disabled
    assert {(k.kind.value, k.req_id) for k in item_keys(db=db, flt=ItemFilter(operation_code="001"))} >= {
        ("機能", "0010001"), ("帳票", "0010001")}


async def test_cancel_writes_nothing_and_keeps_what_was_typed(db: Database, db_path: Path, make_app,
                                                              tmp_path: Path):
    write_ministry_workbook(tmp_path / "住民記録_第6.0版.xlsx")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()  # the search index is brought up to date at start
        before = _data(db_path)
        dialog = open_action(app, "import-spec")
        await pilot.pause()
        await _fill(pilot, dialog, path="住民記録_第6.0版.xlsx", version="第6.0版")
        await _press(pilot, app, dialog, "preview")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FileActionDialog)
        again = open_action(app, "import-spec")
        await pilot.pause()
        assert again.query_one("#af-path", Input).value == "住民記録_第6.0版.xlsx"
        assert again.query_one("#af-version", Input).value == "第6.0版"
        assert _data(db_path) == before


async def test_an_error_opens_the_error_dialog_with_what_to_do(db: Database, make_app):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        dialog = open_action(app, "import-spec")
        await pilot.pause()
        await _fill(pilot, dialog, path="ない.xlsx")
        await _press(pilot, app, dialog, "preview")
        assert isinstance(app.screen, ErrorDialog)
        assert "ない.xlsx が見つかりません" in app.screen.exc.message and app.screen.exc.hint
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog and "何も書き込んでいません" in _text(dialog)


async def test_a_file_error_the_service_did_not_word_is_said_in_the_dialog(db: Database, make_app, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    """An OSError (no permission, a vanished disk) is an エラー / 対処 dialog as in the CLI, not a crash of the
    workbench that takes what was typed with it."""
    from fitgap.services import specs_import

    write_ministry_workbook(tmp_path / "住民記録_第6.0版.xlsx")

    def unreadable(**_kw: object) -> None:
        raise PermissionError(13, "Permission denied", "住民記録_第6.0版.xlsx")

    monkeypatch.setattr(specs_import, "import_specs", unreadable)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        dialog = open_action(app, "import-spec")
        await pilot.pause()
        await _fill(pilot, dialog, path="住民記録_第6.0版.xlsx")
        await _press(pilot, app, dialog, "preview")
        assert isinstance(app.screen, ErrorDialog)
        assert "権限" in app.screen.exc.message and app.screen.exc.hint
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog and dialog.query_one("#af-path", Input).value == "住民記録_第6.0版.xlsx"


async def test_a_changed_input_needs_a_new_preview(db: Database, make_app, tmp_path: Path):
    write_ministry_workbook(tmp_path / "住民記録_第6.0版.xlsx")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        dialog = open_action(app, "import-spec")
        await pilot.pause()
        await _fill(pilot, dialog, path="住民記録_第6.0版.xlsx")
        await _press(pilot, app, dialog, "preview")
        assert not dialog.query_one("#action-apply", Button).disabled
        await _fill(pilot, dialog, version="第9.0版")
        assert dialog.query_one("#action-apply", Button).disabled


def _answer_all(src: Path, dst: Path, answer: str) -> None:
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        cols = {c.value: c.column for c in ws[HEADER_ROW] if c.value}
        if KEY_HEADER not in cols or ws.sheet_state != "visible":
            continue
        for r in range(HEADER_ROW + 1, ws.max_row + 1):
            if ws.cell(row=r, column=cols[KEY_HEADER]).value:
                ws.cell(row=r, column=cols[H_ANSWER], value=answer)
    wb.save(dst)


async def test_vendor_sheet_out_and_back_from_the_workbench(demo_db: Database, make_app, tmp_path: Path):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        out = open_action(app, "export-vendor")
        await pilot.pause()
        await _fill(pilot, out, vendor="株式会社サンプル", operations="001", scope="all", output="sheet.xlsx")
        await _press(pilot, app, out, "preview")
        n = count_items(db=demo_db, flt=ItemFilter(operation_code="001"))
        assert f"{n:,} 件の要件を書き出します" in _text(out) and not (tmp_path / "sheet.xlsx").exists()
        await _press(pilot, app, out, "apply")
        assert (tmp_path / "sheet.xlsx").exists() and str((tmp_path / "sheet.xlsx").resolve()) in _text(out)
        await pilot.press("escape")
        _answer_all(tmp_path / "sheet.xlsx", tmp_path / "back.xlsx", "標準で対応")
        back = open_action(app, "import-vendor")
        await pilot.pause()
        await _fill(pilot, back, path="back.xlsx")
        await _press(pilot, app, back, "preview")
        assert f"新しい回答 {n:,}" in _text(back)
        await _press(pilot, app, back, "apply")
        assert f"{n:,} 件の回答を取り込みました" in _text(back)


async def test_the_export_preview_counts_what_the_export_writes(demo_db: Database, make_app, tmp_path: Path):
    """The preview's figure is the export's own count (its operations, its scope), not a second count."""
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        out = open_action(app, "export-vendor")
        await pilot.pause()
        await _fill(pilot, out, vendor="A社", operations="", scope="gaps", output="all.xlsx")
        await _press(pilot, app, out, "preview")
        shown = _text(out)
        await _press(pilot, app, out, "apply")
        result = _text(out)
    written = export_vendor_sheet(db=demo_db, user="tester", vendor="A社", exports_dir=tmp_path, scope="gaps",
                                  path=tmp_path / "again.xlsx").items
    assert f"{written:,} 件の要件を書き出します" in shown and f"要件 {written:,} 件" in result


async def test_an_older_vendor_sheet_is_counted_and_said_not_dropped(demo_db: Database, make_app, tmp_path: Path):
    """The workbench says what the CLI says: the answers an older workbook would overwrite are counted
    and named as not taken (they were left out of the counts line before)."""
    rid = item_keys(db=demo_db, flt=ItemFilter(operation_code="001"))[0].req_id

    def export(day: int) -> Path:
        return export_vendor_sheet(db=demo_db, user="tester", vendor="A社", exports_dir=tmp_path / "exports",
                                   operation_keys=["001"], now=datetime(2026, 11, day, 9, 0, tzinfo=UTC)).path

    def answered(src: Path, name: str, answer: str) -> Path:
        return edit_book(src, tmp_path / name, lambda wb: set_answer(data_sheet(wb, "001"), rid, **{H_ANSWER: answer}))

    old_book = answered(export(1), "e1.xlsx", "対応不可")
    import_vendor_sheet(db=demo_db, user="tester", path=old_book, report_dir=tmp_path)
    import_vendor_sheet(db=demo_db, user="tester", path=answered(export(5), "e2.xlsx", "標準で対応"),
                        report_dir=tmp_path)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        back = open_action(app, "import-vendor")
        await pilot.pause()
        await _fill(pilot, back, path="e1.xlsx")
        await _press(pilot, app, back, "preview")
        shown = _text(back)
        assert "競合（古いブック） 1" in shown and "取り込んでいません" in shown
        assert back.query_one("#action-apply", Button).disabled and "取り込むものがありません" in shown


async def test_review_workbook_out_and_back(demo_db: Database, make_app, tmp_path: Path):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        out = open_action(app, "export-review", operation="001")
        await pilot.pause()
        assert out.query_one("#af-operations", Input).value == "001"  # the list the user is on
        await _fill(pilot, out, output="review.xlsx")
        await _press(pilot, app, out, "preview")
        await _press(pilot, app, out, "apply")
        assert (tmp_path / "review.xlsx").exists()
        await pilot.press("escape")
        back = open_action(app, "import-review")
        await pilot.pause()
        await _fill(pilot, back, path="review.xlsx")
        await _press(pilot, app, back, "preview")
        assert "変更する要件 0" in _text(back)
        assert back.query_one("#action-apply", Button).disabled  # nothing to apply, and it says so
        assert "取り込むものがありません" in _text(back)  # the button's own word, 取り込む


def test_path_completion(tmp_path: Path):
    from fitgap.tui.widgets.path_input import complete_path

    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / "住民記録_第6.0版.xlsx").write_bytes(b"")
    (tmp_path / "downloads" / "memo.txt").write_text("x", encoding="utf-8")
    assert complete_path("down", base=tmp_path) == "downloads/"
    assert complete_path("downloads/住", base=tmp_path, suffixes=(".xlsx",)) == "downloads/住民記録_第6.0版.xlsx"
    assert complete_path("downloads/m", base=tmp_path, suffixes=(".xlsx",)) is None


async def test_a_list_that_would_replace_an_assessed_version_asks_for_an_explicit_answer(
        db: Database, make_app, tmp_path: Path):
    """The preview says what the list would remove and archive; the button says 置き換えて取り込む, in red and not
    focused (enter does not press it), and only that answer imports it."""
    from fitgap.domain.enums import RequirementKind, Status
    from fitgap.services.assessment import update_items
    from fitgap.services.items import ItemKey
    from fitgap.services.specs_import import import_spec
    from tests.spec_books import TAX_HEADER, tax_rows, write_book

    def book(label: str, first: int) -> Path:
        return write_book(tmp_path / f"住民記録_{label}.xlsx", {"機能要件": [TAX_HEADER, *tax_rows("001", 20, first=first)]},
                          label=label, title="住民記録システム標準仕様書")

    import_spec(db=db, path=book("第6.0版", 1), user="tester")
    update_items(db=db, user="tester", keys=[ItemKey("001", RequirementKind.FUNCTION, "0010001")], status=Status.FIT)
    book("第7.0版", 100)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        dialog = open_action(app, "import-spec")
        await pilot.pause()
        await _fill(pilot, dialog, path="住民記録_第7.0版.xlsx", effective="2028-04-01")
        await _press(pilot, app, dialog, "preview")
        shown = _text(dialog)
        assert "共通の ID が 0 件だけです" in shown and "確認結果 1 件を保管" in shown and "適用日: 2028-04-01" in shown
        apply = dialog.query_one("#action-apply", Button)
        assert str(apply.label) == "置き換えて取り込む" and apply.variant == "error" and not apply.has_focus
        await _press(pilot, app, dialog, "apply")
        assert "取り込みました" in _text(dialog)
    with db.read() as s:
        from fitgap.storage import specs
        current = specs.current_version(session=s, operation_code="001")
        assert current is not None and current.label == "第7.0版"


async def test_what_was_typed_survives_quitting_until_the_action_is_run(db: Database, make_app, tmp_path: Path):
    """A path typed in a file dialog and not run is the user's draft: a restarted workbench fills it in
    again; running the action leaves no draft behind."""
    from fitgap.services import drafts

    write_ministry_workbook(tmp_path / "住民記録_第6.0版.xlsx")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        dialog = open_action(app, "import-spec")
        await pilot.pause()
        await _fill(pilot, dialog, path="住民記録_第6.0版.xlsx", version="第6.0版")
        await pilot.press("escape")  # closed without running it
        await pilot.pause()
    kept = [d for d in drafts.list_drafts(db=db, user="tester") if d.key == "file-action:import-spec"]
    assert kept and kept[0].fields["path"] == "住民記録_第6.0版.xlsx" and kept[0].label.startswith("入力: ")
    again = make_app(db)  # the next day: a new workbench
    async with again.run_test(size=SIZE) as pilot:
        dialog = open_action(again, "import-spec")
        await pilot.pause()
        assert dialog.query_one("#af-path", Input).value == "住民記録_第6.0版.xlsx"
        assert dialog.query_one("#af-version", Input).value == "第6.0版"
        await _press(pilot, again, dialog, "preview")
        await _press(pilot, again, dialog, "apply")
        assert "取り込みました" in _text(dialog)
    assert not [d for d in drafts.list_drafts(db=db, user="tester") if d.key == "file-action:import-spec"]
