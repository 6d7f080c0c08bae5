"""Faults of the machine, each in its own true words, never a traceback, the database exactly as it was:
a read-only database file, a folder fitgap cannot write, a full disk, a file-size limit (``ulimit -f``), a
damaged page. Real faults where the machine allows them (another user through ``setpriv`` when the tests
run as root, ``ulimit -f`` through ``setrlimit`` in a subprocess, a small tmpfs when mounting works),
otherwise skipped with the reason; and every import walked through each fault as SQLite reports it."""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fitgap.reports import output_file
from fitgap.storage import file_faults
from tests.conftest import dump_database
from tests.returned_files import prepare

NOBODY = 65534


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(db: Path, *args: str, cwd: Path, as_nobody: bool = False, file_limit: int | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``fitgap --db DB ARGS`` in a process of its own (as another user, or under a file-size limit)."""
    def limit() -> None:
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    command = [sys.executable, "-m", "fitgap", "--db", str(db), *args]
    if as_nobody and os.geteuid() == 0:
        command = [shutil.which("setpriv") or "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                   *command]
    environment = {**os.environ, "HOME": str(cwd), "FITGAP_EXPORTS": str(cwd / "exports"), **(env or {})}
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=300,
                          preexec_fn=limit if file_limit is not None else None)


def _clean(r: subprocess.CompletedProcess[str]) -> str:
    """Everything the process printed; no traceback and no "Exception ignored" in it."""
    both = r.stdout + r.stderr
    assert "Traceback" not in both and "Exception ignored" not in both, both
    return both


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can work in (pytest's own tmp_path is private to root)."""
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("runs as root, and setpriv is not installed: chmod cannot stop root from writing")
        probe = subprocess.run([setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                                sys.executable, "-c", "import fitgap"], capture_output=True)
        if probe.returncode != 0:
            pytest.skip(f"cannot run fitgap as another user here (setpriv: {probe.stderr.decode()[:200]})")
    folder = Path(tempfile.mkdtemp(prefix="fitgap-faults-", dir="/tmp"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for p in folder.rglob("*"):
            with_mode = 0o777 if p.is_dir() else 0o666
            p.chmod(with_mode)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database (3,000 requirements), made once and copied by the tests that need a real file."""
    from fitgap.cli.main import main

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["--db", str(path), "demo"]) == 0
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def _copy(demo: Path, to: Path) -> Path:
    shutil.copyfile(demo, to)
    return to


def _big_spec(folder: Path, rows: int = 6000) -> Path:
    path = folder / "big_002.csv"
    lines = ["機能ID,機能名称,機能要件,実装区分"]
    lines += [f"002{i:04d},機能{i},{'印鑑登録の要件本文です。' * 20},実装必須機能" for i in range(1, rows + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "partial" in p.name or p.name.endswith("-journal"))


# ---- a read-only database file, a folder fitgap cannot write -------------------------------------------


@pytest.mark.parametrize("command", [
    ("custom", "set", "001:D-001-001", "--note", "読み取り専用の試験"),
    ("import-spec", "{spec}", "--operation", "002", "--version", "第9.0版"),
    ("init",),
    ("export", "vendor", "--vendor", "A社", "--operation", "001", "-o", "{folder}/v.xlsx"),
    ("restore", "{backup}"),
])
def test_a_read_only_database_file_is_said_so_and_left_alone(shared_dir: Path, demo_file: Path,
                                                             command: tuple[str, ...]) -> None:
    db = _copy(demo_file, shared_dir / "fitgap.db")
    backup = _copy(demo_file, shared_dir / "backup.db")
    spec = _big_spec(shared_dir, rows=50)
    db.chmod(0o444)
    before = _sha(db)
    args = [a.format(spec=spec, folder=shared_dir, backup=backup) for a in command]
    r = _run(db, *args, cwd=shared_dir, as_nobody=True)
    out = _clean(r)
    assert r.returncode == 1 and "読み取り専用" in r.stderr and "対処:" in r.stderr, out
    assert "壊れ" not in out
    assert _sha(db) == before
    # reading still works, and check says what is wrong without advising a restore
    listed = _run(db, "custom", "list", cwd=shared_dir, as_nobody=True)
    assert listed.returncode == 0 and "件（対応方針" in listed.stdout, _clean(listed)
    checked = _run(db, "check", cwd=shared_dir, as_nobody=True)
    assert checked.returncode == 0 and "読み取り専用" in checked.stdout and "restore" not in checked.stdout


def test_a_folder_fitgap_cannot_write_is_not_a_corrupt_database(shared_dir: Path, demo_file: Path) -> None:
    folder = shared_dir / "locked"
    folder.mkdir()
    db = _copy(demo_file, folder / "fitgap.db")
    if os.geteuid() == 0:
        os.chown(db, NOBODY, NOBODY)
    folder.chmod(0o755)  # root's folder: the other user can read it, not create the -wal and -shm files
    before = _sha(db)
    r = _run(db, "custom", "set", "001:D-001-001", "--note", "x", cwd=shared_dir, as_nobody=True)
    out = _clean(r)
    assert r.returncode == 1 and f"フォルダ {folder} に書き込めない" in r.stderr and "-wal" in r.stderr, out
    assert "壊れ" not in out and _sha(db) == before
    checked = _run(db, "check", cwd=shared_dir, as_nobody=True)
    out = _clean(checked)
    assert checked.returncode == 1 and "壊れているとは限りません" in out and "復元は要りません" in out
    assert "fitgap restore" not in out


# ---- a file-size limit ---------------------------------------------------------------------------------


def test_a_file_size_limit_during_backup_is_said_and_leaves_no_partial_file(tmp_path: Path, demo_file: Path) -> None:
    db = _copy(demo_file, tmp_path / "fitgap.db")
    limit = db.stat().st_size // 2
    r = _run(db, "backup", "-o", str(tmp_path / "copy.db"), cwd=tmp_path, file_limit=limit)
    out = _clean(r)
    assert r.returncode == 1 and "ファイルサイズの上限（ulimit -f" in r.stderr and "ディスクの空き" not in out, out
    assert not (tmp_path / "copy.db").exists() and _leftovers(tmp_path) == []


def test_a_file_size_limit_during_import_spec_saves_nothing(tmp_path: Path, demo_file: Path) -> None:
    db = _copy(demo_file, tmp_path / "fitgap.db")
    before = dump_database(db)
    spec = _big_spec(tmp_path)
    r = _run(db, "import-spec", str(spec), "--operation", "002", "--version", "第9.0版", cwd=tmp_path,
             file_limit=db.stat().st_size + 256 * 1024)
    out = _clean(r)
    assert r.returncode == 1 and "ファイルサイズの上限（ulimit -f" in r.stderr and "変更は保存していません" in r.stderr, out
    assert dump_database(db) == before and _leftovers(tmp_path) == []
    assert _run(db, "check", cwd=tmp_path).returncode == 0


# ---- a full disk (a small tmpfs) -----------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({made.stderr.decode()[:120].strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_full_disk_is_said_for_each_command_that_writes(small_disk: Path, tmp_path: Path, demo_file: Path) -> None:
    db = _copy(demo_file, small_disk / "fitgap.db")  # 2.4 MB of 3 MB
    before = dump_database(db)
    r = _run(db, "import-spec", str(_big_spec(tmp_path)), "--operation", "002", "--version", "第9.0版", cwd=tmp_path)
    assert r.returncode == 1 and "ディスクの空きが足りない" in r.stderr and "変更は保存していません" in _clean(r)
    r = _run(db, "backup", "-o", str(small_disk / "copy.db"), cwd=tmp_path)
    assert r.returncode == 1 and "ディスクの空きが足りない" in r.stderr and "途中までのファイルは残していません" in _clean(r)
    r = _run(db, "restore", str(demo_file), cwd=tmp_path)
    assert r.returncode == 1 and "ディスクの空きが足りない" in r.stderr and "復元していません" in _clean(r)
    assert dump_database(db) == before and _leftovers(small_disk) == []
    other = _copy(demo_file, tmp_path / "source.db")
    r = _run(other, "migrate-db", "--to", str(small_disk / "moved.db"), cwd=tmp_path)
    out = _clean(r)
    assert r.returncode == 1 and "ディスクの空きが足りない" in r.stderr and "URL" not in out, out
    assert not (small_disk / "moved.db").exists()


# ---- a damaged page ------------------------------------------------------------------------------------


def _damage_a_page(path: Path, table: str = "requirement") -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = con.execute("PRAGMA page_size").fetchone()[0]
        try:
            page = con.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' LIMIT 1 OFFSET 3",
                               (table,)).fetchone()[0]
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table to find a page of a table with")
    finally:
        con.close()
    data = bytearray(path.read_bytes())
    data[(page - 1) * size:page * size] = b"\x07" * size
    path.write_bytes(bytes(data))


def test_a_damaged_database_refuses_writes_and_its_backup_copies_what_can_be_read(
        cli: Callable[..., Any], tmp_path: Path, demo_file: Path) -> None:
    db = _copy(demo_file, tmp_path / "damaged.db")
    _damage_a_page(db)
    before = _sha(db)
    r = cli("custom", "set", "001:D-001-001", "--note", "壊れたページ", db=db)
    assert r.code == 1 and "壊れています" in r.err and "変更は受け付けません" in r.err and "fitgap backup" in r.err
    assert _sha(db) == before
    r = cli("check", db=db)
    assert r.code == 1 and "ファイルが壊れています" in r.out and "fitgap restore" in r.out
    r = cli("backup", "-o", str(tmp_path / "saved.db"), db=db)
    assert r.code == 0 and "注意: 元のデータベースが壊れていたため" in r.out, r.err
    assert "表 requirement:" in r.out and "読めない行" in r.out
    r = cli("check", db=tmp_path / "saved.db")
    integrity = next(ln for ln in r.out.splitlines() if ln.startswith("ファイルの整合性（integrity_check）"))
    assert integrity.split()[-1] == "問題なし"
    # the way out: restore the copy over the damaged database (its own safety copy is what could be read)
    r = cli("restore", str(tmp_path / "saved.db"), db=db)
    assert r.code == 0 and "から復元しました" in r.out, r.err
    assert cli("check", db=db).code == 0
    assert cli("custom", "set", "001:D-001-001", "--note", "直りました", db=db).code == 0


# ---- every import, walked through each fault -----------------------------------------------------------

IMPORTS = ["vendor", "review", "changes", "spec", "custom", "systems", "official"]
WITH_PROBLEM_LIST = {"vendor", "review", "changes", "spec"}


class _WriteFault:
    """Make the first write statement of the import fail as SQLite reports the fault, and the machine look
    as it would (a read-only file, no free space, a size limit)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, kind: str, db: Path) -> None:
        self.kind, self.db = kind, db
        text = "attempt to write a readonly database" if kind == "read-only" else "database or disk is full"
        self.error = sqlite3.OperationalError(text)
        if kind == "read-only":
            real_access = os.access

            def access(path: Any, mode: int, *a: Any, **k: Any) -> bool:
                if Path(path) == self.db and mode & os.W_OK:
                    return False
                return real_access(path, mode, *a, **k)

            monkeypatch.setattr(file_faults.os, "access", access)
        elif kind == "full-disk":
            monkeypatch.setattr(file_faults, "free_bytes", lambda _folder: 12 * 1024)
        else:
            monkeypatch.setattr(file_faults, "free_bytes", lambda _folder: 50 * 1024 ** 3)
            monkeypatch.setattr(file_faults, "limit_bytes", lambda: 2 * 1024 * 1024)

    def __call__(self, conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise self.error


EXPECTED = {"read-only": "読み取り専用", "full-disk": "ディスクの空きが足りない", "size-limit": "ファイルサイズの上限"}


@pytest.mark.parametrize("fault", [*EXPECTED, "problem-list"])
@pytest.mark.parametrize("kind", IMPORTS)
def test_every_import_under_each_fault(cli: Callable[..., Any], tmp_path: Path, db_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, kind: str, fault: str) -> None:
    imp = prepare(cli, tmp_path)[kind]
    before = dump_database(db_path)
    if fault == "problem-list":
        def read_only_folder(*_a: Any, **_k: Any) -> Any:
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(output_file.tempfile, "mkstemp", read_only_folder)
        r = cli(*imp.args)
        assert "Traceback" not in r.out + r.err
        assert r.code == 0, r.err  # what was asked was applied; the list's failure is a warning
        assert dump_database(db_path) != before
        if kind in WITH_PROBLEM_LIST:
            assert "警告: 問題一覧のファイルを書き出せませんでした" in r.out
        return
    hook = _WriteFault(monkeypatch, fault, db_path)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", hook)
    try:
        r = cli(*imp.args)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", hook)
    assert "Traceback" not in r.out + r.err
    assert r.code == 1 and EXPECTED[fault] in r.err and "対処:" in r.err, (r.out, r.err)
    assert "壊れ" not in r.err and "保存しました" not in r.out
    assert dump_database(db_path) == before


# ---- a report or an audit export into a folder that cannot be written ----------------------------------


@pytest.mark.parametrize("command", [("report", "readiness", "-o", "{out}/r"), ("audit", "-o", "{out}/a.xlsx")])
def test_an_unwritable_output_folder_is_one_error_and_nothing_after_it(
        cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]) -> None:
    assert cli("init").code == 0
    (tmp_path / "locked").mkdir()
    ignored: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)

    def denied(*_a: Any, **_k: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output_file.tempfile, "mkstemp", denied)
    r = cli(*[a.format(out=tmp_path / "locked") for a in command])
    gc.collect()  # what the workbook left behind would complain now ("Exception ignored …")
    assert r.code == 1 and "書き込む権限がありません" in r.err and "Traceback" not in r.err
    assert ignored == []
