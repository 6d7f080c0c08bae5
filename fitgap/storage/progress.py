"""Queries of the progress survey and of each system's progress through the 40 steps.

One query per figure: :func:`survey_values` gives the survey's values of one operation (the nation or
one prefecture) that every surface's peer figures are computed from (domain.progress.peers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from fitgap.domain.models import ProgressSurvey, SurveyFigure, SystemProgress
from fitgap.domain.progress import SurveyRecord

SURVEY = ProgressSurvey.__table__  # type: ignore[attr-defined]
FIGURE = SurveyFigure.__table__  # type: ignore[attr-defined]
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


def current_survey(*, session: Session) -> Survey | None:
    row = session.execute(sa.select(SURVEY).order_by(SURVEY.c.month.desc(), SURVEY.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return Survey(id=row.id, month=row.month, credit=row.credit, source_file=row.source_file, bodies=row.bodies,
                  bundled=bool(row.bundled), imported_at=row.imported_at)


def replace_survey(*, session: Session, month: str, credit: str, source_file: str, sha256: str, bundled: bool,
                   rows: Iterable[SurveyRecord], bodies: int, at: datetime, user: str | None) -> int:
    """Remove the survey held so far and store this one; returns its id."""
    session.execute(sa.delete(FIGURE))
    session.execute(sa.delete(SURVEY))
    survey_id = session.execute(sa.insert(SURVEY).values(
        month=month, credit=credit, source_file=source_file, sha256=sha256, bodies=bodies, bundled=bundled,
        imported_at=at, imported_by=user).returning(SURVEY.c.id)).scalar_one()
    _insert_many(session, FIGURE, ("survey_id", "prefecture", "body_name", "body_code", "operation_code",
                                   "operation", "steps"),
                 ((survey_id, r.prefecture, r.body_name, r.body_code, r.operation_code, r.operation, r.steps)
                  for r in rows))
    return int(survey_id)


def _insert_many(session: Session, table: sa.Table, columns: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> None:
    """Many rows through the driver's executemany in batches: the survey's 35,000 figures at every init, without
    SQLAlchemy compiling parameters row by row (a third of the time)."""
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f'INSERT INTO {table.name} ({", ".join(columns)}) VALUES ({", ".join([mark] * len(columns))})'
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.exec_driver_sql(sql, batch)
            batch = []
    if batch:
        conn.exec_driver_sql(sql, batch)


def survey_rows(*, session: Session, survey_id: int) -> list[SurveyRecord]:
    rows = session.execute(sa.select(FIGURE).where(FIGURE.c.survey_id == survey_id)).all()
    return [SurveyRecord(r.prefecture, r.body_name, r.body_code, r.operation_code, r.operation, r.steps) for r in rows]


def body_figures(*, session: Session, survey_id: int, prefecture: str, body_name: str) -> dict[str, int]:
    """One body's steps per operation code in the survey."""
    rows = session.execute(sa.select(FIGURE.c.operation_code, FIGURE.c.steps).where(
        FIGURE.c.survey_id == survey_id, FIGURE.c.prefecture == prefecture, FIGURE.c.body_name == body_name)).all()
    return {code: steps for code, steps in rows}


def survey_values(*, session: Session, survey_id: int, operation_code: str,
                  prefecture: str | None = None) -> list[int]:
    """The survey's steps of every body for one operation, the nation's or one prefecture's: the one query
    the peer figures (median, quartiles, share complete) are computed from."""
    stmt = sa.select(FIGURE.c.steps).where(FIGURE.c.survey_id == survey_id, FIGURE.c.operation_code == operation_code)
    if prefecture is not None:
        stmt = stmt.where(FIGURE.c.prefecture == prefecture)
    return [int(v) for v in session.execute(stmt).scalars()]


def survey_operations(*, session: Session, survey_id: int) -> list[tuple[str, str]]:
    """(operation code, column as published) of the survey."""
    rows = session.execute(sa.select(FIGURE.c.operation_code, FIGURE.c.operation).where(
        FIGURE.c.survey_id == survey_id).distinct()).all()
    return sorted((r[0], r[1]) for r in rows)


def prefecture_bodies(*, session: Session, survey_id: int, prefecture: str) -> dict[str, dict[str, int]]:
    """Every body of a prefecture: its steps per operation code."""
    out: dict[str, dict[str, int]] = {}
    rows = session.execute(sa.select(FIGURE.c.body_name, FIGURE.c.operation_code, FIGURE.c.steps).where(
        FIGURE.c.survey_id == survey_id, FIGURE.c.prefecture == prefecture)).all()
    for name, code, steps in rows:
        out.setdefault(name, {})[code] = steps
    return out


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
