"""Where this body stands beside others: per operation, its figure in the survey against the prefecture's
median and the national distribution (domain.progress.peers, from storage.progress.survey_values), and its
own latest figure apart with its month. ``fitgap status --peers``, the readiness report."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from fitgap.domain.progress import (
    BodyStanding,
    PeerComparison,
    PeerRow,
    body_class,
    median,
    operation_entered,
    peers,
    standing_of,
)
from fitgap.errors import NotFoundError
from fitgap.storage import operations, systems
from fitgap.storage import progress as store
from fitgap.storage.db import Database


def comparison_in(session: Session) -> PeerComparison | None:
    """The comparison from the survey the database holds (None without a survey)."""
    survey = store.current_survey(session=session)
    if survey is None:
        return None
    m = operations.get_municipality(session=session)
    own = store.body_figures(session=session, survey_id=survey.id, prefecture=m.prefecture,
                             body_name=m.name) if m else {}
    ops = {op.code: op for op in operations.list_operations(session=session)}
    latest = store.latest_progress(session=session)
    by_op: dict[str, list[tuple[int, str]]] = {}
    for so in systems.list_system_operations(session=session):
        e = latest.get(so.system_id)
        if e is not None:
            by_op.setdefault(so.operation_code, []).append((e.steps, e.month))
    rows = []
    cls = body_class(m.name) if m and m.name != m.prefecture else ""  # a prefecture is no class of municipality
    surveyed = store.survey_operations(session=session, survey_id=survey.id)
    for code, column in sorted(surveyed, key=lambda c: ops[c[0]].order if c[0] in ops else 999):
        op = ops.get(code)
        if op is not None and not op.in_scope:
            continue
        p = peers(month=survey.month, operation_code=code, operation=op.name if op else column, own=own.get(code),
                  prefecture=m.prefecture if m else "",
                  prefecture_values=store.survey_values(session=session, survey_id=survey.id, operation_code=code,
                                                        prefecture=m.prefecture) if m else [],
                  national_values=store.survey_values(session=session, survey_id=survey.id, operation_code=code),
                  body_class=cls,
                  class_values=store.survey_values(session=session, survey_id=survey.id, operation_code=code,
                                                   body_class=cls) if cls else [])
        entered, month = operation_entered(by_op.get(code, []))
        rows.append(PeerRow(p, entered, month))
    body = (m.name if m.name == m.prefecture else f"{m.prefecture} {m.name}") if m else ""
    return PeerComparison(survey.month, survey.credit, body, m.prefecture if m else "", bool(own), tuple(rows))


def comparison(*, db: Database) -> PeerComparison | None:
    with db.read() as session:
        return comparison_in(session)


@dataclass(frozen=True)
class PrefectureView:
    """The municipalities of a prefecture in the survey, the furthest behind first (one survey month)."""

    month: str
    credit: str
    prefecture: str
    bodies: tuple[BodyStanding, ...]


def prefecture_view(*, db: Database, prefecture: str | None = None) -> PrefectureView:
    """Who is behind, by operation: each municipality's overall progress and the operations in which it is under
    the nation's median. Default: the prefecture set at init (a 都道府県, or the municipality's prefecture)."""
    with db.read() as session:
        survey = store.current_survey(session=session)
        if survey is None:
            raise NotFoundError("進捗状況調査が読み込まれていません。", "fitgap init を実行すると同梱の調査を読み込みます。")
        if prefecture is None:
            m = operations.get_municipality(session=session)
            if m is None:
                raise NotFoundError("団体が設定されていません。", "--prefecture で都道府県を指定してください。")
            prefecture = m.prefecture
        bodies = store.prefecture_bodies(session=session, survey_id=survey.id, prefecture=prefecture)
        if not bodies:
            raise NotFoundError(f"{prefecture} の団体はこの調査（{survey.month}）にありません。",
                                "都道府県名を「奈良県」のように指定してください。")
        ops = {op.code: op.name for op in operations.list_operations(session=session)}
        medians = {}
        for code, _ in store.survey_operations(session=session, survey_id=survey.id):
            value = median(store.survey_values(session=session, survey_id=survey.id, operation_code=code))
            if value is not None:
                medians[code] = value
    rows = [standing_of(name, steps, national_medians=medians, names=ops) for name, steps in bodies.items()]
    rows.sort(key=lambda b: (b.overall, b.name))
    return PrefectureView(survey.month, survey.credit, prefecture, tuple(rows))
