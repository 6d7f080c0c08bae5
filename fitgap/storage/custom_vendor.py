"""SQL for the vendors' answers to the current functions (the 独自機能回答票 round trip)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.models import CustomVendorAnswer, Vendor, VendorExport

ANSWER: sa.Table = CustomVendorAnswer.__table__  # type: ignore[attr-defined]
EXPORT: sa.Table = VendorExport.__table__  # type: ignore[attr-defined]
VENDOR: sa.Table = Vendor.__table__  # type: ignore[attr-defined]

FnKey = tuple[str, str]  # (operation_code, function_code)


@dataclass(frozen=True, slots=True)
class CustomAnswerOfRecord:
    """A vendor's answer of record for one function, with when the workbook it came back in was exported."""

    id: int
    vendor: str
    operation_code: str
    function_code: str
    answer: str
    standard_ids: str
    cost_kyen: float | None
    planned_date: date | None
    comment: str
    revision: int | None
    received_at: datetime
    exported_at: datetime | None


def _select() -> Any:
    a, e, v = ANSWER, EXPORT, VENDOR
    return (sa.select(a.c.id, v.c.name, a.c.operation_code, a.c.function_code, a.c.answer, a.c.standard_ids,
                      a.c.cost_kyen, a.c.planned_date, a.c.comment, a.c.revision, a.c.received_at, e.c.created_at)
            .select_from(a.join(v, v.c.id == a.c.vendor_id).outerjoin(e, e.c.id == a.c.export_id))
            .where(a.c.superseded == sa.false())
            .order_by(a.c.received_at, a.c.id))


def _record(row: Any) -> CustomAnswerOfRecord:
    return CustomAnswerOfRecord(row[0], row[1], row[2], row[3], row[4], row[5] or "", row[6], row[7], row[8] or "",
                                row[9], row[10], row[11])


def current_answers(session: Session, *, vendor_id: int,
                    operation_codes: Iterable[str] | None = None) -> dict[FnKey, CustomAnswerOfRecord]:
    """The vendor's answers of record by (operation, function number)."""
    stmt = _select().where(ANSWER.c.vendor_id == vendor_id)
    if operation_codes is not None:
        stmt = stmt.where(ANSWER.c.operation_code.in_(sorted(set(operation_codes))))
    return {(r[2], r[3]): _record(r) for r in session.execute(stmt)}


def answers_of_record(session: Session, keys: Sequence[FnKey] | None = None) -> dict[FnKey, list[CustomAnswerOfRecord]]:
    """Every vendor's answer of record per function (the latest received last); all functions when ``keys`` is None."""
    out: dict[FnKey, list[CustomAnswerOfRecord]] = {}
    wanted = None if keys is None else list(dict.fromkeys(keys))
    chunks: list[list[FnKey] | None] = [None] if wanted is None else [wanted[i:i + 400] for i in range(0, len(wanted), 400)]
    for chunk in chunks:
        stmt = _select()
        if chunk is not None:
            if not chunk:
                continue
            stmt = stmt.where(sa.tuple_(ANSWER.c.operation_code, ANSWER.c.function_code).in_(chunk))
        for r in session.execute(stmt):
            out.setdefault((r[2], r[3]), []).append(_record(r))
    return out


def supersede(session: Session, answer_ids: Sequence[int]) -> None:
    """Earlier answers become history (kept, no longer the answer of record)."""
    ids = list(answer_ids)
    for start in range(0, len(ids), 500):
        session.execute(sa.update(ANSWER).where(ANSWER.c.id.in_(ids[start:start + 500])).values(superseded=True))


def insert_answers(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert (each dict has the CustomVendorAnswer columns except id)."""
    if rows:
        session.execute(sa.insert(ANSWER), list(rows))


__all__ = ["CustomAnswerOfRecord", "answers_of_record", "current_answers", "insert_answers", "supersede"]
