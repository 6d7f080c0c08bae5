"""Schema step 13 → 14: the national progress survey (its date, credit and one row per body with its steps of 40
per operation) and each system's progress through the 40 steps by month. New tables only; the bundled survey
is read in by ``fitgap init`` (services.progress_survey), not by the step."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain import models as m

PROGRESS_TABLES = [m.ProgressSurvey, m.SurveyBody, m.SystemProgress]


def step_13_to_14(conn: sa.Connection) -> None:
    SQLModel.metadata.create_all(conn, tables=[t.__table__ for t in PROGRESS_TABLES])  # type: ignore[attr-defined]
