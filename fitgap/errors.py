"""User-facing errors. Every error a user can meet is a FitGapError with a message and a hint."""

from __future__ import annotations

import errno as errno_names


class FitGapError(Exception):
    """An error the user can act on: what is wrong (message) and what to do (hint)."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n対処: {self.hint}"


class NotFoundError(FitGapError):
    """An ID, name or file that does not exist."""


class AmbiguousError(FitGapError):
    """A name that matches several things."""


class InvalidInputError(FitGapError):
    """A file or value that cannot be read as given."""


class DatabaseError(FitGapError):
    """The database cannot be opened or used: not fitgap's, corrupt, too new, or busy."""


class DatabaseBusyError(DatabaseError):
    """Another user or process holds the database lock for longer than the busy timeout."""


class DamagedDatabaseError(DatabaseError):
    """The database file is damaged (its integrity check fails or a page cannot be read)."""


class ConflictError(FitGapError):
    """Someone else changed an item after it was shown."""


def os_error_of(exc: BaseException) -> OSError | None:
    """The OSError behind an exception (libraries wrap them: xlsxwriter's FileCreateError, …), or None."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, OSError):
            return e
        todo.extend([*e.args, e.__cause__, e.__context__])
    return None


_NO_SPACE = {28, 122}  # ENOSPC, EDQUOT
_NO_PERMISSION = {1, 13, 30}  # EPERM, EACCES, EROFS

# the operating system's reason in plain words (its own text is English, and differs between systems)
_REASONS = {
    "ENOENT": "フォルダかファイルがありません", "EACCES": "権限がありません", "EPERM": "操作が許可されていません",
    "EROFS": "読み取り専用の場所です", "ENOSPC": "ディスクの空きがありません", "EDQUOT": "ディスクの割り当てを超えています",
    "EISDIR": "フォルダです", "ENOTDIR": "途中にフォルダでないものがあります", "EEXIST": "同じ名前のものがすでにあります",
    "ENAMETOOLONG": "名前が長すぎます", "EINVAL": "名前に使えない文字があるか、その場所には作れません",
    "EBUSY": "使用中です", "ETXTBSY": "使用中です", "EMFILE": "開いているファイルが多すぎます",
    "ENFILE": "開いているファイルが多すぎます", "ELOOP": "シンボリックリンクが循環しています", "EXDEV": "別のドライブです",
    "EIO": "ディスクの読み書きに失敗しました", "ETIMEDOUT": "応答がありません（ネットワークの場所）",
    "ENOTEMPTY": "フォルダが空ではありません", "EFBIG": "ファイルが大きすぎます",
}


def os_reason(exc: OSError) -> str:
    """Why an OS call failed, in Japanese (the errno's name kept for whoever looks it up)."""
    name = errno_names.errorcode.get(exc.errno or 0, "")
    said = _REASONS.get(name)
    if said:
        return f"{said}: {name}"
    winerror = getattr(exc, "winerror", None)
    if winerror == 32:  # ERROR_SHARING_VIOLATION: open in another program (Excel)
        return "ほかのプログラムが使用中です"
    return f"OS のエラー {name or exc.errno or type(exc).__name__}"


def file_error(exc: OSError, path: object, *, writing: bool | None) -> FitGapError:
    """A failed file operation in plain words, with what to do (no traceback)."""
    if exc.errno in _NO_SPACE:
        return FitGapError(f"ディスクの空きが足りないため {path} を書き出せませんでした。途中までのファイルは残していません。",
                           "不要なファイルを削除して空きを作るか、-o で空きのある場所を指定してください。")
    if exc.errno in _NO_PERMISSION or isinstance(exc, PermissionError):
        if writing is None:
            return FitGapError(f"{path} を使う権限がありません（{os_reason(exc)}）。",
                               "ファイルとフォルダの権限を確かめてください。")
        if writing:
            return FitGapError(f"{path} に書き込む権限がありません（{os_reason(exc)}）。何も書き出していません。",
                               "同じ名前のファイルを Excel などで開いていれば閉じてから（Windows では開いているファイルを"
                               "置き換えられません）、もう一度書き出してください。ほかに、書き込めるフォルダを -o で指定するか、"
                               "フォルダの権限を確かめてください。")
        return InvalidInputError(f"{path} を読む権限がありません（{os_reason(exc)}）。何も変更していません。",
                                 "ファイルの権限を確かめるか、読めるコピーを指定してください。")
    if isinstance(exc, FileNotFoundError) and not writing:
        return InvalidInputError(f"{path} が見つかりません。", "ファイル名を確かめてください。")
    if isinstance(exc, IsADirectoryError):
        return InvalidInputError(f"{path} はフォルダです。", "ファイルを指定してください。")
    verb = {True: "書き出せません", False: "読めません", None: "扱えません"}[writing]
    return FitGapError(f"{path} を{verb}でした（{os_reason(exc)}）。", "ファイルの場所と空き容量、権限を確かめてください。")
