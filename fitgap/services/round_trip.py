"""The one path of every round trip (domain.round_trip) through the database: out and back.

Out: :func:`export_book` names the file, writes the workbook of the kind's declaration, records the export
and only then gives the file its name (recorded_export). Back: :func:`import_book` reads the file and checks
every row (importers.returned_book), refuses a workbook of another database, purpose or unknown export with
the database unchanged, runs the kind's ``plan`` (what each row would change; conflicts) and ``apply`` in
one write transaction, and writes the problem report beside the file. A dry run goes through the same
transaction and the same checks and rolls it back, so what it says would be taken is what would be taken.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlmodel import Session

from fitgap.domain.answer_sheet import SheetProblem
from fitgap.domain.models import Vendor, VendorExport
from fitgap.domain.round_trip import RoundTrip
from fitgap.domain.round_trips import ROUND_TRIPS
from fitgap.errors import InvalidInputError
from fitgap.reports.output_file import unused_name
from fitgap.services.problem_file import after_saving, write_import_problems
from fitgap.services.recorded_export import ExportRecord, check_xlsx, publish_export
from fitgap.storage import vendors
from fitgap.storage.db import Database

if TYPE_CHECKING:  # the writer and the reader load their libraries when used
    from fitgap.importers.answer_workbook import WorkbookMeta
    from fitgap.importers.returned_book import ReturnedBook
    from fitgap.reports.answer_workbook import Outgoing


@dataclass
class ImportReport:
    """What importing a returned workbook did (or, in a dry run, would do)."""

    source: str
    export_id: str
    dry_run: bool
    exported_at: datetime | None = None  # when the workbook was exported
    taken: int = 0  # rows applied, or that a dry run would apply
    untouched: int = 0  # rows whose answers are those exported, or already those of the database
    unanswered: int = 0
    conflicts: list[str] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)  # rows not taken for a problem (no conflicts)
    conflict_rows: list[SheetProblem] = field(default_factory=list)  # the conflicts, as the problem report lists them
    deleted: int = 0  # exported rows deleted from the workbook and counted among the problems (not as unanswered)
    notices: list[str] = field(default_factory=list)
    stripped_chars: int = 0  # control and invisible characters removed from the texts taken
    batches: list[str] = field(default_factory=list)
    problems_file: Path | None = None
    problems_file_error: str | None = None  # why the problem list could not be written (the rows are shown)

    @property
    def applied(self) -> int:
        return 0 if self.dry_run else self.taken

    @property
    def refused(self) -> int:
        """Rows not taken for a problem, each counted once: a row with two problems is one row, a conflict is
        counted among the conflicts (``held_back``), a row deleted from the workbook here unless the kind
        counts it as unanswered. So the counts of an import add up to the rows of the workbook."""
        return len({(p.sheet, p.row) for p in self.problems if p.row is not None}) + self.deleted

    @property
    def held_back(self) -> int:
        """Rows not taken because they conflict (changed since the export, or a sheet older than the answer)."""
        return len(self.conflict_rows)

    @property
    def reported(self) -> list[SheetProblem]:
        """What the problem report lists: the problems, then the conflicts."""
        return [*self.problems, *self.conflict_rows]

    def conflict(self, sheet: str, row: int, label: str, why: str, hint: str, ref: str) -> None:
        """A row not taken because the item changed since the export: listed, and in the problem report
        (``label`` "" when ``why`` names the item itself)."""
        self.conflicts.append(f"{sheet} {row}行目 {label}: {why}" if label else f"{sheet} {row}行目 {why}")
        self.conflict_rows.append(SheetProblem(sheet, row, f"競合: {why}。上書きしていません。", hint, ref))


R = TypeVar("R", bound=ImportReport)


def safe_file_part(text: str) -> str:
    """A name as part of a file name (no path separators, no characters Windows refuses)."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "vendor"


def new_export_id() -> str:
    return str(uuid.uuid4())


def export_book(*, db: Database, out: Outgoing, path: Path | None, default_name: str, exports_dir: Path,
                overwrite: bool, record: ExportRecord) -> Path:
    """Write the workbook of ``out`` and record its export; the file appears only once it is recorded."""
    from fitgap.reports.answer_workbook import write_book

    check_xlsx(path)
    target = path if path is not None else unused_name(exports_dir / default_name)
    return publish_export(db=db, path=target, overwrite=overwrite, write=lambda tmp: write_book(out, tmp),
                          record=record)


def check_workbook_meta(session: Session, meta: WorkbookMeta, *, trip: RoundTrip, source: str) -> VendorExport:
    """Refuse a workbook from another database, for another purpose, or whose export this database lacks."""
    purpose = meta.get("purpose")
    if purpose != trip.purpose:
        other = ROUND_TRIPS.get(purpose)
        if other is None:
            hint = f"{trip.name}を指定してください。"
        elif other.command:
            hint = f"{other.command} で取り込んでください。"
        else:
            hint = f"{other.name}は読むためのもので、取り込むコマンドはありません。"
        raise InvalidInputError(f"{source} は{other.name if other else '別の用途のブック'}です（{trip.name}ではありません）。"
                                "データベースは変更していません。", hint)
    db_id = vendors.database_id(session=session)
    if meta.get("database_id") != db_id:
        raise InvalidInputError(
            f"{source} は別のデータベースから書き出されたブックです（書き出し元 {meta.get('database_id') or '不明'}）。"
            "データベースは変更していません。",
            "このブックを書き出したデータベースを --db で指定してください。",
        )
    export = vendors.get_export(session=session, export_id=meta.get("export_id"))
    if export is None:
        raise InvalidInputError(
            f"{source} の書き出し記録（ID {meta.get('export_id')}）がこのデータベースにありません"
            "（書き出し後に古いバックアップから戻したなど）。データベースは変更していません。",
            "書き出し記録のあるデータベースで取り込むか、もう一度書き出して回答してもらってください。",
        )
    return export


class _RolledBack(Exception):
    """Leaves a dry run's write transaction without committing it."""


def import_book(
    *, db: Database, trip: RoundTrip, path: Path, report_dir: Path, dry_run: bool, problems_path: Path | None,
    start: Callable[[Session, VendorExport, ReturnedBook], R],
    plan: Callable[[Session, R, ReturnedBook], None],
    apply: Callable[[Session, R], None],
    names: Callable[[Session], Callable[[SheetProblem], SheetProblem]] | None = None,
) -> R:
    """Read ``path`` as a workbook of ``trip``, check it belongs here, plan and apply (or try) every row.

    ``start`` makes the kind's report (and may refuse the workbook: nothing is changed then); ``plan`` sorts
    the rows read into what would change, what is already so and what conflicts; ``apply`` writes what
    ``plan`` kept and sets ``taken``. A dry run makes the same calls in a transaction it rolls back.
    ``names`` gives what renames each problem as users name its row (a 改修 row by its systems, not its key)."""
    from fitgap.importers.returned_book import read_returned

    book = read_returned(path, trip)
    rep: R | None = None
    with suppress(_RolledBack), db.write() as session:
        export = check_workbook_meta(session, book.meta, trip=trip, source=path.name)
        rep = start(session, export, book)
        rep.problems = [*book.problems, *rep.problems]
        rep.notices = [*book.notices, *rep.notices]
        rep.untouched += book.untouched
        rep.unanswered += len(book.unanswered)
        if trip.compares_with_export:  # elsewhere a deleted row is counted as unanswered
            rep.deleted += book.deleted
        rep.stripped_chars += book.stripped_chars
        rep.exported_at = rep.exported_at or export.created_at
        plan(session, rep, book)
        apply(session, rep)
        if names is not None:
            name = names(session)
            rep.problems = [name(p) for p in rep.problems]
            rep.conflict_rows = [name(p) for p in rep.conflict_rows]
        if dry_run:
            raise _RolledBack
    assert rep is not None
    done = rep
    done.problems_file, done.problems_file_error = after_saving(lambda: write_import_problems(
        done.reported, source=path, report_dir=report_dir, problems_path=problems_path, dry_run=dry_run,
        key_heading=trip.keys.heading))
    return done


__all__ = ["ImportReport", "check_workbook_meta", "export_book", "import_book", "new_export_id", "safe_file_part"]


def addressed_vendor(session: Session, export: VendorExport, meta: WorkbookMeta, *, source: str,
                     expected: str | None) -> tuple[int, str]:
    """The vendor a returned answer workbook was written for, (ID, name): it must be the one of its export
    record and, when the user names one (``--vendor``), that one. Refused otherwise, nothing changed."""
    vendor = session.get(Vendor, export.vendor_id) if export.vendor_id else None
    name = vendor.name if vendor else ""
    if vendor is None or vendor.id is None or meta.get("vendor") != name:
        raise InvalidInputError(
            f"{source} の宛先ベンダ「{meta.get('vendor')}」が書き出し記録（{name or '不明'}）と一致しません。"
            "データベースは変更していません。", "書き出したままのブックを指定してください。")
    if expected is not None and expected.strip() != name:
        raise InvalidInputError(
            f"{source} は「{name}」宛てのブックです（指定: {expected}）。データベースは変更していません。",
            "宛先ベンダの回答ファイルか確かめてください。")
    return vendor.id, name
