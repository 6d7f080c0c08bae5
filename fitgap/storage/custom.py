"""Queries of the current-function inventory (独自機能) and its mapping to requirements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.models import Assessment, CurrentFunction, CurrentFunctionMapping, Requirement
from fitgap.storage import overview, text_match
from fitgap.storage.db import session_rows

FN: sa.Table = CurrentFunction.__table__  # type: ignore[attr-defined]
MAP: sa.Table = CurrentFunctionMapping.__table__  # type: ignore[attr-defined]
REQ: sa.Table = Requirement.__table__  # type: ignore[attr-defined]
ASM: sa.Table = Assessment.__table__  # type: ignore[attr-defined]

Key = tuple[str, str, str]  # (operation_code, kind, req_id)


def list_functions(*, session: Session, operation_code: str | None = None) -> list[Any]:
    stmt = sa.select(FN)
    if operation_code:
        stmt = stmt.where(FN.c.operation_code == operation_code)
    return list(session.execute(stmt.order_by(FN.c.operation_code, FN.c.id)))


def functions_by_code(*, session: Session, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for i in range(0, len(keys), 400):
        chunk = list(keys[i : i + 400])
        stmt = sa.select(FN).where(sa.tuple_(FN.c.operation_code, FN.c.code).in_(chunk))
        out.update({(r.operation_code, r.code): r for r in session.execute(stmt)})
    return out


def targeted_systems(*, session: Session, system_ids: Iterable[int]) -> set[int]:
    """Which of these systems some current function names as its target (移行先システム)."""
    ids = list(system_ids)
    if not ids:
        return set()
    stmt = sa.select(FN.c.target_system_id).where(FN.c.target_system_id.in_(ids)).distinct()
    return {sid for (sid,) in session.execute(stmt)}


def mappings(*, session: Session, function_ids: Iterable[int] | None = None) -> dict[int, list[Key]]:
    """The requirement keys each function is mapped to, in key order."""
    stmt = sa.select(MAP.c.function_id, MAP.c.operation_code, MAP.c.kind, MAP.c.req_id)
    ids = None if function_ids is None else list(function_ids)
    out: dict[int, list[Key]] = defaultdict(list)
    chunks = [None] if ids is None else [ids[i : i + 400] for i in range(0, len(ids), 400)]
    for chunk in chunks:
        s = stmt if chunk is None else stmt.where(MAP.c.function_id.in_(chunk))
        for fid, op, kind, rid in session.execute(s.order_by(MAP.c.function_id, MAP.c.operation_code, MAP.c.kind,
                                                            MAP.c.req_id)):
            out[fid].append((op, str(kind), rid))
    return out


def current_requirements(*, session: Session, operation_codes: Iterable[str] | None = None) -> dict[Key, Any]:
    """Name, 実装区分 and assessment status of the current requirements that some function maps to."""
    stmt = (
        sa.select(REQ.c.operation_code, REQ.c.kind, REQ.c.req_id, REQ.c.name, REQ.c.kubun,
                  sa.func.coalesce(ASM.c.status, "未確認").label("status"))
        .select_from(
            REQ.join(MAP, sa.and_(MAP.c.operation_code == REQ.c.operation_code, MAP.c.kind == REQ.c.kind,
                                  MAP.c.req_id == REQ.c.req_id))
            .outerjoin(ASM, sa.and_(ASM.c.operation_code == REQ.c.operation_code, ASM.c.kind == REQ.c.kind,
                                    ASM.c.req_id == REQ.c.req_id))
        )
        .where(REQ.c.current == sa.true())
        .distinct()
    )
    if operation_codes is not None:
        stmt = stmt.where(REQ.c.operation_code.in_(list(operation_codes)))
    return {(r.operation_code, str(r.kind), r.req_id): r for r in session.execute(stmt)}


def standard_answered(*, session: Session, keys: Iterable[Key]) -> set[Key]:
    """The requirements among ``keys`` that some vendor answered 標準で対応 (answer of record)."""
    from fitgap.domain.models import VendorAnswer

    va = VendorAnswer.__table__  # type: ignore[attr-defined]
    wanted = set(keys)
    if not wanted:
        return set()
    ops = sorted({k[0] for k in wanted})
    stmt = (sa.select(va.c.operation_code, va.c.kind, va.c.req_id).where(
        va.c.operation_code.in_(ops), va.c.superseded == sa.false(), va.c.answer == overview.STANDARD_ANSWER).distinct())
    return {k for k in ((o, str(kd), r) for o, kd, r in session.execute(stmt)) if k in wanted}


def insert_functions(*, session: Session, rows: Sequence[dict[str, Any]]) -> dict[tuple[str, str], int]:
    if rows:
        session.execute(sa.insert(FN), list(rows))
    keys = [(r["operation_code"], r["code"]) for r in rows]
    return {k: r.id for k, r in functions_by_code(session=session, keys=keys).items()}


def update_function(*, session: Session, function_id: int, values: dict[str, Any]) -> None:
    session.execute(sa.update(FN).where(FN.c.id == function_id).values(**values, revision=FN.c.revision + 1))


def set_mappings(*, session: Session, function_id: int, keys: Iterable[Key]) -> None:
    session.execute(sa.delete(MAP).where(MAP.c.function_id == function_id))
    rows = [{"function_id": function_id, "operation_code": op, "kind": kind, "req_id": rid} for op, kind, rid in keys]
    if rows:
        session.execute(sa.insert(MAP), rows)


def count_functions(*, session: Session) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(FN)).scalar_one())


def delete_demo_functions(*, session: Session) -> int:
    ids = [r.id for r in session.execute(sa.select(FN.c.id).where(FN.c.demo == sa.true()))]
    for i in range(0, len(ids), 400):
        session.execute(sa.delete(MAP).where(MAP.c.function_id.in_(ids[i : i + 400])))
        session.execute(sa.delete(FN).where(FN.c.id.in_(ids[i : i + 400])))
    return len(ids)


def current_requirement_keys(*, session: Session, operation_code: str) -> list[tuple[str, str, str]]:
    """(kind, req_id, kubun) of an operation's current requirements, in document order."""
    stmt = (sa.select(REQ.c.kind, REQ.c.req_id, REQ.c.kubun)
            .where(REQ.c.operation_code == operation_code, REQ.c.current == sa.true())
            .order_by(REQ.c.doc_order, REQ.c.id))
    return [(str(k), r, str(u)) for k, r, u in session.execute(stmt)]


# ---- the screen's queries: filter, count and page in SQL ------------------------------------------
# The same rules as fitgap.domain.custom (coverage, reverse gap, undecided), written as SQL so that a
# list of thousands of functions is read a page at a time; tests compare both.

FORBIDDEN, UNDECIDED = overview.FORBIDDEN, overview.UNDECIDED


def _mapped() -> Any:
    return sa.exists().where(MAP.c.function_id == FN.c.id)


def _reverse() -> Any:
    joined = MAP.join(REQ, sa.and_(REQ.c.operation_code == MAP.c.operation_code, REQ.c.kind == MAP.c.kind,
                                   REQ.c.req_id == MAP.c.req_id))
    return (sa.exists(sa.select(sa.literal(1)).select_from(joined)
                      .where(MAP.c.function_id == FN.c.id, REQ.c.current == sa.true(), REQ.c.kubun == FORBIDDEN)))


def _outside() -> Any:
    return sa.and_(FN.c.outside_spec == sa.true(), sa.not_(_mapped()))


def _unchecked() -> Any:
    return sa.and_(FN.c.outside_spec == sa.false(), sa.not_(_mapped()))


def _option_pending() -> Any:
    """Mapped only to current 標準オプション requirements, none adopted and answered 標準で対応 (domain rule
    custom.is_option_pending)."""
    return sa.text(f"current_function.id IN ({overview.OPTION_PENDING_IDS})")


def _undecided() -> Any:
    return sa.or_(sa.and_(sa.or_(_outside(), _reverse()),
                          sa.or_(FN.c.disposition.is_(None), FN.c.disposition == UNDECIDED)),
                  _option_pending())


def build_where(*, operation_code: str | None, coverage: Sequence[str] = (), dispositions: Sequence[str | None] = (),
                undecided: bool | None = None, reverse_gap: bool | None = None, terms: Sequence[str] = (),
                owner_department: str | None = None) -> list[Any]:
    where: list[Any] = []
    if operation_code:
        where.append(FN.c.operation_code == operation_code)
    if owner_department is not None:
        where.append(FN.c.owner_department == owner_department)
    if coverage:
        parts = {"標準内": _mapped(), "標準外": _outside(), "未確認": _unchecked()}
        where.append(sa.or_(*(parts[c] for c in coverage)))
    if dispositions:
        named = [d for d in dispositions if d is not None]
        conds = [FN.c.disposition.in_(named)] if named else []
        if None in dispositions:
            conds.append(FN.c.disposition.is_(None))
        where.append(sa.or_(*conds))
    if undecided is not None:
        where.append(_undecided() if undecided else sa.not_(_undecided()))
    if reverse_gap is not None:
        where.append(_reverse() if reverse_gap else sa.not_(_reverse()))
    for t in terms:  # the one search form on every backend (text.search_form), as FunctionFilter.matches
        where.append(text_match.contains((FN.c.code, FN.c.name, FN.c.description, FN.c.department, FN.c.note), t))
    return where


def owner_departments(*, session: Session, operation_code: str | None = None) -> list[str]:
    stmt = sa.select(FN.c.owner_department).where(FN.c.owner_department.is_not(None), FN.c.owner_department != "")
    if operation_code:
        stmt = stmt.where(FN.c.operation_code == operation_code)
    return sorted({str(d) for d in session.execute(stmt.distinct()).scalars()})


def count_where(*, session: Session, where: list[Any]) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(FN).where(*where)).scalar_one())


def page(*, session: Session, where: list[Any], offset: int, limit: int) -> list[Any]:
    stmt = sa.select(FN).where(*where).order_by(FN.c.operation_code, FN.c.id).offset(offset).limit(limit)
    return list(session.execute(stmt))


def keys_where(*, session: Session, where: list[Any]) -> list[tuple[str, str]]:
    stmt = sa.select(FN.c.operation_code, FN.c.code).where(*where).order_by(FN.c.operation_code, FN.c.id)
    return [(op, code) for op, code in session.execute(stmt)]


def summary(*, session: Session, operation_code: str | None) -> dict[str, int]:
    """How many functions are in each state (for the screen's summary line): total, in_spec, outside,
    reverse, undecided, unchecked, demo; of one operation or, with None, of all."""
    by_op = summary_by_operation(session=session)
    chosen = [by_op.get(operation_code, {})] if operation_code else list(by_op.values())
    return {k: sum(c.get(k, 0) for c in chosen) for k in overview.CUSTOM_STATES}


def summary_by_operation(*, session: Session) -> dict[str, dict[str, int]]:
    """The same counts per operation (for status and readiness), in one grouped query."""
    return overview.custom_summary_by_operation(session_rows(session))


def dispositions_by_operation(*, session: Session) -> list[tuple[str, str, int]]:
    """(operation, disposition, how many functions) for every disposition that is set."""
    return overview.custom_dispositions_by_operation(session_rows(session))
