"""Systems and links read back from CSV or the systems workbook, row by row against the database.

Rows are matched by their stamp (domain.row_stamp: the ID of the system or link they were exported from),
else by name (a system) or by provider and consumer (a link). A row that would change a system or link is
applied when the database still holds what the row was exported from; otherwise — changed since the export,
or a file without stamps — it is a conflict: listed with the fields where the database and the file differ,
applied only with ``accept_older``. A row with an edited stamp or a changed name is refused for that row.
Problems that make a file unusable (a bad date, an unknown system or operation) refuse it whole: nothing at
all is saved. The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session

from fitgap.domain.enums import DeadlineKind, MilestoneKind
from fitgap.domain.records import Problem
from fitgap.domain.row_stamp import (
    CHANGED_SINCE,
    CHANGED_SINCE_UNTOUCHED,
    NO_STAMP,
    OTHER_DATABASE,
    FileStamps,
    RowConflict,
    RowStamp,
    StampCheck,
    check_file_stamps,
    shown,
)
from fitgap.errors import InvalidInputError
from fitgap.importers import systems_csv as cols
from fitgap.importers.systems_csv import CsvResult, LinkRecord, SystemRecord, read_links_csv, read_systems_csv
from fitgap.services.system_graph import AuditedEdit
from fitgap.services.systems_stamp import (
    record_link_state,
    record_system_state,
    stored_link_state,
    stored_system_state,
)
from fitgap.storage import audit, operations, systems

MAX_PROBLEMS_SHOWN = 20
DELETED_SINCE = "書き出し後にデータベースから削除されています"
REMOVE_UNSTAMPED = ("ファイルにない連携です（--replace-links）。ファイルに書き出し時の版がなく、書き出し後に加えられた"
                    "連携でないか確かめられません")
REMOVE_CHANGED = "ファイルにない連携です（--replace-links）が、書き出し後にデータベースで追加・変更されています"
_SYSTEM_COLUMNS = {"vendor": cols.VENDOR, "kind": cols.KIND, "planned_cutover": cols.PLANNED,
                   "actual_cutover": cols.ACTUAL, "deadline_kind": cols.DEADLINE_KIND, "deadline": cols.DEADLINE,
                   "typical": cols.TYPICAL, "note": cols.NOTE}
_LINK_COLUMNS = {"data": cols.DATA, "method": cols.METHOD, "interim_interface": cols.INTERIM, "typical": cols.TYPICAL}

R = TypeVar("R", SystemRecord, LinkRecord)


class BadSystemRowsError(InvalidInputError):
    """The CSV has rows that cannot be used; nothing was saved."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        # a refusal of the whole file (unsafe, unreadable, too large …) is said with its own words and hint;
        # only rows that can be fixed one by one get "fix the rows"
        whole = [p for p in problems if p.row is None and p.sheet is None]
        hints = list(dict.fromkeys(p.hint for p in whole if p.hint))
        if len(problems) > len(whole):
            hints.append("該当する行を直してから、もう一度取り込んでください。")
        if whole and len(whole) == len(problems) == 1:
            message = f"{source} を取り込めません: {whole[0].message}"
            if "保存していません" not in message:
                message += " 何も保存していません。"
        else:
            shown_ = [f"  {p.message if p in whole else p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
            if len(problems) > MAX_PROBLEMS_SHOWN:
                shown_.append(f"  ほか {len(problems) - MAX_PROBLEMS_SHOWN}件")
            message = f"{source} に問題が {len(problems)}件あります。何も保存していません。\n" + "\n".join(shown_)
        super().__init__(message, " ".join(hints) or "ファイルの内容を確かめてください。")
        self.problems = problems


@dataclass
class CsvImportReport:
    source_file: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    stripped_chars: int = 0  # control and invisible characters removed from names and notes
    conflicts: list[RowConflict] = field(default_factory=list)  # not applied, unless accepted (then .applied)
    refused: list[Problem] = field(default_factory=list)  # rows with an edited stamp or name: not applied
    notices: list[str] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return len(self.added) + len(self.updated) + len(self.removed)

    @property
    def held_back(self) -> int:
        """Rows not applied: conflicts left as they are and refused rows."""
        return sum(1 for c in self.conflicts if not c.applied) + len(self.refused)

    @property
    def accepted_older(self) -> int:
        return sum(1 for c in self.conflicts if c.applied)


def _refuse(problems: list[Problem], parsed: CsvResult[Any]) -> None:
    if problems:
        for i, p in enumerate(problems):
            if p.sheet is None and parsed.sheet is not None and p.row is not None:
                problems[i] = Problem(p.message, p.hint, sheet=parsed.sheet, row=p.row, column=p.column)
        raise BadSystemRowsError(parsed.source_file, sorted(problems, key=lambda p: p.row or 0))


def _stamps(parsed: CsvResult[R], keys: Sequence[tuple[str, ...]], database_id: str, report: CsvImportReport,
            key_columns: str) -> FileStamps:
    """The rows' stamps, checked; a row with an edited stamp or key cells is listed in report.refused."""
    checked = check_file_stamps([r.stamp for r in parsed.records], keys, database_id=database_id)
    for r, key, verdict in zip(parsed.records, keys, checked.rows, strict=True):
        label = " → ".join(key)
        if verdict == StampCheck.KEY_CHANGED:
            report.refused.append(Problem(
                f"{label}: {key_columns}が書き出したときと違います。この行は取り込みません",
                f"{key_columns}は書き出したときのままにしてください。名前を変えるなら fitgap systems set --name を使い、"
                "新しく加えるなら行キーの空いた新しい行に書いてください。",
                sheet=parsed.sheet, row=r.row, file=None if parsed.sheet else parsed.source_file))
        elif verdict == StampCheck.BROKEN:
            report.refused.append(Problem(
                f"{label}: 行キーが書き出したときと違います。この行は取り込みません",
                "行キーは変更しないでください。書き出し直したファイルに記入し直してください。",
                sheet=parsed.sheet, row=r.row, file=None if parsed.sheet else parsed.source_file))
    return checked


def _notice(report: CsvImportReport, stamps: FileStamps) -> None:
    """Why rows were conflicts for want of stamps, once, where it made a difference."""
    notice = stamps.notice()
    if notice and any(c.reason in (NO_STAMP, OTHER_DATABASE, REMOVE_UNSTAMPED) for c in report.conflicts):
        report.notices.append(notice)


def _conflict(parsed: CsvResult[Any], row: int | None, label: str, stamp: RowStamp | StampCheck | None,
              stamps: FileStamps, i: int, untouched: bool, fields: list[tuple[str, str, str]],
              accept_older: bool) -> RowConflict:
    if isinstance(stamp, RowStamp):
        reason = CHANGED_SINCE_UNTOUCHED if untouched else CHANGED_SINCE
    else:
        reason = stamps.reason(i)
    return RowConflict(parsed.where(row), label, reason, tuple(fields), applied=accept_older)


# ---- systems --------------------------------------------------------------------------------------


def _check_systems(session: Session, records: list[SystemRecord], problems: list[Problem]) -> None:
    primary = {c: op.code for op in operations.list_operations(session=session) for c in op.all_codes()}
    for r in records:
        unknown = [c for c in r.operations if c not in primary]
        if unknown:
            problems.append(Problem(f"業務コード {'、'.join(unknown)} はありません。", "fitgap status --all で確かめてください。",
                                    row=r.row, column=cols.OPERATIONS))
        if r.deadline_kind == DeadlineKind.CUSTOM and r.deadline is None:
            problems.append(Problem("期限区分が個別設定なのに期限の日付がありません。", row=r.row, column=cols.DEADLINE))


def system_values(r: SystemRecord) -> dict[str, Any]:
    return {"name": r.name, "vendor": r.vendor, "kind": r.kind, "planned_cutover": r.planned_cutover,
            "actual_cutover": r.actual_cutover, "deadline_kind": r.deadline_kind, "deadline": r.deadline,
            "typical": r.typical, "note": r.note}


Point = tuple[date | None, date | None]


def _system_diff(row: Any, r: SystemRecord, codes: tuple[str, ...], ops: set[str],
                 ms: dict[MilestoneKind, Point]) -> tuple[dict[str, Any], bool, dict[MilestoneKind, Point]]:
    """What the file's row would change: fields, whether the operations, and milestones (kind → new)."""
    changed = {n: v for n, v in system_values(r).items() if n != "name" and getattr(row, n) != v}
    points = {m.kind: (m.planned, m.actual) for m in r.milestones or ()
              if ms.get(m.kind, (None, None)) != (m.planned, m.actual)}
    return changed, set(codes) != ops, points


def _system_fields(row: Any, changed: dict[str, Any], ops_changed: bool, codes: tuple[str, ...], ops: set[str],
                   points: dict[MilestoneKind, Point], ms: dict[MilestoneKind, Point]) -> list[tuple[str, str, str]]:
    fields = [(_SYSTEM_COLUMNS[n], shown(getattr(row, n)), shown(v)) for n, v in changed.items()]
    if ops_changed:
        fields.append((cols.OPERATIONS, shown(tuple(sorted(ops))), shown(codes)))
    for kind, (planned, actual) in points.items():
        before = ms.get(kind, (None, None))
        planned_col, actual_col = cols.milestone_columns(kind)
        if before[0] != planned:
            fields.append((planned_col, shown(before[0]), shown(planned)))
        if before[1] != actual:
            fields.append((actual_col, shown(before[1]), shown(actual)))
    return fields


def import_systems(session: Session, edit: AuditedEdit, path: Path, *, database_id: str,
                   accept_older: bool) -> CsvImportReport:
    """Add or update systems (systems not in the file stay as they are)."""
    parsed = read_systems_csv(path)
    report = CsvImportReport(source_file=parsed.source_file, stripped_chars=parsed.stripped_chars)
    problems = list(parsed.problems)
    _check_systems(session, parsed.records, problems)
    _refuse(problems, parsed)
    primary = {c: op.code for op in operations.list_operations(session=session) for c in op.all_codes()}
    by_name = {s.name: s for s in systems.list_systems(session=session)}
    by_id = {s.id: s for s in by_name.values()}
    current_ops: dict[int, set[str]] = {}
    for so in systems.list_system_operations(session=session):
        current_ops.setdefault(so.system_id, set()).add(so.operation_code)
    current_ms: dict[int, dict[MilestoneKind, Point]] = {}
    for m in systems.list_milestones(session=session):
        current_ms.setdefault(m.system_id, {})[m.kind] = (m.planned, m.actual)
    stamps = _stamps(parsed, [(r.name,) for r in parsed.records], database_id, report, cols.NAME)
    new: list[SystemRecord] = []
    for i, r in enumerate(parsed.records):
        stamp = stamps.rows[i]
        if isinstance(stamp, StampCheck):
            continue  # refused, listed
        codes = tuple(dict.fromkeys(primary[c] for c in r.operations))
        row = by_id.get(stamp.ids()[0]) if isinstance(stamp, RowStamp) else by_name.get(r.name)
        if isinstance(stamp, RowStamp) and row is None:  # exported, then deleted: adding it again undoes that
            report.conflicts.append(RowConflict(parsed.where(r.row), r.name, DELETED_SINCE, (), applied=accept_older))
            if not accept_older:
                continue
            row = by_name.get(r.name)
        if row is None:
            new.append(r)
            continue
        sid = row.id or 0
        ops, ms = current_ops.get(sid, set()), current_ms.get(sid, {})
        changed, ops_changed, points = _system_diff(row, r, codes, ops, ms)
        if not changed and not ops_changed and not points:
            report.unchanged += 1
            continue
        if not (isinstance(stamp, RowStamp) and stamp.state == stored_system_state(row, ops, ms)):
            untouched = isinstance(stamp, RowStamp) and record_system_state(r, codes, ms) == stamp.state
            report.conflicts.append(_conflict(parsed, r.row, row.name, stamp, stamps, i, untouched,
                                              _system_fields(row, changed, ops_changed, codes, ops, points, ms),
                                              accept_older))
            if not accept_older:
                continue
        for n, v in changed.items():
            edit.log("system.import", "system", row.name, n, getattr(row, n), v)
            setattr(row, n, v)
        session.add(row)
        if ops_changed:
            edit.log("system.import", "system", row.name, "operations", ",".join(sorted(ops)), ",".join(codes))
            systems.set_system_operations(session=session, system_id=sid, codes=codes)
        for kind, (planned, actual) in points.items():
            systems.set_milestone(session=session, system_id=sid, kind=kind, planned=planned, actual=actual)
            edit.log("milestone.import", "system", row.name, kind.value, ms.get(kind, (None, None)), (planned, actual))
        report.updated.append(row.name)
    ids = systems.insert_systems(session=session, rows=[system_values(r) for r in new])
    for r in new:
        sid = ids[r.name]
        systems.set_system_operations(session=session, system_id=sid,
                                      codes=tuple(dict.fromkeys(primary[c] for c in r.operations)))
        edit.log("system.import", "system", r.name, new=r.kind.value)
        for point in r.milestones or ():
            if point.planned is not None or point.actual is not None:
                systems.set_milestone(session=session, system_id=sid, kind=point.kind, planned=point.planned,
                                      actual=point.actual)
                edit.log("milestone.import", "system", r.name, point.kind.value, (None, None),
                         (point.planned, point.actual))
        report.added.append(r.name)
    _notice(report, stamps)
    return report


# ---- links ----------------------------------------------------------------------------------------


def link_values(r: LinkRecord) -> dict[str, Any]:
    return {"data": r.data, "method": r.method, "interim_interface": r.interim_interface, "typical": r.typical}


def import_links(session: Session, edit: AuditedEdit, path: Path, *, database_id: str, accept_older: bool,
                 replace: bool) -> CsvImportReport:
    """Add or update links; with ``replace`` the links not in the file go (those added or changed since the
    export, or any with a file without stamps, only with ``accept_older``)."""
    parsed = read_links_csv(path)
    report = CsvImportReport(source_file=parsed.source_file, stripped_chars=parsed.stripped_chars)
    problems = list(parsed.problems)
    ids = systems.system_ids_by_name(session=session)
    names = {sid: name for name, sid in ids.items()}
    existing = {(i.provider_id, i.consumer_id): i for i in systems.list_integrations(session=session)}
    stamps = _stamps(parsed, [(r.provider, r.consumer) for r in parsed.records], database_id, report,
                     f"{cols.PROVIDER}・{cols.CONSUMER}")
    for i, r in enumerate(parsed.records):
        if stamps.rows[i] is not None:
            continue  # found by its stamp (its systems may have been renamed since), or refused
        for column, name in ((cols.PROVIDER, r.provider), (cols.CONSUMER, r.consumer)):
            if name not in ids:
                problems.append(Problem(f"システム「{name}」はありません。",
                                        "先にシステムを登録するか（fitgap systems import）、名前を直してください。",
                                        row=r.row, column=column))
    _refuse(problems, parsed)
    seen: set[tuple[int, int]] = set()
    new_rows = []
    for i, r in enumerate(parsed.records):
        stamp = stamps.rows[i]
        if isinstance(stamp, StampCheck):
            continue  # refused, listed
        label = f"{r.provider} → {r.consumer}"
        pair = (ids[r.provider], ids[r.consumer]) if r.provider in ids and r.consumer in ids else None
        if isinstance(stamp, RowStamp):
            exported = (stamp.ids()[0], stamp.ids()[1])
            if exported in existing:
                pair = exported
            else:  # exported, then deleted: adding it again undoes that
                report.conflicts.append(RowConflict(parsed.where(r.row), label, DELETED_SINCE, (),
                                                    applied=accept_older and pair is not None))
                if not accept_older or pair is None:  # (a system of it is gone too: nothing to link)
                    continue
        if pair is None:
            continue  # (unreachable: rows without a stamp name known systems, checked above)
        seen.add(pair)
        key = f"{names[pair[0]]}→{names[pair[1]]}"
        values = link_values(r)
        row = existing.get(pair)
        if row is None:
            new_rows.append({"provider_id": pair[0], "consumer_id": pair[1], **values})
            edit.log("link.import", "integration", key, new=r.data)
            report.added.append(key)
            continue
        changed = {n: v for n, v in values.items() if getattr(row, n) != v}
        if not changed:
            report.unchanged += 1
            continue
        if not (isinstance(stamp, RowStamp) and stamp.state == stored_link_state(row)):
            untouched = isinstance(stamp, RowStamp) and record_link_state(r) == stamp.state
            fields = [(_LINK_COLUMNS[n], shown(getattr(row, n)), shown(v)) for n, v in changed.items()]
            report.conflicts.append(_conflict(parsed, r.row, label, stamp, stamps, i, untouched, fields,
                                              accept_older))
            if not accept_older:
                continue
        for n, v in changed.items():
            edit.log("link.import", "integration", key, n, getattr(row, n), v)
            setattr(row, n, v)
        session.add(row)
        report.updated.append(key)
    systems.insert_integrations(session=session, rows=new_rows)
    if replace:
        _remove_links(session, edit, report, parsed, stamps, existing, seen, names, accept_older)
    _notice(report, stamps)
    return report


def _remove_links(session: Session, edit: AuditedEdit, report: CsvImportReport, parsed: CsvResult[LinkRecord],
                  stamps: FileStamps, existing: dict[tuple[int, int], Any], seen: set[tuple[int, int]],
                  names: dict[int, str], accept_older: bool) -> None:
    """--replace-links: a link not in the file goes, unless it may be newer than the file (added or changed
    after the export by the audit log, or the file has no stamps to tell): then it is a conflict."""
    since = stamps.export() if stamps.stamped else None
    newer = audit.keys_changed_after(session=session, entity="integration", event_id=since) if since is not None else set()
    for pair in sorted(existing.keys() - seen):
        key = f"{names[pair[0]]}→{names[pair[1]]}"
        if since is None or key in newer:
            reason = REMOVE_UNSTAMPED if since is None else REMOVE_CHANGED
            report.conflicts.append(RowConflict(parsed.source_file, f"{names[pair[0]]} → {names[pair[1]]}", reason,
                                                (), applied=accept_older, removal=True))
            if not accept_older:
                continue
        systems.delete_integration(session=session, provider_id=pair[0], consumer_id=pair[1])
        edit.log("link.delete", "integration", key)
        report.removed.append(key)
