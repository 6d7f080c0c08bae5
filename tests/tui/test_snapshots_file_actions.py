"""The file-action dialog as it shows a preview, at 120×36 and 100×30 (accept with --snapshot-update)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input

from fitgap.services.items import prepare_search
from fitgap.tui.file_actions import open_action
from tests.spec_books import write_ministry_workbook


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_ministry_workbook(tmp_path / "住民記録_第6.0版.xlsx")


async def _preview(pilot) -> None:
    app = pilot.app
    await app.workers.wait_for_complete()
    dialog = open_action(app, "import-spec")
    await pilot.pause()
    dialog.query_one("#af-path", Input).value = "住民記録_第6.0版.xlsx"
    await pilot.pause()
    dialog.query_one("#action-preview", Button).press()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 36), (100, 30)], ids=["120x36", "100x30"])
def test_import_list_preview(db, make_app, snap_compare, size):
    prepare_search(db=db)  # as after a while in the app: no "index built" notice in the snapshot
    assert snap_compare(make_app(db), terminal_size=size, run_before=_preview)
