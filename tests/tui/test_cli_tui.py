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
