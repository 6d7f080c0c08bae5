"""Systems and links to and from CSV (UTF-8 with BOM, opens in Excel). Import is all or nothing."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from fitgap.domain.enums import DeadlineBasis, DeadlineKind, LinkMethod, MilestoneKind, SystemKind
from fitgap.domain.records import Problem
from fitgap.errors import InvalidInputError
from fitgap.importers import systems_csv as cols
from fitgap.importers.systems_csv import LinkRecord, SystemRecord, read_links_csv, read_systems_csv
from fitgap.reports.output_file import staged_file
from fitgap.reports.systems_workbook import write_systems_workbook
from fitgap.reports.xlsx_cells import csv_row
from fitgap.services.changes import sync_changes
from fitgap.services.systems import AuditedEdit, SystemView, list_links, list_systems
from fitgap.storage import changes as change_store
from fitgap.storage import operations, systems
from fitgap.storage.db import Database

MAX_PROBLEMS_SHOWN = 20
# Operation codes joined with the Japanese comma: "031、032" stays text in a spreadsheet ("031,032" is read
# as the number 31032); a lone "001" read as 1 gets its zeros back on import.
CODE_SEP = "、"
# The deadline that applies (the stored 期限区分 FY2025末 with no date follows the operations, e.g. to
# 2031-03-31): shown for reading, ignored on import (the stored columns stay as they are).
EFFECTIVE_DEADLINE = "適用される期限（参考・取込では無視）"
_EFFECTIVE_AT = cols.SYSTEM_COLUMNS.index(cols.DEADLINE) + 1


class BadSystemRowsError(InvalidInputError):
    """The CSV has rows that cannot be used; nothing was saved."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        shown = [f"  {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"  ほか {len(problems) - MAX_PROBLEMS_SHOWN}件")
        super().__init__(
            f"{source} に問題が {len(problems)}件あります。何も保存していません。\n" + "\n".join(shown),
            "該当する行を直してから、もう一度取り込んでください。",
        )
        self.problems = problems


@dataclass
class CsvImportReport:
    source_file: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    stripped_chars: int = 0  # control and invisible characters removed from names and notes


# ---- export ---------------------------------------------------------------------------------------


def _iso(d: date | None) -> str:
    return "" if d is None else d.isoformat()


def _system_rows(session: Session, effective: dict[str, str]) -> list[list[str]]:
    """The stored values, so an exported file imports back unchanged; beside them, for reading only, the
    deadline that applies (``effective``: by system name; a system following its operations says so)."""
    ops: dict[int, list[str]] = {}
    for so in systems.list_system_operations(session=session):
        ops.setdefault(so.system_id, []).append(so.operation_code)
    ms: dict[int, dict[MilestoneKind, Any]] = {}
    for m in systems.list_milestones(session=session):
        ms.setdefault(m.system_id, {})[m.kind] = m
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
            point = ms.get(sid, {}).get(k)
            cells += [_iso(point.planned if point else None), _iso(point.actual if point else None)]
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
    return (*cols.SYSTEM_COLUMNS[:_EFFECTIVE_AT], EFFECTIVE_DEADLINE, *cols.SYSTEM_COLUMNS[_EFFECTIVE_AT:])


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
        rows = _system_rows(session, effective)
    _write(path, _system_header(), rows)
    return len(rows)


def _link_rows(db: Database) -> list[list[str]]:
    return [
        [
            lk.provider,
            lk.consumer,
            lk.data,
            lk.method.value,
            "あり" if lk.interim_interface else "なし",
            cols.TYPICAL_MARK if lk.typical else "",
        ]
        for lk in list_links(db=db)
    ]


def export_workbook(*, db: Database, path: Path) -> tuple[int, int]:
    """Systems and links into one .xlsx (sheets システム and 連携): codes and dates as text cells,
    drop-downs for 区分, 期限区分, 方式, 暫定連携 and 典型例. Returns the numbers of systems and links."""
    if path.suffix.lower() != ".xlsx":
        raise InvalidInputError(f"{path.name}: ブックの書き出し先は .xlsx にしてください。",
                                "CSV なら --systems FILE.csv --links FILE.csv を指定してください。")
    effective = _effective_deadlines(db)
    with db.read() as session:
        system_rows = _system_rows(session, effective)
    link_rows = _link_rows(db)
    dates = [cols.PLANNED, cols.ACTUAL, cols.DEADLINE,
             *[c for k in MilestoneKind for c in cols.milestone_columns(k)]]
    write_systems_workbook(
        path,
        [(cols.SYSTEM_SHEET, _system_header(), system_rows), (cols.LINK_SHEET, cols.LINK_COLUMNS, link_rows)],
        choices={
            cols.KIND: [k.value for k in SystemKind], cols.DEADLINE_KIND: [k.value for k in DeadlineKind],
            cols.METHOD: [m.value for m in LinkMethod], cols.INTERIM: ["あり", "なし"],
            cols.TYPICAL: [cols.TYPICAL_MARK, ""],
        },
        text_columns=[cols.OPERATIONS, *dates],
    )
    return len(system_rows), len(link_rows)


def export_links_csv(*, db: Database, path: Path) -> int:
    rows = _link_rows(db)
    _write(path, cols.LINK_COLUMNS, rows)
    return len(rows)


# ---- import ---------------------------------------------------------------------------------------


def _check_systems(session: Session, records: list[SystemRecord], problems: list[Problem]) -> None:
    primary = {c: op.code for op in operations.list_operations(session=session) for c in op.all_codes()}
    for r in records:
        unknown = [c for c in r.operations if c not in primary]
        if unknown:
            problems.append(
                Problem(
                    f"業務コード {'、'.join(unknown)} はありません。",
                    "fitgap status --all で確かめてください。",
                    row=r.row,
                    column=cols.OPERATIONS,
                )
            )
        if r.deadline_kind == DeadlineKind.CUSTOM and r.deadline is None:
            problems.append(
                Problem("期限区分が個別設定なのに期限の日付がありません。", row=r.row, column=cols.DEADLINE)
            )


@dataclass
class CsvImportResult:
    systems: CsvImportReport | None = None
    links: CsvImportReport | None = None
    changes_added: int = 0  # 改修 items created for links that now cross a cut-over
    changes_removed: int = 0  # 改修 items removed with their link (--replace-links)


def import_csv(
    *,
    db: Database,
    user: str,
    systems_path: Path | None = None,
    links_path: Path | None = None,
    replace_links: bool = False,
) -> CsvImportResult:
    """Import systems, then links (which may name systems of the systems file), in one transaction.

    Every row of a file is checked before anything is written; with any problem nothing at all is saved
    and BadSystemRowsError lists every problem with its row.
    """
    if systems_path is None and links_path is None:
        raise InvalidInputError(
            "取り込む CSV が指定されていません。", "--systems FILE か --links FILE を指定してください。"
        )
    result = CsvImportResult()
    with db.write() as session:
        edit = AuditedEdit(session, user)
        if systems_path is not None:
            result.systems = _import_systems(session, edit, systems_path)
        if links_path is not None:
            result.links = _import_links(session, edit, links_path, replace=replace_links)
        session.flush()
        result.changes_removed = change_store.delete_orphan_changes(session=session)
        if result.changes_removed:
            edit.log("change.delete", "interface_change", "links", new=f"{result.changes_removed} items")
        result.changes_added = sync_changes(session, edit=edit)
    return result


def _import_systems(session: Session, edit: AuditedEdit, path: Path) -> CsvImportReport:
    """Add or update systems (matched by name; systems not in the file stay as they are)."""
    parsed = read_systems_csv(path)
    report = CsvImportReport(source_file=parsed.source_file, stripped_chars=parsed.stripped_chars)
    problems = list(parsed.problems)
    _check_systems(session, parsed.records, problems)
    if problems:
        raise BadSystemRowsError(parsed.source_file, sorted(problems, key=lambda p: p.row or 0))
    primary = {c: op.code for op in operations.list_operations(session=session) for c in op.all_codes()}
    existing = {s.name: s for s in systems.list_systems(session=session)}
    current_ops: dict[int, set[str]] = {}
    for so in systems.list_system_operations(session=session):
        current_ops.setdefault(so.system_id, set()).add(so.operation_code)
    new = [r for r in parsed.records if r.name not in existing]
    ids = systems.insert_systems(session=session, rows=[_system_values(r) for r in new])
    for r in parsed.records:
        codes = tuple(dict.fromkeys(primary[c] for c in r.operations))
        if r.name not in existing:
            sid = ids[r.name]
            systems.set_system_operations(session=session, system_id=sid, codes=codes)
            edit.log("system.import", "system", r.name, new=r.kind.value)
            report.added.append(r.name)
            changed = True
        else:
            row = existing[r.name]
            sid = row.id or 0
            changed = False
            for field_name, value in _system_values(r).items():
                if field_name != "name" and getattr(row, field_name) != value:
                    edit.log("system.import", "system", r.name, field_name, getattr(row, field_name), value)
                    setattr(row, field_name, value)
                    changed = True
            session.add(row)
            if set(codes) != current_ops.get(sid, set()):
                edit.log(
                    "system.import",
                    "system",
                    r.name,
                    "operations",
                    ",".join(sorted(current_ops.get(sid, set()))),
                    ",".join(codes),
                )
                systems.set_system_operations(session=session, system_id=sid, codes=codes)
                changed = True
        if r.milestones is not None:
            changed = _import_milestones(session, edit, sid, r) or changed
        if r.name not in existing:
            continue
        if changed:
            report.updated.append(r.name)
        else:
            report.unchanged += 1
    return report


def _system_values(r: SystemRecord) -> dict[str, Any]:
    return {
        "name": r.name,
        "vendor": r.vendor,
        "kind": r.kind,
        "planned_cutover": r.planned_cutover,
        "actual_cutover": r.actual_cutover,
        "deadline_kind": r.deadline_kind,
        "deadline": r.deadline,
        "typical": r.typical,
        "note": r.note,
    }


def _import_milestones(session: Session, edit: AuditedEdit, sid: int, r: SystemRecord) -> bool:
    current = {m.kind: (m.planned, m.actual) for m in systems.list_milestones(session=session, system_id=sid)}
    changed = False
    for m in r.milestones or ():
        before = current.get(m.kind, (None, None))
        if before != (m.planned, m.actual):
            systems.set_milestone(
                session=session, system_id=sid, kind=m.kind, planned=m.planned, actual=m.actual
            )
            edit.log("milestone.import", "system", r.name, m.kind.value, before, (m.planned, m.actual))
            changed = True
    return changed


def _import_links(session: Session, edit: AuditedEdit, path: Path, *, replace: bool) -> CsvImportReport:
    """Add or update links (matched by provider → consumer); with ``replace`` links not in the file go."""
    parsed = read_links_csv(path)
    report = CsvImportReport(source_file=parsed.source_file, stripped_chars=parsed.stripped_chars)
    problems = list(parsed.problems)
    ids = systems.system_ids_by_name(session=session)
    for r in parsed.records:
        for column, name in ((cols.PROVIDER, r.provider), (cols.CONSUMER, r.consumer)):
            if name not in ids:
                problems.append(
                    Problem(
                        f"システム「{name}」はありません。",
                        "先にシステムを登録するか（fitgap systems import）、名前を直してください。",
                        row=r.row,
                        column=column,
                    )
                )
    if problems:
        raise BadSystemRowsError(parsed.source_file, sorted(problems, key=lambda p: p.row or 0))
    existing = {(i.provider_id, i.consumer_id): i for i in systems.list_integrations(session=session)}
    names = {sid: name for name, sid in ids.items()}
    seen = set()
    new_rows = []
    for r in parsed.records:
        pair = (ids[r.provider], ids[r.consumer])
        seen.add(pair)
        key = f"{r.provider}→{r.consumer}"
        values = _link_values(r)
        row = existing.get(pair)
        if row is None:
            new_rows.append({"provider_id": pair[0], "consumer_id": pair[1], **values})
            edit.log("link.import", "integration", key, new=r.data)
            report.added.append(key)
            continue
        changed = False
        for field_name, value in values.items():
            if getattr(row, field_name) != value:
                edit.log("link.import", "integration", key, field_name, getattr(row, field_name), value)
                setattr(row, field_name, value)
                changed = True
        session.add(row)
        if changed:
            report.updated.append(key)
        else:
            report.unchanged += 1
    systems.insert_integrations(session=session, rows=new_rows)
    if replace:
        for pair in existing.keys() - seen:
            key = f"{names[pair[0]]}→{names[pair[1]]}"
            systems.delete_integration(session=session, provider_id=pair[0], consumer_id=pair[1])
            edit.log("link.delete", "integration", key)
            report.removed.append(key)
    return report


def _link_values(r: LinkRecord) -> dict[str, Any]:
    return {
        "data": r.data,
        "method": r.method,
        "interim_interface": r.interim_interface,
        "typical": r.typical,
    }
