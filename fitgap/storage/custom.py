"""Queries of the current-function inventory (独自機能) and its mapping to requirements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.models import Assessment, CurrentFunction, CurrentFunctionMapping, Requirement

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
