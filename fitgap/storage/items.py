"""Queries over current requirements joined with their assessments: filter, search, sort, page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session

from fitgap.domain.enums import Disposition, Kubun, Severity, Status
from fitgap.domain.models import Assessment, Operation, Requirement
from fitgap.storage import char_index, search_index, text_match

req: sa.Table = Requirement.__table__  # type: ignore[attr-defined]
asm: sa.Table = Assessment.__table__  # type: ignore[attr-defined]
ops: sa.Table = Operation.__table__  # type: ignore[attr-defined]

status_expr = sa.func.coalesce(asm.c.status, Status.UNCHECKED.value)
note_expr = sa.func.coalesce(asm.c.note, "")
review_expr = sa.func.coalesce(asm.c.needs_review, sa.false())
revision_expr = sa.func.coalesce(asm.c.revision, 0)
# The same rule as fitgap.domain.rules.severity, in SQL (a test keeps the two in step).
severity_expr = sa.case(
    (sa.and_(req.c.kubun == Kubun.MUST.value, status_expr == Status.GAP.value), Severity.MUST_CLOSE.value),
    (sa.and_(req.c.kubun == Kubun.FORBIDDEN.value, status_expr == Status.FIT.value), Severity.MUST_REMOVE.value),
    (
        sa.and_(
            req.c.kubun == Kubun.OPTION.value,
            sa.or_(
                status_expr == Status.UNCHECKED.value,
                sa.and_(status_expr == Status.GAP.value,
                        sa.or_(asm.c.disposition.is_(None), asm.c.disposition == Disposition.UNDECIDED.value)),
            ),
        ),
        Severity.DECIDE.value,
    ),
    else_=None,
)

_KUBUN_ORDER = sa.case({k.value: i for i, k in enumerate(Kubun)}, value=req.c.kubun)
_STATUS_ORDER = sa.case({s.value: i for i, s in enumerate(Status)}, value=status_expr)
SORT_COLUMNS: dict[str, Any] = {
    "document": req.c.doc_order,
    "operation": ops.c.order,
    "req_id": req.c.id_sort,
    "kind": req.c.kind,
    "name": req.c.name,
    "kubun": _KUBUN_ORDER,
    "status": _STATUS_ORDER,
    "disposition": asm.c.disposition,
    "severity": severity_expr,
    "assessed_at": asm.c.assessed_at,
}

ROW_COLUMNS = (
    req.c.operation_code, req.c.kind, req.c.req_id, req.c.name, req.c.kind, req.c.kubun, req.c.transitional, status_expr.label("status"),
    asm.c.disposition, severity_expr.label("severity"), review_expr.label("needs_review"), note_expr.label("note"),
    revision_expr.label("revision"), asm.c.assessed_by, asm.c.assessed_at,
)


def _joined() -> sa.FromClause:
    return req.outerjoin(asm, sa.and_(asm.c.operation_code == req.c.operation_code, asm.c.kind == req.c.kind,
                                      asm.c.req_id == req.c.req_id)).join(ops, ops.c.code == req.c.operation_code)


def build_where(
    conn: sa.Connection,
    *,
    operation_code: str | None,
    statuses: Sequence[str] = (),
    kubun: Sequence[str] = (),
    dispositions: Sequence[str] = (),
    severities: Sequence[str] = (),
    needs_review: bool | None = None,
    note_missing_for: Sequence[str] | None = None,
    terms: Sequence[str] = (),
    departments: Sequence[str] = (),
) -> list[Any]:
    """WHERE clauses for a filter. ``note_missing_for``: statuses that need a note (only with a note filter)."""
    where: list[Any] = [req.c.current == sa.true()]
    if operation_code:
        where.append(req.c.operation_code == operation_code)
    if statuses:
        where.append(status_expr.in_(list(statuses)))
    if kubun:
        where.append(req.c.kubun.in_(list(kubun)))
    if dispositions:
        where.append(asm.c.disposition.in_(list(dispositions)))
    if departments:  # the 担当課 the requirements are assigned to (services.owners)
        where.append(asm.c.department.in_(list(departments)))
    if severities:
        where.append(severity_expr.in_(list(severities)))
    if needs_review is not None:
        where.append(review_expr == (sa.true() if needs_review else sa.false()))
    if note_missing_for is not None:
        where.append(sa.and_(status_expr.in_(list(note_missing_for)), sa.func.trim(note_expr) == ""))
    long_terms = [t for t in terms if len(t) > char_index.MAX_TERM]
    short_terms = [t for t in terms if len(t) <= char_index.MAX_TERM]
    like_terms: list[str] = []
    if search_index.available(conn):
        if long_terms:
            match = search_index.match_expression(long_terms)
            where.append(
                req.c.id.in_(sa.select(sa.column("rowid")).select_from(sa.table(search_index.TABLE))
                           .where(sa.text(f"{search_index.TABLE} MATCH :fts_q").bindparams(fts_q=match)))
            )
        indexed = [t for t in short_terms if char_index.usable(t)] if char_index.exists(conn) else []
        if indexed:
            where.append(
                req.c.id.in_(sa.select(sa.column("rowid")).select_from(sa.table(char_index.TABLE))
                           .where(sa.text(f"{char_index.TABLE} MATCH :chars_q")
                                  .bindparams(chars_q=char_index.match_expression(indexed))))
            )
        # the indexes fold every case; a term with a non-Latin letter that has case (İ, é, Ω) is also held to
        # the one search form by LIKE, which folds the Latin capitals only (text.search_form)
        like_terms = [t for t in short_terms if t not in indexed or char_index.needs_like(t)]
        like_terms += [t for t in long_terms if char_index.needs_like(t)]
    else:
        like_terms = list(terms)
    for t in like_terms:
        where.append(_substring(conn, t))
    return where


def _substring(conn: sa.Connection, term: str) -> Any:
    """ID, name or text contains the term, both in the one search form (text.search_form): width, NFKC and
    the Latin capitals ignored, the same on both backends."""
    if search_index.available(conn):  # the index holds the NFKC form; SQLite's LIKE folds the Latin capitals
        pattern = text_match.like_pattern(term)
        fts = sa.table(search_index.TABLE, sa.column("rowid"), sa.column("req_id"), sa.column("name"),
                       sa.column("text"))
        return req.c.id.in_(sa.select(fts.c.rowid).where(sa.or_(
            fts.c.req_id.like(pattern, escape="\\"), fts.c.name.like(pattern, escape="\\"),
            fts.c.text.like(pattern, escape="\\"))))
    return text_match.contains((req.c.req_id, req.c.name, req.c.text), term)


def _uses_assessment(clauses: Sequence[Any]) -> bool:
    return any(asm in find_tables(c, check_columns=True) for c in clauses)


def _from_for(clauses: Sequence[Any]) -> sa.FromClause:
    """The requirements joined with only what the clauses use: a filter or order on nothing but the
    requirement (a search, 区分, the document order) is not joined with every match's assessment."""
    if _uses_assessment(clauses):
        return _joined()
    return req.join(ops, ops.c.code == req.c.operation_code)


def count(*, session: Session, where: list[Any]) -> int:
    stmt = sa.select(sa.func.count()).select_from(_from_for(where)).where(*where)
    return int(session.execute(stmt).scalar_one())


def _order_terms(sort: str, descending: bool) -> list[tuple[Any, bool]]:
    """The order of the list as (expression, ascending): the sort column, then 政令順, document order,
    kind, ID — a total order, so that a row's place in it is one number. The document order (文書順) is
    each operation's document in 政令順, one after the other: the list of all operations does not
    interleave them row by row (every operation's document counts its rows from 1)."""
    if sort == "document" or sort not in SORT_COLUMNS:
        terms = [(ops.c.order, not descending), (req.c.doc_order, not descending)]
    else:
        terms = [(SORT_COLUMNS[sort], not descending)]
        if sort != "operation":
            terms.append((ops.c.order, True))
    return [*terms, (req.c.doc_order, True), (req.c.kind, True), (req.c.req_id, True)]


def _order(sort: str, descending: bool) -> list[Any]:
    return [e.asc() if ascending else e.desc() for e, ascending in _order_terms(sort, descending)]


def page(*, session: Session, where: list[Any], sort: str, descending: bool, offset: int, limit: int) -> list[Any]:
    order = _order(sort, descending)
    # The page's requirements first (sorting every match by only what the order needs), then their
    # assessments and derived columns for those rows alone.
    chosen = (sa.select(req.c.id).select_from(_from_for([*where, *order])).where(*where).order_by(*order)
              .offset(offset).limit(limit).subquery("chosen"))
    stmt = (sa.select(*ROW_COLUMNS).select_from(_joined().join(chosen, chosen.c.id == req.c.id)).order_by(*order))
    return list(session.execute(stmt))


def _before(expr: Any, value: Any, *, ascending: bool, nulls_first: bool) -> Any:
    """``expr`` sorts before ``value`` (NULLs where the backend puts them)."""
    if value is None:
        return sa.false() if nulls_first else expr.is_not(None)
    earlier = expr < value if ascending else expr > value
    return sa.or_(expr.is_(None), earlier) if nulls_first else earlier


def first_position(*, session: Session, where: list[Any], sort: str, descending: bool,
                   keys: Sequence[tuple[str, str, str]]) -> tuple[tuple[str, str, str], int] | None:
    """The first of ``keys`` (operation code, kind, ID) that is in the list ``page`` reads, and its place in
    it (0-based); None when none is. Two small queries: the rows' sort values (only rows in the list have
    any), then how many rows of the list sort before the chosen one."""
    if not keys:
        return None
    terms = _order_terms(sort, descending)
    exprs = [e for e, _asc in terms]
    wanted = [(op, str(kind), rid) for op, kind, rid in keys]
    listed: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    for i in range(0, len(wanted), 400):
        stmt = (sa.select(req.c.operation_code, req.c.kind, req.c.req_id, *exprs)
                .select_from(_from_for([*where, *exprs])).where(
                    *where, sa.tuple_(req.c.operation_code, req.c.kind, req.c.req_id).in_(wanted[i : i + 400])))
        listed.update({(r[0], r[1], r[2]): tuple(r[3:]) for r in session.execute(stmt)})
    chosen = next((k for k in wanted if k in listed), None)
    if chosen is None:
        return None
    values = listed[chosen]
    # SQLite puts NULLs first when ascending, PostgreSQL last (and the reverse when descending)
    sqlite_like = session.connection().dialect.name != "postgresql"
    earlier = [
        sa.and_(*(exprs[j].is_not_distinct_from(values[j]) for j in range(i)),
                _before(e, values[i], ascending=asc, nulls_first=asc == sqlite_like))
        for i, (e, asc) in enumerate(terms)
    ]
    stmt = sa.select(sa.func.count()).select_from(_from_for([*where, *exprs])).where(*where, sa.or_(*earlier))
    return chosen, int(session.execute(stmt).scalar_one())


def _operation_codes(session: Session, *, descending: bool) -> list[str]:
    return list(session.execute(sa.select(ops.c.code).order_by(ops.c.order.desc() if descending else ops.c.order,
                                                               ops.c.code)).scalars())


def page_by_operation(*, session: Session, where: list[Any], descending: bool, offset: int,
                      limit: int) -> list[Any]:
    """A page of ``page(sort="document")`` over several operations, read one operation at a time: each
    operation's rows in its own document order, the operations in 政令順. Every document numbers its rows
    from 1, so one query in that order would sort every requirement; per operation, its count and its
    rows come from the indexes (the first page of 30,000 requirements reads one operation)."""
    out: list[Any] = []
    before = 0
    for code in _operation_codes(session, descending=descending):
        scoped = [*where, req.c.operation_code == code]
        n = count(session=session, where=scoped)
        if before + n > offset:
            out += page(session=session, where=scoped, sort="document", descending=descending,
                        offset=max(offset - before, 0), limit=limit - len(out))
            if len(out) >= limit:
                break
        before += n
    return out


def position_by_operation(*, session: Session, where: list[Any], descending: bool,
                          keys: Sequence[tuple[str, str, str]]) -> tuple[tuple[str, str, str], int] | None:
    """``first_position`` in the order ``page_by_operation`` reads: where the first of ``keys`` that is
    listed stands, found in its own operation and counted after the operations before it."""
    wanted = [(op, str(kind), rid) for op, kind, rid in keys]
    found: list[tuple[tuple[str, str, str], int]] = []
    for code in dict.fromkeys(op for op, _k, _r in wanted):
        hit = first_position(session=session, where=[*where, req.c.operation_code == code], sort="document",
                             descending=descending, keys=[k for k in wanted if k[0] == code])
        if hit is not None:
            found.append(hit)
    if not found:
        return None
    chosen, within = min(found, key=lambda hit: wanted.index(hit[0]))
    codes = _operation_codes(session, descending=descending)
    before = sum(count(session=session, where=[*where, req.c.operation_code == c])
                 for c in codes[: codes.index(chosen[0])])
    return chosen, before + within


def keys(*, session: Session, where: list[Any]) -> list[tuple[str, str, str]]:
    """(operation code, kind, ID) of the matching items, in 政令順 and document order."""
    stmt = (sa.select(req.c.operation_code, req.c.kind, req.c.req_id).select_from(_joined()).where(*where)
            .order_by(ops.c.order, req.c.doc_order, req.c.kind, req.c.req_id))
    return [(a, k, b) for a, k, b in session.execute(stmt)]


def rows_for_keys(*, session: Session, keys: Sequence[tuple[str, str, str]]) -> list[Any]:
    """Current requirement rows (with their assessment state) for the given keys."""
    out: list[Any] = []
    for i in range(0, len(keys), 400):
        chunk = [(op, str(kind), rid) for op, kind, rid in keys[i : i + 400]]
        stmt = (
            sa.select(*ROW_COLUMNS, req.c.spec_version_id, asm.c.id.label("assessment_id"), asm.c.disposition_detail,
                      asm.c.target_system_id)
            .select_from(_joined())
            .where(req.c.current == sa.true(), sa.tuple_(req.c.operation_code, req.c.kind, req.c.req_id).in_(chunk))
        )
        out.extend(session.execute(stmt))
    return out


def detail(*, session: Session, operation_code: str, kind: str, req_id: str) -> Any:
    stmt = (
        sa.select(*ROW_COLUMNS, req.c.text, req.c.category, req.c.reason, req.c.remarks, req.c.source_file,
                  req.c.source_sheet, req.c.source_row, req.c.spec_version_id, asm.c.basis_version_id,
                  asm.c.disposition_detail, asm.c.target_system_id)
        .select_from(_joined())
        .where(req.c.current == sa.true(), req.c.operation_code == operation_code, req.c.kind == kind,
               req.c.req_id == req_id)
    )
    return session.execute(stmt).first()


def requirement_in_version(*, session: Session, spec_version_id: int, kind: str, req_id: str) -> Any:
    stmt = sa.select(req.c.text, req.c.kubun, req.c.name, req.c.reason, req.c.remarks).where(
        req.c.spec_version_id == spec_version_id, req.c.kind == kind, req.c.req_id == req_id)
    return session.execute(stmt).first()


def longest_ids(*, session: Session, operation_code: str | None, limit: int = 20) -> list[str]:
    """The longest current requirement IDs (of one operation or all), to size the ID column."""
    stmt = sa.select(req.c.req_id).where(req.c.current == sa.true())
    if operation_code:
        stmt = stmt.where(req.c.operation_code == operation_code)
    stmt = stmt.order_by(sa.func.length(req.c.req_id).desc()).limit(limit)
    return [r for (r,) in session.execute(stmt)]
