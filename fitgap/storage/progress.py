"""Queries of the progress survey and of each system's progress through the 40 steps.

The survey is kept as one row per body (survey_body) with its steps in the survey's order of operations
(progress_survey.operations), e.g. ``40,40,32,,30`` (empty: no figure): 1,741 short rows instead of 35,000
(about 0.2 MB in every database instead of several MB). The functions below give and take one figure per
body and operation (domain.progress.SurveyRecord), so nothing above this module sees the packing.

One query per figure: :func:`survey_values` gives the survey's values of one operation (the nation or
one prefecture) that every surface's peer figures are computed from (domain.progress.peers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.models import ProgressSurvey, SurveyBody, SystemProgress
from fitgap.domain.progress import SurveyRecord
from fitgap.domain.progress import body_class as classify

SURVEY = ProgressSurvey.__table__  # type: ignore[attr-defined]
BODY = SurveyBody.__table__  # type: ignore[attr-defined]
PROGRESS = SystemProgress.__table__  # type: ignore[attr-defined]
BATCH = 2000


@dataclass(frozen=True)
class Survey:
    id: int
    month: str
    credit: str
    source_file: str
    bodies: int
    bundled: bool
    imported_at: datetime
    operations: tuple[str, ...] = ()  # operation codes in the order of each body's steps
    columns: tuple[str, ...] = ()  # the survey's columns as published, in the same order


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def current_survey(*, session: Session) -> Survey | None:
    row = session.execute(sa.select(SURVEY).order_by(SURVEY.c.month.desc(), SURVEY.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return Survey(id=row.id, month=row.month, credit=row.credit, source_file=row.source_file, bodies=row.bodies,
                  bundled=bool(row.bundled), imported_at=row.imported_at, operations=_split(row.operations),
                  columns=_split(row.columns))


def replace_survey(*, session: Session, month: str, credit: str, source_file: str, sha256: str, bundled: bool,
                   rows: Iterable[SurveyRecord], bodies: int, at: datetime, user: str | None) -> int:
    """Remove the survey held so far and store this one; returns its id."""
    order: dict[str, str] = {}  # operation code → column, in the order first seen
    by_body: dict[tuple[str, str], tuple[str | None, dict[str, int]]] = {}
    for r in rows:
        order.setdefault(r.operation_code, r.operation)
        by_body.setdefault((r.prefecture, r.body_name), (r.body_code, {}))[1][r.operation_code] = r.steps
    codes = list(order)
    session.execute(sa.delete(BODY))
    session.execute(sa.delete(SURVEY))
    survey_id = session.execute(sa.insert(SURVEY).values(
        month=month, credit=credit, source_file=source_file, sha256=sha256, bodies=bodies, bundled=bundled,
        imported_at=at, imported_by=user, operations=",".join(codes), columns=",".join(order.values()),
    ).returning(SURVEY.c.id)).scalar_one()
    packed = [{"survey_id": survey_id, "prefecture": pref, "body_name": name, "body_code": code,
               "steps": ",".join(str(steps[c]) if c in steps else "" for c in codes)}
              for (pref, name), (code, steps) in by_body.items()]
    for i in range(0, len(packed), BATCH):
        session.execute(sa.insert(BODY), packed[i:i + BATCH])
    return int(survey_id)


def _unpack(survey: Survey, steps: str) -> dict[str, int]:
    return {code: int(v) for code, v in zip(survey.operations, steps.split(","), strict=False) if v}


def _survey(session: Session, survey_id: int) -> Survey:
    found = current_survey(session=session)
    if found is None or found.id != survey_id:
        raise LookupError(f"survey {survey_id} is not the one held")
    return found


def survey_rows(*, session: Session, survey_id: int) -> list[SurveyRecord]:
    s = _survey(session, survey_id)
    columns = dict(zip(s.operations, s.columns, strict=False))
    out = []
    for r in session.execute(sa.select(BODY).where(BODY.c.survey_id == survey_id)).all():
        for code, steps in _unpack(s, r.steps).items():
            out.append(SurveyRecord(r.prefecture, r.body_name, r.body_code, code, columns.get(code, code), steps))
    return out


def body_figures(*, session: Session, survey_id: int, prefecture: str, body_name: str) -> dict[str, int]:
    """One body's steps per operation code in the survey."""
    steps = session.execute(sa.select(BODY.c.steps).where(
        BODY.c.survey_id == survey_id, BODY.c.prefecture == prefecture, BODY.c.body_name == body_name)).scalar()
    return _unpack(_survey(session, survey_id), steps) if steps is not None else {}


def survey_values(*, session: Session, survey_id: int, operation_code: str,
                  prefecture: str | None = None, body_class: str | None = None) -> list[int]:
    """The survey's steps of every body for one operation, the nation's or one prefecture's (or of the bodies
    of one class, domain.progress.body_class): the one query the peer figures (median, quartiles, share
    complete) are computed from."""
    s = _survey(session, survey_id)
    if operation_code not in s.operations:
        return []
    at = s.operations.index(operation_code)
    stmt = sa.select(BODY.c.steps, BODY.c.body_name).where(BODY.c.survey_id == survey_id)
    if prefecture is not None:
        stmt = stmt.where(BODY.c.prefecture == prefecture)
    out = []
    for packed, name in session.execute(stmt):
        if body_class is not None and classify(name) != body_class:
            continue
        parts = packed.split(",")
        if at < len(parts) and parts[at]:
            out.append(int(parts[at]))
    return out


def survey_operations(*, session: Session, survey_id: int) -> list[tuple[str, str]]:
    """(operation code, column as published) of the survey."""
    s = _survey(session, survey_id)
    return sorted(zip(s.operations, s.columns, strict=False))


def prefecture_bodies(*, session: Session, survey_id: int, prefecture: str) -> dict[str, dict[str, int]]:
    """Every body of a prefecture: its steps per operation code."""
    s = _survey(session, survey_id)
    rows = session.execute(sa.select(BODY.c.body_name, BODY.c.steps).where(
        BODY.c.survey_id == survey_id, BODY.c.prefecture == prefecture)).all()
    return {name: _unpack(s, steps) for name, steps in rows}


# -- each system's progress ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ProgressEntry:
    system_id: int
    month: str
    steps: int
    delay_reason: str
    recorded_at: datetime
    recorded_by: str | None


def _entry(r: sa.Row) -> ProgressEntry:
    return ProgressEntry(r.system_id, r.month, r.steps, r.delay_reason, r.recorded_at, r.recorded_by)


def get_progress(*, session: Session, system_id: int, month: str) -> ProgressEntry | None:
    r = session.execute(sa.select(PROGRESS).where(PROGRESS.c.system_id == system_id,
                                                  PROGRESS.c.month == month)).first()
    return _entry(r) if r is not None else None


def set_progress(*, session: Session, system_id: int, month: str, steps: int, delay_reason: str, at: datetime,
                 user: str | None) -> None:
    values = {"steps": steps, "delay_reason": delay_reason, "recorded_at": at, "recorded_by": user}
    updated = session.connection().execute(sa.update(PROGRESS).where(PROGRESS.c.system_id == system_id, PROGRESS.c.month == month)
                              .values(**values)).rowcount
    if not updated:
        session.execute(sa.insert(PROGRESS).values(system_id=system_id, month=month, **values))


def history(*, session: Session, system_id: int) -> list[ProgressEntry]:
    rows = session.execute(sa.select(PROGRESS).where(PROGRESS.c.system_id == system_id)
                           .order_by(PROGRESS.c.month)).all()
    return [_entry(r) for r in rows]


def latest_progress(*, session: Session, up_to: str | None = None) -> dict[int, ProgressEntry]:
    """Each system's latest entry (of ``up_to``'s month or before): the one figure every surface shows."""
    stmt = sa.select(PROGRESS).order_by(PROGRESS.c.system_id, PROGRESS.c.month)
    if up_to is not None:
        stmt = stmt.where(PROGRESS.c.month <= up_to)
    out: dict[int, ProgressEntry] = {}
    for r in session.execute(stmt).all():
        out[r.system_id] = _entry(r)  # ordered by month: the last one stays
    return out


def delete_for_system(*, session: Session, system_id: int) -> None:
    session.execute(sa.delete(PROGRESS).where(PROGRESS.c.system_id == system_id))
