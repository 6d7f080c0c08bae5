"""Deadline risk per system: days left, open 実装必須 gaps, milestones not done, and a level with reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fitgap.domain.enums import DeadlineBasis, MilestoneKind, SystemKind
from fitgap.graph.build import SystemGraph
from fitgap.graph.changes import ChangeCounts
from fitgap.graph.model import SystemNode

# Within this many days of the deadline, open gaps and unfinished milestones become pressing.
PRESSING_DAYS = 180
OVERDUE_PLAN = "予定日超過"  # the planned cut-over date has passed and no actual cut-over is recorded
NO_CHANGES = ChangeCounts()


class RiskLevel(StrEnum):
    HIGH = "高"
    MEDIUM = "中"
    LOW = "低"
    DONE = "完了"

    @property
    def rank(self) -> int:
        return {"高": 0, "中": 1, "低": 2, "完了": 3}[self.value]


@dataclass(frozen=True, slots=True)
class DeadlineRisk:
    system: int
    deadline: date | None
    days_left: int | None  # negative when overdue; None without a date or once cut over
    planned: date | None
    open_must_gaps: int
    milestones_open: tuple[MilestoneKind, ...]  # not done (no actual date), in the order of the work
    milestones_overdue: tuple[MilestoneKind, ...]  # planned before today, not done
    level: RiskLevel
    reasons: tuple[str, ...]  # Japanese, for display
    changes: ChangeCounts = NO_CHANGES  # 改修 items of its links

    @property
    def margin_days(self) -> int | None:
        """Days between the planned cut-over and the deadline; negative when planned after it."""
        if self.deadline is None or self.planned is None:
            return None
        return (self.deadline - self.planned).days


def _risk(node: SystemNode, *, today: date, gaps: int, changes: ChangeCounts) -> DeadlineRisk:
    done_kinds = {m.kind for m in node.milestones if m.done}
    open_ms = tuple(k for k in MilestoneKind if k not in done_kinds)
    overdue = tuple(
        k
        for k in MilestoneKind
        for m in node.milestones
        if m.kind == k and not m.done and m.planned is not None and m.planned < today
    )
    # a system that has cut over has no countdown: its date is history (domain.standing)
    days_left = None if node.deadline is None or node.done else (node.deadline - today).days
    level, reasons = _level(node, today=today, days_left=days_left, gaps=gaps, open_ms=open_ms, overdue=overdue,
                            changes=changes)
    return DeadlineRisk(
        system=node.id,
        deadline=node.deadline,
        days_left=days_left,
        planned=node.planned_cutover,
        open_must_gaps=gaps,
        milestones_open=open_ms,
        milestones_overdue=overdue,
        level=level,
        reasons=reasons,
        changes=changes,
    )


def _level(
    node: SystemNode,
    *,
    today: date | None = None,
    days_left: int | None,
    gaps: int,
    open_ms: tuple[MilestoneKind, ...],
    overdue: tuple[MilestoneKind, ...],
    changes: ChangeCounts = NO_CHANGES,
) -> tuple[RiskLevel, tuple[str, ...]]:
    related = node.kind == SystemKind.RELATED  # changed in place: it has 改修 items, not a cut-over
    open_changes = changes.total - changes.done
    if node.done or (related and changes.total and not open_changes):
        return RiskLevel.DONE, ()
    high: list[str] = []
    medium: list[str] = []
    pressing = days_left is not None and days_left <= PRESSING_DAYS
    word = "必要日" if node.deadline_basis == DeadlineBasis.NEEDED_BY else "期限"
    if days_left is not None and days_left < 0 and (open_changes or not related):
        high.append(f"{word}超過 {-days_left}日")
    if (
        node.deadline is not None
        and node.planned_cutover is not None
        and node.planned_cutover > node.deadline
    ):
        high.append(f"移行予定が期限後 {(node.planned_cutover - node.deadline).days}日")
    if not related and node.planned_cutover is not None and today is not None and node.planned_cutover < today:
        high.append(f"{OVERDUE_PLAN}（移行予定日 {node.planned_cutover.isoformat()} を過ぎて移行実施日なし）")
    if overdue:
        high.append("予定日を過ぎたマイルストーン: " + "・".join(k.value for k in overdue))
    if gaps and pressing:
        high.append(f"期限まで{PRESSING_DAYS}日以内で実装必須ギャップ {gaps}件")
    elif gaps:
        medium.append(f"実装必須ギャップ {gaps}件")
    if changes.late:
        high.append(f"必要日までに終わらない改修 {changes.late}件")
    if changes.open_pressing:
        medium.append(f"{word}まで{PRESSING_DAYS}日以内で未完了の改修 {changes.open_pressing}件")
    if node.planned_cutover is None and not related:
        medium.append("移行予定日が未設定")
    if node.deadline is None:
        medium.append("連携する標準化対象システムがなく必要日が未定" if node.follows_links else "期限が未設定")
    if pressing and open_ms and not overdue:
        medium.append(f"未完了マイルストーン {len(open_ms)}件")
    level = RiskLevel.HIGH if high else RiskLevel.MEDIUM if medium else RiskLevel.LOW
    return level, tuple(high + medium)


def deadline_risks(
    sg: SystemGraph,
    *,
    today: date,
    open_must_gaps: Mapping[int, int] | None = None,
    changes: Mapping[int, ChangeCounts] | None = None,
) -> list[DeadlineRisk]:
    """Risk of every system the municipality migrates (external ones are left out).

    ``open_must_gaps`` maps a system id to the number of open 実装必須 gaps of its operations (the
    services count them from the assessments). Level:
    - 高: overdue; planned after the deadline; the planned cut-over date past with no actual one
      (予定日超過); a milestone past its planned date; open gaps with at most PRESSING_DAYS left;
    - 中: open gaps; no planned date; no deadline; milestones not done with at most PRESSING_DAYS left;
    - 低: none of these; 完了: cut over.
    ``changes`` maps a system id to the counts of its links' 改修 items: a late one is 高, an open one
    needed within PRESSING_DAYS is 中. A 関連システム does not cut over: it has no 移行予定日 to miss, is
    overdue only while it has open 改修 items, and is 完了 when all of them are done. The date of a system
    outside the 20 operations is its needed-by date (必要日).
    Ordered by level, then days left (fewest first; no deadline last), then name.
    """
    gaps = open_must_gaps or {}
    counts = changes or {}
    risks = [
        _risk(node, today=today, gaps=gaps.get(node.id, 0), changes=counts.get(node.id, NO_CHANGES))
        for node in sg.systems.values()
        if node.migrates
    ]
    risks.sort(
        key=lambda r: (
            r.level.rank,
            r.days_left if r.days_left is not None else 1 << 30,
            sg.sort_key(r.system),
        )
    )
    return risks
