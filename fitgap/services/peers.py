"""Where this body stands beside others: per operation, its figure in the survey against the prefecture's
median and the national distribution (domain.progress.peers, from storage.progress.survey_values), and its
own latest figure apart with its month. ``fitgap status --peers``, the readiness report."""

from __future__ import annotations

from sqlmodel import Session

from fitgap.domain.progress import PeerComparison, PeerRow, operation_entered, peers
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
    surveyed = store.survey_operations(session=session, survey_id=survey.id)
    for code, column in sorted(surveyed, key=lambda c: ops[c[0]].order if c[0] in ops else 999):
        op = ops.get(code)
        if op is not None and not op.in_scope:
            continue
        p = peers(month=survey.month, operation_code=code, operation=op.name if op else column, own=own.get(code),
                  prefecture=m.prefecture if m else "",
                  prefecture_values=store.survey_values(session=session, survey_id=survey.id, operation_code=code,
                                                        prefecture=m.prefecture) if m else [],
                  national_values=store.survey_values(session=session, survey_id=survey.id, operation_code=code))
        entered, month = operation_entered(by_op.get(code, []))
        rows.append(PeerRow(p, entered, month))
    body = (m.name if m.name == m.prefecture else f"{m.prefecture} {m.name}") if m else ""
    return PeerComparison(survey.month, survey.credit, body, m.prefecture if m else "", bool(own), tuple(rows))


def comparison(*, db: Database) -> PeerComparison | None:
    with db.read() as session:
        return comparison_in(session)
