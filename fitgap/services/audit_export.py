"""Exporting the audit log (who, when, what, old → new) to an Excel workbook or a CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa

from fitgap.errors import InvalidInputError
from fitgap.reports import audit_log as report
from fitgap.storage import audit_log
from fitgap.storage.db import Database

SUFFIXES = (".xlsx", ".csv")

ACTION_LABELS = {
    "init": "初期化",
    "init.deadline": "期限の設定",
    "assessment.update": "確認結果の変更",
    "spec.import": "要件一覧の取り込み",
    "maintenance.restore": "バックアップから復元",
    "maintenance.migrate": "データベースの移行",
}


@dataclass(frozen=True)
class AuditExportResult:
    path: Path
    rows: int


def _local(at: datetime) -> str:
    """Stored times are UTC; show them in the computer's local time zone."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _lines(rows: Iterator[sa.RowMapping]) -> Iterator[list[str]]:
    for r in rows:
        action = r["action"]
        label = ACTION_LABELS.get(action)
        yield [
            _local(r["at"]), _text(r["user"]), f"{label}（{action}）" if label else action, _text(r["entity"]),
            _text(r["entity_key"]), _text(r["field"]), _text(r["old_value"]), _text(r["new_value"]), _text(r["batch"]),
        ]


def _bound(day: date | None, *, end: bool = False) -> datetime | None:
    """A local calendar day as the UTC instant it starts (or, with ``end``, the next day starts)."""
    if day is None:
        return None
    start = datetime.combine(day + timedelta(days=1) if end else day, time()).astimezone()
    return start.astimezone(UTC)


def export_audit(
    *, db: Database, output: Path, since: date | None = None, until: date | None = None, user: str | None = None,
    overwrite: bool = False,
) -> AuditExportResult:
    """Write the audit events (oldest first) matching the filters; ``until`` is inclusive."""
    suffix = output.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInputError(f"{output.name}: 書き出せるのは .xlsx か .csv です。", "-o に .xlsx か .csv のファイル名を指定してください。")
    if not output.parent.exists():
        raise InvalidInputError(f"フォルダ {output.parent} がありません。", "フォルダを作成するか、別の場所を指定してください。")
    lo, hi = _bound(since), _bound(until, end=True)
    with db.read() as session:
        lines = _lines(audit_log.iter_events(session=session, since=lo, until=hi, user=user))
        write = report.write_xlsx if suffix == ".xlsx" else report.write_csv
        n = write(output, lines, overwrite=overwrite)
    return AuditExportResult(path=output, rows=n)
