"""Every graph analysis on a generated graph of 300 systems and 3,000 links (target: ≤ 100 ms together),
needed-by dates and 改修 items included (one system in ten is a 関連システム).

Prints the time of each analysis and of all together, and the ratio against a baseline measured in the
same run on the same graph: a bare networkx DiGraph built from the edge list, its strongly connected
components condensed and put in topological generations. Best of several rounds.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta

import networkx as nx

from fitgap.domain.calendar import FY2025_END
from fitgap.domain.enums import DeadlineKind, MilestoneKind, SystemKind
from fitgap.graph.analysis import critical_path, find_cycles, migration_waves
from fitgap.graph.build import build_graph
from fitgap.graph.changes import ChangeItem, change_states, needed_links
from fitgap.graph.export import FORMATS, export_graph
from fitgap.graph.model import Link, MilestonePoint, SystemNode
from fitgap.graph.needed_by import with_needed_by
from fitgap.graph.risk import deadline_risks
from fitgap.graph.schedule import lateness_impact, schedule_conflicts

N_SYSTEMS = 300
N_LINKS = 3_000
BACK_LINK_SHARE = 0.01  # links against the order: they make loops
ROUNDS = 7
TARGET_MS = 100.0
TODAY = date(2025, 7, 1)


def generate(seed: int = 5) -> tuple[list[SystemNode], list[Link]]:
    rng = random.Random(seed)
    start = date(2025, 4, 1)
    systems = []
    for i in range(1, N_SYSTEMS + 1):
        planned = start + timedelta(days=i * 2 + rng.randint(-40, 40)) if rng.random() < 0.9 else None
        actual = planned if planned and planned < TODAY and rng.random() < 0.5 else None
        tokutei = rng.random() < 0.1
        systems.append(
            SystemNode(
                id=i,
                name=f"システム{i:03d}",
                kind=SystemKind.EXTERNAL if i % 97 == 0 else SystemKind.RELATED if i % 10 == 0 else SystemKind.STANDARD,
                follows_links=i % 10 == 0 and i % 97 != 0,
                planned_cutover=planned,
                actual_cutover=actual,
                deadline_kind=DeadlineKind.TOKUTEI if tokutei else DeadlineKind.FY2025,
                deadline=date(2028, 3, 31) if tokutei else FY2025_END,
                milestones=tuple(
                    MilestonePoint(kind=k, planned=start + timedelta(days=60 * n), actual=None)
                    for n, k in enumerate(MilestoneKind)
                    if rng.random() < 0.7
                ),
            )
        )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < N_LINKS:
        a, b = rng.sample(range(1, N_SYSTEMS + 1), 2)
        p, c = (min(a, b), max(a, b)) if rng.random() > BACK_LINK_SHARE else (max(a, b), min(a, b))
        pairs.add((p, c))
    links = [Link(provider=p, consumer=c, interim_interface=rng.random() < 0.1) for p, c in sorted(pairs)]
    return systems, links


def best_ms(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return min(times)


def main() -> None:
    systems, links = generate()
    edges = [(link.provider, link.consumer) for link in links]
    gaps = {s.id: s.id % 7 for s in systems}

    def baseline() -> None:
        g: nx.DiGraph = nx.DiGraph()
        g.add_nodes_from(s.id for s in systems)
        g.add_edges_from(edges)
        list(nx.topological_generations(nx.condensation(g)))

    sg = build_graph(systems, links)
    root = max(sg.systems, key=lambda s: len(nx.descendants(sg.graph, s)))
    steps: dict[str, Callable[[], object]] = {
        "build": lambda: build_graph(systems, links),
        "cycles": lambda: find_cycles(sg),
        "waves": lambda: migration_waves(sg),
        "conflicts": lambda: schedule_conflicts(sg),
        "lateness": lambda: lateness_impact(sg, system=root, new_date=date(2026, 9, 1)),
        "critical path": lambda: critical_path(sg),
        "deadline risk": lambda: deadline_risks(sg, today=TODAY, open_must_gaps=gaps),
        "needed-by": lambda: with_needed_by(sg),
        "改修 items": lambda: change_states(sg, [ChangeItem(p, c) for p, c in needed_links(sg)], today=TODAY),
    }

    def everything() -> None:
        g2 = build_graph(systems, links)
        find_cycles(g2)
        migration_waves(g2)
        schedule_conflicts(g2)
        lateness_impact(g2, system=root, new_date=date(2026, 9, 1))
        critical_path(g2)
        deadline_risks(g2, today=TODAY, open_must_gaps=gaps)
        g3 = with_needed_by(g2)
        change_states(g3, [ChangeItem(p, c) for p, c in needed_links(g3)], today=TODAY)

    base = best_ms(baseline)
    print(f"graph: {N_SYSTEMS} systems, {len(links)} links, {len(find_cycles(sg))} loops")
    print(f"baseline (networkx build + condensation + topological generations): {base:.1f} ms")
    for name, fn in steps.items():
        ms = best_ms(fn)
        print(f"  {name:<14} {ms:7.1f} ms  ({ms / base:5.2f}× baseline)")
    total = best_ms(everything)
    verdict = "OK" if total <= TARGET_MS else "OVER TARGET"
    print(
        f"all analyses together: {total:.1f} ms ({total / base:.2f}× baseline), target ≤ {TARGET_MS:.0f} ms: {verdict}"
    )
    for fmt in FORMATS:
        ms = best_ms(lambda fmt=fmt: export_graph(sg, fmt=fmt))
        print(f"  export {fmt:<8} {ms:7.1f} ms  ({ms / base:5.2f}× baseline)")


if __name__ == "__main__":
    main()
