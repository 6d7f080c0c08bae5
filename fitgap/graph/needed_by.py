"""Needed-by dates of the systems that are not one of the 20 operations.

Such a system (a 関連システム such as 福祉総合 or 財務会計, or a cross-cutting one such as 統合収納・滞納) has
no legal deadline: its interfaces must be ready when the standard systems it exchanges data with cut over.
Its needed-by date is the earliest date among them: each one's cut-over (actual, else planned), or its
deadline where no cut-over is planned. A system linked only to other such systems follows theirs, through
any number of them (loops included). A date set by hand wins. On equal dates the system added first
(the catalog's order: the taxes before 介護保険) gives the reason. Pure: works on a SystemGraph.
"""

from __future__ import annotations

import heapq
from dataclasses import replace
from datetime import date

from fitgap.domain.enums import DeadlineBasis
from fitgap.graph.build import SystemGraph, build_graph
from fitgap.graph.model import SystemNode


def anchor(node: SystemNode) -> tuple[date, str] | None:
    """The date a system gives the systems that follow it, and how it reads (None when it gives none)."""
    if node.actual_cutover is not None:
        return node.actual_cutover, f"{node.name}の移行実施 {node.actual_cutover.isoformat()} に合わせる"
    if node.planned_cutover is not None and node.converts:
        return node.planned_cutover, f"{node.name}の移行予定 {node.planned_cutover.isoformat()} に合わせる"
    if node.deadline is not None:
        label = "必要日（手動設定）" if node.deadline_basis == DeadlineBasis.MANUAL else "期限"
        return node.deadline, f"{node.name}の{label} {node.deadline.isoformat()} に合わせる"
    return None


def needed_by_dates(sg: SystemGraph) -> dict[int, tuple[date | None, str]]:
    """Needed-by date and reason of every system that follows its links.

    Sources are the systems with a date of their own (every migrating system that does not follow its
    links); dates spread along links in both directions (a link is an interface whichever way data
    flows) through following systems only, the earliest winning; external systems neither give nor pass
    a date. A following system that reaches no source keeps the date it had (its cross-cutting
    operations' deadline) or none.
    """
    follows = {sid for sid, n in sg.systems.items() if n.follows_links}
    best: dict[int, tuple[date, str]] = {}  # system -> (date, reason)
    # (date, hops, source id, the source's reason, the first following system on the way or "", system)
    heap: list[tuple[date, int, int, str, str, int]] = []
    for sid in follows:
        for other in _neighbours(sg, sid):
            n = sg.systems[other]
            if other in follows or not n.migrates:
                continue
            found = anchor(n)
            if found is not None:
                heapq.heappush(heap, (found[0], 0, other, found[1], "", sid))
    while heap:
        when, hops, source, reason, via, sid = heapq.heappop(heap)
        if sid in best:
            continue
        best[sid] = (when, f"{reason}（{via}経由）" if via else reason)
        for other in _neighbours(sg, sid):
            if other in follows and other not in best:
                heapq.heappush(heap, (when, hops + 1, source, reason, via or sg.name(sid), other))
    out: dict[int, tuple[date | None, str]] = {}
    for sid in follows:
        if sid in best:
            out[sid] = best[sid]
        elif sg.systems[sid].deadline is not None:
            out[sid] = (sg.systems[sid].deadline, "連携する標準化対象システムがないため、業務（共通機能）の期限")
        else:
            out[sid] = (None, "連携する標準化対象システムがないため、必要日はありません")
    return out


def _neighbours(sg: SystemGraph, sid: int) -> list[int]:
    return sorted(set(sg.graph.predecessors(sid)) | set(sg.graph.successors(sid)), key=sg.sort_key)


def with_needed_by(sg: SystemGraph) -> SystemGraph:
    """The same graph with every following system's deadline replaced by its needed-by date."""
    dates = needed_by_dates(sg)
    if not dates:
        return sg
    nodes = [
        replace(n, deadline=dates[sid][0], deadline_reason=dates[sid][1]) if sid in dates else n
        for sid, n in sg.systems.items()
    ]
    return build_graph(nodes, sg.links.values())
