"""The requirements that go into an answer workbook, with the municipality's assessment (one query)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.enums import Disposition, Kubun, RequirementKind, Status
from fitgap.domain.models import Assessment, Operation, Requirement, System, VendorAnswer

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
    detail: str = ""  # what the decision names: the option (機能:0010005) or the 共通機能
    target_system: str | None = None  # the system that takes the work over


def _statement(operation_codes: Iterable[str], scope: str, department: str | None = None) -> sa.Select[Any]:
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    r = Requirement.__table__  # type: ignore[attr-defined]
    a = Assessment.__table__  # type: ignore[attr-defined]
    o = Operation.__table__  # type: ignore[attr-defined]
    s = System.__table__  # type: ignore[attr-defined]
    stmt = (
        sa.select(r.c.operation_code, r.c.req_id, r.c.kind, r.c.kubun, r.c.transitional, r.c.name, r.c.text,
                  r.c.text_hash, r.c.reason, r.c.remarks, a.c.needs_review, a.c.basis_version_id, r.c.spec_version_id,
                  a.c.status, a.c.disposition, a.c.note, a.c.revision, a.c.assessed_by, a.c.assessed_at,
                  a.c.disposition_detail, s.c.name)
        .select_from(
            r.join(o, o.c.code == r.c.operation_code)
            .outerjoin(a, sa.and_(a.c.operation_code == r.c.operation_code, a.c.kind == r.c.kind,
                                  a.c.req_id == r.c.req_id))
            .outerjoin(s, s.c.id == a.c.target_system_id)
        )
    )
    out: sa.Select[Any] = _filtered(stmt, r, a, o, operation_codes, scope)
    if department is not None:
        out = out.where(a.c.department == department)
    return out


def _filtered(stmt: sa.Select[Any], r: Any, a: Any, o: Any, operation_codes: Iterable[str], scope: str) -> sa.Select[Any]:
    """The rows of the scope, in 政令順 and document order."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    stmt = (stmt.where(r.c.current == sa.true(), r.c.operation_code.in_(sorted(set(operation_codes))))
            .order_by(o.c.order, r.c.doc_order, r.c.kind, r.c.req_id))
    if scope == "gaps":
        stmt = stmt.where(a.c.status == Status.GAP.value)
    elif scope == "must":
        stmt = stmt.where(r.c.kubun == Kubun.MUST.value)
    return stmt


def _row(values: Any) -> SheetItemRow:
    (code, req_id, kind, kubun, trans, name, text, th, reason, remarks, review, basis, vid, status, disp, note,
     rev, by, at, detail, system) = values
    return SheetItemRow(
        operation_code=code, req_id=req_id, kind=RequirementKind(kind), kubun=Kubun(kubun),
        transitional=bool(trans), name=name or "", text=text or "", text_hash=th, reason=reason or "",
        remarks=remarks or "", needs_review=bool(review), basis_version_id=basis, spec_version_id=vid,
        status=Status(status) if status else Status.UNCHECKED,
        disposition=Disposition(disp) if disp else None, note=note or "", revision=int(rev or 0),
        assessed_by=by, assessed_at=at, detail=detail or "", target_system=system,
    )


def sheet_items(*, session: Session, operation_codes: Iterable[str], scope: str = "all") -> list[SheetItemRow]:
    """Current requirements of the operations, in 政令順 and document order.

    ``scope``: ``gaps`` = items assessed as ギャップ; ``must`` = 実装必須 items; ``all`` = every item.
    """
    return [_row(v) for v in session.execute(_statement(operation_codes, scope))]


def iter_sheet_items(*, session: Session, operation_code: str, scope: str = "all", batch: int = 1000,
                     department: str | None = None) -> Iterator[SheetItemRow]:
    """The same rows for one operation, streamed from the database (an export holds one batch at a time);
    with ``department``, only the requirements whose assessment names that 担当課."""
    result = session.execute(_statement([operation_code], scope, department).execution_options(yield_per=batch))
    for values in result:
        yield _row(values)


# (req_id, kind, kubun, transitional, name, text, text_hash, reason, remarks, status, note,
#  answer, planned_date, cost_kyen, comment): status, answer and the text columns None where there is none
VendorSheetRow = tuple[str, str, str, bool, str, str, str, str, str, str | None, str | None,
                       str | None, date | None, float | None, str | None]


def iter_vendor_sheet_rows(*, session: Session, operation_code: str, scope: str = "all",
                           vendor_id: int | None = None, batch: int = 1000) -> Iterator[VendorSheetRow]:
    """The rows of :func:`iter_sheet_items` that a vendor sheet shows, with the vendor's answer of record
    (the latest one not superseded) in the same query: plain values streamed straight from the database,
    the coded columns as the text they are stored as (no enum or row object made per row)."""
    r = Requirement.__table__  # type: ignore[attr-defined]
    a = Assessment.__table__  # type: ignore[attr-defined]
    o = Operation.__table__  # type: ignore[attr-defined]
    v = VendorAnswer.__table__  # type: ignore[attr-defined]
    text = sa.String()
    columns: list[Any] = [r.c.req_id, sa.type_coerce(r.c.kind, text), sa.type_coerce(r.c.kubun, text),
                          r.c.transitional, r.c.name, r.c.text, r.c.text_hash, r.c.reason, r.c.remarks,
                          sa.type_coerce(a.c.status, text), a.c.note]
    source = r.join(o, o.c.code == r.c.operation_code).outerjoin(
        a, sa.and_(a.c.operation_code == r.c.operation_code, a.c.kind == r.c.kind, a.c.req_id == r.c.req_id))
    if vendor_id is None:
        columns += [sa.null(), sa.null(), sa.null(), sa.null()]
    else:
        w = v.alias("record")
        latest = (sa.select(sa.func.max(w.c.id))
                  .where(w.c.vendor_id == vendor_id, w.c.operation_code == r.c.operation_code, w.c.kind == r.c.kind,
                         w.c.req_id == r.c.req_id, w.c.superseded == sa.false())
                  .correlate(r).scalar_subquery())
        source = source.outerjoin(v, v.c.id == latest)
        columns += [sa.type_coerce(v.c.answer, text), v.c.planned_date, v.c.cost_kyen, v.c.comment]
    stmt = _filtered(sa.select(*columns).select_from(source), r, a, o, [operation_code], scope)
    with session.connection().execute(stmt.execution_options(yield_per=batch)) as result:
        yield from cast(Iterator[VendorSheetRow], result)  # rows unpack like tuples


def count_sheet_items(*, session: Session, operation_codes: Iterable[str], scope: str = "all",
                      department: str | None = None) -> dict[str, int]:
    """How many rows :func:`iter_sheet_items` gives for each operation (operations without any left out)."""
    inner = _statement(operation_codes, scope, department).order_by(None).subquery()
    stmt = sa.select(inner.c.operation_code, sa.func.count()).group_by(inner.c.operation_code)
    return {code: int(n) for code, n in session.execute(stmt)}


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


def count_needs_review(*, session: Session, operation_codes: Iterable[str],
                       department: str | None = None) -> dict[str, int]:
    """Current requirements marked 要再確認, per operation (for the review sheet's cover)."""
    r = Requirement.__table__  # type: ignore[attr-defined]
    a = Assessment.__table__  # type: ignore[attr-defined]
    stmt = (
        sa.select(r.c.operation_code, sa.func.count())
        .select_from(r.join(a, sa.and_(a.c.operation_code == r.c.operation_code, a.c.kind == r.c.kind,
                                       a.c.req_id == r.c.req_id)))
        .where(r.c.current == sa.true(), a.c.needs_review == sa.true(),
               r.c.operation_code.in_(sorted(set(operation_codes))))
        .group_by(r.c.operation_code)
    )
    if department is not None:
        stmt = stmt.where(a.c.department == department)
    return {code: int(n) for code, n in session.execute(stmt)}


def assigned_departments(*, session: Session) -> list[str]:
    """Every 担当課 some current requirement's assessment names."""
    r = Requirement.__table__  # type: ignore[attr-defined]
    a = Assessment.__table__  # type: ignore[attr-defined]
    stmt = (sa.select(a.c.department).distinct()
            .select_from(a.join(r, sa.and_(a.c.operation_code == r.c.operation_code, a.c.kind == r.c.kind,
                                           a.c.req_id == r.c.req_id)))
            .where(r.c.current == sa.true(), a.c.department != ""))
    return sorted(str(d) for (d,) in session.execute(stmt))
