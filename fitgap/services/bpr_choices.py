"""What the workbench offers around the 業務見直し register (services.bpr): the gaps and 独自機能 an item may
answer, the open items a decision may join, and each user's "my items" (担当課 / 担当者), remembered per user.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from fitgap.domain import dispositions
from fitgap.domain.enums import Status
from fitgap.domain.models import Assessment, BprLink, CurrentFunction, Requirement
from fitgap.services.bpr import FUNCTION_KIND, BprFilter, BprRow, Target, list_items
from fitgap.storage import operations
from fitgap.storage.db import Database

MINE_KEY = "bpr_mine"


@dataclass(frozen=True)
class Linkable:
    """A gap or a 独自機能 whose decision changes the work, and the items it answers now."""

    target: Target
    name: str
    disposition: str
    items: tuple[int, ...]

    @property
    def label(self) -> str:
        what = "独自機能" if self.target.kind == FUNCTION_KIND else f"{self.target.kind}要件"
        return f"{what} {self.target.ref} {self.name}（{self.disposition}）"


def _changing() -> list[dispositions.Disposition]:
    return [d for d in dispositions.Disposition if dispositions.changes_work(d)]


def linkable(*, db: Database, operation_code: str) -> list[Linkable]:
    """The operation's gaps and 独自機能 whose disposition changes the work (業務見直し, 運用で対応), requirements
    first, each with the items it is linked to."""
    wanted = _changing()
    with db.read() as session:
        links: dict[Target, list[int]] = {}
        for lk in session.exec(select(BprLink).where(BprLink.operation_code == operation_code)):
            links.setdefault(Target(lk.operation_code, lk.kind, lk.ref), []).append(lk.bpr_id)
        names = {(str(r.kind), r.req_id): r.name for r in session.exec(
            select(Requirement).where(Requirement.operation_code == operation_code,
                                      Requirement.current == True))}  # noqa: E712
        out: list[Linkable] = []
        gaps = session.exec(select(Assessment).where(
            Assessment.operation_code == operation_code, Assessment.status == Status.GAP,
            Assessment.archived == False,  # noqa: E712
            col(Assessment.disposition).in_(wanted)).order_by(col(Assessment.kind), col(Assessment.req_id)))
        for a in gaps:
            t = Target(operation_code, str(a.kind), a.req_id)
            out.append(Linkable(t, names.get((str(a.kind), a.req_id), ""), str(a.disposition or ""),
                                tuple(sorted(links.get(t, [])))))
        fns = session.exec(select(CurrentFunction).where(
            CurrentFunction.operation_code == operation_code,
            col(CurrentFunction.disposition).in_(wanted)).order_by(col(CurrentFunction.code)))
        for f in fns:
            t = Target(operation_code, FUNCTION_KIND, f.code)
            out.append(Linkable(t, f.name, str(f.disposition or ""), tuple(sorted(links.get(t, [])))))
        return out


def open_items(*, db: Database, operation_code: str, today: date) -> list[BprRow]:
    """The operation's items not done yet: what a decision that changes the work may join."""
    return list_items(db=db, today=today, flt=BprFilter(operation_code=operation_code, open_only=True))


@dataclass(frozen=True)
class Mine:
    """Whose items a user calls "mine": a 担当課 and, if given, a 担当者 of it."""

    department: str
    person: str = ""

    @property
    def label(self) -> str:
        return "・".join(p for p in (self.department, self.person) if p) or "（未設定）"


def _mine_key(user: str) -> str:
    return f"{MINE_KEY}:{hashlib.sha256(user.encode()).hexdigest()[:12]}"  # setting keys are short


def get_mine(*, db: Database, user: str) -> Mine | None:
    with db.read() as session:
        raw = operations.get_setting(session=session, key=_mine_key(user), default="")
    try:
        found = json.loads(raw) if raw else None
    except ValueError:
        return None
    if not isinstance(found, dict) or not (found.get("department") or found.get("person")):
        return None
    return Mine(str(found.get("department") or ""), str(found.get("person") or ""))


def set_mine(*, db: Database, user: str, department: str, person: str = "") -> Mine | None:
    """Remember the user's 担当課 / 担当者 (both empty: forget them)."""
    mine = Mine(department.strip(), person.strip())
    value = json.dumps({"department": mine.department, "person": mine.person}, ensure_ascii=False) \
        if mine.department or mine.person else ""
    with db.write() as session:
        operations.set_setting(session=session, key=_mine_key(user), value=value)
    return mine if value else None
