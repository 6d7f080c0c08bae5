"""Structural analyses of the dependency graph: cycles, migration waves, critical path.

All functions are pure: they read a SystemGraph and return small frozen dataclasses holding system ids
(ordered by system name, so results are stable for display and tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import networkx as nx

from fitgap.graph.build import SystemGraph


@dataclass(frozen=True, slots=True)
class Cycle:
    """Systems that depend on each other, directly or through others (a strongly connected group)."""

    systems: tuple[int, ...]  # every member, by name
    example: tuple[int, ...]  # one loop through members: a → b → … → (back to a)


@dataclass(frozen=True, slots=True)
class Wave:
    """Systems that can move together once every earlier wave has moved (providers before consumers)."""

    number: int  # 1-based
    systems: tuple[int, ...]  # by name
    cycles: tuple[Cycle, ...] = ()  # groups in this wave that depend on each other and move as one


@dataclass(frozen=True, slots=True)
class CriticalPath:
    """The longest chain of dependent cut-overs by planned date (each one waits on the one before)."""

    systems: tuple[int, ...]
    dates: tuple[date, ...]

    @property
    def start(self) -> date:
        return self.dates[0]

    @property
    def end(self) -> date:
        return self.dates[-1]

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _cycle_of(sg: SystemGraph, members: set[int] | frozenset[int]) -> Cycle:
    ordered = sg.sorted_ids(members)
    edges = nx.find_cycle(sg.graph.subgraph(members), source=ordered[0])
    return Cycle(systems=ordered, example=tuple(u for u, _v, *_ in edges))


def find_cycles(sg: SystemGraph) -> list[Cycle]:
    """Every group of systems that depend on each other in a loop, largest first, then by name."""
    cycles = [_cycle_of(sg, comp) for comp in nx.strongly_connected_components(sg.graph) if len(comp) > 1]
    return sorted(cycles, key=lambda c: (-len(c.systems), sg.sort_key(c.systems[0])))


def migration_waves(sg: SystemGraph) -> list[Wave]:
    """Migration order as waves: every provider in an earlier wave than its consumers.

    Systems in a loop cannot be ordered; each loop is condensed to one group that shares a wave and is
    listed in ``Wave.cycles`` (they move together, or need interim interfaces). External systems (the
    national 中間サーバー) are not migrated and appear in no wave; the order they impose still holds.
    """
    condensed = nx.condensation(sg.graph)
    waves: list[Wave] = []
    for generation in nx.topological_generations(condensed):
        members: list[int] = []
        cycles: list[Cycle] = []
        for comp_id in generation:
            comp: set[int] = condensed.nodes[comp_id]["members"]
            migrating = {s for s in comp if sg.systems[s].migrates}
            members.extend(migrating)
            if len(comp) > 1 and migrating:
                cycles.append(_cycle_of(sg, comp))
        if members:
            cycles.sort(key=lambda c: sg.sort_key(c.systems[0]))
            waves.append(Wave(number=len(waves) + 1, systems=sg.sorted_ids(members), cycles=tuple(cycles)))
    return waves


def critical_path(sg: SystemGraph) -> CriticalPath | None:
    """The chain of dependent cut-overs that spans the longest time, through planned dates.

    Only systems still to move (not cut over, not external) with a planned date take part. A link counts
    when its consumer is planned on or after its provider and there is no interim interface (with one,
    the consumer does not wait). Ties go to the chain with more systems, then the later end. None when no
    system has a planned date.
    """
    planned = {
        s.id: s.planned_cutover
        for s in sg.systems.values()
        if s.migrates and not s.done and s.planned_cutover is not None
    }
    if not planned:
        return None

    def key(sid: int) -> tuple[date, str, int]:
        return (planned[sid], sg.systems[sid].name, sid)

    order = sorted(planned, key=key)
    rank = {sid: i for i, sid in enumerate(order)}
    # best[v] = (span in days, number of systems, previous system)
    best: dict[int, tuple[int, int, int | None]] = {}
    for v in order:
        span, count, prev = 0, 1, None
        for p in sg.graph.predecessors(v):
            if p not in rank or rank[p] > rank[v] or sg.links[(p, v)].interim_interface:
                continue
            p_span, p_count, _ = best[p]
            cand = (p_span + (planned[v] - planned[p]).days, p_count + 1)
            if cand > (span, count) or (cand == (span, count) and prev is not None and rank[p] < rank[prev]):
                span, count, prev = cand[0], cand[1], p
        best[v] = (span, count, prev)
    end = max(order, key=lambda v: (best[v][0], best[v][1], rank[v]))
    chain: list[int] = []
    cur: int | None = end
    while cur is not None:
        chain.append(cur)
        cur = best[cur][2]
    chain.reverse()
    return CriticalPath(systems=tuple(chain), dates=tuple(planned[s] for s in chain))
