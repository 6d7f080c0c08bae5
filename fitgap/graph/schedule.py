"""Schedule analyses over the links: conflicts between cut-over dates, and how a slip spreads.

A consumer needs its provider on the new generation before it moves, unless an interim interface
(暫定連携) bridges the two generations. Systems already cut over (an actual date) are settled: they
neither cause nor suffer a conflict or a slip.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fitgap.graph.build import SystemGraph


class ConflictKind(StrEnum):
    CONSUMER_FIRST = "提供元より先に移行"  # consumer cuts over before its provider, no interim interface
    PROVIDER_LATE = "提供元が期限後"  # provider cuts over after the deadline of its consumer


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: ConflictKind
    provider: int
    consumer: int
    provider_date: date  # the provider's cut-over date
    consumer_date: date  # the consumer's cut-over (CONSUMER_FIRST) or its deadline (PROVIDER_LATE)
    interim_interface: bool

    @property
    def days(self) -> int:
        """How many days the provider comes too late."""
        return (self.provider_date - self.consumer_date).days


def schedule_conflicts(sg: SystemGraph) -> list[Conflict]:
    """Links whose dates do not fit, ordered by the consumer's date, then names.

    - CONSUMER_FIRST: the consumer's cut-over is before its provider's and no interim interface exists;
    - PROVIDER_LATE: the provider's cut-over is after the consumer's deadline (listed with or without an
      interim interface; the flag tells whether the consumer can go ahead). A needed-by date (a system
      outside the 20 operations) is not a deadline the provider can miss: it follows the providers.
    """
    found: list[Conflict] = []
    for (p_id, c_id), link in sg.links.items():
        p, c = sg.systems[p_id], sg.systems[c_id]
        p_date = p.cutover
        if p.done or p_date is None or c.done:
            continue
        c_date = c.cutover
        if c_date is not None and c_date < p_date and not link.interim_interface:
            found.append(
                Conflict(ConflictKind.CONSUMER_FIRST, p_id, c_id, p_date, c_date, link.interim_interface)
            )
        if c.deadline is not None and p_date > c.deadline and not c.follows_links:
            found.append(
                Conflict(ConflictKind.PROVIDER_LATE, p_id, c_id, p_date, c.deadline, link.interim_interface)
            )
    found.sort(key=lambda x: (x.consumer_date, sg.sort_key(x.consumer), sg.sort_key(x.provider), x.kind))
    return found


@dataclass(frozen=True, slots=True)
class Impact:
    """A system put at risk by a slip: it cannot cut over before ``earliest`` any more."""

    system: int
    via: int  # the provider whose slip reaches it (follow ``via`` back to the slipped system)
    planned: date | None
    earliest: date
    deadline: date | None

    @property
    def delay_days(self) -> int | None:
        """Days later than planned; None when it had no planned date."""
        return None if self.planned is None else (self.earliest - self.planned).days

    @property
    def misses_deadline(self) -> bool:
        return self.deadline is not None and self.earliest > self.deadline


@dataclass(frozen=True, slots=True)
class SlipReport:
    system: int
    new_date: date
    deadline: date | None
    impacts: tuple[Impact, ...]

    @property
    def misses_deadline(self) -> bool:
        return self.deadline is not None and self.new_date > self.deadline


def lateness_impact(sg: SystemGraph, *, system: int, new_date: date) -> SlipReport:
    """If ``system`` slips to ``new_date``, which systems are put at risk, transitively.

    A consumer linked without an interim interface cannot move before its provider: its earliest date
    becomes the provider's, and so on down the links. A system is at risk when this pushes it past its
    planned date, or — when it has no planned date — past its deadline. Loops are handled (dates only
    grow, so the spread ends). A 関連システム does not cut over: it is changed in place, and its 改修 items
    move with the slip instead (see changes.change_slips).
    """
    if system not in sg.systems:
        raise ValueError(f"unknown system {system}")
    earliest: dict[int, date] = {system: new_date}
    via: dict[int, int] = {}
    queue = deque([system])
    while queue:
        u = queue.popleft()
        pushed = earliest[u]
        for c_id in sg.graph.successors(u):
            c = sg.systems[c_id]
            if (c_id == system or c.done or not c.converts
                    or sg.links[(u, c_id)].interim_interface):
                continue
            current = earliest.get(c_id, c.planned_cutover)
            if current is None or pushed > current:
                earliest[c_id] = pushed
                via[c_id] = u
                queue.append(c_id)
    impacts = []
    for sid, when in earliest.items():
        if sid == system:
            continue
        s = sg.systems[sid]
        # a needed-by date moves with the slip itself: only a planned cut-over can be missed
        deadline = None if s.follows_links else s.deadline
        impact = Impact(system=sid, via=via[sid], planned=s.planned_cutover, earliest=when, deadline=deadline)
        if impact.planned is not None or impact.misses_deadline:
            impacts.append(impact)
    impacts.sort(key=lambda i: (i.earliest, sg.sort_key(i.system)))
    return SlipReport(
        system=system, new_date=new_date, deadline=sg.systems[system].deadline, impacts=tuple(impacts)
    )
