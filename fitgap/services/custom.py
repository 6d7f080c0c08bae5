"""独自機能: the inventory of the current system's functions, their mapping to the spec and their
dispositions. Listing, counting, editing with audit events, undo and redo.

Every call is one transaction with its audit events under one batch id. Bad input (an unknown
requirement, a disposition on a covered function, a missing reason) changes nothing and says why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlmodel import Session

from fitgap.domain import custom as rules
from fitgap.domain import dispositions as decision_rules
from fitgap.domain.custom import Coverage, CustomDisposition, FunctionKind, LegalBasis
from fitgap.domain.enums import Kubun, Status
from fitgap.domain.text import search_form
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.services import bpr, custom_systems  # the systems graph loads only when a system is made
from fitgap.services.bpr import BprResult
from fitgap.services.items import ItemKey, note_rule
from fitgap.services.system_graph import match_system
from fitgap.storage import audit, custom, items, systems
from fitgap.storage.db import Database

ENTITY = "current_function"
FIELDS = ("outside_spec", "mapped", "disposition", "note", "target_system_id")


# the decisions that name the system that takes the function over
SYSTEM_DECISIONS = (CustomDisposition.SEPARATE_SYSTEM, CustomDisposition.EXISTING_SYSTEM, CustomDisposition.STANDARD_LINK)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


class FunctionKey(NamedTuple):
    """A current function: its operation and its number in the municipality's list."""

    operation_code: str
    code: str

    def __str__(self) -> str:
        return f"{self.operation_code}:{self.code}"

    @property
    def audit_key(self) -> str:
        return f"{self.operation_code}:独自:{self.code}"

    @classmethod
    def parse(cls, text: str) -> FunctionKey:
        op, _, code = text.partition(":")
        if not code:
            raise InvalidInputError(f"現行機能 {text!r} の指定が読めません。", "業務コード:機能番号 の形で指定してください（例 001:F-001）。")
        return cls(op.strip(), code.strip())


@dataclass(frozen=True, slots=True)
class MappedRequirement:
    key: ItemKey
    name: str
    kubun: Kubun | None  # None: no longer in the current version
    status: Status | None
    implemented: bool = False  # a vendor answered 標準で対応 (what a 標準オプション needs besides adoption)

    @property
    def confirmed(self) -> bool:
        return rules.option_confirmed(self.status, self.implemented)


@dataclass(frozen=True, slots=True)
class FunctionRow:
    key: FunctionKey
    name: str
    kind: FunctionKind
    department: str
    frequency: str
    basis: LegalBasis | None
    yearly_cost_kyen: float | None
    system: str | None
    coverage: Coverage
    mapped: tuple[MappedRequirement, ...]
    reverse_gap: bool
    disposition: CustomDisposition | None
    note: str
    target_system: str | None
    revision: int
    demo: bool
    option_pending: bool = False  # covered only by 標準オプション not adopted and implemented yet
    owner_department: str = ""  # the 担当課 in charge of its decision (fitgap assign)

    @property
    def undecided(self) -> bool:
        return rules.is_undecided(self.coverage, self.reverse_gap, self.disposition, self.option_pending)

    @property
    def verdict(self) -> str:
        """What the row says at a glance: 要廃止, the disposition, 要判断 or the coverage."""
        if self.disposition is not None and self.disposition != CustomDisposition.UNDECIDED:
            return self.disposition.value
        if self.reverse_gap:
            return rules.REVERSE_GAP
        if self.option_pending:
            return "オプション採用待ち"
        if self.undecided:
            return "要判断"
        return self.coverage.value


@dataclass(frozen=True)
class FunctionFilter:
    operation_code: str | None = None
    coverage: frozenset[Coverage] = frozenset()
    dispositions: frozenset[CustomDisposition | None] = frozenset()
    undecided: bool | None = None
    reverse_gap: bool | None = None
    text: str = ""
    owner_department: str | None = None  # "my items": the functions assigned to this 担当課

    def matches(self, row: FunctionRow, description: str) -> bool:
        if self.operation_code and row.key.operation_code != self.operation_code:
            return False
        if self.owner_department is not None and row.owner_department != self.owner_department:
            return False
        if self.coverage and row.coverage not in self.coverage:
            return False
        if self.dispositions and row.disposition not in self.dispositions:
            return False
        if self.undecided is not None and row.undecided != self.undecided:
            return False
        if self.reverse_gap is not None and row.reverse_gap != self.reverse_gap:
            return False
        if self.text:
            hay = search_form(" ".join((row.key.code, row.name, description, row.department, row.note)))
            return all(t in hay for t in search_form(self.text).split())
        return True


@dataclass(frozen=True)
class FunctionDetail:
    row: FunctionRow
    description: str
    basis_detail: str
    history: list[audit.AuditEvent]


@dataclass
class CustomCounts:
    """Per operation: how far the inventory is."""

    total: int = 0
    unchecked: int = 0
    in_spec: int = 0
    outside: int = 0
    reverse_gap: int = 0
    undecided: int = 0
    by_disposition: Counter[str] = field(default_factory=Counter)

    @property
    def decided(self) -> int:
        return self.outside + self.reverse_gap - self.undecided


@dataclass(frozen=True)
class CustomConflict:
    key: FunctionKey
    expected: int | None
    current: FunctionRow


@dataclass
class CustomUpdateResult:
    batch: str | None = None
    changed: list[FunctionKey] = field(default_factory=list)
    unchanged: list[FunctionKey] = field(default_factory=list)
    conflicts: list[CustomConflict] = field(default_factory=list)
    rejected: list[tuple[FunctionKey, str]] = field(default_factory=list)
    cleared_dispositions: list[FunctionKey] = field(default_factory=list)  # became covered by the spec
    removed_mappings: int = 0  # mappings dropped by marking a function 標準外
    mismatches: list[ItemKey] = field(default_factory=list)  # 実装不可 requirements not assessed 適合
    added_systems: list[str] = field(default_factory=list)
    left_systems: list[str] = field(default_factory=list)  # 独自施策システム no function targets any more
    bpr: BprResult | None = None  # the 業務見直し items the decisions created, joined or left


# ---- reading ----------------------------------------------------------------------------------


def _system_names(session: Session) -> dict[int, str]:
    return {s.id: s.name for s in systems.list_systems(session=session) if s.id is not None}


def _rows(session: Session, operation_code: str | None = None) -> list[tuple[FunctionRow, Any]]:
    fns = custom.list_functions(session=session, operation_code=operation_code)
    maps = custom.mappings(session=session, function_ids=None if operation_code is None else [f.id for f in fns])
    reqs = custom.current_requirements(session=session)
    names = _system_names(session)
    answered = custom.standard_answered(session=session, keys=[k for ks in maps.values() for k in ks])
    return [(_to_row(f, maps.get(f.id, []), reqs, names, answered), f) for f in fns]


def _to_row(f: Any, keys: list[custom.Key], reqs: Mapping[custom.Key, Any], names: Mapping[int, str],
            answered: set[custom.Key] | frozenset[custom.Key] = frozenset()) -> FunctionRow:
    mapped = []
    for k in keys:
        r = reqs.get(k)
        mapped.append(MappedRequirement(
            key=ItemKey.of(*k), name=r.name if r is not None else "",
            kubun=Kubun(r.kubun) if r is not None else None, status=Status(r.status) if r is not None else None,
            implemented=k in answered,
        ))
    cov = rules.coverage(mapped=len(keys), outside_spec=bool(f.outside_spec))
    pending = rules.is_option_pending((m.kubun, m.confirmed) for m in mapped if m.kubun is not None)
    return FunctionRow(
        key=FunctionKey(f.operation_code, f.code), name=f.name, kind=FunctionKind(f.kind), department=f.department,
        frequency=f.frequency, basis=LegalBasis(f.basis) if f.basis else None, yearly_cost_kyen=f.yearly_cost_kyen,
        system=names.get(f.system_id) if f.system_id else None, coverage=cov, mapped=tuple(mapped),
        reverse_gap=rules.is_reverse_gap(m.kubun for m in mapped if m.kubun is not None),
        disposition=CustomDisposition(f.disposition) if f.disposition else None, note=f.note or "",
        target_system=names.get(f.target_system_id) if f.target_system_id else None,
        revision=int(f.revision), demo=bool(f.demo), option_pending=pending,
        owner_department=f.owner_department or "",
    )


def list_functions(*, db: Database, flt: FunctionFilter = FunctionFilter()) -> list[FunctionRow]:
    with db.read() as session:
        rows = _rows(session, flt.operation_code)
    return [r for r, f in rows if flt.matches(r, f.description)]


def rows_in(session: Session, flt: FunctionFilter = FunctionFilter()) -> list[tuple[FunctionRow, Any]]:
    """The matching functions with their stored rows, read in the caller's session (one snapshot)."""
    return [(r, f) for r, f in _rows(session, flt.operation_code) if flt.matches(r, f.description)]


def _where(flt: FunctionFilter) -> list[Any]:
    return custom.build_where(operation_code=flt.operation_code, coverage=[c.value for c in flt.coverage],
                              dispositions=[d.value if d else None for d in flt.dispositions], undecided=flt.undecided,
                              reverse_gap=flt.reverse_gap, terms=search_form(flt.text).split(),
                              owner_department=flt.owner_department)


def _rows_for(session: Session, fns: list[Any]) -> list[FunctionRow]:
    """Rows for these functions only: their mappings and the current requirements they name."""
    maps = custom.mappings(session=session, function_ids=[f.id for f in fns])
    wanted = sorted({k for ks in maps.values() for k in ks})
    reqs = {(r.operation_code, str(r.kind), r.req_id): r for r in items.rows_for_keys(session=session, keys=wanted)}
    names = _system_names(session)
    answered = custom.standard_answered(session=session, keys=wanted)
    return [_to_row(f, maps.get(f.id, []), reqs, names, answered) for f in fns]


def owner_departments(*, db: Database, operation_code: str | None = None) -> list[str]:
    """The 担当課 that 独自機能 are assigned to, in order (what the "my items" filter offers)."""
    with db.read() as session:
        return custom.owner_departments(session=session, operation_code=operation_code)


def count_functions(*, db: Database, flt: FunctionFilter = FunctionFilter()) -> int:
    """How many functions match (the database filters; for a list read a page at a time)."""
    with db.read() as session:
        return custom.count_where(session=session, where=_where(flt))


def page_functions(*, db: Database, flt: FunctionFilter = FunctionFilter(), offset: int = 0,
                   limit: int = 100) -> list[FunctionRow]:
    with db.read() as session:
        return _rows_for(session, custom.page(session=session, where=_where(flt), offset=offset, limit=limit))


def function_keys(*, db: Database, flt: FunctionFilter = FunctionFilter()) -> list[FunctionKey]:
    with db.read() as session:
        return [FunctionKey(*k) for k in custom.keys_where(session=session, where=_where(flt))]


def summary(*, db: Database, operation_code: str | None = None) -> dict[str, int]:
    """total, in_spec, outside, reverse, undecided, unchecked, demo: one query."""
    with db.read() as session:
        return custom.summary(session=session, operation_code=operation_code)


def get_function(*, db: Database, key: FunctionKey) -> FunctionDetail:
    with db.read() as session:
        f = custom.functions_by_code(session=session, keys=[_fk(key)]).get(_fk(key))
        if f is None:
            raise NotFoundError(f"現行機能 {key} はありません。", "fitgap custom list で業務コードと機能番号を確かめてください。")
        row = _rows_for(session, [f])[0]
        history = audit.history(session=session, entity_key=key.audit_key)
    return FunctionDetail(row=row, description=f.description, basis_detail=f.basis_detail, history=history)


def counts_in(session: Session) -> dict[str, CustomCounts]:
    """Per operation, in two grouped queries (the same SQL as the screen's summary line)."""
    out = {op: CustomCounts(total=c["total"], unchecked=c["unchecked"], in_spec=c["in_spec"], outside=c["outside"],
                            reverse_gap=c["reverse"], undecided=c["undecided"])
           for op, c in custom.summary_by_operation(session=session).items()}
    for op, disposition, n in custom.dispositions_by_operation(session=session):
        out[op].by_disposition[disposition] = n
    return out


def counts_by_operation(*, db: Database) -> dict[str, CustomCounts]:
    with db.read() as session:
        return counts_in(session)


# ---- editing ----------------------------------------------------------------------------------


def _state(f: Any, keys: Iterable[custom.Key]) -> dict[str, Any]:
    return {
        "outside_spec": bool(f.outside_spec),
        "mapped": tuple(sorted(keys)),
        "disposition": CustomDisposition(f.disposition) if f.disposition else None,
        "note": f.note or "",
        "target_system_id": f.target_system_id,
    }


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if name == "outside_spec":
        return "1" if value else "0"
    if name == "mapped":
        return "|".join(str(ItemKey.of(*k)) for k in value)
    return str(value.value if hasattr(value, "value") else value)


def _parse(name: str, text: str | None) -> Any:
    if name == "outside_spec":
        return text == "1"
    if name == "mapped":
        return tuple(sorted(_rk(ItemKey.parse(t)) for t in (text or "").split("|") if t))
    if name == "disposition":
        return CustomDisposition(text) if text else None
    if name == "target_system_id":
        return int(text) if text else None
    return text or ""


def _apply(session: Session, *, user: str, action: str, targets: Mapping[FunctionKey, dict[str, Any]],
           expected: Mapping[FunctionKey, int] | None, guards: Mapping[FunctionKey, dict[str, Any]] | None,
           enforce_rules: bool, join_bpr: int | None = None) -> CustomUpdateResult:
    result = CustomUpdateResult(batch=audit.new_batch())
    now = datetime.now(UTC)
    found = custom.functions_by_code(session=session, keys=[_fk(k) for k in targets])
    missing = [k for k in targets if _fk(k) not in found]
    if missing:
        raise NotFoundError(f"現行機能 {'、'.join(str(k) for k in missing[:5])} はありません"
                            f"（{len(missing)}件）。変更していません。", "fitgap custom list で機能番号を確かめてください。")
    fns = {k: found[_fk(k)] for k in targets}
    maps = custom.mappings(session=session, function_ids=[f.id for f in fns.values()])
    wanted_keys = {k for t in targets.values() for k in t.get("mapped", ())}
    have_keys = {k for ks in maps.values() for k in ks}
    # only the requirements these functions name (current version), not every mapped one
    reqs = {(r.operation_code, str(r.kind), r.req_id): r
            for r in items.rows_for_keys(session=session, keys=sorted(wanted_keys | have_keys))}
    if enforce_rules:
        unknown = sorted(wanted_keys - set(reqs))
        if unknown:
            shown = "、".join(str(ItemKey.of(*k)) for k in unknown[:5])
            raise NotFoundError(f"要件 {shown} は現行の版にありません（{len(unknown)}件）。変更していません。",
                                "要件の種別（機能/帳票）と ID を確かめてください（fitgap の要件一覧で検索できます）。")
    required = note_rule(session) if enforce_rules else frozenset()
    names = _system_names(session)
    answered = custom.standard_answered(session=session, keys=sorted(wanted_keys | have_keys))
    events = []
    moved_from: set[int] = set()  # target systems that changed functions no longer move to
    attach: list[tuple[bpr.Target, str]] = []  # decisions that now change the work: a 業務見直し item
    detach: list[bpr.Target] = []
    for key, want in targets.items():
        f = fns[key]
        cur = _state(f, maps.get(f.id, []))
        if expected is not None and key in expected and expected[key] != f.revision:
            result.conflicts.append(CustomConflict(key, expected[key], _to_row(f, maps.get(f.id, []), reqs, names)))
            continue
        if guards is not None and any(cur[n] != v for n, v in guards.get(key, {}).items()):
            result.conflicts.append(CustomConflict(key, None, _to_row(f, maps.get(f.id, []), reqs, names)))
            continue
        new = {**cur, **want}
        if enforce_rules:
            if "mapped" in want and new["mapped"]:
                new["outside_spec"] = False
            if want.get("outside_spec"):
                result.removed_mappings += len(new["mapped"])
                new["mapped"] = ()
            kubuns = [Kubun(reqs[k].kubun) for k in new["mapped"] if k in reqs]
            cov = rules.coverage(mapped=len(new["mapped"]), outside_spec=new["outside_spec"])
            reverse = rules.is_reverse_gap(kubuns)
            pending = rules.is_option_pending(
                (Kubun(reqs[k].kubun), rules.option_confirmed(reqs[k].status, k in answered))
                for k in new["mapped"] if k in reqs)
            if new["disposition"] is not None and not rules.needs_disposition(cov, reverse, pending):
                if "disposition" in want:
                    result.rejected.append((key, f"対応方針は標準外または要廃止の機能（と標準オプションの採用待ち）にだけ設定できます"
                                                 f"（{cov.value}）"))
                    continue
                result.cleared_dispositions.append(key)
                new["disposition"] = None
            if new["disposition"] not in SYSTEM_DECISIONS:
                if want.get("target_system_id") is not None:
                    result.rejected.append((key, "移行先システムは対応方針が 独自施策システム・既存の別システムで実現・"
                                                 "標準の連携で他システムが取得 の機能にだけ設定できます"))
                    continue
                new["target_system_id"] = None
            options = [k for k in new["mapped"] if k in reqs and Kubun(reqs[k].kubun) == Kubun.OPTION]
            wrong = decision_rules.problem(new["disposition"], for_function=True, note=new["note"],
                                           detail=",".join(":".join(k) for k in options),  # the option: mapped
                                           system=names.get(new["target_system_id"]) if new["target_system_id"] else None)
            if wrong and "disposition" in want:
                result.rejected.append((key, wrong))
                continue
            if rules.note_missing(new["disposition"], new["note"], required):
                result.rejected.append((key, f"{new['disposition'].value} には理由（メモ）が必要です"))
                continue
            if (new["disposition"] == CustomDisposition.OPTION and "disposition" in want
                    and not any(k == Kubun.OPTION for k in kubuns)):
                result.rejected.append((key, "標準オプションで対応 には、採用する標準オプションの要件を対応付けてください"
                                             "（custom map … --add 機能:ID）"))
                continue
            for k in new["mapped"]:
                if k not in cur["mapped"] and k in reqs:
                    r = reqs[k]
                    if rules.assessment_mismatch(Kubun(r.kubun), Status(r.status)):
                        result.mismatches.append(ItemKey.of(*k))
        if new == cur:
            result.unchanged.append(key)
            continue
        values = {n: (v.value if hasattr(v, "value") else v) for n, v in new.items() if n != "mapped"}
        custom.update_function(session=session, function_id=f.id, values={**values, "updated_by": user, "updated_at": now})
        if new["mapped"] != cur["mapped"]:
            custom.set_mappings(session=session, function_id=f.id, keys=new["mapped"])
        for n in FIELDS:
            if new[n] != cur[n]:
                events.append({"at": now, "user": user, "batch": result.batch, "action": action, "entity": ENTITY,
                               "entity_key": key.audit_key, "field": n, "old_value": _text(n, cur[n]),
                               "new_value": _text(n, new[n])})
        if cur["target_system_id"] is not None and new["target_system_id"] != cur["target_system_id"]:
            moved_from.add(cur["target_system_id"])
        target = bpr.Target(key.operation_code, bpr.FUNCTION_KIND, key.code)
        if decision_rules.changes_work(new["disposition"]) and not decision_rules.changes_work(cur["disposition"]):
            attach.append((target, f.name))
        elif decision_rules.changes_work(cur["disposition"]) and not decision_rules.changes_work(new["disposition"]):
            detach.append(target)
        result.changed.append(key)
    audit.record_many(session=session, rows=events)
    if (attach or detach) and result.batch:
        today = now.date()
        joined = bpr.attach_in(session, user=user, batch=result.batch, targets=attach, join=join_bpr, today=today)
        left = bpr.detach_in(session, user=user, batch=result.batch, targets=detach)
        joined.unlinked, joined.emptied = left.unlinked, left.emptied
        result.bpr = joined
    unused = moved_from - custom.targeted_systems(session=session, system_ids=moved_from)
    # the system stays in the systems list (it may have links and dates of its own); the user is told
    result.left_systems = sorted(names[sid] for sid in unused if sid in names)
    if not result.changed:
        result.batch = None
    return result


def _fk(key: FunctionKey) -> tuple[str, str]:
    return (key.operation_code, key.code)


def _rk(key: ItemKey | tuple[str, str, str]) -> custom.Key:
    k = ItemKey.of(*key)
    return (k.operation_code, k.kind.value, k.req_id)


def _keys(keys: Iterable[FunctionKey | tuple[str, str]]) -> list[FunctionKey]:
    return list(dict.fromkeys(FunctionKey(*k) for k in keys))


class _Rollback(Exception):
    def __init__(self, result: CustomUpdateResult) -> None:
        self.result = result


def set_functions(
    *,
    db: Database,
    user: str,
    keys: Sequence[FunctionKey | tuple[str, str]],
    outside_spec: bool | Any = UNSET,
    disposition: CustomDisposition | Any | None = UNSET,
    note: str | Any = UNSET,
    target_system: str | Any | None = UNSET,
    expected_revisions: Mapping[FunctionKey, int] | None = None,
    action: str = "custom.update",
    join_bpr: int | None = None,
) -> CustomUpdateResult:
    """Mark functions 標準外 (or back), set their disposition, reason and target system, in one transaction.
    A decision that changes the work (業務見直し, 運用で対応) joins ``join_bpr`` or a new 業務見直し item."""
    want: dict[str, Any] = {}
    if outside_spec is not UNSET:
        want["outside_spec"] = bool(outside_spec)
    if disposition is not UNSET:
        want["disposition"] = CustomDisposition(disposition) if disposition else None
    if note is not UNSET:
        want["note"] = str(note)
    if not want and target_system is UNSET:
        raise InvalidInputError("変更する内容（標準外、対応方針、理由、移行先）が指定されていません。")
    ks = _keys(keys)
    try:
        with db.write() as session:
            return _set_in(session, user=user, keys=ks, want=want, target_system=target_system,
                           expected_revisions=expected_revisions, action=action, join_bpr=join_bpr)
    except _Rollback as rb:
        return rb.result


def _set_in(session: Session, *, user: str, keys: list[FunctionKey], want: dict[str, Any], target_system: Any,
            expected_revisions: Mapping[FunctionKey, int] | None, action: str,
            join_bpr: int | None = None) -> CustomUpdateResult:
    ks = keys
    result_systems = CustomUpdateResult()
    ids: dict[str, int | None] = {}
    if target_system is not UNSET:
        decision = want.get("disposition", CustomDisposition.SEPARATE_SYSTEM)
        if target_system and decision not in SYSTEM_DECISIONS:
            raise InvalidInputError("移行先システムは対応方針が 独自施策システム・既存の別システムで実現・標準の連携で他システムが取得 "
                                    "の機能にだけ設定できます。", "--disposition と一緒に指定してください。")
        for k in ks:
            if k.operation_code not in ids:
                if target_system and decision != CustomDisposition.SEPARATE_SYSTEM:
                    # an existing system only: it is not created
                    ids[k.operation_code] = match_system(str(target_system), systems.system_ids_by_name(
                        session=session))
                    continue
                ids[k.operation_code] = custom_systems.ensure_separate_system(
                    session, name=str(target_system), operation_code=k.operation_code, result=result_systems,
                    user=user) if target_system else None
    targets = {}
    for k in ks:
        t = dict(want)
        if target_system is not UNSET:
            t["target_system_id"] = ids[k.operation_code]
        targets[k] = t
    result = _apply(session, user=user, action=action, targets=targets, expected=expected_revisions, guards=None,
                    enforce_rules=True, join_bpr=join_bpr)
    if not result.changed and result_systems.added_systems:
        raise _Rollback(result)  # no function moved there: the new system is not kept either
    result.added_systems = result_systems.added_systems
    return result


def map_functions(
    *,
    db: Database,
    user: str,
    keys: Sequence[FunctionKey | tuple[str, str]],
    add: Sequence[ItemKey] = (),
    remove: Sequence[ItemKey] = (),
    replace: Sequence[ItemKey] | None = None,
    expected_revisions: Mapping[FunctionKey, int] | None = None,
) -> CustomUpdateResult:
    """Link functions to the requirements that cover them (by operation, kind and ID), or unlink them."""
    ks = _keys(keys)
    add_t = [_rk(k) for k in add]
    rm_t = {_rk(k) for k in remove}
    if not add_t and not rm_t and replace is None:
        raise InvalidInputError("対応付ける要件が指定されていません。", "要件を 機能:0010001 のように指定してください。")
    with db.write() as session:
        found = custom.functions_by_code(session=session, keys=[_fk(k) for k in ks])
        maps = custom.mappings(session=session, function_ids=[f.id for f in found.values()])
        targets = {}
        for k in ks:
            f = found.get(_fk(k))
            base = [] if f is None else maps.get(f.id, [])
            if replace is not None:
                base = [_rk(r) for r in replace]
            new = [x for x in dict.fromkeys([*base, *add_t]) if x not in rm_t]
            targets[k] = {"mapped": tuple(sorted(new))}
        return _apply(session, user=user, action="custom.map", targets=targets, expected=expected_revisions,
                      guards=None, enforce_rules=True)


def _revert(db: Database, *, user: str, batch: str, direction: str) -> CustomUpdateResult:
    with db.write() as session:
        events = [e for e in audit.batch_events(session=session, batch=batch) if e.entity == ENTITY]
        if not events:
            raise NotFoundError("取り消す（やり直す）変更が見つかりません。", "画面を更新してください。")
        targets: dict[FunctionKey, dict[str, Any]] = {}
        guards: dict[FunctionKey, dict[str, Any]] = {}
        for e in events:
            op, _, code = e.entity_key.partition(":独自:")
            key = FunctionKey(op, code)
            to, expect = (e.old_value, e.new_value) if direction == "undo" else (e.new_value, e.old_value)
            targets.setdefault(key, {})[e.field or ""] = _parse(e.field or "", to)
            guards.setdefault(key, {})[e.field or ""] = _parse(e.field or "", expect)
        return _apply(session, user=user, action=f"custom.{direction}", targets=targets, expected=None,
                      guards=guards, enforce_rules=False)


def undo(*, db: Database, user: str, batch: str) -> CustomUpdateResult:
    """Revert one batch, as a new batch. Functions changed since by anyone are conflicts and stay as they are."""
    return _revert(db, user=user, batch=batch, direction="undo")


def redo(*, db: Database, user: str, batch: str) -> CustomUpdateResult:
    return _revert(db, user=user, batch=batch, direction="redo")


def last_batch(*, db: Database, user: str) -> str | None:
    """The user's latest change to the inventory that has not been undone (for `fitgap custom undo`)."""
    with db.read() as session:
        return audit.last_batch(session=session, user=user, entity=ENTITY,
                                actions=("custom.update", "custom.map", "custom.redo"))

