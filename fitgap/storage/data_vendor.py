"""SQL for the vendor's answers to the data items of the 基本データリスト (the データ項目回答票 round trip)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.models import DataVendorAnswer, VendorExport

ANSWER = DataVendorAnswer.__table__  # type: ignore[attr-defined]
EXPORT = VendorExport.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class DataAnswerOfRecord:
    """A vendor's answer of record for one item, with when the workbook it came back in was exported."""

    id: int
    item_id: str
    answer: str
    planned_date: date | None
    comment: str
    def_hash: str | None
    received_at: datetime
    exported_at: datetime | None


def current_answers(session: Session, *, vendor_id: int,
                    operation_codes: Iterable[str] | None = None) -> dict[str, DataAnswerOfRecord]:
    """The vendor's answers of record by データ項目ID."""
    a, e = ANSWER, EXPORT
    stmt = (sa.select(a.c.id, a.c.item_id, a.c.answer, a.c.planned_date, a.c.comment, a.c.def_hash, a.c.received_at,
                      e.c.created_at)
            .select_from(a.outerjoin(e, e.c.id == a.c.export_id))
            .where(a.c.vendor_id == vendor_id, a.c.superseded == sa.false())
            .order_by(a.c.received_at, a.c.id))
    if operation_codes is not None:
        stmt = stmt.where(a.c.operation_code.in_(sorted(set(operation_codes))))
    return {row[1]: DataAnswerOfRecord(row[0], row[1], row[2], row[3], row[4] or "", row[5], row[6], row[7])
            for row in session.execute(stmt)}


def supersede(session: Session, answer_ids: Sequence[int]) -> None:
    """Earlier answers become history (kept, no longer the answer of record)."""
    ids = list(answer_ids)
    for start in range(0, len(ids), 500):
        session.execute(sa.update(ANSWER).where(ANSWER.c.id.in_(ids[start:start + 500])).values(superseded=True))


def insert_answers(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert (each dict has the DataVendorAnswer columns except id)."""
    if rows:
        session.execute(sa.insert(ANSWER), list(rows))


__all__ = ["DataAnswerOfRecord", "current_answers", "insert_answers", "supersede"]
