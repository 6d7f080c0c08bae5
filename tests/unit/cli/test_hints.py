"""The commands printed after a command can be pasted as they are, even from another folder: full paths
and --db whenever the database is not the default one (run as a user would, in a subprocess)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import file_digest


def _fitgap(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITGAP_")}
    env.update(FITGAP_USER="tester", FITGAP_TODAY="2026-11-23")  # exports/ under the current folder
    return subprocess.run([sys.executable, "-m", "fitgap", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def _hint(out: str, prefix: str) -> list[str]:
    line = next(ln for ln in out.splitlines() if prefix in ln)
    words = shlex.split(line.split(prefix, 1)[1].strip())
    assert words[0] == "fitgap"
    return words[1:]


def test_restore_hint_after_backup_targets_the_database_it_was_taken_from(tmp_path: Path) -> None:
    work, other = tmp_path / "work", tmp_path / "other"
    work.mkdir()
    other.mkdir()
    assert _fitgap(work, "--db", "mine.db", "init").returncode == 0
    backup = _fitgap(work, "--db", "mine.db", "backup")
    assert backup.returncode == 0, backup.stderr
    hint = _hint(backup.stdout, "戻すには:")
    assert "--db" in hint and Path(hint[hint.index("--db") + 1]) == (work / "mine.db").absolute()
    assert _fitgap(other, "init").returncode == 0  # a colleague's folder with its own fitgap.db
    theirs = file_digest(other / "fitgap.db")
    pasted = _fitgap(other, *hint)  # the hint followed from another folder
    assert pasted.returncode == 0, pasted.stderr
    assert file_digest(other / "fitgap.db") == theirs  # their database is untouched
    undo = _hint(pasted.stdout, "元に戻すには:")
    assert undo[:2] == ["--db", str((work / "mine.db").absolute())] and undo[2] == "restore"
    assert Path(undo[3]).is_absolute() and Path(undo[3]).is_file()


def test_import_hint_after_export_keeps_the_folder_and_the_database(tmp_path: Path) -> None:
    assert _fitgap(tmp_path, "--db", "team.db", "demo", "-n", "60", "--seed", "2").returncode == 0
    export = _fitgap(tmp_path, "--db", "team.db", "export", "vendor", "--vendor", "A社", "--operation", "001",
                     "--answer-by", "2026-12-25")
    assert export.returncode == 0, export.stderr
    hint = _hint(export.stdout, "回答が届いたら:")
    assert hint[:2] == ["--db", "team.db"] and hint[2:4] == ["import", "vendor"]
    assert (tmp_path / hint[4]).is_file() and Path(hint[4]).parent == Path("exports")
    review = _fitgap(tmp_path, "--db", "team.db", "export", "review", "--operation", "001")
    assert review.returncode == 0, review.stderr
    hint = _hint(review.stdout, "記入が終わったら:")
    assert hint[:2] == ["--db", "team.db"] and (tmp_path / hint[4]).is_file()


def test_hint_on_the_default_database_has_no_db_option(tmp_path: Path) -> None:
    assert _fitgap(tmp_path, "demo", "-n", "60", "--seed", "2").returncode == 0
    export = _fitgap(tmp_path, "export", "review", "--operation", "001")
    hint = _hint(export.stdout, "記入が終わったら:")
    assert hint[:2] == ["import", "review"] and (tmp_path / hint[2]).is_file()


def test_status_hints_name_the_database_it_was_run_on(tmp_path: Path) -> None:
    assert _fitgap(tmp_path, "--db", "team.db", "init").returncode == 0
    status = _fitgap(tmp_path, "--db", "team.db", "status")
    assert status.returncode == 0, status.stderr
    assert "fitgap --db team.db init --municipality 名前" in status.stdout
