"""`fitgap` with no command (and `fitgap tui`) opens the workbench; other commands never load textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fitgap.cli.main import main


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


def test_the_home_screen_comes_before_the_later_screens_are_loaded(db_path: Path):
    """Start-up loads the home screen only; the requirement list, the help and the report writers wait."""
    code = (
        "import asyncio, sys\n"
        "from datetime import date\n"
        "from fitgap.config import sqlite_url\n"
        "from fitgap.services.catalog import ensure_initialised\n"
        "from fitgap.tui.app import FitGapApp\n"
        f"db = ensure_initialised(url=sqlite_url({str(db_path)!r}), user='t')\n"
        "app = FitGapApp(db=db, user='t', today=date(2026, 11, 23), blink=False)\n"
        "async def run():\n"
        "    async with app.run_test(size=(120, 36)) as pilot:\n"
        "        await pilot.pause()\n"
        "        assert app.screen.query_one('#operations').row_count >= 20\n"
        "        later = ['fitgap.tui.screens.requirements', 'fitgap.tui.screens.help', 'fitgap.tui.screens.systems',\n"
        "                 'fitgap.reports.readiness_xlsx', 'openpyxl', 'xlsxwriter', 'python_calamine', 'networkx']\n"
        "        print('LOADED', [m for m in later if m in sys.modules])\n"
        "        app.open_requirements('001')\n"
        "        await pilot.pause()\n"
        "        print('OPENED', 'fitgap.tui.screens.requirements' in sys.modules)\n"
        "asyncio.run(run())\n"
    )
    # the database exists already, as on every start but the first (creating it seeds systems and links)
    subprocess.run([sys.executable, "-m", "fitgap.cli.main", "--db", str(db_path), "init"], capture_output=True,
                   check=True)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "LOADED []" in out and "OPENED True" in out
