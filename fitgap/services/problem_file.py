"""Where an import's problem list goes: the one rule for every returned workbook (vendor, review, change)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fitgap.domain.answer_sheet import SheetProblem
from fitgap.reports.output_file import unused_name
from fitgap.reports.problem_report import write_problem_report


def write_import_problems(problems: Sequence[SheetProblem], *, source: Path, report_dir: Path,
                          problems_path: Path | None, dry_run: bool) -> Path | None:
    """Write the problem list of importing ``source`` and return its path; None when none was written.

    Written to ``problems_path`` when given; otherwise, unless it is a dry run (which writes nothing of
    its own), to ``<report_dir>/<source>_問題一覧.xlsx`` under a name not yet taken, so the list of an
    earlier import of the same file is never overwritten."""
    if not problems or (problems_path is None and dry_run):
        return None
    target = problems_path or unused_name(report_dir / f"{source.stem}_問題一覧.xlsx")
    return write_problem_report(problems, target, source=source.name)
