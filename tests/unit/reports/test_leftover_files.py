"""Temporary files a killed write left behind (.partial, a backup's -journal, a restore's staging copy): the
next write into the same folder removes those older than a day, keeps younger ones (a write may still be under
way), and `fitgap check` lists them."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fitgap import leftovers

DAY = 24 * 60 * 60


def _left(folder: Path, name: str, *, age: float) -> Path:
    path = folder / name
    path.write_bytes(b"half a file")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_the_next_write_to_a_folder_removes_what_killed_writes_left_there_a_day_ago(
        cli: Callable[..., Any], tmp_path: Path) -> None:
    assert cli("init").code == 0
    out = tmp_path / "out"
    out.mkdir()
    old = [_left(out, ".報告-k2j3.partial.xlsx", age=2 * DAY), _left(out, ".fitgap-x.db.partial-journal", age=3 * DAY),
           _left(out, ".fitgap.db.restore-0a1b2c3d", age=DAY + 60)]
    young = _left(out, ".review-9zz.partial.xlsx", age=600)  # perhaps a colleague's export under way
    mine = _left(out, "notes.partial.txt", age=5 * DAY)  # not fitgap's (not hidden): never touched
    assert cli("export", "review", "--operation", "001", "-o", str(out / "r.xlsx")).code == 0
    assert not any(p.exists() for p in old) and young.exists() and mine.exists()

    backups = tmp_path / "backups"
    backups.mkdir()
    stale = _left(backups, ".fitgap-1.db.partial", age=2 * DAY)
    assert cli("backup", "-o", str(backups / "b.db")).code == 0
    assert not stale.exists() and (backups / "b.db").exists()
    assert leftovers.leftovers(backups) == []


def test_check_lists_them_beside_the_database_and_in_the_exports_folder(
        cli: Callable[..., Any], tmp_path: Path, db_path: Path) -> None:
    assert cli("init").code == 0
    exports = tmp_path / "exports"
    (exports / "backups").mkdir(parents=True)
    beside = _left(db_path.parent, f".{db_path.name}.restore-12ab34cd", age=2 * DAY)
    in_backups = _left(exports / "backups", ".fitgap-x-20261101.db.partial", age=3 * DAY)
    fresh = _left(exports, ".ベンダ回答-abc.partial.xlsx", age=60)
    r = cli("check")
    assert r.code == 0 and "問題は見つかりませんでした" in r.out  # they hold nothing the database needs
    lines = [ln for ln in r.out.splitlines() if ln.startswith("- 書きかけのファイル")]
    assert len(lines) == 3
    assert any(str(beside) in ln and "2 日前" in ln and "次にこのフォルダへ書き出すときに削除します" in ln for ln in lines)
    assert any(str(in_backups) in ln and "3 日前" in ln for ln in lines)
    assert any(str(fresh) in ln and "書き出し中かもしれません" in ln for ln in lines)
