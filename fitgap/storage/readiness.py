"""Queries the readiness report needs beyond the status overview: gaps by disposition, the blocking
requirements, vendor answers and facts about the database. Each is one statement; no ORM rows loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.enums import Disposition, Kubun, Status, VendorAnswerKind
from fitgap.domain.models import Assessment, Meta, Requirement, Vendor, VendorAnswer, VendorExport

_R: sa.Table = Requirement.__table__  # type: ignore[attr-defined]
_A: sa.Table = Assessment.__table__  # type: ignore[attr-defined]
_V: sa.Table = Vendor.__table__  # type: ignore[attr-defined]
_VA: sa.Table = VendorAnswer.__table__  # type: ignore[attr-defined]
_VE: sa.Table = VendorExport.__table__  # type: ignore[attr-defined]


def _assessed() -> sa.FromClause:
    """Current requirements joined with their assessments (inner: assessed ones only)."""
    return _R.join(_A, sa.and_(_A.c.operation_code == _R.c.operation_code, _A.c.kind == _R.c.kind,
                               _A.c.req_id == _R.c.req_id))


def option_pending() -> sa.ColumnElement[bool]:
    """A gap decided 標準オプションで対応 whose option is not adopted yet: the option requirement it names
    (``機能:ID``, as the service stores it) is not marked 適合 in the current version. Such a decision is still
    open (domain.dispositions.option_adopted is the same rule for one item)."""
    r2, a2 = _R.alias("opt_r"), _A.alias("opt_a")
    adopted = (
        sa.select(sa.literal(1))
        .select_from(r2.join(a2, sa.and_(a2.c.operation_code == r2.c.operation_code, a2.c.kind == r2.c.kind,
                                         a2.c.req_id == r2.c.req_id)))
        .where(r2.c.current == sa.true(), r2.c.operation_code == _A.c.operation_code,
               sa.type_coerce(r2.c.kind, sa.String()) + ":" + r2.c.req_id == _A.c.disposition_detail,
               a2.c.status == Status.FIT.value)
        .exists()
    )
    return sa.and_(_A.c.disposition == Disposition.OPTION.value, sa.not_(adopted))


def undecided_gap() -> sa.ColumnElement[bool]:
    """A gap whose decision is still open: none, 要検討, or an option not adopted yet."""
    return sa.or_(_A.c.disposition.is_(None), _A.c.disposition == Disposition.UNDECIDED.value, option_pending())


@dataclass(frozen=True, slots=True)
class GapCount:
    operation_code: str
    kubun: Kubun
    disposition: Disposition | None
    count: int
    undecided: int = 0  # of them, still open (undecided_gap)


def gaps_by_disposition(*, session: Session) -> list[GapCount]:
    """Current gaps counted by operation × class × disposition, with how many of them are still open."""
    stmt = (
        sa.select(_R.c.operation_code, _R.c.kubun, _A.c.disposition, sa.func.count(),
                  sa.func.sum(sa.case((undecided_gap(), 1), else_=0)))
        .select_from(_assessed())
        .where(_R.c.current == sa.true(), _A.c.status == Status.GAP.value)
        .group_by(_R.c.operation_code, _R.c.kubun, _A.c.disposition)
    )
    return [
        GapCount(code, Kubun(k), Disposition(d) if d else None, int(n), int(u or 0))
        for code, k, d, n, u in session.execute(stmt)
    ]


@dataclass(frozen=True, slots=True)
class ItemRow:
    operation_code: str
    kind: str
    req_id: str
    name: str
    kubun: Kubun
    status: Status
    disposition: Disposition | None
    note: str


def blocking_requirements(*, session: Session) -> list[ItemRow]:
    """Gaps on 実装必須 whose decision is open (none, 要検討, an option not adopted yet), and reverse gaps
    (実装不可 × 適合)."""
    undecided = undecided_gap()
    stmt = (
        sa.select(_R.c.operation_code, _R.c.kind, _R.c.req_id, _R.c.name, _R.c.kubun, _A.c.status, _A.c.disposition,
                  _A.c.note)
        .select_from(_assessed())
        .where(
            _R.c.current == sa.true(),
            sa.or_(
                sa.and_(_R.c.kubun == Kubun.MUST.value, _A.c.status == Status.GAP.value, undecided),
                sa.and_(_R.c.kubun == Kubun.FORBIDDEN.value, _A.c.status == Status.FIT.value),
            ),
        )
        .order_by(_R.c.operation_code, _R.c.doc_order, _R.c.kind, _R.c.req_id)
    )
    return [
        ItemRow(code, kind, rid, name or "", Kubun(k), Status(st), Disposition(d) if d else None, note or "")
        for code, kind, rid, name, k, st, d, note in session.execute(stmt)
    ]


@dataclass(frozen=True, slots=True)
class AnswerRow:
    operation_code: str
    kind: str
    req_id: str
    name: str  # empty when the requirement is no longer current
    kubun: Kubun | None
    vendor: str
    answer: VendorAnswerKind
    planned_date: date | None
    cost_kyen: float | None
    comment: str
    received_at: datetime


def vendor_answers(*, session: Session) -> list[AnswerRow]:
    """Every vendor's latest (not superseded) answer, with the requirement's name and class."""
    req = sa.and_(_R.c.operation_code == _VA.c.operation_code, _R.c.kind == _VA.c.kind, _R.c.req_id == _VA.c.req_id,
                  _R.c.current == sa.true())
    stmt = (
        sa.select(_VA.c.operation_code, _VA.c.kind, _VA.c.req_id, _R.c.name, _R.c.kubun, _V.c.name, _VA.c.answer,
                  _VA.c.planned_date, _VA.c.cost_kyen, _VA.c.comment, _VA.c.received_at)
        .select_from(_VA.join(_V, _V.c.id == _VA.c.vendor_id).outerjoin(_R, req))
        .where(_VA.c.superseded == sa.false())
        .order_by(_VA.c.operation_code, _VA.c.req_id, _VA.c.kind, _V.c.name)
    )
    return [
        AnswerRow(code, kind, rid, name or "", Kubun(k) if k else None, vendor, VendorAnswerKind(ans), planned,
                  cost, comment or "", received)
        for code, kind, rid, name, k, vendor, ans, planned, cost, comment, received in session.execute(stmt)
    ]


def waiting_without_answer(*, session: Session) -> dict[str, int]:
    """Per operation: gaps waiting on the vendor (ベンダ対応待ち) that no vendor has answered yet."""
    answered = (
        sa.select(_VA.c.operation_code, _VA.c.kind, _VA.c.req_id).where(_VA.c.superseded == sa.false()).distinct()
        .subquery()
    )
    on = sa.and_(answered.c.operation_code == _R.c.operation_code, answered.c.kind == _R.c.kind,
                 answered.c.req_id == _R.c.req_id)
    stmt = (
        sa.select(_R.c.operation_code, sa.func.count())
        .select_from(_assessed().outerjoin(answered, on))
        .where(
            _R.c.current == sa.true(),
            _A.c.status == Status.GAP.value,
            _A.c.disposition == Disposition.VENDOR.value,
            answered.c.req_id.is_(None),
        )
        .group_by(_R.c.operation_code)
    )
    return {code: int(n) for code, n in session.execute(stmt)}


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    database_id: str | None
    schema_version: str | None
    last_assessed_at: datetime | None
    vendor_exports: int
    vendor_answers: int


def database_facts(*, session: Session) -> DatabaseFacts:
    meta_t: sa.Table = Meta.__table__  # type: ignore[attr-defined]
    meta = {k: v for k, v in session.execute(sa.select(meta_t.c.key, meta_t.c.value))}
    last = session.execute(sa.select(sa.func.max(_A.c.assessed_at))).scalar()
    if isinstance(last, str):  # SQLite returns max() of a datetime column as text
        last = datetime.fromisoformat(last)
    exports = session.execute(sa.select(sa.func.count()).select_from(_VE)).scalar() or 0
    answers = session.execute(
        sa.select(sa.func.count()).select_from(_VA).where(_VA.c.superseded == sa.false())
    ).scalar() or 0
    return DatabaseFacts(meta.get("database_id"), meta.get("schema_version"), last, int(exports), int(answers))
