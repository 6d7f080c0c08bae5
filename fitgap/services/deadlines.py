"""Deadlines set by hand on an operation (the 移行計画's 特定移行支援 or individual date, with its reason),
and where every operation stands (the one rule: domain.standing).

A deadline set by hand is never overwritten by ``fitgap init`` or a newer official list; clearing it gives
the operation back the date the official list gives it. Every change is one transaction with its audit
event; bad input raises a FitGapError and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from fitgap.domain.calendar import FY2025_END, FY2030_END
from fitgap.domain.enums import DeadlineKind
from fitgap.domain.standing import DeadlineSource
from fitgap.errors import InvalidInputError
from fitgap.services.catalog import official_deadline, operation_by_code_or_name
from fitgap.storage import audit, operations
from fitgap.storage.db import Database


@dataclass(frozen=True)
class DeadlineChange:
    code: str
    name: str
    before: str  # 「2026-03-31 FY2025末（原則）」
    after: str
    changed: bool
    cleared: bool = False  # a hand-set deadline was dropped (or there was none to drop)

    @property
    def summary(self) -> str:
        """What happened, in the words the CLI and the workbench both show."""
        who = f"{self.name}（{self.code}）"
        if self.cleared:
            return (f"{who}の手動の期限をやめました: {self.before} → {self.after}" if self.changed
                    else f"{who}に手動で設定した期限はありません（{self.after}）。変更はありません。")
        return (f"{who}の期限を設定しました: {self.before} → {self.after}" if self.changed
                else f"{who}の期限はすでに {self.after} です。変更はありません。")


def _describe(deadline: date, kind: DeadlineKind, source: DeadlineSource, reason: str) -> str:
    why = f"・{reason}" if reason else ""
    return f"{deadline.isoformat()} {kind.value}（{source.value}{why}）"


def set_operation_deadline(*, db: Database, user: str, operation: str, kind: DeadlineKind, deadline: date | None,
                           reason: str) -> DeadlineChange:
    """Set an operation's deadline by hand: 特定移行支援 (in principle by 2031-03-31, the default date) or
    個別設定 (a date is required), with the 移行計画's reason."""
    if kind not in (DeadlineKind.TOKUTEI, DeadlineKind.CUSTOM):
        raise InvalidInputError(f"期限区分 {kind.value} は手動では設定できません。",
                                "特定移行支援か個別設定を指定してください（原則の期限に戻すには deadline clear）。")
    if deadline is None:
        if kind == DeadlineKind.CUSTOM:
            raise InvalidInputError("個別設定の期限には日付が必要です。", "--date 2028-03-31 のように指定してください。")
        deadline = FY2030_END
    if deadline < FY2025_END:
        raise InvalidInputError(f"期限 {deadline.isoformat()} は一般の期限 {FY2025_END.isoformat()} より前です。",
                                f"{FY2025_END.isoformat()} 以降の日付を指定してください。")
    with db.write() as session:
        op = operation_by_code_or_name(session=session, key=operation)
        before = _describe(op.deadline, op.deadline_kind, op.deadline_source, op.deadline_reason)
        after = _describe(deadline, kind, DeadlineSource.MANUAL, reason)
        changed = before != after
        if changed:
            audit.record(session=session, user=user, at=datetime.now(UTC), batch=audit.new_batch(),
                         action="operation.deadline", entity="operation", entity_key=op.code, field="deadline",
                         old=before, new=after)
            operations.set_deadline(session=session, code=op.code, deadline=deadline, kind=kind,
                                    source=DeadlineSource.MANUAL, reason=reason)
        return DeadlineChange(op.code, op.name, before, after, changed)


def clear_operation_deadline(*, db: Database, user: str, operation: str) -> DeadlineChange:
    """Drop a deadline set by hand: the operation answers again to the official list's flag (or 2026-03-31)."""
    with db.write() as session:
        op = operation_by_code_or_name(session=session, key=operation)
        before = _describe(op.deadline, op.deadline_kind, op.deadline_source, op.deadline_reason)
        deadline, kind, source = official_deadline(op.tokutei_flag)
        after = _describe(deadline, kind, source, "")
        changed = op.deadline_source == DeadlineSource.MANUAL
        if changed:
            audit.record(session=session, user=user, at=datetime.now(UTC), batch=audit.new_batch(),
                         action="operation.deadline", entity="operation", entity_key=op.code, field="deadline",
                         old=before, new=after)
            operations.set_deadline(session=session, code=op.code, deadline=deadline, kind=kind, source=source)
        return DeadlineChange(op.code, op.name, before, after if changed else before, changed, cleared=True)
