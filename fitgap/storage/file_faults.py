"""Why an SQLite file could not be read or written, in true words.

SQLite reports a handful of codes for very different causes: ``readonly`` / ``unable to open`` for a file
without write permission, a folder where its work files (``-wal``, ``-shm``, ``-journal``) cannot be made,
or a read-only file system; ``disk is full`` / ``disk I/O error`` for a full disk, a quota or a file-size
limit (``ulimit -f``); ``malformed`` / ``not a database`` for a damaged file. Each gets its own message
here, found by looking at the file, its folder, the free space and the process's limits — so a full disk
or a read-only folder is never called a corrupt database, and a damaged one is never blamed on the disk.
"""

from __future__ import annotations

import os
from pathlib import Path

from fitgap.errors import DamagedDatabaseError, DatabaseBusyError, DatabaseError

NEARLY_FULL_BYTES = 4 * 1024 * 1024  # less free space than this on a failed write: the disk is full
WORK_FILES = ("-wal", "-shm", "-journal")

_CORRUPT = ("malformed", "not a database", "sqlite_corrupt", "sqlite_notadb")
_NO_WRITE = ("readonly", "read-only", "unable to open", "sqlite_cantopen", "sqlite_perm", "access permission")
_NO_SPACE = ("disk is full", "database or disk is full", "no space left", "sqlite_full", "disk i/o error",
             "sqlite_ioerr", "file too large", "could not extend file", "quota")
_BUSY = ("locked", "busy", "lock timeout")


def error_text(exc: BaseException) -> str:
    """The driver's words (and SQLite's error name) behind an exception, SQLAlchemy's wrapper or not."""
    orig = getattr(exc, "orig", None) or exc
    name = getattr(orig, "sqlite_errorname", "") or ""
    return f"{orig} {name}".strip()


def is_corruption(exc: BaseException) -> bool:
    return any(k in error_text(exc).lower() for k in _CORRUPT)


def limit_bytes() -> int | None:
    """The process's file-size limit (``ulimit -f``) in bytes, or None when there is none."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def free_bytes(folder: Path) -> int | None:
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):
        return None
    return st.f_bavail * st.f_frsize


def read_only_file_system(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1048576:,.1f} MB"
    return f"{n / 1024:,.0f} KB" if n >= 1024 else f"{n:,} バイト"


def no_space(path: Path, *, done: str, writing_what: str, io_error: bool = False) -> DatabaseError:
    """A write that ran out of room — a full disk, else the process's file-size limit — or, for an I/O
    error with room to spare and no limit, the I/O error itself."""
    folder = path.parent if path.parent.exists() else Path(".")
    free = free_bytes(folder)
    limit = limit_bytes()
    where = f"（{folder} の空き {_size(free)}）" if free is not None else ""
    if free is not None and free < NEARLY_FULL_BYTES:
        return DatabaseError(f"ディスクの空きが足りないため、{writing_what} を書き込めませんでした{where}。{done}",
                             "不要なファイルを削除して空きを作ってから、もう一度実行してください。")
    if limit is not None:
        return DatabaseError(
            f"ファイルサイズの上限（ulimit -f、{_size(limit)}）を超えるため、{writing_what} を書き込めませんでした。{done}",
            "ulimit -f で上限を上げる（または unlimited にする）か、管理者に相談してから、もう一度実行してください。")
    if io_error:
        return DatabaseError(f"ディスクの読み書きに失敗したため、{writing_what} を書き込めませんでした（disk I/O error）。{done}",
                             "ディスクの状態と空き容量を確かめてから、もう一度実行してください（続くなら管理者に相談）。")
    return DatabaseError(f"ディスクの空き（または割り当て容量）が足りないため、{writing_what} を書き込めませんでした{where}。{done}",
                         "不要なファイルを削除して空きを作るか、ディスクの割り当て（クォータ）を確かめてください。")


def cannot_write(path: Path, *, done: str, what: str = "データベース") -> DatabaseError:
    """Writing (or opening for writing) was refused: which of file, folder, work file or file system."""
    folder = path.parent
    if read_only_file_system(folder if folder.exists() else Path(".")):
        return DatabaseError(f"{folder} は読み取り専用のファイルシステムにあるため、{what} {path.name} に書き込めません。{done}",
                             "書き込めるディスクにコピーして --db で指定するか、管理者に相談してください。")
    if path.exists() and not os.access(path, os.R_OK):
        return DatabaseError(f"{what} {path} を読む権限がありません。{done}",
                             "ファイルの権限を確かめるか、管理者に相談してください。")
    if path.exists() and not os.access(path, os.W_OK):
        return DatabaseError(f"{what} {path} は読み取り専用です（書き込みの権限がありません）。{done}",
                             "ファイルに書き込みの権限を付けるか、書き込めるコピーを --db で指定してください。"
                             "見るだけのコマンド（status、一覧など）はこのままでも使えます。")
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        return DatabaseError(
            f"フォルダ {folder} に書き込めないため、{what} {path.name} を使えません（SQLite は作業用のファイル "
            f"{path.name}-wal・{path.name}-shm をデータベースと同じフォルダに作ります）。{done}",
            "フォルダに書き込みの権限を付けるか、書き込めるフォルダにデータベースを移して --db で指定してください。")
    for suffix in WORK_FILES:
        work = path.with_name(path.name + suffix)
        if work.exists() and not os.access(work, os.R_OK | os.W_OK):
            return DatabaseError(f"作業用のファイル {work} に書き込む権限がありません（別の利用者が作ったものなど）。{done}",
                                 f"{work.name} の持ち主と権限を確かめてください（使っている fitgap がなければ管理者に相談）。")
    return DatabaseError(f"{what} {path} を開けません。{done}",
                         "ファイルとフォルダの場所と権限を確かめてください。")


def damaged(path: Path | None, detail: str, *, done: str) -> DamagedDatabaseError:
    name = str(path) if path is not None else "データベース"
    return DamagedDatabaseError(
        f"{name} は壊れています（{detail}）。{done}",
        "fitgap backup で読める内容をコピーし（壊れた部分は飛ばして、そう表示します）、fitgap check で確かめてから、"
        "そのコピーか以前のバックアップを fitgap restore で戻してください。")


def sqlite_failure(exc: BaseException, *, path: Path | None, done: str, what: str = "データベース",
                   writing_what: str | None = None) -> DatabaseError | None:
    """A failed SQLite operation on the file ``path`` in true words; None when it is none of these kinds
    (the caller then lets it through). ``done`` says what became of the data (「変更は保存していません。」)."""
    text = error_text(exc).lower()
    if any(k in text for k in _BUSY):
        return DatabaseBusyError(f"{what}は他の利用者が使用中です（ロックが解除されませんでした）。{done}",
                                 "少し待ってからもう一度実行してください。長く続く場合は他の fitgap を終了してください。")
    if any(k in text for k in _CORRUPT):
        return damaged(path, error_text(exc), done=done)
    if path is None:
        return None
    if any(k in text for k in _NO_SPACE):
        return no_space(path, done=done, writing_what=writing_what or f"{what} {path.name}",
                        io_error="i/o error" in text or "ioerr" in text)
    if any(k in text for k in _NO_WRITE):
        return cannot_write(path, done=done, what=what)
    return None
