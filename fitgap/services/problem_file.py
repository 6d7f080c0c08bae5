"""Where an import's problem list goes, and what happens when it cannot be written.

Every import keeps one order: read and check the file, apply what is valid in one transaction, and only then
write the problem list. The list describes the file, not the database, so a list that cannot be written
(a read-only exports folder, an unwritable ``--problems``, a full disk) never undoes or hides what was
saved: the import still reports success, with the failure as a warning and every problem row printed
instead (``problem_lines``). Never an exit status of 1 over saved data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from fitgap.domain.answer_sheet import SheetProblem
from fitgap.errors import FitGapError, file_error, os_error_of
from fitgap.reports.output_file import unused_name
from fitgap.reports.problem_report import write_problem_report

T = TypeVar("T")


def problem_list_path(*, source: Path, report_dir: Path, problems_path: Path | None) -> Path:
    """``problems_path`` when given; otherwise ``<report_dir>/<source>_問題一覧.xlsx`` under a name not yet
    taken, so the list of an earlier import of the same file is never overwritten."""
    return problems_path or unused_name(report_dir / f"{source.stem}_問題一覧.xlsx")


def write_import_problems(problems: Sequence[SheetProblem], *, source: Path, report_dir: Path,
                          problems_path: Path | None, dry_run: bool, key_heading: str = "要件") -> Path | None:
    """Write the problem list of importing ``source`` and return its path; None when none was written
    (no problems, or a dry run without ``problems_path``: a dry run writes nothing of its own)."""
    if not problems or (problems_path is None and dry_run):
        return None
    target = problem_list_path(source=source, report_dir=report_dir, problems_path=problems_path)
    return write_problem_report(problems, target, source=source.name, key_heading=key_heading)


def after_saving(write: Callable[[], T], *, target: object = "問題一覧") -> tuple[T | None, str | None]:
    """Run ``write`` (a problem list written after the import's transaction) and return its result, or
    None and why it failed, in words (message and what to do), for the import to show as a warning."""
    try:
        return write(), None
    except FitGapError as exc:
        return None, failure_text(exc)
    except Exception as exc:  # a library's error that wraps an OSError (xlsxwriter, openpyxl)
        cause = os_error_of(exc)
        if cause is None:
            raise
        return None, failure_text(file_error(cause, getattr(cause, "filename", None) or target, writing=True))


def failure_text(exc: FitGapError) -> str:
    return exc.message + (f"（対処: {exc.hint}）" if exc.hint else "")


def failure_lines(failure: str | None, *, saved: bool) -> list[str]:
    """The warning shown when the problem list could not be written (the rows are printed instead)."""
    if not failure:
        return []
    done = "取り込んだ内容は保存しました。" if saved else ""
    return [f"警告: 問題一覧のファイルを書き出せませんでした: {failure}",
            f"  {done}問題の行は上にすべて表示しました。"]
