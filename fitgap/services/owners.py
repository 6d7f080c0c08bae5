"""担当課 as owners: requirements and 独自機能 assigned to a department (and a person).

The 業務見直し items carry their own department (services.bpr). Here the requirements (assessment.department,
.person — an assessment row is made, 未確認, for a requirement nobody has assessed yet) and the current
functions (owner_department, owner_person). Every change is audited; `fitgap status --department` and the
review workbook per 担当課 read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from fitgap.domain.enums import Status
from fitgap.domain.models import Assessment, CurrentFunction, Requirement
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.services.bpr import FUNCTION_KIND, Target
from fitgap.storage import audit
from fitgap.storage.db import Database

ASSESSMENT = Assessment.__table__  # type: ignore[attr-defined]


@dataclass
class OwnerResult:
    batch: str | None = None
    changed: list[Target] = field(default_factory=list)
    unchanged: list[Target] = field(default_factory=list)


def _targets_of_operation(session: Session, operation_code: str) -> list[Target]:
    reqs = session.exec(select(Requirement).where(Requirement.operation_code == operation_code,
                                                  Requirement.current == True))  # noqa: E712
    return [Target(r.operation_code, str(r.kind), r.req_id) for r in reqs]


def assign(*, db: Database, user: str, targets: Sequence[Target] = (), operations: Sequence[str] = (),
           department: str | None, person: str | None) -> OwnerResult:
    """Set (or clear with "") the 担当課 and/or 担当者 of requirements and functions, in one transaction.
    ``operations``: every current requirement of these operations."""
    if department is None and person is None:
        raise InvalidInputError("担当課も担当者も指定されていません。", "--department 市民課 や --person 佐藤 を指定してください。")
    with db.write() as session:
        wanted = list(dict.fromkeys([*targets, *(t for op in operations for t in _targets_of_operation(session, op))]))
        if not wanted:
            raise InvalidInputError("担当を決める要件・独自機能が指定されていません。",
                                    "001:機能:0010001、001:F-001、--operation 001 のように指定してください。")
        return _assign_in(session, user=user, targets=wanted, department=department, person=person)


def _assign_in(session: Session, *, user: str, targets: list[Target], department: str | None,
               person: str | None) -> OwnerResult:
    result = OwnerResult(batch=audit.new_batch())
    now = datetime.now(UTC)
    missing: list[Target] = []
    events = []
    for t in targets:
        f: CurrentFunction | None = None
        a: Assessment | None = None
        req: Requirement | None = None
        if t.kind == FUNCTION_KIND:
            f = session.exec(select(CurrentFunction).where(CurrentFunction.operation_code == t.operation_code,
                                                           CurrentFunction.code == t.ref)).first()
            if f is None:
                missing.append(t)
                continue
            cur = {"department": f.owner_department, "person": f.owner_person}
            entity, key = "current_function", f"{t.operation_code}:独自:{t.ref}"
        else:
            req = session.exec(select(Requirement).where(
                Requirement.operation_code == t.operation_code, Requirement.kind == t.kind,
                Requirement.req_id == t.ref, Requirement.current == True)).first()  # noqa: E712
            if req is None:
                missing.append(t)
                continue
            a = session.exec(select(Assessment).where(Assessment.operation_code == t.operation_code,
                                                      Assessment.kind == t.kind, Assessment.req_id == t.ref)).first()
            cur = {"department": a.department if a else "", "person": a.person if a else ""}
            entity, key = "assessment", str(t)
        new = dict(cur)
        if department is not None:
            new["department"] = department.strip()
        if person is not None:
            new["person"] = person.strip()
        if new == cur:
            result.unchanged.append(t)
            continue
        if f is not None:
            f.owner_department, f.owner_person = new["department"], new["person"]
            f.revision += 1
            f.updated_by, f.updated_at = user, now
            session.add(f)
        elif a is None and req is not None:
            session.execute(sa.insert(ASSESSMENT).values(
                operation_code=t.operation_code, kind=t.kind, req_id=t.ref, status=Status.UNCHECKED.value,
                note="", needs_review=False, archived=False, revision=1, basis_version_id=req.spec_version_id,
                disposition_detail="", department=new["department"], person=new["person"]))
        elif a is not None:
            a.department, a.person = new["department"], new["person"]
            a.revision += 1
            session.add(a)
        for name in ("department", "person"):
            if new[name] != cur[name]:
                events.append({"at": now, "user": user, "batch": result.batch, "action": "owner.assign",
                               "entity": entity, "entity_key": key, "field": name,
                               "old_value": cur[name] or None, "new_value": new[name] or None})
        result.changed.append(t)
    if missing:
        shown = "、".join(str(t) for t in missing[:5])
        raise NotFoundError(f"{shown} は見つかりません（{len(missing)}件）。何も変えていません。",
                            "要件は現行の版の 001:機能:0010001、独自機能は 001:F-001 の形で指定してください。")
    session.flush()
    audit.record_many(session=session, rows=events)
    if not result.changed:
        result.batch = None
    return result


def departments(*, db: Database) -> list[tuple[str, int, int]]:
    """Every 担当課 in use: (name, requirements, functions)."""
    with db.read() as session:
        reqs = dict(session.execute(sa.select(ASSESSMENT.c.department, sa.func.count()).where(
            ASSESSMENT.c.department != "").group_by(ASSESSMENT.c.department)).all())
        fn = CurrentFunction.__table__  # type: ignore[attr-defined]
        fns = dict(session.execute(sa.select(fn.c.owner_department, sa.func.count()).where(
            fn.c.owner_department != "").group_by(fn.c.owner_department)).all())
    names = sorted(set(reqs) | set(fns))
    return [(str(n), int(reqs.get(n, 0)), int(fns.get(n, 0))) for n in names]
