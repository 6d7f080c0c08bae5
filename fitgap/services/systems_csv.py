"""Systems and links to and from CSV (UTF-8 with BOM, opens in Excel) or one workbook.

Every exported row carries a stamp in its last column (domain.row_stamp): the export, the row's ID and the
hash of what it held. On import a row whose system or link changed in the database since the export is a
conflict: listed with the fields where the database and the file differ, not applied unless the user
accepts the older file. A file without stamps (made by hand or by an older fitgap) cannot show it, so its
rows that would change a system or link already there are conflicts in the same way; so are the deletions
of --replace-links that such a file would make, or of links added or changed since the export. A row with an
edited stamp or a changed name is refused with its place. Any problem in the files (a bad date, an unknown
system, a cell over 32,767 characters) refuses the whole import with nothing saved; so does an import where
every row to apply is a conflict or refused.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session

from fitgap.domain.answer_sheet import FORMAT_VERSION
from fitgap.domain.enums import DeadlineBasis, DeadlineKind, LinkMethod, MilestoneKind, SystemKind
from fitgap.domain.row_stamp import STAMP_HEADER, make_stamp
from fitgap.errors import InvalidInputError
from fitgap.importers import systems_csv as cols
from fitgap.reports.output_file import staged_file
from fitgap.reports.systems_workbook import write_systems_workbook
from fitgap.reports.xlsx_cells import csv_row
from fitgap.services.change_sync import sync_changes
from fitgap.services.system_graph import AuditedEdit, load_graph_in
from fitgap.services.systems import SystemView, list_systems
from fitgap.services.systems_import import BadSystemRowsError, CsvImportReport, import_links, import_systems
from fitgap.services.systems_stamp import (
    stored_link_state,
    stored_system_state,
)
from fitgap.storage import audit, systems, vendors
from fitgap.storage import changes as change_store
from fitgap.storage.db import Database

__all__ = ["BadSystemRowsError", "CsvImportReport", "CsvImportResult", "export_links_csv", "export_systems_csv",
           "export_workbook", "import_csv"]

# Operation codes joined with the Japanese comma: "031、032" stays text in a spreadsheet ("031,032" is read
# as the number 31032); a lone "001" read as 1 gets its zeros back on import.
CODE_SEP = "、"
# The deadline that applies (the stored 期限区分 FY2025末 with no date follows the operations, e.g. to
# 2031-03-31): shown for reading, ignored on import (the stored columns stay as they are).
EFFECTIVE_DEADLINE = "適用される期限（参考・取込では無視）"
_EFFECTIVE_AT = cols.SYSTEM_COLUMNS.index(cols.DEADLINE) + 1


# ---- export ---------------------------------------------------------------------------------------


def _iso(d: date | None) -> str:
    return "" if d is None else d.isoformat()


class Stamper:
    """The stamps of one export by this database: (entity, key cells, state) → the stamp cell. The export is
    the newest audit event, so that an unchanged database exports the same file twice."""

    def __init__(self, session: Session) -> None:
        self.database_id = vendors.database_id(session=session)
        self.export = audit.last_event_id(session=session)

    def __call__(self, entity: str, keys: Sequence[object], state: str) -> str:
        return make_stamp(database_id=self.database_id, export=self.export, entity=entity, keys=keys,
                          state=state).encode()


def _milestones(session: Session) -> dict[int, dict[MilestoneKind, tuple[date | None, date | None]]]:
    ms: dict[int, dict[MilestoneKind, tuple[date | None, date | None]]] = {}
    for m in systems.list_milestones(session=session):
        ms.setdefault(m.system_id, {})[m.kind] = (m.planned, m.actual)
    return ms


def _operations(session: Session) -> dict[int, list[str]]:
    ops: dict[int, list[str]] = {}
    for so in systems.list_system_operations(session=session):
        ops.setdefault(so.system_id, []).append(so.operation_code)
    return ops


def _system_rows(session: Session, effective: dict[str, str], stamp: Stamper) -> list[list[str]]:
    """The stored values, so an exported file imports back unchanged; beside them, for reading only, the
    deadline that applies (``effective``: by system name; a system following its operations says so); last
    the row's stamp."""
    ops = _operations(session)
    ms = _milestones(session)
    rows = []
    for s in systems.list_systems(session=session):
        sid = s.id or 0
        cells = [
            s.name,
            s.vendor or "",
            s.kind.value,
            CODE_SEP.join(sorted(ops.get(sid, []))),
            _iso(s.planned_cutover),
            _iso(s.actual_cutover),
            s.deadline_kind.value,
            _iso(s.deadline),
            effective.get(s.name, ""),
            cols.TYPICAL_MARK if s.typical else "",
            s.note,
        ]
        for k in MilestoneKind:
            planned, actual = ms.get(sid, {}).get(k, (None, None))
            cells += [_iso(planned), _iso(actual)]
        cells.append(stamp(str(sid), (s.name,), stored_system_state(s, ops.get(sid, []), ms.get(sid, {}))))
        rows.append(cells)
    return rows


def _effective_deadlines(db: Database) -> dict[str, str]:
    def label(v: SystemView) -> str:
        if v.deadline is None:
            return "なし"
        basis = v.deadline_kind.value if v.deadline_basis == DeadlineBasis.LEGAL else v.deadline_basis.value
        return f"{v.deadline.isoformat()}（{basis}）"

    return {v.name: label(v) for v in list_systems(db=db)}


def _system_header() -> tuple[str, ...]:
    return (*cols.SYSTEM_COLUMNS[:_EFFECTIVE_AT], EFFECTIVE_DEADLINE, *cols.SYSTEM_COLUMNS[_EFFECTIVE_AT:],
            STAMP_HEADER)


LINK_HEADER = (*cols.LINK_COLUMNS, STAMP_HEADER)


def _write(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    """By the writer policy (fitgap.reports.xlsx_cells): names beginning with = + - @ are guarded."""
    with staged_file(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(csv_row(header))
        writer.writerows(csv_row(r) for r in rows)


def export_systems_csv(*, db: Database, path: Path) -> int:
    """Write every system (with its milestones) to ``path``; returns the number of rows."""
    effective = _effective_deadlines(db)
    with db.read() as session:
        rows = _system_rows(session, effective, Stamper(session))
    _write(path, _system_header(), rows)
    return len(rows)


def _link_rows(session: Session, stamp: Stamper) -> list[list[str]]:
    """Every link, by provider then consumer as the systems are ordered; last the row's stamp."""
    sg = load_graph_in(session)
    stored = {(i.provider_id, i.consumer_id): i for i in systems.list_integrations(session=session)}
    links = sorted(sg.links.values(), key=lambda lk: (sg.sort_key(lk.provider), sg.sort_key(lk.consumer)))
    rows = []
    for lk in links:
        provider, consumer = sg.name(lk.provider), sg.name(lk.consumer)
        rows.append([
            provider,
            consumer,
            ",".join(lk.data),
            lk.method.value,
            "あり" if lk.interim_interface else "なし",
            cols.TYPICAL_MARK if lk.typical else "",
            stamp(f"{lk.provider}-{lk.consumer}", (provider, consumer),
                  stored_link_state(stored[(lk.provider, lk.consumer)])),
        ])
    return rows


def export_workbook(*, db: Database, path: Path) -> tuple[int, int]:
    """Systems and links into one .xlsx (sheets システム and 連携): codes and dates as text cells,
    drop-downs for 区分, 期限区分, 方式, 暫定連携 and 典型例. Returns the numbers of systems and links."""
    if path.suffix.lower() != ".xlsx":
        raise InvalidInputError(f"{path.name}: ブックの書き出し先は .xlsx にしてください。",
                                "CSV なら --systems FILE.csv --links FILE.csv を指定してください。")
    effective = _effective_deadlines(db)
    now = datetime.now(UTC)
    with db.read() as session:  # both sheets and their stamps from one snapshot, of one export
        stamp = Stamper(session)
        system_rows = _system_rows(session, effective, stamp)
        link_rows = _link_rows(session, stamp)
    dates = [cols.PLANNED, cols.ACTUAL, cols.DEADLINE,
             *[c for k in MilestoneKind for c in cols.milestone_columns(k)]]
    write_systems_workbook(
        path,
        [(cols.SYSTEM_SHEET, _system_header(), system_rows), (cols.LINK_SHEET, LINK_HEADER, link_rows)],
        choices={
            cols.KIND: [k.value for k in SystemKind], cols.DEADLINE_KIND: [k.value for k in DeadlineKind],
            cols.METHOD: [m.value for m in LinkMethod], cols.INTERIM: ["あり", "なし"],
            cols.TYPICAL: [cols.TYPICAL_MARK, ""],
        },
        text_columns=[cols.OPERATIONS, *dates],
        hidden_columns=[STAMP_HEADER],
        meta=[("format_version", FORMAT_VERSION), ("purpose", PURPOSE_SYSTEMS),
              ("export_id", str(uuid.uuid4())), ("export_event", str(stamp.export)),
              ("created_at", now.isoformat(timespec="seconds"))],
    )
    return len(system_rows), len(link_rows)


PURPOSE_SYSTEMS = "systems"


def export_links_csv(*, db: Database, path: Path) -> int:
    with db.read() as session:
        rows = _link_rows(session, Stamper(session))
    _write(path, LINK_HEADER, rows)
    return len(rows)


# ---- import ---------------------------------------------------------------------------------------


@dataclass
class CsvImportResult:
    systems: CsvImportReport | None = None
    links: CsvImportReport | None = None
    changes_added: int = 0  # 改修 items created for links that now need one
    changes_removed: int = 0  # 改修 items removed with their link (--replace-links)
    changes_unneeded: int = 0  # 改修 items nobody touched that no link needs any more, removed
    saved: bool = True  # False: every row to apply was a conflict or refused, and nothing was saved
    dry_run: bool = False  # everything was done and then rolled back: the counts say what an import would do

    @property
    def reports(self) -> list[CsvImportReport]:
        return [r for r in (self.systems, self.links) if r is not None]


def import_csv(
    *,
    db: Database,
    user: str,
    systems_path: Path | None = None,
    links_path: Path | None = None,
    replace_links: bool = False,
    accept_older: bool = False,
    dry_run: bool = False,
) -> CsvImportResult:
    """Import systems, then links (which may name systems of the systems file), in one transaction.

    Every row of a file is checked before anything is written; with any problem nothing at all is saved
    and BadSystemRowsError lists every problem with its row. Rows that may be older than the database
    (see systems_import) are conflicts, applied only with ``accept_older``; when every row to apply is a
    conflict or refused, nothing is saved (``saved`` False) and the result lists them. A dry run makes the
    very same calls in the same transaction and rolls it back: the result is what the import would do.
    """
    if systems_path is None and links_path is None:
        raise InvalidInputError(
            "取り込む CSV が指定されていません。", "--systems FILE か --links FILE を指定してください。"
        )
    result = CsvImportResult(dry_run=dry_run)
    try:
        _import(db, user, result, systems_path, links_path, replace_links, accept_older)
    except _NothingApplied:
        result.saved = False
    except _DryRun:
        pass
    return result


class _NothingApplied(Exception):
    """Raised inside the transaction to roll it back: no row applied, some held back."""


class _DryRun(Exception):
    """Raised at the end of a dry run's transaction to roll it back."""


def _import(db: Database, user: str, result: CsvImportResult, systems_path: Path | None, links_path: Path | None,
            replace_links: bool, accept_older: bool) -> None:
    with db.write() as session:
        edit = AuditedEdit(session, user)
        database_id = vendors.database_id(session=session)
        if systems_path is not None:
            result.systems = import_systems(session, edit, systems_path, database_id=database_id,
                                            accept_older=accept_older)
        if links_path is not None:
            result.links = import_links(session, edit, links_path, database_id=database_id,
                                        accept_older=accept_older, replace=replace_links)
        if not any(r.applied for r in result.reports) and any(r.held_back for r in result.reports):
            raise _NothingApplied  # rolls the transaction back: the database stays exactly as it was
        session.flush()
        result.changes_removed = change_store.delete_orphan_changes(session=session)
        if result.changes_removed:
            edit.log("change.delete", "interface_change", "links", new=f"{result.changes_removed} items")
        sync = sync_changes(session, edit=edit)
        result.changes_added, result.changes_unneeded = sync.created, sync.removed
        if result.dry_run:
            raise _DryRun  # everything counted; the transaction is rolled back
