"""Each system's progress through the 40 steps, entered by month, and the survey's last published figure
for this body beside it; the rows of the monthly progress report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session

from fitgap.domain.progress import TOTAL_STEPS, ProgressState, ReportRow, state_of, valid_month
from fitgap.errors import InvalidInputError
from fitgap.services.system_graph import resolve_system
from fitgap.services.systems import list_systems
from fitgap.storage import audit, operations, systems
from fitgap.storage import progress as store
from fitgap.storage.db import Database

NOT_ENTERED = "未入力"


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class SurveyFigure:
    """The survey's figure for this body in one operation, with the survey's month."""

    operation_code: str
    operation: str
    steps: int | None  # None: this body is not in the survey (or not for this operation)
    month: str


@dataclass(frozen=True)
class MonthEntry:
    month: str
    steps: int
    delay_reason: str
    recorded_at: datetime
    recorded_by: str | None

    @property
    def state(self) -> ProgressState:
        return state_of(self.steps)


@dataclass(frozen=True)
class SystemProgressView:
    system: str
    operations: tuple[tuple[str, str], ...]  # (code, name)
    history: tuple[MonthEntry, ...]  # oldest first
    survey: tuple[SurveyFigure, ...]  # the survey's figures of this body for the system's operations
    survey_credit: str = ""

    @property
    def latest(self) -> MonthEntry | None:
        return self.history[-1] if self.history else None


def _survey_figures(session: Session, codes: list[str]) -> tuple[list[SurveyFigure], str]:
    survey = store.current_survey(session=session)
    m = operations.get_municipality(session=session)
    if survey is None or m is None:
        return [], ""
    steps = store.body_figures(session=session, survey_id=survey.id, prefecture=m.prefecture, body_name=m.name)
    names = {op.code: op.name for op in operations.list_operations(session=session)}
    return [SurveyFigure(c, names.get(c, c), steps.get(c), survey.month) for c in codes], survey.credit


def _view(session: Session, system_id: int) -> SystemProgressView:
    row = systems.get_system(session=session, system_id=system_id)
    assert row is not None
    names = {op.code: op.name for op in operations.list_operations(session=session)}
    codes = sorted(so.operation_code for so in systems.list_system_operations(session=session)
                   if so.system_id == system_id)
    history = tuple(MonthEntry(e.month, e.steps, e.delay_reason, e.recorded_at, e.recorded_by)
                    for e in store.history(session=session, system_id=system_id))
    survey, credit = _survey_figures(session, codes)
    return SystemProgressView(row.name, tuple((c, names.get(c, c)) for c in codes), history, tuple(survey), credit)


def system_progress(*, db: Database, system: str) -> SystemProgressView:
    with db.read() as session:
        return _view(session, resolve_system(session, system).id or 0)


def set_system_progress(*, db: Database, user: str, system: str, steps: int, today: date, month: str | None = None,
                        delay_reason: str | None = None) -> SystemProgressView:
    """Record a system's steps done (完了済み + 対象外) out of 40 for a month (default: this month)."""
    if not 0 <= steps <= TOTAL_STEPS:
        raise InvalidInputError(f"手順数 {steps} は 0〜{TOTAL_STEPS} ではありません。",
                                f"完了済みと対象外の手順の数（{TOTAL_STEPS} のうち）を指定してください。例: 32")
    when = month_of(today) if month is None else valid_month(month)
    if when is None:
        raise InvalidInputError(f"月 {month!r} は YYYY-MM ではありません。", "例: --month 2026-02")
    if when > month_of(today):
        raise InvalidInputError(f"{when} はまだ来ていない月です（基準日 {today.isoformat()}）。",
                                "進捗は報告する月（当月かそれより前）に記録してください。")
    now = datetime.now(UTC)
    with db.write() as session:
        row = resolve_system(session, system)
        sid = row.id or 0
        old = store.get_progress(session=session, system_id=sid, month=when)
        reason = (delay_reason if delay_reason is not None else (old.delay_reason if old else "")).strip()
        if old is None or (old.steps, old.delay_reason) != (steps, reason):
            store.set_progress(session=session, system_id=sid, month=when, steps=steps, delay_reason=reason,
                               at=now, user=user)
            audit.record(session=session, user=user, at=now, batch=audit.new_batch(), action="system.progress",
                         entity="system", entity_key=row.name, field=f"進捗 {when}",
                         old=f"{old.steps}/{TOTAL_STEPS}" if old else None, new=f"{steps}/{TOTAL_STEPS}")
        return _view(session, sid)


# -- the monthly report -------------------------------------------------------------------------------

@dataclass(frozen=True)
class MonthlyReport:
    month: str
    municipality: str
    rows: tuple[ReportRow, ...]


def monthly_report(*, db: Database, today: date, month: str | None = None) -> MonthlyReport:
    """Every system in each of its operations, with its latest figure up to ``month`` (default: this month)."""
    when = month_of(today) if month is None else valid_month(month)
    if when is None:
        raise InvalidInputError(f"月 {month!r} は YYYY-MM ではありません。", "例: --month 2026-02")
    views = list_systems(db=db)
    with db.read() as session:
        latest = store.latest_progress(session=session, up_to=when)
        ops = {op.code: op for op in operations.list_operations(session=session)}
        m = operations.get_municipality(session=session)
    rows = []
    for v in views:
        e = latest.get(v.id)
        for code in v.operations or ("",):
            op = ops.get(code)
            if op is not None and not op.in_scope:
                continue
            rows.append(ReportRow(
                operation_code=code, operation=op.name if op else "（業務なし）", system=v.name,
                steps=e.steps if e else None, state=state_of(e.steps).value if e else NOT_ENTERED,
                entered_month=e.month if e else "", planned=v.planned_cutover, deadline=v.deadline,
                delay_reason=e.delay_reason if e else ""))
    order = {code: op.order for code, op in ops.items()}
    rows.sort(key=lambda r: (order.get(r.operation_code, 999), r.system))
    label = f"{m.prefecture} {m.name}" if m and m.name != m.prefecture else (m.name if m else "")
    return MonthlyReport(when, label, tuple(rows))


REPORT_FORMATS = ("xlsx", "csv", "both")


def write_monthly_report(*, db: Database, today: date, month: str | None = None, fmt: str = "both",
                         output: Path | None = None, exports_dir: Path = Path("exports"),
                         overwrite: bool = False) -> tuple[MonthlyReport, list[Path]]:
    """Write the monthly progress report as xlsx and/or CSV; returns it with the files written.

    Default names: exports/progress_<month>.xlsx/.csv (``-2`` … when taken). A file named with ``output``
    that exists is replaced only with ``overwrite``.
    """
    from fitgap.reports.output_file import refuse_existing, unused_name
    from fitgap.reports.progress_report import write_progress_csv, write_progress_xlsx

    if fmt not in REPORT_FORMATS:
        raise InvalidInputError(f"形式 {fmt!r} には対応していません。", "xlsx、csv、both のどれかを指定してください。")
    report = monthly_report(db=db, today=today, month=month)
    suffixes = [".xlsx", ".csv"] if fmt == "both" else [f".{fmt}"]
    if output is None or output.is_dir():
        folder = exports_dir if output is None else output
        first = unused_name(folder / f"progress_{report.month}{suffixes[0]}", companions=suffixes[1:])
        paths = [first.with_suffix(s) for s in suffixes]
    elif fmt != "both" and output.suffix.lower() in (".xlsx", ".csv"):
        paths = [output]
    else:
        stem = output.with_suffix("") if output.suffix.lower() in (".xlsx", ".csv") else output
        paths = [stem.with_name(stem.name + s) for s in suffixes]
    if not overwrite:
        for path in paths:
            refuse_existing(path)
    for path in paths:
        if path.suffix == ".csv":
            write_progress_csv(report.rows, path)
        else:
            write_progress_xlsx(report.rows, path, month=report.month, municipality=report.municipality)
    return report, paths
