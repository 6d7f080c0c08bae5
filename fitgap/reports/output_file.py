"""Writing a file whole or not at all: into a temporary file beside it, then renamed over it.

Every file fitgap writes goes through here, so each gets the same guarantees: a reader (or a process
killed midway) never sees a half-written file at the final path, an existing file is replaced only when
the caller allows it, and a full disk or a folder without write permission is a FitGapError with what to
do, never a traceback, with no temporary file left behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fitgap.errors import FitGapError, InvalidInputError, file_error, os_error_of, os_reason
from fitgap.leftovers import sweep

FOLDER_HINT = ("書き出し先のフォルダ（既定は exports/。環境変数 FITGAP_EXPORTS で変えられます）を書き込める場所にするか、"
               "-o で別の場所を指定してください。")


def make_folder(folder: Path) -> None:
    """The folder a file is written into, made when missing — only fitgap's own exports folder comes here
    missing (a folder the user names must exist: the command line refuses it before, cli.paths)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FitGapError(f"書き出し先のフォルダ {folder} を作れません（{os_reason(exc)}）。何も書き出していません。",
                          FOLDER_HINT) from None
    if not folder.is_dir():
        raise FitGapError(f"書き出し先 {folder} はフォルダではありません。何も書き出していません。", FOLDER_HINT)


def refuse_existing(path: Path, *, force_option: str = "--force") -> None:
    """An existing file is overwritten only when the user says so."""
    if path.exists():
        raise InvalidInputError(f"{path} はすでにあります。上書きしていません。",
                                f"上書きするなら {force_option} を付けるか、別のファイル名を -o で指定してください。")


def unused_name(path: Path, *, companions: Sequence[str] = ()) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext`` … when it is taken (a default name made twice in a second).

    ``companions`` are other suffixes written beside it under the same name (a report's ``.html`` beside
    its ``.xlsx``): the name is free only when none of them is taken either, so the pair keeps one name.
    """
    def taken(candidate: Path) -> bool:
        return any(p.exists() for p in (candidate, *(candidate.with_suffix(s) for s in companions)))

    candidate, n = path, 1
    while taken(candidate):
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


@contextmanager
def staged_file(path: Path, *, overwrite: bool = True) -> Iterator[Path]:
    """A temporary path in the same folder; moved to ``path`` when the block ends without an error.

    Whatever else the block does (e.g. recording the export in the database) happens before the file
    appears, so the file never exists without it. An error leaves an existing file at ``path`` as it was.
    """
    if not overwrite:
        refuse_existing(path)
    make_folder(path.parent)
    try:
        sweep(path.parent)  # what a killed write left here more than a day ago
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=f".partial{path.suffix}", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise file_error(exc, path, writing=True) from None
    tmp = Path(name)
    try:
        try:
            yield tmp
        except FitGapError:
            raise
        except Exception as exc:
            cause = os_error_of(exc)
            if cause is None:
                raise
            raise file_error(cause, path, writing=True) from None
        try:
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            if not overwrite:
                refuse_existing(path)  # appeared meanwhile
            os.replace(tmp, path)
        except OSError as exc:
            raise file_error(exc, path, writing=True) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_atomically(path: Path, write: Callable[[Path], object], *, overwrite: bool = True) -> Path:
    """Call ``write`` on a temporary path in the same folder and move the result to ``path``.

    A failure leaves an existing file at ``path`` as it was. The file gets the usual permissions
    (0666 minus the umask), not the temporary file's private ones.
    """
    with staged_file(path, overwrite=overwrite) as tmp:
        write(tmp)
    return path


def save_workbook(path: Path, wb: Any, *, overwrite: bool = True) -> Path:
    """An openpyxl workbook saved by :func:`write_atomically`. A write-only workbook that cannot be saved
    (a read-only folder, a full disk) is closed and its temporary files removed here, at once — not left
    to the garbage collector, which would print "Exception ignored …" after the エラー."""
    try:
        return write_atomically(path, wb.save, overwrite=overwrite)
    except BaseException:
        discard_workbook(wb)
        raise


def discard_workbook(wb: Any) -> None:
    """Close the unsaved sheets of a write-only openpyxl workbook and remove their temporary files."""
    for ws in getattr(wb, "worksheets", []):
        writer = getattr(ws, "_writer", None)
        if writer is None or getattr(ws, "closed", True) is not False:
            continue
        try:
            ws.close()
        except (OSError, ValueError):
            pass  # the sheet's stream was cut short: it is thrown away all the same
        try:
            writer.cleanup()
        except (OSError, KeyError, ValueError):
            pass  # already removed
