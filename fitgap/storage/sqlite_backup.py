"""SQLite files: online backup, validating a backup file, restoring into a live database.

Everything here works on one SQLite file with the sqlite3 module directly, because the online backup API
is not part of SQLAlchemy. The backup API copies a consistent snapshot while other processes keep reading
and writing (under WAL a reader never blocks a writer), and restoring through it writes the live database
in one transaction, so a process killed mid-restore leaves the database as it was.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exc as sa_exc

from fitgap import leftovers
from fitgap.errors import DatabaseBusyError, DatabaseError, InvalidInputError, file_error
from fitgap.storage import file_faults, salvage
from fitgap.storage.db import BUSY_TIMEOUT_MS, SQLITE_MAGIC

META_TABLE = "fitgap_meta"


@dataclass(frozen=True)
class BackupFileInfo:
    """What a validated fitgap SQLite file says about itself."""

    path: Path
    schema_version: int
    database_id: str
    created_at: str
    backup_at: str | None
    size: int


def _connect(path: Path, *, timeout_ms: int = BUSY_TIMEOUT_MS, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        uri = f"file:{path.resolve().as_posix()}?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=timeout_ms / 1000, isolation_level=None)
    return sqlite3.connect(path, timeout=timeout_ms / 1000, isolation_level=None)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows: directories cannot be opened; rename is durable enough there
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def partial_path(target: Path) -> Path:
    """The temporary file a copy is written to before it is renamed to ``target`` (fresh: an earlier one of
    the same name and its work files are removed, and so are other copies' leftovers older than a day)."""
    tmp = target.with_name(f".{target.name}.partial")
    leftovers.sweep(target.parent)
    remove_with_work_files(tmp)
    return tmp


def remove_with_work_files(path: Path) -> None:
    """A file and the work files SQLite may have left beside it (-journal, -wal, -shm)."""
    for extra in ("", *file_faults.WORK_FILES):
        path.with_name(path.name + extra).unlink(missing_ok=True)


NOTHING_WRITTEN = "途中までのファイルは残していません。"


def online_backup(*, source: Path, target: Path, stamp: dict[str, str] | None = None) -> int:
    """Copy ``source`` to ``target`` through the online backup API; returns the size of the copy.

    The copy is made in one step (a single read snapshot: consistent even while others write), written
    to a temporary file next to ``target``, switched to a self-contained rollback journal, checked with
    integrity_check and only then renamed into place. ``stamp`` rows are added to the copy's fitgap_meta.
    A source whose copy fails the check (or cannot be read) raises DamagedDatabaseError, with nothing
    left behind: the caller can copy what can be read instead (:mod:`fitgap.storage.salvage`).
    """
    if target.exists():
        raise InvalidInputError(f"{target} はすでにあります。上書きはしません。", "別のファイル名を -o で指定してください。")
    tmp = partial_path(target)
    try:
        src = _connect(source)
        try:
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                src.backup(dst)  # pages=-1: everything in one step, from one snapshot
                dst.execute("PRAGMA journal_mode = DELETE")
                if stamp:
                    dst.execute("BEGIN")
                    for key, value in stamp.items():
                        dst.execute(f"INSERT OR REPLACE INTO {META_TABLE} (key, value) VALUES (?, ?)", (key, value))
                    dst.execute("COMMIT")
                verdict = [str(r[0]) for r in dst.execute("PRAGMA integrity_check(5)")]
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        remove_with_work_files(tmp)
        raise copy_failure(exc, source=source, target=target) from exc
    except BaseException:
        remove_with_work_files(tmp)
        raise
    if verdict != ["ok"]:
        remove_with_work_files(tmp)
        raise file_faults.damaged(source, f"整合性検査: {'; '.join(' '.join(v.split()) for v in verdict)}",
                                  done="バックアップは書き出していません。")
    publish(tmp, target)
    return target.stat().st_size


def publish(tmp: Path, target: Path) -> None:
    """Flush a finished copy to disk and rename it to its final name (or remove it, saying why not)."""
    try:
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        remove_with_work_files(tmp)
        raise file_error(exc, target, writing=True) from None
    _fsync_dir(target.parent)


def copy_failure(exc: sqlite3.Error, *, source: Path, target: Path) -> DatabaseError:
    """A failed copy in plain words: the source busy or damaged, or the copy's folder full, size-limited,
    read-only …; never a traceback."""
    text = file_faults.error_text(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusyError("データベースが使用中のため、バックアップを取れませんでした。何も書き出していません。",
                                 "少し待ってからもう一度実行してください。")
    if file_faults.is_corruption(exc):
        return file_faults.damaged(source, file_faults.error_text(exc), done="バックアップは書き出していません。")
    fault = file_faults.sqlite_failure(exc, path=target, what="バックアップ", writing_what=f"バックアップ {target}",
                                       done=NOTHING_WRITTEN)
    if fault is not None:
        return fault
    return DatabaseError(f"バックアップ {target} を書き出せませんでした（{exc}）。{NOTHING_WRITTEN}",
                         "書き出し先のフォルダと空き容量、権限を確かめてください。")


def salvage_backup(*, source: Path, target: Path, stamp: dict[str, str]) -> tuple[int, salvage.SalvageReport]:
    """Copy what can be read of a damaged ``source`` to ``target`` (temporary file, then renamed)."""
    if target.exists():
        raise InvalidInputError(f"{target} はすでにあります。上書きはしません。", "別のファイル名を -o で指定してください。")
    tmp = partial_path(target)
    try:
        try:
            report = salvage.salvage(source=source, target=tmp, stamp=stamp)
        except sa_exc.DBAPIError as exc:
            orig = exc.orig if isinstance(exc.orig, sqlite3.Error) else sqlite3.OperationalError(str(exc.orig))
            raise copy_failure(orig, source=source, target=target) from exc
        except sqlite3.Error as exc:
            raise copy_failure(exc, source=source, target=target) from exc
    except BaseException:
        remove_with_work_files(tmp)
        raise
    if not report.rows:
        remove_with_work_files(tmp)
        raise file_faults.damaged(source, "読める表がありません", done="バックアップは書き出していません。")
    publish(tmp, target)
    return target.stat().st_size, report


def inspect_backup(path: Path) -> BackupFileInfo:
    """Validate, read-only, that ``path`` is a readable, intact fitgap database; refuse anything else."""
    if not path.exists():
        raise InvalidInputError(f"{path} が見つかりません。", "バックアップファイルのパスを確かめてください。")
    if path.is_dir():
        raise InvalidInputError(f"{path} はフォルダです。", "バックアップファイル（.db）を指定してください。")
    with path.open("rb") as fh:
        head = fh.read(16)
    not_backup = "fitgap のバックアップではありません"
    if head != SQLITE_MAGIC:
        raise InvalidInputError(f"{path.name} は {not_backup}（SQLite データベースではない）。何も変更していません。",
                                "fitgap backup で作ったファイルを指定してください。")
    try:
        con = _connect(path, readonly=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if META_TABLE not in tables:
                raise InvalidInputError(
                    f"{path.name} は {not_backup}（fitgap の管理表 {META_TABLE} がない）。何も変更していません。",
                    "fitgap backup で作ったファイルを指定してください。",
                )
            meta = dict(con.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())
            problems = [r[0] for r in con.execute("PRAGMA integrity_check(5)")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if not file_faults.is_corruption(exc):
            fault = file_faults.sqlite_failure(exc, path=path, what="バックアップ", done="何も変更していません。")
            if fault is not None:
                raise fault from exc
        raise InvalidInputError(f"{path.name} を読めません（壊れています: {exc}）。何も変更していません。",
                                "別のバックアップを指定してください。") from exc
    if problems != ["ok"]:
        raise InvalidInputError(
            f"{path.name} は壊れています（整合性検査: {'; '.join(problems)}）。何も変更していません。",
            "別のバックアップを指定してください。",
        )
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise InvalidInputError(f"{path.name} のスキーマ版が読めません。何も変更していません。",
                                "fitgap backup で作ったファイルを指定してください。") from None
    if not meta.get("database_id"):
        raise InvalidInputError(f"{path.name} は {not_backup}（データベース ID がない）。何も変更していません。",
                                "fitgap backup で作ったファイルを指定してください。")
    return BackupFileInfo(path=path, schema_version=version, database_id=meta["database_id"],
                          created_at=meta.get("created_at", ""), backup_at=meta.get("backup_at"),
                          size=path.stat().st_size)


def ensure_not_in_use(path: Path, *, wait_ms: int = 1500) -> None:
    """Refuse when another connection holds a lock on the database right now.

    A full WAL checkpoint needs every reader and writer to be out of the way; if it cannot finish
    within ``wait_ms`` someone is working on the database. (An idle workbench holds no lock and is not
    detected; it sees the restored data on its next read.)
    """
    con = _connect(path, timeout_ms=wait_ms)
    try:
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
        busy = 0
        if mode == "wal":
            busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        else:
            con.execute("BEGIN EXCLUSIVE")
            con.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        busy = 1
    finally:
        con.close()
    if busy:
        raise DatabaseBusyError(
            f"{path.name} は他の利用者（または他の fitgap）が使用中です。復元していません。",
            "他の fitgap を終了してから、もう一度実行してください。",
        )


def copy_file(*, source: Path, target: Path) -> None:
    """A private working copy of an (already validated) backup file, in rollback-journal mode."""
    src = _connect(source, readonly=True)
    try:
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def settle(path: Path) -> None:
    """Fold a file's write-ahead log back into it (rollback-journal mode), so it reads as one file."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = DELETE")
    finally:
        con.close()


def restore_into(*, backup: Path, target: Path) -> None:
    """Overwrite the live database ``target`` with ``backup``, in one transaction (backup API)."""
    src = _connect(backup, readonly=True)
    try:
        dst = _connect(target, timeout_ms=3000)
        try:
            src.backup(dst)
            verdict = dst.execute("PRAGMA integrity_check(5)").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseBusyError(
                    f"{target.name} は他の利用者が使用中です。復元していません。",
                    "他の fitgap を終了してから、もう一度実行してください。",
                ) from exc
            raise
        finally:
            dst.close()
    finally:
        src.close()
    if verdict != "ok":
        raise DatabaseError(f"復元後の整合性検査で問題が見つかりました: {verdict}",
                            "安全のためのコピーから fitgap restore で元に戻してください。")
