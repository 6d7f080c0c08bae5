"""Notes: the multi-line editor, and the $EDITOR round trip."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fitgap.services.items import get_item
from fitgap.tui.screens.requirements import RequirementsScreen
from fitgap.tui.widgets.note_editor import NoteEditor, edit_in_editor
from tests.tui.conftest import SIZE


async def test_note_editor_saves_multi_line_japanese_text(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RequirementsScreen)
        key = screen.table.current_row.key
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        area = editor.query_one("#note-text")
        area.text = ""
        area.insert("現行は手作業で対応。\n来年度に業務見直しを予定。")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert get_item(db=demo_db, key=key).note == "現行は手作業で対応。\n来年度に業務見直しを予定。"
        assert "来年度に業務見直しを予定。" in str(screen.query_one("#detail-rest").render())


async def test_escape_leaves_the_note_unchanged(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        row = app.screen.table.current_row
        await pilot.press("e", *"xyz", "escape")
        await pilot.pause()
        assert get_item(db=demo_db, key=row.key).note == row.note


def test_external_editor_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    script = tmp_path / "fake_editor.py"
    script.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text(encoding='utf-8') + '\\n追記した行', encoding='utf-8')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    assert edit_in_editor("最初の行") == "最初の行\n追記した行"


def test_failing_external_editor_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c 'import sys; sys.exit(3)'")
    monkeypatch.delenv("VISUAL", raising=False)
    assert edit_in_editor("そのまま") is None
