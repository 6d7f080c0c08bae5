"""業務見直し: the register of changes of work that decisions create.

A gap or a current function whose disposition changes the work (domain.dispositions: 業務見直し, 運用で対応)
joins a 業務見直し item — a new one, or the one the user names — inside the same transaction as the decision
(:func:`attach_in`); when its decision changes to one that does not change the work, it leaves its item
(:func:`detach_in`), and an item left with nothing to answer is kept and said. Items are edited, grouped,
reassigned, done and undone here, each change audited and undoable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from fitgap.domain import bpr as rules
from fitgap.domain.bpr import BprStatus, Change, DepartmentCounts
from fitgap.domain.models import BprItem, BprLink, CurrentFunction, Operation, Requirement
from fitgap.domain.standing import standings
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.storage import audit, overview
from fitgap.storage.db import Database, session_rows

ENTITY = "bpr_item"
FIELDS = ("title", "changes", "department", "person", "due", "status", "done_on", "note", "operation_code")
FUNCTION_KIND = "独自"


class Target(NamedTuple):
    """What an item answers: a requirement (kind 機能/帳票, its ID) or a current function (独自, its number)."""

    operation_code: str
    kind: str
    ref: str

    def __str__(self) -> str:
        return f"{self.operation_code}:{self.kind}:{self.ref}"

    @classmethod
    def parse(cls, text: str) -> Target:
        parts = [p for p in text.replace("：", ":").split(":") if p]
        if len(parts) == 3 and parts[1] in ("機能", "帳票", FUNCTION_KIND):
            return cls(parts[0].zfill(3), parts[1], parts[2])
        if len(parts) == 2:  # 001:F-001 is a current function
            return cls(parts[0].zfill(3), FUNCTION_KIND, parts[1])
        raise InvalidInputError(f"「{text}」が読めません。",
                                "要件は 001:機能:0010001、独自機能は 001:F-001（または 001:独自:F-001）の形で指定してください。")


@dataclass(frozen=True)
class BprRow:
    id: int
    operation_code: str
    operation: str
    title: str
    changes: tuple[str, ...]
    department: str
    person: str
    due: date | None
    status: BprStatus
    done_on: date | None
    note: str
    revision: int
    targets: tuple[Target, ...]
    overdue: bool
    days_late: int
    demo: bool

    @property
    def label(self) -> str:
        return f"#{self.id} {self.title}"


def _rows(session: Session, today: date, ids: Iterable[int] | None = None) -> list[BprRow]:
    stmt = select(BprItem).order_by(col(BprItem.due).is_(None), col(BprItem.due), col(BprItem.id))
    if ids is not None:
        wanted = list(ids)
        if not wanted:
            return []
        stmt = stmt.where(col(BprItem.id).in_(wanted))
    found = list(session.exec(stmt))
    links: dict[int, list[Target]] = {}
    if found:
        for link in session.exec(select(BprLink).where(col(BprLink.bpr_id).in_([b.id for b in found]))):
            links.setdefault(link.bpr_id, []).append(Target(link.operation_code, link.kind, link.ref))
    names = {o.code: o.name for o in session.exec(select(Operation))}
    return [BprRow(id=b.id or 0, operation_code=b.operation_code, operation=names.get(b.operation_code, ""),
                   title=b.title, changes=tuple(c for c in b.changes.split(",") if c), department=b.department,
                   person=b.person, due=b.due, status=BprStatus(b.status), done_on=b.done_on, note=b.note,
                   revision=b.revision, targets=tuple(sorted(links.get(b.id or 0, []))),
                   overdue=rules.is_overdue(b.due, b.status, today), days_late=rules.days_late(b.due, b.status, today),
                   demo=b.demo)
            for b in found]


@dataclass(frozen=True)
class BprFilter:
    operation_code: str | None = None
    department: str | None = None
    person: str | None = None
    statuses: frozenset[BprStatus] = frozenset()
    overdue_only: bool = False
    open_only: bool = False

    def matches(self, r: BprRow) -> bool:
        return ((not self.operation_code or r.operation_code == self.operation_code)
                and (self.department is None or r.department == self.department)
                and (self.person is None or r.person == self.person)
                and (not self.statuses or r.status in self.statuses)
                and (not self.overdue_only or r.overdue)
                and (not self.open_only or r.status != BprStatus.DONE))


def rows_in(session: Session, today: date, flt: BprFilter = BprFilter()) -> list[BprRow]:
    return [r for r in _rows(session, today) if flt.matches(r)]


def list_items(*, db: Database, today: date, flt: BprFilter = BprFilter()) -> list[BprRow]:
    with db.read() as session:
        return rows_in(session, today, flt)


def counts_by_department(rows: Iterable[BprRow]) -> list[DepartmentCounts]:
    """Per 担当課: open, overdue, done (the one count: domain.bpr.counts_by_department)."""
    return rules.counts_by_department((r.department, r.status, r.overdue) for r in rows)


@dataclass
class TargetLine:
    target: Target
    name: str  # the requirement's or function's name
    disposition: str


@dataclass
class BprDetail:
    row: BprRow
    targets: list[TargetLine]
    history: list[Any]


def get_item(*, db: Database, bpr_id: int, today: date) -> BprDetail:
    with db.read() as session:
        rows = _rows(session, today, [bpr_id])
        if not rows:
            raise NotFoundError(f"業務見直し #{bpr_id} はありません。", "fitgap bpr list で番号を確かめてください。")
        row = rows[0]
        lines = [TargetLine(t, *_describe(session, t)) for t in row.targets]
        history = audit.history(session=session, entity_key=str(bpr_id))
        return BprDetail(row, lines, [e for e in history if e.entity == ENTITY])


def _describe(session: Session, t: Target) -> tuple[str, str]:
    if t.kind == FUNCTION_KIND:
        f = session.exec(select(CurrentFunction).where(CurrentFunction.operation_code == t.operation_code,
                                                       CurrentFunction.code == t.ref)).first()
        return (f.name, f.disposition or "") if f is not None else ("（独自機能の一覧にありません）", "")
    r = session.exec(select(Requirement).where(Requirement.operation_code == t.operation_code,
                                               Requirement.kind == t.kind, Requirement.req_id == t.ref,
                                               Requirement.current == True)).first()  # noqa: E712
    from fitgap.domain.models import Assessment

    a = session.exec(select(Assessment).where(Assessment.operation_code == t.operation_code,
                                              Assessment.kind == t.kind, Assessment.req_id == t.ref)).first()
    return (r.name if r is not None else "（現行の版にありません）", (a.disposition or "") if a is not None else "")


# ---- the default due date: the operation's date (one rule: domain.standing) ----------------------------------


def default_due(session: Session, operation_code: str, today: date) -> date | None:
    """The operation's date while it is not migrated yet; None once it is (the change has no legal date)."""
    rows = session_rows(session)
    ops = overview.operations(rows)
    stand = standings([op.standing_input for op in ops], overview.systems(rows), today=today,
                      official_as_of=overview.official_as_of(rows))
    s = stand.operations.get(operation_code)
    if s is None or s.migrated:
        return None
    return s.due.date


# ---- editing ----------------------------------------------------------------------------------------


@dataclass
class BprResult:
    batch: str | None = None
    created: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    conflicts: list[tuple[int, BprRow]] = field(default_factory=list)
    linked: list[tuple[int, Target]] = field(default_factory=list)
    unlinked: list[tuple[int, Target]] = field(default_factory=list)
    emptied: list[int] = field(default_factory=list)  # items left with nothing to answer (kept)


def _event(result: BprResult, user: str, now: datetime, action: str, bpr_id: int, name: str, old: Any,
           new: Any) -> dict[str, Any]:
    return {"at": now, "user": user, "batch": result.batch, "action": action, "entity": ENTITY,
            "entity_key": str(bpr_id), "field": name, "old_value": None if old in (None, "") else str(old),
            "new_value": None if new in (None, "") else str(new)}


def _check_values(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k == "status":
            s = rules.parse_status(v)
            if s is None:
                raise InvalidInputError(f"状況「{v}」は使えません。", f"{'、'.join(m.value for m in BprStatus)} のどれかを指定してください。")
            out[k] = s.value
        elif k == "changes":
            cs = rules.parse_changes(v) if isinstance(v, str) else [Change(x) for x in v]
            if cs is None:
                raise InvalidInputError(f"見直す内容「{v}」が読めません。",
                                        f"{'、'.join(m.value for m in Change)} をカンマ区切りで指定してください。")
            out[k] = rules.changes_text(cs)
        elif k == "due":
            out[k] = v if v is None or isinstance(v, date) else date.fromisoformat(str(v))
        elif k == "title":
            if not str(v).strip():
                raise InvalidInputError("件名が空です。", "何を見直すかを件名にしてください。")
            out[k] = str(v).strip()
        elif k in ("department", "person", "note"):
            out[k] = str(v or "").strip()
        else:
            raise InvalidInputError(f"変更できない項目です: {k}")
    return out


def add_item(*, db: Database, user: str, operation_code: str, title: str, today: date, changes: str = "",
             department: str = "", person: str = "", due: date | None = None, note: str = "",
             targets: Sequence[Target] = ()) -> BprResult:
    values = _check_values({"title": title, "changes": changes, "department": department, "person": person,
                            "note": note})
    with db.write() as session:
        if session.get(Operation, operation_code) is None:
            raise NotFoundError(f"業務コード {operation_code} はありません。", "fitgap status で業務コードを確かめてください。")
        result = BprResult(batch=audit.new_batch())
        now = datetime.now(UTC)
        item = BprItem(operation_code=operation_code, created_at=now, created_by=user, updated_at=now, updated_by=user,
                       revision=1, due=due if due is not None else default_due(session, operation_code, today), **values)
        session.add(item)
        session.flush()
        bid = item.id or 0
        result.created.append(bid)
        events = [_event(result, user, now, "bpr.add", bid, f, None, getattr(item, f))
                  for f in ("title", "changes", "department", "person", "due", "status", "note") if getattr(item, f)]
        audit.record_many(session=session, rows=events)
        _link_in(session, user=user, now=now, result=result, bpr_id=bid, targets=targets)
        return result


def update_items(*, db: Database, user: str, ids: Sequence[int], values: Mapping[str, Any], today: date,
                 expected_revisions: Mapping[int, int] | None = None, action: str = "bpr.update") -> BprResult:
    want = _check_values(values)
    with db.write() as session:
        return _update_in(session, user=user, targets={i: dict(want) for i in dict.fromkeys(ids)}, today=today,
                          expected=expected_revisions, guards=None, action=action)


def _update_in(session: Session, *, user: str, targets: Mapping[int, dict[str, Any]], today: date,
               expected: Mapping[int, int] | None, guards: Mapping[int, dict[str, Any]] | None,
               action: str) -> BprResult:
    result = BprResult(batch=audit.new_batch())
    found = {b.id: b for b in session.exec(select(BprItem).where(col(BprItem.id).in_(list(targets))))}
    missing = [i for i in targets if i not in found]
    if missing and guards is None:
        raise NotFoundError(f"業務見直し {'、'.join(f'#{i}' for i in missing[:5])} はありません。変更していません。",
                            "fitgap bpr list で番号を確かめてください。")
    now = datetime.now(UTC)
    events = []
    for bid, want in targets.items():
        b = found.get(bid)
        if b is None:
            continue
        if expected is not None and bid in expected and expected[bid] != b.revision:
            result.conflicts.append((bid, _rows(session, today, [bid])[0]))
            continue
        if guards is not None and any(_text(getattr(b, f)) != v for f, v in guards.get(bid, {}).items()):
            result.conflicts.append((bid, _rows(session, today, [bid])[0]))
            continue
        new = dict(want)
        if "status" in new and guards is None:
            if new["status"] == BprStatus.DONE and b.status != BprStatus.DONE:
                new.setdefault("done_on", today)
            elif new["status"] != BprStatus.DONE and b.done_on is not None:
                new["done_on"] = None  # undone: no longer 実施済
        changed = {f: v for f, v in new.items() if _text(getattr(b, f)) != _text(v)}
        if not changed:
            result.unchanged.append(bid)
            continue
        for f, v in changed.items():
            events.append(_event(result, user, now, action, bid, f, getattr(b, f), v))
            setattr(b, f, _value(f, v))
        b.revision += 1
        b.updated_at, b.updated_by = now, user
        session.add(b)
        result.changed.append(bid)
    session.flush()
    audit.record_many(session=session, rows=events)
    if not result.changed:
        result.batch = None
    return result


def _text(v: Any) -> str:
    return "" if v is None else (v.isoformat() if isinstance(v, date) else str(v))


def _value(f: str, v: Any) -> Any:
    if f in ("due", "done_on"):
        if v in (None, ""):
            return None
        return v if isinstance(v, date) else date.fromisoformat(str(v))
    return "" if v is None else v


def link(*, db: Database, user: str, bpr_id: int, targets: Sequence[Target] = (),
         remove: Sequence[Target] = ()) -> BprResult:
    """Group gaps and functions under one item (one 例規改正 answers many), or take them out."""
    with db.write() as session:
        if session.get(BprItem, bpr_id) is None:
            raise NotFoundError(f"業務見直し #{bpr_id} はありません。", "fitgap bpr list で番号を確かめてください。")
        result = BprResult(batch=audit.new_batch())
        now = datetime.now(UTC)
        _link_in(session, user=user, now=now, result=result, bpr_id=bpr_id, targets=targets)
        _unlink_in(session, user=user, now=now, result=result, targets=remove, only=bpr_id)
        return result


def _link_in(session: Session, *, user: str, now: datetime, result: BprResult, bpr_id: int,
             targets: Iterable[Target]) -> None:
    for t in targets:
        exists = session.get(BprLink, (bpr_id, t.operation_code, t.kind, t.ref))
        if exists is not None:
            continue
        session.add(BprLink(bpr_id=bpr_id, operation_code=t.operation_code, kind=t.kind, ref=t.ref))
        result.linked.append((bpr_id, t))
        audit.record(session=session, user=user, at=now, batch=result.batch or "", action="bpr.link", entity=ENTITY,
                     entity_key=str(bpr_id), field="target", old=None, new=str(t))
    session.flush()


def _unlink_in(session: Session, *, user: str, now: datetime, result: BprResult, targets: Iterable[Target],
               only: int | None = None) -> None:
    touched: set[int] = set()
    for t in targets:
        stmt = select(BprLink).where(BprLink.operation_code == t.operation_code, BprLink.kind == t.kind,
                                     BprLink.ref == t.ref)
        if only is not None:
            stmt = stmt.where(BprLink.bpr_id == only)
        for lk in session.exec(stmt):
            session.delete(lk)
            result.unlinked.append((lk.bpr_id, t))
            touched.add(lk.bpr_id)
            audit.record(session=session, user=user, at=now, batch=result.batch or "", action="bpr.unlink",
                         entity=ENTITY, entity_key=str(lk.bpr_id), field="target", old=str(t), new=None)
    session.flush()
    for bid in sorted(touched):
        left = session.exec(select(sa.func.count()).select_from(BprLink).where(BprLink.bpr_id == bid)).one()
        if not left:
            result.emptied.append(bid)


# ---- the hooks of decisions -------------------------------------------------------------------------------


def attach_in(session: Session, *, user: str, batch: str, targets: Sequence[tuple[Target, str]], join: int | None,
              today: date) -> BprResult:
    """Targets whose decision now changes the work join an item: ``join`` when given, else one new item per
    operation for all of them (a bulk decision makes one item). ``targets``: (target, its name)."""
    result = BprResult(batch=batch)
    now = datetime.now(UTC)
    fresh = [(t, n) for t, n in targets
             if session.exec(select(BprLink).where(BprLink.operation_code == t.operation_code, BprLink.kind == t.kind,
                                                   BprLink.ref == t.ref)).first() is None]
    if not fresh:
        return result
    if join is not None:
        if session.get(BprItem, join) is None:
            raise NotFoundError(f"業務見直し #{join} はありません。変更していません。", "fitgap bpr list で番号を確かめてください。")
        _link_in(session, user=user, now=now, result=result, bpr_id=join, targets=[t for t, _ in fresh])
        return result
    by_op: dict[str, list[tuple[Target, str]]] = {}
    for t, n in fresh:
        by_op.setdefault(t.operation_code, []).append((t, n))
    for op, ts in by_op.items():
        title = ts[0][1] if len(ts) == 1 else f"{ts[0][1]} ほか {len(ts) - 1} 件"
        item = BprItem(operation_code=op, title=f"{title} の業務見直し", created_at=now, created_by=user,
                       updated_at=now, updated_by=user, revision=1, due=default_due(session, op, today),
                       changes=Change.FLOW.value)
        session.add(item)
        session.flush()
        bid = item.id or 0
        result.created.append(bid)
        audit.record(session=session, user=user, at=now, batch=batch, action="bpr.add", entity=ENTITY,
                     entity_key=str(bid), field="title", old=None, new=item.title)
        _link_in(session, user=user, now=now, result=result, bpr_id=bid, targets=[t for t, _ in ts])
    return result


def detach_in(session: Session, *, user: str, batch: str, targets: Sequence[Target]) -> BprResult:
    """Targets whose decision no longer changes the work leave their items; emptied items are kept."""
    result = BprResult(batch=batch)
    _unlink_in(session, user=user, now=datetime.now(UTC), result=result, targets=targets)
    return result




def undo(*, db: Database, user: str, batch: str, today: date) -> BprResult:
    """Revert one batch of item edits (fields and links), as a new batch; items changed since are conflicts.
    An item the batch created is removed again while nobody has changed it since."""
    with db.write() as session:
        events = [e for e in audit.batch_events(session=session, batch=batch) if e.entity == ENTITY]
        if not events:
            raise NotFoundError("取り消す変更が見つかりません。", "fitgap bpr list で確かめてください。")
        created = {int(e.entity_key) for e in events if e.action == "bpr.add"}
        targets: dict[int, dict[str, Any]] = {}
        guards: dict[int, dict[str, Any]] = {}
        relink: list[tuple[int, Target]] = []
        unlink: list[tuple[int, Target]] = []
        for e in events:
            bid = int(e.entity_key)
            if bid in created:
                continue
            if e.field == "target":
                if e.new_value:
                    unlink.append((bid, Target.parse(e.new_value)))
                if e.old_value:
                    relink.append((bid, Target.parse(e.old_value)))
                continue
            targets.setdefault(bid, {})[e.field or ""] = e.old_value or ""
            guards.setdefault(bid, {})[e.field or ""] = e.new_value or ""
        result = (_update_in(session, user=user, targets=targets, today=today, expected=None, guards=guards,
                             action="bpr.undo") if targets else BprResult(batch=audit.new_batch()))
        result.batch = result.batch or audit.new_batch()
        now = datetime.now(UTC)
        for bid in sorted(created):
            item = session.get(BprItem, bid)
            if item is None:
                continue
            if item.revision > 1:
                result.conflicts.append((bid, _rows(session, today, [bid])[0]))
                continue
            for lk in session.exec(select(BprLink).where(BprLink.bpr_id == bid)):
                session.delete(lk)
            session.delete(item)
            audit.record(session=session, user=user, at=now, batch=result.batch, action="bpr.undo", entity=ENTITY,
                         entity_key=str(bid), field="title", old=item.title, new=None)
            result.changed.append(bid)
        for bid, t in unlink:
            _unlink_in(session, user=user, now=now, result=result, targets=[t], only=bid)
        for bid, t in relink:
            _link_in(session, user=user, now=now, result=result, bpr_id=bid, targets=[t])
        return result


def last_batch(*, db: Database, user: str) -> str | None:
    with db.read() as session:
        return audit.last_batch(session=session, user=user, entity=ENTITY,
                                actions=("bpr.add", "bpr.update", "bpr.link", "bpr.unlink"))
