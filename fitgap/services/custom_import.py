"""Storing a current-function list (現行機能一覧): every row checked against the database first, then
all of it saved in one transaction, or nothing when any row has a problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fitgap.domain import custom as rules
from fitgap.domain.custom import FunctionRecord
from fitgap.domain.enums import Kubun
from fitgap.domain.records import Problem
from fitgap.errors import InvalidInputError
from fitgap.importers.custom_list import load_custom_profile, read_custom_list
from fitgap.services import custom_systems  # the systems graph loads only when a system is made
from fitgap.services.custom import ENTITY, FunctionKey
from fitgap.services.items import note_rule
from fitgap.storage import audit, custom, items, operations, systems
from fitgap.storage.db import Database

DESCRIPTIVE = ("name", "kind", "description", "department", "frequency", "basis", "basis_detail",
               "yearly_cost_kyen", "system_id")
DECISIONS = ("outside_spec", "disposition", "note", "target_system_id")


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

    @property
    def ok(self) -> bool:
        return not self.problems


class _Added:
    def __init__(self) -> None:
        self.added_systems: list[str] = []


def import_functions(*, db: Database, user: str, records: Sequence[FunctionRecord],
                     rows: Sequence[int | None] | None = None, demo: bool = False,
                     decisions: bool = True) -> CustomImportResult:
    """Add the functions that are new and update the ones already there (by operation and number).

    ``decisions``: the file carries the mapping and disposition columns, so they are applied too (an
    export edited and read back); otherwise only the descriptive columns are. Problems (unknown operation,
    system or requirement, a disposition on a covered function, a missing reason) are returned per row
    and nothing is saved.
    """
    result = CustomImportResult()
    row_of = list(rows) if rows is not None else [None] * len(records)
    with db.write() as session:
        ops = {o.code for o in operations.list_operations(session=session)}
        sys_ids = systems.system_ids_by_name(session=session)
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
        now = datetime.now(UTC)
        result.batch = audit.new_batch()
        events: list[dict[str, Any]] = []
        added = _Added()
        for rec in records:
            key = FunctionKey(rec.operation_code, rec.code)
            target = None
            if decisions and rec.target_system:
                target = custom_systems.ensure_separate_system(session, name=rec.target_system, operation_code=rec.operation_code,
                                                result=added, user=user)
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
            mapped = sorted(_req_key(rec, k, rid) for k, rid in rec.mapped)
            old = existing.get((rec.operation_code, rec.code))
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
            changed = {n: v for n, v in values.items() if _norm(getattr(old, n)) != _norm(v)}
            old_map = custom.mappings(session=session, function_ids=[old.id]).get(old.id, [])
            map_changed = decisions and sorted(old_map) != mapped
            if not changed and not map_changed:
                result.unchanged.append(key)
                continue
            if changed:
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
        return result


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
                       decisions: bool = True) -> CustomImportResult:
    """As import_functions, but a refused list comes back as a result with its problems (nothing saved)."""
    try:
        return import_functions(db=db, user=user, records=records, rows=rows, demo=demo, decisions=decisions)
    except _Refused as refused:
        return refused.result


def import_file(*, db: Database, user: str, path: Path, operation_code: str | None = None,
                mapping: Path | None = None) -> CustomImportResult:
    """Read a 現行機能一覧 (Excel or CSV) and store it, all or nothing; problems come back per row."""
    profile = load_custom_profile(mapping) if mapping is not None else None
    read = read_custom_list(path, operation_code=operation_code, profile=profile)
    if not read.ok:
        return CustomImportResult(problems=read.problems, stripped_chars=read.stripped_chars)
    result = import_or_problems(db=db, user=user, records=read.records, rows=read.rows,
                                decisions=read.has_decisions)
    result.stripped_chars = read.stripped_chars
    return result
