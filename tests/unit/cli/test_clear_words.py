"""What used to be said wrongly or unclearly: a full disk under migrate-db or restore (not "check the URL",
not a traceback), a refused file under systems import (not "fix the rows"), a valid workbook named .xls (not
"broken"), ``backup -o dir/`` (a folder, not a file named dir)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fitgap.storage import file_faults, sqlite_backup
from tests.conftest import dump_database


@pytest.fixture
def ready(cli: Callable[..., Any]) -> Callable[..., Any]:
    assert cli("init").code == 0
    assert cli("demo", "-n", "60", "--seed", "4").code == 0
    return cli


def test_migrate_db_onto_a_full_disk_says_so_not_check_the_url(ready: Callable[..., Any], tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "moved.db"
    monkeypatch.setattr(file_faults, "free_bytes", lambda _folder: 0)

    def full(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if conn.engine.url.database == str(target) and statement.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", full)
    try:
        r = ready("migrate-db", "--to", str(target))
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", full)
    assert r.code == 1 and "ディスクの空きが足りない" in r.err and "コピーは取り消しました" in r.err
    assert "URL" not in r.err and "Traceback" not in r.err and not target.exists()


def test_restore_onto_a_full_disk_says_so_and_restores_nothing(ready: Callable[..., Any], tmp_path: Path,
                                                               db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ready("backup", "-o", str(tmp_path / "b.db")).code == 0
    before = dump_database(db_path)

    def full(**_kw: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_backup, "copy_file", full)
    monkeypatch.setattr(file_faults, "free_bytes", lambda _folder: 0)
    r = ready("restore", str(tmp_path / "b.db"))
    assert r.code == 1 and "ディスクの空きが足りない" in r.err and "復元していません" in r.err
    assert "Traceback" not in r.err and dump_database(db_path) == before
    assert not [p for p in db_path.parent.iterdir() if ".restore-" in p.name]


def test_systems_import_words_a_refused_file_with_its_own_hint(ready: Callable[..., Any], tmp_path: Path) -> None:
    truncated = tmp_path / "systems.xlsx"
    truncated.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a download cut short
    r = ready("systems", "import", "--systems", str(truncated))
    assert r.code == 1 and "途中で切れているか壊れています" in r.err
    assert "該当する行を直して" not in r.err and "対処: ダウンロードやコピーをやり直して" in r.err


def test_a_workbook_named_xls_is_read_as_the_workbook_it_is(ready: Callable[..., Any], tmp_path: Path) -> None:
    assert ready("export", "vendor", "--vendor", "A社", "--operation", "001", "-o", str(tmp_path / "v.xlsx")).code == 0
    shutil.copyfile(tmp_path / "v.xlsx", tmp_path / "v.xls")
    r = ready("import", "vendor", str(tmp_path / "v.xls"))
    assert r.code == 0 and "壊れ" not in r.out + r.err, r.err
    assert ready("systems", "export", "-o", str(tmp_path / "s.xlsx")).code == 0
    shutil.copyfile(tmp_path / "s.xlsx", tmp_path / "s.xls")
    r = ready("systems", "import", "--systems", str(tmp_path / "s.xls"))
    assert r.code == 0 and "変更なし" in r.out, r.err
    assert ready("custom", "export", "-o", str(tmp_path / "c.xlsx")).code == 0
    shutil.copyfile(tmp_path / "c.xlsx", tmp_path / "c.xls")
    r = ready("custom", "import", str(tmp_path / "c.xls"))
    assert r.code == 0 and "変更なし" in r.out, r.err
    # an old-format workbook is still named for what it is
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    r = ready("import", "vendor", str(tmp_path / "old.xls"))
    assert r.code == 1 and "古い Excel 形式 (.xls)" in r.err


def test_backup_into_a_folder_named_with_a_slash(ready: Callable[..., Any], tmp_path: Path) -> None:
    """-o dir/ is a folder (not a file named dir); like every output a user names, it must exist."""
    folder = tmp_path / "newdir"
    r = ready("backup", "-o", f"{folder}/")
    assert r.code == 2 and f"書き出し先のフォルダ {folder} がありません" in r.err and not folder.exists()
    folder.mkdir()
    r = ready("backup", "-o", f"{folder}/")
    assert r.code == 0, r.err
    assert [p.suffix for p in folder.iterdir()] == [".db"]
    assert f"バックアップを保存しました: {folder}/" in r.out
