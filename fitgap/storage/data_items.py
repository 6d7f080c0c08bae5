"""SQL for データ要件: versions of the 基本データリスト, their items and code lists, assessments, code mappings,
profiles and vendor answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from fitgap.domain.models import (
    DataAssessment,
    DataCode,
    DataCodeMap,
    DataItem,
    DataListVersion,
    DataProfile,
    DataVendorAnswer,
    Vendor,
)

ITEM = DataItem.__table__  # type: ignore[attr-defined]
CODE = DataCode.__table__  # type: ignore[attr-defined]
ASSESSMENT = DataAssessment.__table__  # type: ignore[attr-defined]

ASSESSMENT_FIELDS = ("holding", "method", "current_fields", "current_type", "current_length", "note")


# ---- versions and items ---------------------------------------------------------------------------


def current_version(session: Session, operation_code: str) -> DataListVersion | None:
    return session.exec(select(DataListVersion).where(DataListVersion.operation_code == operation_code)
                        .order_by(col(DataListVersion.seq).desc())).first()


def versions(session: Session, operation_code: str | None = None) -> list[DataListVersion]:
    stmt = select(DataListVersion).order_by(col(DataListVersion.operation_code), col(DataListVersion.seq))
    if operation_code:
        stmt = stmt.where(DataListVersion.operation_code == operation_code)
    return list(session.exec(stmt))




def add_version(session: Session, *, operation_code: str, label: str, files: Sequence[str],
                sha256s: Sequence[str], at: datetime, user: str, demo: bool = False) -> DataListVersion:
    prev = current_version(session, operation_code)
    v = DataListVersion(operation_code=operation_code, label=label, seq=(prev.seq + 1) if prev else 1,
                        source_files="\n".join(files), source_sha256="\n".join(sha256s), imported_at=at,
                        imported_by=user, demo=demo)
    session.add(v)
    session.flush()
    return v


def add_items(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(sa.update(ITEM).where(ITEM.c.operation_code == rows[0]["operation_code"])
                        .where(ITEM.c.current.is_(True)).values(current=False))
        session.execute(sa.insert(ITEM), list(rows))


def add_codes(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(sa.insert(CODE), list(rows))


def current_items(session: Session, operation_code: str | None = None,
                  item_ids: Iterable[str] | None = None) -> list[DataItem]:
    stmt = select(DataItem).where(DataItem.current == True)  # noqa: E712
    if operation_code:
        stmt = stmt.where(DataItem.operation_code == operation_code)
    if item_ids is not None:
        ids = list(item_ids)
        if not ids:
            return []
        stmt = stmt.where(col(DataItem.item_id).in_(ids))
    return list(session.exec(stmt.order_by(col(DataItem.operation_code), col(DataItem.doc_order), col(DataItem.item_id))))


def items_of_version(session: Session, version_id: int) -> list[DataItem]:
    return list(session.exec(select(DataItem).where(DataItem.version_id == version_id)
                             .order_by(col(DataItem.doc_order))))


def item_history(session: Session, item_id: str) -> list[tuple[DataListVersion, DataItem]]:
    rows = session.exec(select(DataListVersion, DataItem).join(DataItem, col(DataItem.version_id) == DataListVersion.id)
                        .where(DataItem.item_id == item_id).order_by(col(DataListVersion.seq)))
    return [(v, i) for v, i in rows]


def codes(session: Session, version_ids: Iterable[int]) -> dict[tuple[int, str], list[DataCode]]:
    """Code lists of the given versions, by (version, list ID)."""
    ids = list(version_ids)
    out: dict[tuple[int, str], list[DataCode]] = {}
    if not ids:
        return out
    for c in session.exec(select(DataCode).where(col(DataCode.version_id).in_(ids)).order_by(col(DataCode.doc_order))):
        out.setdefault((c.version_id, c.list_id), []).append(c)
    return out


# ---- assessments --------------------------------------------------------------------------------


def assessments(session: Session, item_ids: Iterable[str] | None = None,
                operation_code: str | None = None) -> dict[str, DataAssessment]:
    stmt = select(DataAssessment)
    if operation_code:
        stmt = stmt.where(DataAssessment.operation_code == operation_code)
    if item_ids is not None:
        ids = list(item_ids)
        if not ids:
            return {}
        stmt = stmt.where(col(DataAssessment.item_id).in_(ids))
    return {a.item_id: a for a in session.exec(stmt)}


def save_assessment(session: Session, *, item_id: str, operation_code: str, values: dict[str, Any]) -> None:
    """Insert or update one assessment; bumps its revision."""
    found = session.exec(select(DataAssessment).where(DataAssessment.item_id == item_id)).first()
    if found is None:
        session.add(DataAssessment(item_id=item_id, operation_code=operation_code, revision=1, **values))
    else:
        for k, v in values.items():
            setattr(found, k, v)
        found.revision += 1
        session.add(found)
    session.flush()


def mark_assessments(session: Session, *, review: Iterable[str] = (), archive: Iterable[str] = (),
                     restore: Iterable[str] = ()) -> None:
    for ids, values in ((list(review), {"needs_review": True}), (list(archive), {"archived": True}),
                        (list(restore), {"archived": False})):
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            session.execute(sa.update(ASSESSMENT).where(ASSESSMENT.c.item_id.in_(part))
                            .values(**values, revision=ASSESSMENT.c.revision + 1))


# ---- code mappings ------------------------------------------------------------------------------


def code_maps(session: Session, item_ids: Iterable[str] | None = None) -> dict[str, list[DataCodeMap]]:
    stmt = select(DataCodeMap).order_by(col(DataCodeMap.item_id), col(DataCodeMap.id))
    if item_ids is not None:
        ids = list(item_ids)
        if not ids:
            return {}
        stmt = stmt.where(col(DataCodeMap.item_id).in_(ids))
    out: dict[str, list[DataCodeMap]] = {}
    for m in session.exec(stmt):
        out.setdefault(m.item_id, []).append(m)
    return out


def set_code_map(session: Session, *, item_id: str, operation_code: str, current_code: str, standard_code: str,
                 meaning: str | None, user: str, at: datetime) -> tuple[str | None, str]:
    """Insert or update one mapping; returns (the standard code before or None when new, after)."""
    found = session.exec(select(DataCodeMap).where(DataCodeMap.item_id == item_id,
                                                   DataCodeMap.current_code == current_code)).first()
    if found is None:
        session.add(DataCodeMap(item_id=item_id, operation_code=operation_code, current_code=current_code,
                                current_meaning=meaning or "", standard_code=standard_code, updated_by=user,
                                updated_at=at))
        session.flush()
        return None, standard_code
    old = found.standard_code
    found.standard_code = standard_code
    if meaning is not None:
        found.current_meaning = meaning
    found.updated_by, found.updated_at = user, at
    session.add(found)
    session.flush()
    return old, standard_code


def drop_code_map(session: Session, *, item_id: str, current_code: str) -> DataCodeMap | None:
    found = session.exec(select(DataCodeMap).where(DataCodeMap.item_id == item_id,
                                                   DataCodeMap.current_code == current_code)).first()
    if found is not None:
        session.delete(found)
        session.flush()
    return found


# ---- profiles and vendor answers ----------------------------------------------------------------


def profiles(session: Session, item_ids: Iterable[str] | None = None) -> dict[str, DataProfile]:
    stmt = select(DataProfile)
    if item_ids is not None:
        ids = list(item_ids)
        if not ids:
            return {}
        stmt = stmt.where(col(DataProfile.item_id).in_(ids))
    return {p.item_id: p for p in session.exec(stmt)}


def latest_answers(session: Session, item_ids: Iterable[str] | None = None) -> dict[str, tuple[DataVendorAnswer, str]]:
    """The newest answer of record per item (of any vendor), with the vendor's name."""
    stmt = (select(DataVendorAnswer, Vendor.name).join(Vendor, col(Vendor.id) == DataVendorAnswer.vendor_id)
            .where(DataVendorAnswer.superseded == False)  # noqa: E712
            .order_by(col(DataVendorAnswer.received_at), col(DataVendorAnswer.id)))
    if item_ids is not None:
        ids = list(item_ids)
        if not ids:
            return {}
        stmt = stmt.where(col(DataVendorAnswer.item_id).in_(ids))
    out: dict[str, tuple[DataVendorAnswer, str]] = {}
    for a, name in session.exec(stmt):
        out[a.item_id] = (a, name)
    return out


def answer_history(session: Session, item_id: str) -> list[tuple[DataVendorAnswer, str]]:
    stmt = (select(DataVendorAnswer, Vendor.name).join(Vendor, col(Vendor.id) == DataVendorAnswer.vendor_id)
            .where(DataVendorAnswer.item_id == item_id).order_by(col(DataVendorAnswer.received_at), col(DataVendorAnswer.id)))
    return [(a, n) for a, n in session.exec(stmt)]
