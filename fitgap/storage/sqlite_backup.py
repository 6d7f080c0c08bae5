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

from fitgap.errors import DatabaseBusyError, DatabaseError, InvalidInputError, file_error
from fitgap.storage.db import BUSY_TIMEOUT_MS, DISK_FULL_HINT, SQLITE_MAGIC

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


def online_backup(*, source: Path, target: Path, stamp: dict[str, str] | None = None) -> int:
    """Copy ``source`` to ``target`` through the online backup API; returns the size of the copy.

    The copy is made in one step (a single read snapshot: consistent even while others write), written
    to a temporary file next to ``target``, switched to a self-contained rollback journal, checked with
    integrity_check and only then renamed into place. ``stamp`` rows are added to the copy's fitgap_meta.
    """
    if target.exists():
        raise InvalidInputError(f"{target} はすでにあります。上書きはしません。", "別のファイル名を -o で指定してください。")
    tmp = target.with_name(f".{target.name}.partial")
    tmp.unlink(missing_ok=True)
    src = _connect(source)
    try:
        dst = sqlite3.connect(tmp, isolation_level=None)
        try:
            try:
                src.backup(dst)  # pages=-1: everything in one step, from one snapshot
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise DatabaseBusyError(
                        "データベースが使用中のため、バックアップを取れませんでした。何も書き出していません。",
                        "少し待ってからもう一度実行してください。",
                    ) from exc
                raise _write_failure(exc, target) from exc
            dst.execute("PRAGMA journal_mode = DELETE")
            if stamp:
                dst.execute("BEGIN")
                for key, value in stamp.items():
                    dst.execute(f"INSERT OR REPLACE INTO {META_TABLE} (key, value) VALUES (?, ?)", (key, value))
                dst.execute("COMMIT")
            verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    except sqlite3.OperationalError as exc:
        tmp.unlink(missing_ok=True)
        raise _write_failure(exc, target) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    if verdict != "ok":
        tmp.unlink(missing_ok=True)
        raise DatabaseError(
            f"バックアップの検査で問題が見つかりました: {verdict}。元のデータベースが壊れている可能性があります。",
            "fitgap check で元のデータベースを確認してください。",
        )
    try:
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise file_error(exc, target, writing=True) from None
    _fsync_dir(target.parent)
    return target.stat().st_size


def _write_failure(exc: sqlite3.OperationalError, target: Path) -> Exception:
    """A failed write of the copy in plain words (a full disk, a folder that cannot be written)."""
    text = str(exc)
    if "full" in text:
        return DatabaseError(f"ディスクの空きが足りないため、バックアップ {target} を書き出せませんでした。"
                             "途中までのファイルは残していません。", DISK_FULL_HINT)
    if "readonly" in text or "unable to open" in text:
        return DatabaseError(f"{target.parent} にバックアップを書き込めません（{text}）。何も書き出していません。",
                             "書き込めるフォルダを -o で指定してください。")
    return exc


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
