"""Queries on vendors, the workbooks sent out to them (exports) and their answers (with history)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from fitgap.domain.answer_sheet import after_deadline
from fitgap.domain.enums import VendorAnswerKind
from fitgap.domain.models import Meta, Vendor, VendorAnswer, VendorExport

ANSWER_TABLE: sa.Table = VendorAnswer.__table__  # type: ignore[attr-defined]
VENDOR_TABLE: sa.Table = Vendor.__table__  # type: ignore[attr-defined]
EXPORT_TABLE: sa.Table = VendorExport.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class VendorAnswerView:
    """One vendor's answer to one requirement, as the detail pane shows it."""

    vendor: str
    answer: VendorAnswerKind
    planned_date: date | None
    cost_kyen: float | None
    comment: str
    received_at: datetime
    after_deadline: bool
    superseded: bool = False


@dataclass(frozen=True, slots=True)
class CurrentAnswer:
    """The answer of record (not superseded) of one vendor for one requirement."""

    id: int
    answer: VendorAnswerKind
    planned_date: date | None
    cost_kyen: float | None
    comment: str
    received_at: datetime | None = None
    exported_at: datetime | None = None  # when the workbook the answer came back in was exported


def answers_for_item(
    *, session: Session, operation_code: str, kind: str, req_id: str, deadline: date | None,
    include_superseded: bool = False,
) -> list[VendorAnswerView]:
    """Every vendor's answer to one requirement, newest first; answers missing the deadline are flagged.

    Superseded answers (the history of changed answers) are left out unless ``include_superseded``.
    """
    a = ANSWER_TABLE
    v = VENDOR_TABLE
    stmt = (
        sa.select(v.c.name, a.c.answer, a.c.planned_date, a.c.cost_kyen, a.c.comment, a.c.received_at,
                  a.c.superseded)
        .select_from(a.join(v, v.c.id == a.c.vendor_id))
        .where(a.c.operation_code == operation_code, a.c.kind == kind, a.c.req_id == req_id)
        .order_by(a.c.received_at.desc(), a.c.id.desc())
    )
    if not include_superseded:
        stmt = stmt.where(a.c.superseded == sa.false())
    out = []
    for name, answer, planned, cost, comment, received, superseded in session.execute(stmt):
        answer_kind = VendorAnswerKind(answer)
        out.append(VendorAnswerView(
            vendor=name, answer=answer_kind, planned_date=planned, cost_kyen=cost, comment=comment or "",
            received_at=received, after_deadline=after_deadline(answer_kind, planned, deadline),
            superseded=bool(superseded),
        ))
    return out


def database_id(*, session: Session) -> str:
    row = session.get(Meta, "database_id")
    return row.value if row is not None else ""


def get_vendor(*, session: Session, name: str) -> Vendor | None:
    return session.exec(select(Vendor).where(Vendor.name == name)).first()


def get_or_create_vendor(*, session: Session, name: str) -> Vendor:
    vendor = get_vendor(session=session, name=name)
    if vendor is None:
        vendor = Vendor(name=name)
        session.add(vendor)
        session.flush()
    return vendor


def list_vendors(*, session: Session) -> list[Vendor]:
    return list(session.exec(select(Vendor).order_by(col(Vendor.name))))


def add_export(
    *, session: Session, export_id: str, vendor_id: int | None, purpose: str, created_at: datetime,
    created_by: str | None, scope: str, answer_by: date | None, file_name: str | None,
) -> VendorExport:
    export = VendorExport(id=export_id, vendor_id=vendor_id, purpose=purpose, created_at=created_at,
                          created_by=created_by, scope=scope, answer_by=answer_by, file_name=file_name)
    session.add(export)
    session.flush()
    return export


def get_export(*, session: Session, export_id: str) -> VendorExport | None:
    return session.get(VendorExport, export_id)


def current_answers(
    *, session: Session, vendor_id: int, operation_codes: Iterable[str] | None = None
) -> dict[tuple[str, str, str], CurrentAnswer]:
    """The vendor's answers of record by (operation code, kind, requirement ID)."""
    a = ANSWER_TABLE
    e = EXPORT_TABLE
    stmt = (sa.select(a.c.id, a.c.operation_code, a.c.kind, a.c.req_id, a.c.answer, a.c.planned_date, a.c.cost_kyen,
                      a.c.comment, a.c.received_at, e.c.created_at)
            .select_from(a.outerjoin(e, e.c.id == a.c.export_id))
            .where(a.c.vendor_id == vendor_id, a.c.superseded == sa.false()))
    if operation_codes is not None:
        stmt = stmt.where(a.c.operation_code.in_(sorted(set(operation_codes))))
    out: dict[tuple[str, str, str], CurrentAnswer] = {}
    for id_, op, kind, req, answer, planned, cost, comment, received, exported in session.execute(stmt):
        out[(op, kind, req)] = CurrentAnswer(id_, VendorAnswerKind(answer), planned, cost, comment or "", received,
                                             exported)
    return out


def supersede(*, session: Session, answer_ids: Sequence[int]) -> None:
    """Mark earlier answers as history (kept, no longer the answer of record)."""
    ids = list(answer_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        session.execute(sa.update(ANSWER_TABLE).where(ANSWER_TABLE.c.id.in_(chunk)).values(superseded=True))


def insert_answers(*, session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert (each dict has the VendorAnswer columns except id)."""
    if rows:
        session.execute(sa.insert(ANSWER_TABLE), list(rows))


def answer_history(*, session: Session, vendor_id: int, operation_code: str, req_id: str,
                   kind: str = "機能") -> list[VendorAnswer]:
    """Every answer the vendor gave to one requirement, oldest first (the last is the answer of record)."""
    stmt = (
        select(VendorAnswer)
        .where(VendorAnswer.vendor_id == vendor_id, VendorAnswer.operation_code == operation_code,
               VendorAnswer.kind == kind, VendorAnswer.req_id == req_id)
        .order_by(col(VendorAnswer.received_at), col(VendorAnswer.id))
    )
    return list(session.exec(stmt))
