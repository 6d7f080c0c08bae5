"""Storing a current-function list (現行機能一覧): every row checked against the database first, then
saved in one transaction, or nothing when any row has a problem.

A row changed in the database since the workbook was exported is a conflict: listed with the fields where
the database and the file differ, and not applied unless the user accepts the older file (accept_older).
The inventory workbook fitgap writes shows that by its rows' stamps (domain.row_stamp); a list without them
(a vendor's list, an own spreadsheet, an inventory written by an older fitgap) cannot show it, so its rows
that would change a function already in the database are conflicts in the same way. A stamp that was edited,
or a row whose 業務コード or 機能番号 was changed, is refused for that row with its place. New functions and
rows whose database row is as exported are applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from fitgap.domain import custom as rules
from fitgap.domain import dispositions as decision_rules
from fitgap.domain.custom import FunctionRecord
from fitgap.domain.enums import Kubun
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
from fitgap.importers.custom_list import header_of, load_custom_profile, read_custom_list
from fitgap.services import bpr, custom_systems  # the systems graph loads only when a system is made
from fitgap.services.custom import ENTITY, FunctionKey
from fitgap.services.custom_stamp import record_state, stored_state
from fitgap.services.items import note_rule
from fitgap.storage import audit, custom, items, operations, systems, vendors
from fitgap.storage.db import Database

DESCRIPTIVE = ("name", "kind", "description", "department", "frequency", "basis", "basis_detail",
               "yearly_cost_kyen", "system_id")
DECISIONS = ("outside_spec", "disposition", "note", "target_system_id")
_COLUMN = {"name": "name", "kind": "kind", "description": "description", "department": "department",
           "frequency": "frequency", "basis": "basis", "basis_detail": "basis_detail",
           "yearly_cost_kyen": "yearly_cost_kyen", "system_id": "system", "outside_spec": "outside_spec",
           "disposition": "disposition", "note": "note", "target_system_id": "target_system", "mapped": "mapped"}
DELETED_SINCE = "書き出し後にデータベースから削除されています"


@dataclass
class CustomImportResult:
    added: list[FunctionKey] = field(default_factory=list)
    updated: list[FunctionKey] = field(default_factory=list)
    unchanged: list[FunctionKey] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    added_systems: list[str] = field(default_factory=list)
    mapped: int = 0  # mappings written
    batch: str | None = None
    stripped_chars: int = 0  # control and invisible characters removed from the file's cells
    conflicts: list[RowConflict] = field(default_factory=list)  # not applied, unless accepted (then .applied)
    refused: list[Problem] = field(default_factory=list)  # rows with an edited stamp or key cells: not applied
    notices: list[str] = field(default_factory=list)
    bpr: Any = None  # services.bpr.BprResult: the 業務見直し items the imported decisions created or left

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def applied(self) -> int:
        return len(self.added) + len(self.updated)

    @property
    def accepted_older(self) -> int:
        return sum(1 for c in self.conflicts if c.applied)

    @property
    def held_back(self) -> int:
        """Rows of the file not applied: conflicts left as they are and refused rows."""
        return sum(1 for c in self.conflicts if not c.applied) + len(self.refused)


class _Added:
    def __init__(self) -> None:
        self.added_systems: list[str] = []


@dataclass(frozen=True)
class FileRows:
    """Where each record of a file stands and what stamp it carries (parallel to the records)."""

    rows: Sequence[int | None]
    sheets: Sequence[str | None]
    stamps: Sequence[str]
    source: str = ""


def _where(rows: FileRows, i: int) -> str:
    sheet, row = rows.sheets[i], rows.rows[i]
    at = f"{row}行目" if row is not None else ""
    return f"シート「{sheet}」 {at}".strip() if sheet else f"{rows.source} {at}".strip()


def import_functions(*, db: Database, user: str, records: Sequence[FunctionRecord],
                     rows: Sequence[int | None] | None = None, demo: bool = False,
                     decisions: bool = True, file_rows: FileRows | None = None,
                     accept_older: bool = False) -> CustomImportResult:
    """Add the functions that are new and update the ones already there (by operation and number).

    ``decisions``: the file carries the mapping and disposition columns, so they are applied too (an
    export edited and read back); otherwise only the descriptive columns are. Problems (unknown operation,
    system or requirement, a disposition on a covered function, a missing reason) are returned per row
    and nothing is saved. ``file_rows``: the records come from a file, where each stands and its stamp;
    then a row that would change a function changed since the export (or whose file shows no export) is a
    conflict, applied only with ``accept_older``. Without ``file_rows`` (typed records, the demo) every
    record applies.
    """
    with db.write() as session:
        return import_functions_in(session, user=user, records=records, rows=rows, demo=demo, decisions=decisions,
                                   file_rows=file_rows, accept_older=accept_older)


def import_functions_in(session: Session, *, user: str, records: Sequence[FunctionRecord],
                        rows: Sequence[int | None] | None = None, demo: bool = False, decisions: bool = True,
                        file_rows: FileRows | None = None, accept_older: bool = False) -> CustomImportResult:
    """:func:`import_functions` in the caller's write transaction (the demo makes its lists and inventory in one)."""
    result = CustomImportResult()
    row_of = list(rows) if rows is not None else [None] * len(records)
    ops = {o.code for o in operations.list_operations(session=session)}
    sys_ids = systems.system_ids_by_name(session=session)
    names = {sid: name for name, sid in sys_ids.items()}
    required = note_rule(session)
    wanted = sorted({_req_key(rec, k, rid) for rec in records for k, rid in rec.mapped})
    reqs = {(r.operation_code, str(r.kind), r.req_id): r for r in items.rows_for_keys(session=session, keys=wanted)}
    existing = custom.functions_by_code(session=session, keys=[(r.operation_code, r.code) for r in records])
    old_maps = custom.mappings(session=session, function_ids=[f.id for f in existing.values()])
    kept = {k: set(old_maps.get(f.id, [])) for k, f in existing.items()}  # may name removed requirements
    seen: dict[tuple[str, str], int | None] = {}
    for rec, row in zip(records, row_of, strict=True):
        if (rec.operation_code, rec.code) in seen:
            where = seen[(rec.operation_code, rec.code)]
            result.problems.append(Problem(
                f"{rec.code}: 機能番号が重複しています" + (f"（{where}行目と同じ）" if where else ""),
                "機能番号を業務ごとに一意にしてください。", row=row, column="機能番号"))
        seen[(rec.operation_code, rec.code)] = row
        _check(rec, row, ops=ops, sys_ids=sys_ids, reqs=reqs, required=required, decisions=decisions,
               problems=result.problems, kept=kept.get((rec.operation_code, rec.code), set()))
    if result.problems:
        raise _Refused(result)
    stamps = _stamps(file_rows, records, vendors.database_id(session=session), result) if file_rows else None
    # (with no file, typed records and the demo apply as they are)
    now = datetime.now(UTC)
    result.batch = audit.new_batch()
    events: list[dict[str, Any]] = []
    added = _Added()
    before = {k: (rules.CustomDisposition(f.disposition) if f.disposition else None) for k, f in existing.items()}  # for the 業務見直し register
    for i, rec in enumerate(records):
        key = FunctionKey(rec.operation_code, rec.code)
        stamp: RowStamp | StampCheck | None = None
        if stamps is not None:
            stamp = stamps.rows[i]
            if isinstance(stamp, StampCheck):
                continue  # refused, listed
        mapped = sorted(_req_key(rec, k, rid) for k, rid in rec.mapped)
        old = existing.get((rec.operation_code, rec.code))
        if isinstance(stamp, RowStamp) and old is None:
            # exported, then removed from the database: adding it again would undo that
            assert file_rows is not None
            conflict = RowConflict(_where(file_rows, i), str(key), DELETED_SINCE, (), applied=accept_older)
            result.conflicts.append(conflict)
            if not accept_older:
                continue
        target = None
        if decisions and rec.target_system:
            target = sys_ids.get(rec.target_system)
            if target is None and old is None:
                target = custom_systems.ensure_separate_system(
                    session, name=rec.target_system, operation_code=rec.operation_code, result=added, user=user)
        values: dict[str, Any] = {
            "name": rec.name, "kind": rec.kind.value, "description": rec.description,
            "department": rec.department, "frequency": rec.frequency,
            "basis": rec.basis.value if rec.basis else None, "basis_detail": rec.basis_detail,
            "yearly_cost_kyen": rec.yearly_cost_kyen, "system_id": sys_ids.get(rec.system) if rec.system else None,
        }
        if decisions:
            values.update({"outside_spec": rec.outside_spec and not rec.mapped,
                           "disposition": rec.disposition.value if rec.disposition else None,
                           "note": rec.note, "target_system_id": target})
        if old is None:
            ids = custom.insert_functions(session=session, rows=[{
                "operation_code": rec.operation_code, "code": rec.code, **values, "updated_by": user,
                "updated_at": now, "revision": 1, "demo": demo}])
            fid = ids[(rec.operation_code, rec.code)]
            if decisions and mapped:
                custom.set_mappings(session=session, function_id=fid, keys=mapped)
                result.mapped += len(mapped)
            events.append(_event(now, user, result.batch, key, "add", None, rec.name))
            result.added.append(key)
            continue
        old_map = old_maps.get(old.id, [])
        if decisions and rec.target_system and target is None:
            target = -1  # a system not there yet: made below, once the row is known to apply
            values["target_system_id"] = target
        changed = {n: v for n, v in values.items() if _norm(getattr(old, n)) != _norm(v)}
        map_changed = decisions and sorted(old_map) != mapped
        if not changed and not map_changed:
            result.unchanged.append(key)
            continue
        if file_rows is not None:
            fresh = isinstance(stamp, RowStamp) and stamp.state == stored_state(old, old_map, names)
            if not fresh:
                assert stamps is not None
                conflict = _conflict(file_rows, i, key, stamp, stamps.reason(i), rec, old, old_map, mapped,
                                     changed, names, accept_older)
                result.conflicts.append(conflict)
                if not accept_older:
                    continue
        if target == -1:
            target = custom_systems.ensure_separate_system(
                session, name=str(rec.target_system), operation_code=rec.operation_code, result=added, user=user)
            changed["target_system_id"] = target
            if old.target_system_id == target:  # a part of its name, matched
                del changed["target_system_id"]
                if not changed and not map_changed:
                    result.unchanged.append(key)
                    continue
        # a change of the mappings alone bumps the revision too: the workbench's edits check it
        custom.update_function(session=session, function_id=old.id,
                               values={**changed, "updated_by": user, "updated_at": now})
        for n, v in changed.items():
            events.append(_event(now, user, result.batch, key, n, _norm(getattr(old, n)), _norm(v)))
        if map_changed:
            custom.set_mappings(session=session, function_id=old.id, keys=mapped)
            result.mapped += len(mapped)
            events.append(_event(now, user, result.batch, key, "mapped", "|".join(":".join(k) for k in old_map),
                                 "|".join(":".join(k) for k in mapped)))
        result.updated.append(key)
    audit.record_many(session=session, rows=events)
    result.added_systems = added.added_systems
    if decisions and result.batch:
        _sync_bpr(session, user=user, batch=result.batch, records=records, before=before, result=result)
    notice = stamps.notice() if stamps is not None else None
    if notice and any(c.reason in (NO_STAMP, OTHER_DATABASE) for c in result.conflicts):
        result.notices.append(notice)  # (said where it made a difference)
    if not result.applied:
        result.batch = None
    return result


def _sync_bpr(session: Session, *, user: str, batch: str, records: Sequence[FunctionRecord],
              before: dict[tuple[str, str], Any], result: CustomImportResult) -> None:
    """Functions whose imported decision now changes the work join a 業務見直し item (one new item per operation
    for the file); those whose decision no longer does leave theirs."""
    applied = {(k.operation_code, k.code) for k in [*result.added, *result.updated]}
    attach, detach = [], []
    for rec in records:
        k = (rec.operation_code, rec.code)
        if k not in applied:
            continue
        old, new = before.get(k), rec.disposition
        target = bpr.Target(rec.operation_code, bpr.FUNCTION_KIND, rec.code)
        if decision_rules.changes_work(new) and not decision_rules.changes_work(old):
            attach.append((target, rec.name))
        elif decision_rules.changes_work(old) and not decision_rules.changes_work(new):
            detach.append(target)
    if attach or detach:
        joined = bpr.attach_in(session, user=user, batch=batch, targets=attach, join=None,
                               today=datetime.now(UTC).date())
        left = bpr.detach_in(session, user=user, batch=batch, targets=detach)
        joined.unlinked, joined.emptied = left.unlinked, left.emptied
        result.bpr = joined


def _stamps(file_rows: FileRows, records: Sequence[FunctionRecord], database_id: str,
            result: CustomImportResult) -> FileStamps:
    """The rows' stamps, checked; refused rows (an edited stamp or key cells) listed in result.refused."""
    checked = check_file_stamps(file_rows.stamps, [(r.operation_code, r.code) for r in records],
                                database_id=database_id)
    for i, (rec, verdict) in enumerate(zip(records, checked.rows, strict=True)):
        if verdict == StampCheck.KEY_CHANGED:
            result.refused.append(_refusal(
                file_rows, i, rec, f"{header_of('operation_code')}・{header_of('code')} が書き出したときと違います",
                "キーの列は変えずに戻してください。別の機能として加えるなら、行キーの空いた新しい行に書いてください。"))
        elif verdict == StampCheck.BROKEN:
            result.refused.append(_refusal(file_rows, i, rec, "行キー（隠し列）が書き出したときと違います"))
    return checked


def _refusal(file_rows: FileRows, i: int, rec: FunctionRecord, message: str,
             hint: str = "隠し列の行キーは変更しないでください。書き出し直したブックに記入し直してください。") -> Problem:
    return Problem(f"{rec.operation_code}:{rec.code}: {message}。この行は取り込みません", hint,
                   sheet=file_rows.sheets[i], row=file_rows.rows[i],
                   file=None if file_rows.sheets[i] else file_rows.source or None)


def _conflict(file_rows: FileRows, i: int, key: FunctionKey, stamp: RowStamp | StampCheck | None, why: str,
              rec: FunctionRecord, old: Any, old_map: list[Any], mapped: list[Any], changed: dict[str, Any],
              names: dict[int, str], accept_older: bool) -> RowConflict:
    if isinstance(stamp, RowStamp):
        untouched = record_state(rec, mapped) == stamp.state
        reason = CHANGED_SINCE_UNTOUCHED if untouched else CHANGED_SINCE
    else:
        reason = why
    fields = []
    for n, v in changed.items():
        before = getattr(old, n)
        if n == "system_id":
            before, v = names.get(before) if before else None, rec.system
        elif n == "target_system_id":
            before, v = names.get(before) if before else None, rec.target_system
        fields.append((header_of(_COLUMN[n]), shown(_norm(before)), shown(_norm(v))))
    if sorted(old_map) != mapped:
        fields.append((header_of("mapped"), shown(tuple(":".join(k) for k in old_map)),
                       shown(tuple(":".join(k) for k in mapped))))
    return RowConflict(_where(file_rows, i), str(key), reason, tuple(fields), applied=accept_older)


class _Refused(InvalidInputError):
    def __init__(self, result: CustomImportResult) -> None:
        super().__init__(f"現行機能一覧に問題が {len(result.problems)} 件あります。何も保存していません。",
                         "行ごとの問題を直してから、もう一度取り込んでください。")
        self.result = result


def _req_key(rec: FunctionRecord, kind: str, rid: str) -> tuple[str, str, str]:
    if rid.count(":") >= 2:
        op, k, r = rid.split(":", 2)
        return (op, k, r)
    return (rec.operation_code, kind, rid)


def _norm(value: Any) -> Any:
    if hasattr(value, "value"):
        return value.value
    if value == "":
        return ""
    return value


def _event(at: datetime, user: str, batch: str, key: FunctionKey, field_name: str, old: Any, new: Any) -> dict[str, Any]:
    return {"at": at, "user": user, "batch": batch, "action": "custom.import", "entity": ENTITY,
            "entity_key": key.audit_key, "field": field_name, "old_value": None if old is None else str(old),
            "new_value": None if new is None else str(new)}


def _check(rec: FunctionRecord, row: int | None, *, ops: set[str], sys_ids: dict[str, int], reqs: dict[Any, Any],
           required: Any, decisions: bool, problems: list[Problem], kept: set[Any]) -> None:
    def bad(message: str, hint: str = "", column: str | None = None) -> None:
        problems.append(Problem(f"{rec.code}: {message}", hint, row=row, column=column))

    if rec.operation_code not in ops:
        bad(f"業務コード {rec.operation_code!r} はありません", "fitgap operations で業務コードを確かめてください。", "業務コード")
        return
    if rec.system and rec.system not in sys_ids:
        bad(f"システム「{rec.system}」はありません", "fitgap systems list の名前にするか、先に追加してください。", "システム")
    if not decisions:
        return
    kubuns = []
    for kind, rid in rec.mapped:
        k = _req_key(rec, kind, rid)
        if k not in reqs and k in kept:
            continue  # already mapped, its requirement gone from the current version: kept as it was
        if k not in reqs:
            bad(f"要件 {k[1]} {k[2]}（業務 {k[0]}）は現行の版にありません", "種別（機能/帳票）と ID を確かめてください。", "対応要件")
        else:
            kubuns.append(Kubun(reqs[k].kubun))
    if rec.mapped and rec.outside_spec:
        bad("対応要件があるのに標準外になっています", "どちらか一方にしてください。", "標準外")
    cov = rules.coverage(mapped=len(rec.mapped), outside_spec=rec.outside_spec)
    if rec.disposition is not None and not rules.needs_disposition(cov, rules.is_reverse_gap(kubuns)):
        bad(f"対応方針（{rec.disposition.value}）は標準外または要廃止の機能にだけ書けます（{cov.value}）",
            "標準外に印を付けるか、対応方針を消してください。", "対応方針")
    if rules.note_missing(rec.disposition, rec.note, required):
        bad(f"{rec.disposition.value if rec.disposition else ''} には理由が必要です", "理由の列に書いてください。", "理由")
    if rec.target_system and rec.disposition != rules.CustomDisposition.SEPARATE_SYSTEM:
        bad("移行先システムは対応方針が独自施策システムのときだけ書けます", "", "移行先システム")


def import_or_problems(*, db: Database, user: str, records: Sequence[FunctionRecord],
                       rows: Sequence[int | None] | None = None, demo: bool = False,
                       decisions: bool = True, file_rows: FileRows | None = None,
                       accept_older: bool = False) -> CustomImportResult:
    """As import_functions, but a refused list comes back as a result with its problems (nothing saved)."""
    try:
        return import_functions(db=db, user=user, records=records, rows=rows, demo=demo, decisions=decisions,
                                file_rows=file_rows, accept_older=accept_older)
    except _Refused as refused:
        return refused.result


def import_file(*, db: Database, user: str, path: Path, operation_code: str | None = None,
                mapping: Path | None = None, accept_older: bool = False) -> CustomImportResult:
    """Read a 現行機能一覧 (Excel or CSV) and store it; problems come back per row (then nothing is saved),
    and so do the conflicts and refused rows (the rest is saved)."""
    profile = load_custom_profile(mapping) if mapping is not None else None
    read = read_custom_list(path, operation_code=operation_code, profile=profile)
    if not read.ok:
        return CustomImportResult(problems=read.problems, stripped_chars=read.stripped_chars)
    file_rows = FileRows(rows=read.rows, sheets=read.sheets, stamps=read.stamps, source=path.name)
    result = import_or_problems(db=db, user=user, records=read.records, rows=read.rows,
                                decisions=read.has_decisions, file_rows=file_rows, accept_older=accept_older)
    result.stripped_chars = read.stripped_chars
    return result
