"""Interface changes (改修): which data links need the municipality to act, when, and which are late.

The rule (docs/systems.md 「連携システムの改修」 says the same in Japanese):

- A link between a standard system (標準化対象) and a 関連システム or 独自施策システム needs one 改修 (the
  related side is changed in place to the standard interface), needed by the standard side's cut-over.
- A link between two standard systems that move on different days needs two steps: an interim link
  (暫定連携) at the first cut-over, while the other side still runs the old generation, and the final one
  (本連携) at the second. The item tracks one step at a time: the interim step until it is recorded done
  (``interim_done``), then the final one. Nobody tracking the interim step when the first side has cut
  over already means it has run since then.
- Two standard systems that move together need none; a standard system without a date (日程未定) leaves
  its links with other standard systems undecided (no item, named once as 日程未定), and a related link
  whose standard side has no date has no needed-by date: unknown dates never make late items.
- Links with external systems (中間サーバー) and links between systems that do not move need none.

Links into a standard system that are not standard interfaces (DB共有, or a 関連システム feeding it) are
flagged. Pure: works on a SystemGraph and plain change items.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from fitgap.domain.enums import ChangeStatus, LinkMethod, SystemKind
from fitgap.graph.build import SystemGraph, build_graph
from fitgap.graph.model import Link, SystemNode
from fitgap.graph.needed_by import with_needed_by
from fitgap.graph.schedule import SlipReport

STANDARD_INTERFACE = "標準準拠の連携（データ要件・連携要件標準仕様書）"
NOT_STANDARD = "標準の連携ではない"
TO_CONFIRM = "不要か確認"
UNDECIDED = "日程未定（要否未定）"

_RELATED = SystemKind.RELATED


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One 改修 item as the analyses see it (a row of interface_change)."""

    provider: int
    consumer: int
    change: str = ""
    vendor: str | None = None
    status: ChangeStatus = ChangeStatus.NOT_STARTED
    planned: date | None = None
    actual: date | None = None
    cost_kyen: float | None = None
    interim: str = ""
    note: str = ""
    typical: bool = False
    revision: int = 0
    interim_done: date | None = None  # two standard ends on different days: the interim step (暫定連携) is done

    @property
    def pair(self) -> tuple[int, int]:
        return (self.provider, self.consumer)

    @property
    def done(self) -> bool:
        return self.status == ChangeStatus.DONE

    @property
    def finish(self) -> date | None:
        """When it is (or will be) done: the actual date when done, else the planned one."""
        return self.actual if self.done and self.actual is not None else self.planned

    @property
    def untracked(self) -> bool:
        """Nobody has started tracking the current step (未着手, no dates)."""
        return self.status == ChangeStatus.NOT_STARTED and self.planned is None and self.actual is None


class Need(StrEnum):
    """What a link asks of the municipality."""

    RELATED = "関連システムとの連携"  # a standard system and a 関連システム / 独自施策システム: one 改修
    STAGGERED = "移行日が異なる"  # two standard systems on different days: 暫定連携, then 本連携
    MIGRATED = "両方とも移行済み"  # two standard systems, both cut over on different days: nothing left to plan
    TOGETHER = "同じ日に移行"  # two standard systems on the same day: no 改修
    UNDATED = "日程未定"  # two standard systems, one without a date: not known yet
    NONE = "改修の対象外"  # nothing here moves to a standard system (external, related with related)

    @property
    def creates(self) -> bool:
        """fitgap creates an item for such a link."""
        return self in _CREATES

    @property
    def needed(self) -> bool:
        """An item of such a link is judged (dates, lateness); otherwise it is shown as to be confirmed."""
        return self in _NEEDED


_CREATES = frozenset({Need.RELATED, Need.STAGGERED})
_NEEDED = frozenset({Need.RELATED, Need.STAGGERED, Need.MIGRATED})


class Step(StrEnum):
    SINGLE = "改修"
    INTERIM = "暫定連携"
    FINAL = "本連携"

    @property
    def label(self) -> str:
        """How the step reads in a list (「暫定連携（1/2）」)."""
        return {"改修": "改修", "暫定連携": "暫定連携（1/2）", "本連携": "本連携（2/2）"}[self.value]


def link_need(sg: SystemGraph, provider: int, consumer: int) -> Need:
    p, c = sg.systems[provider], sg.systems[consumer]
    if p.converts and c.converts:
        if p.cutover is None or c.cutover is None:
            return Need.UNDATED
        if p.cutover == c.cutover:
            return Need.TOGETHER
        return Need.MIGRATED if p.done and c.done else Need.STAGGERED
    if (p.converts and c.kind == _RELATED) or (c.converts and p.kind == _RELATED):
        return Need.RELATED
    return Need.NONE


def needed_links(sg: SystemGraph) -> list[tuple[int, int]]:
    """Every link fitgap creates an item for, by provider then consumer name."""
    pairs = [pair for pair in sg.links if link_need(sg, *pair).creates]
    return sorted(pairs, key=lambda pq: (sg.sort_key(pq[0]), sg.sort_key(pq[1])))


def not_standard(sg: SystemGraph, provider: int, consumer: int) -> str:
    """Why a link into (or out of) a standard system is not a standard interface; "" when it is one."""
    p, c = sg.systems[provider], sg.systems[consumer]
    if sg.links[(provider, consumer)].method == LinkMethod.SHARED_DB and (p.converts or c.converts):
        return f"{NOT_STANDARD}（DB共有）"
    if p.kind == _RELATED and c.converts:
        return f"{NOT_STANDARD}（関連システムから）"
    return ""


def undated_systems(sg: SystemGraph) -> list[int]:
    """Standard systems with neither a planned nor an actual cut-over (日程未定), by name."""
    return sorted((sid for sid, n in sg.systems.items() if n.converts and n.cutover is None), key=sg.sort_key)


def _when(n: SystemNode) -> str:
    return f"{n.name}の{'移行実施' if n.done else '移行予定'} {n.cutover.isoformat() if n.cutover else '未定'}"


def default_change(sg: SystemGraph, link: Link) -> str:
    """What changes, as the item is first created: the method today → the standard interface."""
    data = "・".join(link.data) or "データ"
    return f"{data}: {link.method.value}（現行） → {STANDARD_INTERFACE}"


def default_vendor(sg: SystemGraph, provider: int, consumer: int) -> str | None:
    """The vendor of the side that does not move (it must adapt), else of the consumer."""
    p, c = sg.systems[provider], sg.systems[consumer]
    adapting = [n for n in (c, p) if not n.converts and n.migrates and n.vendor]
    return adapting[0].vendor if adapting else c.vendor or p.vendor


class LateKind(StrEnum):
    PLANNED_AFTER = "改修予定が必要日より後"
    OVERDUE = "必要日を過ぎて未完了"


@dataclass(frozen=True, slots=True)
class ChangeState:
    """An item with the step it is at and the dates that judge it."""

    item: ChangeItem
    need: Need
    step: Step | None  # None: the rule does not ask for this item (shown as to be confirmed)
    needed_by: date | None  # of the current step
    reason: str
    late: LateKind | None = None
    days_late: int | None = None
    interim_needed: date | None = None  # two steps: the first cut-over
    final_needed: date | None = None  # two steps: the second cut-over
    interim_done: date | None = None  # two steps: when the interim step was done (recorded, or the first cut-over)

    @property
    def open(self) -> bool:
        return not self.item.done

    @property
    def needed(self) -> bool:
        """The rule asks for this item (it is judged; otherwise shown as 不要か確認 / 日程未定)."""
        return self.need.needed

    @property
    def verdict(self) -> str:
        """The judgement in words: late, done, to be confirmed, or ""."""
        if self.late is not None:
            return f"{self.late.value} {self.days_late}日"
        if not self.needed:
            return UNDECIDED if self.need == Need.UNDATED else f"{TO_CONFIRM}（{self.need.value}）"
        return "完了" if self.item.done else ""

    @property
    def steps(self) -> str:
        """Both steps of a two-step item in one line (「暫定連携 2026-01-05 済 → 本連携 2027-01-04」); ""
        for a one-step item."""
        if self.interim_needed is None or self.final_needed is None:
            return ""
        first = (f"暫定連携 {self.interim_done.isoformat()} 済" if self.interim_done
                 else f"暫定連携 {self.interim_needed.isoformat()} まで")
        return f"{first} → 本連携 {self.final_needed.isoformat()} まで"


def _judge(sg: SystemGraph, it: ChangeItem) -> ChangeState:
    """The step an item is at and the date that step is needed by (no lateness yet)."""
    need = link_need(sg, *it.pair)
    p, c = sg.systems[it.provider], sg.systems[it.consumer]
    if need == Need.RELATED:
        std = p if p.converts else c
        if std.cutover is None:
            return ChangeState(it, need, Step.SINGLE, None, f"{std.name}の移行日が未定（日程未定）")
        return ChangeState(it, need, Step.SINGLE, std.cutover, _when(std))
    if need in (Need.STAGGERED, Need.MIGRATED):
        first, second = sorted((p, c), key=lambda n: (n.cutover or date.max, n.name))
        d1, d2 = first.cutover, second.cutover
        done = it.interim_done or (first.actual_cutover if it.untracked and first.done else None)
        if done is None:
            return ChangeState(it, need, Step.INTERIM, d1, f"{_when(first)}（{second.name}は旧システムのまま）",
                               interim_needed=d1, final_needed=d2)
        return ChangeState(it, need, Step.FINAL, d2, _when(second), interim_needed=d1, final_needed=d2,
                           interim_done=done)
    if need == Need.TOGETHER:
        return ChangeState(it, need, None, None, f"両方とも {p.cutover.isoformat() if p.cutover else ''} に移行")
    if need == Need.UNDATED:
        undated = "・".join(n.name for n in (p, c) if n.cutover is None)
        return ChangeState(it, need, None, None, f"{undated}の移行日が未定（日程未定）")
    return ChangeState(it, need, None, None, "標準準拠システムへの移行がない連携")


def change_states(sg: SystemGraph, items: Iterable[ChangeItem], *, today: date) -> list[ChangeState]:
    """Every item with its step, needed-by date and whether it is late; late ones first (most days late),
    then the ones the rule asks for by needed-by date, then the rest; by names within. Items of links that
    no longer exist are left out. Only an item the rule asks for, at a step with a known date, can be late."""
    out: list[ChangeState] = []
    for it in items:
        if it.pair not in sg.links:
            continue
        st = _judge(sg, it)
        needed = st.needed_by
        if needed is not None and not it.done:
            if it.planned is not None and it.planned > needed:
                st = replace(st, late=LateKind.PLANNED_AFTER, days_late=(it.planned - needed).days)
            elif needed < today:
                st = replace(st, late=LateKind.OVERDUE, days_late=(today - needed).days)
        elif needed is not None and it.done and it.actual is not None and it.actual > needed:
            st = replace(st, days_late=(it.actual - needed).days)  # done, but after it was needed: not a conflict
        out.append(st)
    out.sort(key=lambda s: (
        s.late is None,
        -(s.days_late or 0) if s.late else 0,
        not s.needed,
        s.needed_by or date.max,
        sg.sort_key(s.item.provider),
        sg.sort_key(s.item.consumer),
    ))
    return out


@dataclass(frozen=True, slots=True)
class ChangeCounts:
    total: int = 0
    done: int = 0
    late: int = 0
    open_pressing: int = 0  # open, needed within ``pressing_days``


def counts_by_system(states: Iterable[ChangeState], *, today: date, pressing_days: int) -> dict[int, ChangeCounts]:
    """Per system: its items the rule asks for (both ends of each link count), done, late, and open ones
    needed soon."""
    acc: dict[int, list[int]] = {}
    for s in states:
        if not s.needed:
            continue
        pressing = (not s.item.done and s.late is None and s.needed_by is not None
                    and (s.needed_by - today).days <= pressing_days)
        for sid in dict.fromkeys(s.item.pair):
            a = acc.setdefault(sid, [0, 0, 0, 0])
            a[0] += 1
            a[1] += s.item.done
            a[2] += s.late is not None
            a[3] += pressing
    return {sid: ChangeCounts(*a) for sid, a in acc.items()}


@dataclass(frozen=True, slots=True)
class ChangeSlip:
    """How a slip moves one 改修 item: its needed-by date before and after, and whether it is late after."""

    state: ChangeState  # after the slip
    needed_before: date | None


def slipped_graph(sg: SystemGraph, report: SlipReport) -> SystemGraph:
    """The graph as if the slip happened: the slipped system and the planned systems it pushes move to their
    new dates (a system without a plan keeps none), and the needed-by dates follow."""
    moved: Mapping[int, date] = {
        report.system: report.new_date,
        **{i.system: i.earliest for i in report.impacts if i.planned is not None},  # pushed plans only
    }
    nodes: list[SystemNode] = []
    for sid, n in sg.systems.items():
        if sid in moved and not n.done:
            n = replace(n, planned_cutover=moved[sid])
        nodes.append(n)
    return with_needed_by(build_graph(nodes, sg.links.values()))


def change_slips(
    sg: SystemGraph, report: SlipReport, items: Iterable[ChangeItem], *, today: date
) -> list[ChangeSlip]:
    """The 改修 items whose needed-by date the slip moves, or that are late after it, late ones first."""
    items = list(items)
    before = {s.item.pair: s for s in change_states(sg, items, today=today)}
    after = change_states(slipped_graph(sg, report), items, today=today)
    out = []
    for s in after:
        b = before.get(s.item.pair)
        needed_before = b.needed_by if b else None
        if needed_before != s.needed_by or (s.late is not None and (b is None or b.late is None)):
            out.append(ChangeSlip(s, needed_before))
    return out
