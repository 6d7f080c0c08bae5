"""The requirements that go into an answer workbook, with the municipality's assessment (one query)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.enums import Disposition, Kubun, RequirementKind, Status
from fitgap.domain.models import Assessment, Operation, Requirement

SCOPES = ("gaps", "must", "all")


@dataclass(frozen=True, slots=True)
class SheetItemRow:
    operation_code: str
    req_id: str
    kind: RequirementKind
    kubun: Kubun
    transitional: bool
    name: str
    text: str
    text_hash: str
    reason: str
    remarks: str
    needs_review: bool
    basis_version_id: int | None
    spec_version_id: int
    status: Status
    disposition: Disposition | None
    note: str
    revision: int
    assessed_by: str | None
    assessed_at: datetime | None


def sheet_items(*, session: Session, operation_codes: Iterable[str], scope: str = "all") -> list[SheetItemRow]:
    """Current requirements of the operations, in 政令順 and ID order.

    ``scope``: ``gaps`` = items assessed as ギャップ; ``must`` = 実装必須 items; ``all`` = every item.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    r = Requirement.__table__  # type: ignore[attr-defined]
    a = Assessment.__table__  # type: ignore[attr-defined]
    o = Operation.__table__  # type: ignore[attr-defined]
    stmt = (
        sa.select(r.c.operation_code, r.c.req_id, r.c.kind, r.c.kubun, r.c.transitional, r.c.name, r.c.text,
                  r.c.text_hash, r.c.reason, r.c.remarks, a.c.needs_review, a.c.basis_version_id, r.c.spec_version_id,
                  a.c.status, a.c.disposition, a.c.note, a.c.revision, a.c.assessed_by, a.c.assessed_at)
        .select_from(
            r.join(o, o.c.code == r.c.operation_code)
            .outerjoin(a, sa.and_(a.c.operation_code == r.c.operation_code, a.c.kind == r.c.kind,
                                  a.c.req_id == r.c.req_id))
        )
        .where(r.c.current == sa.true(), r.c.operation_code.in_(sorted(set(operation_codes))))
        .order_by(o.c.order, r.c.doc_order, r.c.kind, r.c.req_id)
    )
    if scope == "gaps":
        stmt = stmt.where(a.c.status == Status.GAP.value)
    elif scope == "must":
        stmt = stmt.where(r.c.kubun == Kubun.MUST.value)
    out = []
    for (code, req_id, kind, kubun, trans, name, text, th, reason, remarks, review, basis, vid, status, disp, note,
         rev, by, at) in session.execute(stmt):
        out.append(SheetItemRow(
            operation_code=code, req_id=req_id, kind=RequirementKind(kind), kubun=Kubun(kubun),
            transitional=bool(trans), name=name or "", text=text or "", text_hash=th, reason=reason or "",
            remarks=remarks or "", needs_review=bool(review), basis_version_id=basis, spec_version_id=vid,
            status=Status(status) if status else Status.UNCHECKED,
            disposition=Disposition(disp) if disp else None, note=note or "", revision=int(rev or 0),
            assessed_by=by, assessed_at=at,
        ))
    return out


def current_hashes(*, session: Session, operation_codes: Iterable[str]) -> dict[tuple[str, str, str], str]:
    """Text hash of every current requirement of the operations, by (operation code, kind, requirement ID)."""
    r = Requirement.__table__  # type: ignore[attr-defined]
    stmt = sa.select(r.c.operation_code, r.c.kind, r.c.req_id, r.c.text_hash).where(
        r.c.current == sa.true(), r.c.operation_code.in_(sorted(set(operation_codes))))
    return {(op, kind, req): th for op, kind, req, th in session.execute(stmt)}


def kinds_by_id(keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], list[str]]:
    """The kinds each (operation code, ID) has among the keys (to read sheets written before keys had kinds)."""
    out: dict[tuple[str, str], list[str]] = {}
    for op, kind, req in keys:
        out.setdefault((op, req), []).append(kind)
    return out
