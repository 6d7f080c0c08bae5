"""`fitgap` with no command (and `fitgap tui`) opens the workbench; other commands never load textual."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fitgap.cli.main import main
from fitgap.storage.quick import SCHEMA_VERSION


@pytest.mark.parametrize("args", [[], ["tui"]])
def test_no_command_opens_the_workbench_on_a_new_database(args, db_path: Path, monkeypatch: pytest.MonkeyPatch):
    import fitgap.tui.app as app_module

    seen: dict[str, object] = {}

    def fake_run(self) -> None:  # type: ignore[no-untyped-def]
        seen["user"] = self.workspace.user
        seen["today"] = self.workspace.today.isoformat()

    monkeypatch.setattr(app_module.FitGapApp, "run", fake_run)
    assert not db_path.exists()
    assert main(["--db", str(db_path), "--user", "suzuki", *args]) == 0
    assert db_path.exists()  # created with the bundled catalog
    assert seen == {"user": "suzuki", "today": "2026-11-23"}


def test_other_commands_do_not_import_textual(db, db_path: Path):
    code = (
        "import sys\n"
        "from fitgap.cli.main import main\n"
        f"rc = main(['--db', {str(db_path)!r}, 'status'])\n"
        "assert rc == 0, rc\n"
        "print('textual' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "False"


# Drives the real command (`fitgap --db PATH`) in a fresh interpreter: FitGapApp.run is replaced by a
# headless run that reports what had been loaded when the home screen was first drawn.
_DRIVE = """
import asyncio, json, sys
from fitgap.cli.main import main
from fitgap.tui.app import FitGapApp
from fitgap.tui.screens.operations import OperationsScreen

LATER = ['sqlalchemy', 'sqlmodel', 'fitgap.tui.screens.requirements', 'fitgap.tui.screens.help',
         'fitgap.tui.screens.systems', 'fitgap.reports.readiness_xlsx', 'openpyxl', 'xlsxwriter', 'python_calamine',
         'networkx']
seen = {}
load = OperationsScreen.load

def first_load(self):
    seen.setdefault('loaded_at_first_drawing', [m for m in LATER if m in sys.modules])
    load(self)

OperationsScreen.load = first_load

def run(self):
    async def drive():
        async with self.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            seen['rows'] = self.screen.query_one('#operations').row_count
            seen['summary'] = str(self.screen.query_one('#ops-summary').render())
            await self.workers.wait_for_complete()  # the database is opened after the first frame
            seen['open'] = self.workspace.is_open
            self.open_requirements('001')
            await pilot.pause()
            seen['list'] = type(self.screen).__name__
    asyncio.run(drive())

FitGapApp.run = run
rc = main(sys.argv[1:])
print(json.dumps([rc, seen]))
"""


def _workbench(*args: str) -> tuple[int, dict]:
    proc = subprocess.run([sys.executable, "-c", _DRIVE, *args], capture_output=True, text=True, check=True)
    rc, seen = json.loads(proc.stdout.strip().splitlines()[-1])
    return rc, seen


def test_the_home_screen_is_drawn_before_the_database_layer_and_later_screens_load(db_path: Path):
    """`fitgap` on a database that needs nothing done: the home screen is drawn from a quick read, before
    SQLAlchemy, the requirement list, the help or any Excel or graph library is loaded; the database is
    opened right after, and the list opens as usual."""
    # the database exists already, as on every start but the first (creating it seeds systems and links)
    subprocess.run([sys.executable, "-m", "fitgap.cli.main", "--db", str(db_path), "init"], capture_output=True,
                   check=True)
    rc, seen = _workbench("--db", str(db_path))
    assert rc == 0 and seen["loaded_at_first_drawing"] == []
    assert seen["rows"] >= 20 and "要件 197件" in seen["summary"]  # the bundled 住民記録 list, counted
    assert seen["open"] is True and seen["list"] == "RequirementsScreen"


def test_an_older_database_is_upgraded_before_the_home_screen(tmp_path: Path):
    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).parents[1] / "data" / "upgrade" / "schema3.db", db)
    rc, seen = _workbench("--db", str(db))
    assert rc == 0 and "sqlalchemy" in seen["loaded_at_first_drawing"]  # opened (and upgraded) first
    assert seen["rows"] >= 20 and seen["open"] is True and seen["list"] == "RequirementsScreen"
    con = sqlite3.connect(db)
    assert con.execute("SELECT value FROM fitgap_meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    con.close()


async def test_a_database_that_fails_to_open_after_the_first_frame_ends_the_workbench_and_says_why(db):
    from datetime import date

    from fitgap.errors import DatabaseError
    from fitgap.services.status import get_overview
    from fitgap.tui.app import FitGapApp

    today = date(2026, 11, 23)
    failure = DatabaseError("データベースを開けませんでした。", "fitgap check で確認してください。")

    def fail():  # type: ignore[no-untyped-def]
        raise failure

    app = FitGapApp(db=fail, user="t", today=today, blink=False, overview=get_overview(db=db, today=today))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.open_error is failure and app.return_code == 1
