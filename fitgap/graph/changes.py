"""Interface changes (改修): which data links cross a cut-over, when each change is needed, which are late.

A link crosses a cut-over when one side moves to a standard-conforming system and the other does not
(a 関連システム, an external one), or when both move on different (or not yet known) dates: the interface
then changes, and the change must work by the earliest cut-over of the moving sides (its deadline where
none is planned). Pure: works on a SystemGraph and plain change items.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from fitgap.domain.enums import ChangeStatus
from fitgap.graph.build import SystemGraph, build_graph
from fitgap.graph.model import Link, SystemNode
from fitgap.graph.needed_by import with_needed_by
from fitgap.graph.schedule import SlipReport

STANDARD_INTERFACE = "標準準拠の連携（データ要件・連携要件標準仕様書）"


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


def crosses_cutover(sg: SystemGraph, provider: int, consumer: int) -> bool:
    p, c = sg.systems[provider], sg.systems[consumer]
    if not (p.converts or c.converts):
        return False
    if p.converts and c.converts:
        return p.cutover is None or c.cutover is None or p.cutover != c.cutover
    return True


def link_needed_by(sg: SystemGraph, provider: int, consumer: int) -> tuple[date | None, str]:
    """When the change of this link must work, and why: the earliest cut-over (else deadline) of the sides
    that move. A cross-cutting side without a planned cut-over counts with its needed-by date only when the
    other side gives no date (that date comes from its other links: 団体内統合宛名 must be ready for 住民記録,
    not every link of it by then)."""
    best: tuple[date, int, SystemNode] | None = None
    derived: tuple[date, int, SystemNode] | None = None  # a side's own needed-by date: only when nothing else
    for rank, sid in enumerate((provider, consumer)):
        n = sg.systems[sid]
        when = (n.cutover or n.deadline) if n.converts else None
        if when is None:
            continue
        if n.follows_links and n.cutover is None:
            derived = derived if derived is not None and derived[0] <= when else (when, rank, n)
        elif best is None or when < best[0]:
            best = (when, rank, n)
    best = best or derived
    if best is None:
        return None, "移行日も期限もないため必要日を決められません"
    when, _rank, n = best
    what = ("移行実施" if n.done else "移行予定") if n.cutover is not None else n.deadline_basis.value
    return when, f"{n.name}の{what} {when.isoformat()}"


def default_change(sg: SystemGraph, link: Link) -> str:
    """What changes, as the item is first created: the method today → the standard interface."""
    data = "・".join(link.data) or "データ"
    return f"{data}: {link.method.value}（現行） → {STANDARD_INTERFACE}"


def default_vendor(sg: SystemGraph, provider: int, consumer: int) -> str | None:
    """The vendor of the side that does not move (it must adapt), else of the consumer."""
    p, c = sg.systems[provider], sg.systems[consumer]
    adapting = [n for n in (c, p) if not n.converts and n.migrates and n.vendor]
    return adapting[0].vendor if adapting else c.vendor or p.vendor


def needed_links(sg: SystemGraph) -> list[tuple[int, int]]:
    """Every link that crosses a cut-over, by provider then consumer name."""
    pairs = [pair for pair in sg.links if crosses_cutover(sg, *pair)]
    return sorted(pairs, key=lambda pq: (sg.sort_key(pq[0]), sg.sort_key(pq[1])))


class LateKind(StrEnum):
    PLANNED_AFTER = "改修予定が必要日より後"
    OVERDUE = "必要日を過ぎて未完了"


@dataclass(frozen=True, slots=True)
class ChangeState:
    """An item with the dates that judge it."""

    item: ChangeItem
    needed_by: date | None
    reason: str
    crosses: bool  # False: the link no longer crosses a cut-over (e.g. both sides now move the same day)
    late: LateKind | None
    days_late: int | None

    @property
    def open(self) -> bool:
        return not self.item.done


def change_states(sg: SystemGraph, items: Iterable[ChangeItem], *, today: date) -> list[ChangeState]:
    """Every item with its needed-by date and whether it is late; late ones first (most days late), then by
    needed-by date and names. Items of links that no longer exist are left out."""
    out: list[ChangeState] = []
    for it in items:
        if it.pair not in sg.links:
            continue
        needed, reason = link_needed_by(sg, *it.pair)
        late: LateKind | None = None
        days: int | None = None
        if needed is not None and not it.done:
            if it.planned is not None and it.planned > needed:
                late, days = LateKind.PLANNED_AFTER, (it.planned - needed).days
            elif needed < today:
                late, days = LateKind.OVERDUE, (today - needed).days
        elif needed is not None and it.done and it.actual is not None and it.actual > needed:
            days = (it.actual - needed).days  # done, but after it was needed: shown, not a conflict
        out.append(ChangeState(it, needed, reason, crosses_cutover(sg, *it.pair), late, days))
    out.sort(key=lambda s: (
        s.late is None,
        -(s.days_late or 0) if s.late else 0,
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
    """Per system: its items (both ends of each link count), done, late, and open ones needed soon."""
    acc: dict[int, list[int]] = {}
    for s in states:
        if not s.crosses and not s.late:
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
