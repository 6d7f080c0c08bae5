"""Build the dependency graph from plain data, and the plain data from domain rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx

from fitgap.domain.calendar import FY2025_END
from fitgap.domain.enums import DeadlineBasis, DeadlineKind, SystemKind
from fitgap.domain.models import Integration, Milestone, Operation, System, SystemOperation
from fitgap.domain.standing import Due, OperationInput, SystemInput, operation_dues, system_due
from fitgap.graph.model import Link, MilestonePoint, SystemNode


def split_data(text: str) -> tuple[str, ...]:
    """'宛名, 世帯、所得' → ('宛名', '世帯', '所得')."""
    parts = text.replace("、", ",").replace("，", ",").split(",")
    return tuple(p.strip() for p in parts if p.strip())


def operation_input(op: Operation) -> OperationInput:
    """An operation row as the standing rule reads it."""
    return OperationInput(code=op.code, name=op.name, deadline=op.deadline, kind=op.deadline_kind,
                          source=op.deadline_source, reason=op.deadline_reason, cross_cutting=op.cross_cutting,
                          serves=tuple(c for c in op.serves.split(",") if c), in_scope=op.in_scope)


def system_input(s: System, codes: tuple[str, ...]) -> SystemInput:
    """A system row as the standing rule reads it."""
    return SystemInput(id=s.id or 0, name=s.name, kind=s.kind, operations=codes, deadline_kind=s.deadline_kind,
                       deadline=s.deadline, reason=s.deadline_reason, planned=s.planned_cutover,
                       actual=s.actual_cutover)


def nodes_from_domain(
    *,
    systems: Iterable[System],
    system_operations: Iterable[SystemOperation] = (),
    milestones: Iterable[Milestone] = (),
    operations: Iterable[Operation] = (),
    official_as_of: str = "",
) -> list[SystemNode]:
    """SystemNodes from domain rows (rows without an id are ignored: they are not saved yet).

    Each system's date is the one the standing rule gives it (domain.standing: its own date set by hand,
    else the earliest date of its operations); a 関連システム (or a system of no operation that is not
    standardised) has none here and follows its links (graph.needed_by).
    """
    ops: dict[int, list[str]] = defaultdict(list)
    for so in system_operations:
        ops[so.system_id].append(so.operation_code)
    points: dict[int, list[MilestonePoint]] = defaultdict(list)
    for m in milestones:
        points[m.system_id].append(MilestonePoint(kind=m.kind, planned=m.planned, actual=m.actual))
    rows = [s for s in systems if s.id is not None]
    inputs = {s.id: system_input(s, tuple(sorted(ops.get(s.id or 0, ())))) for s in rows}
    dues = operation_dues([operation_input(op) for op in operations], inputs.values(), official_as_of=official_as_of)
    nodes = []
    for s in rows:
        si = inputs[s.id]
        basis, follows = _basis(s, si.operations)
        due = system_due(si, dues) if not follows and s.kind != SystemKind.EXTERNAL else None
        if due is None and basis == DeadlineBasis.LEGAL:
            due = Due(FY2025_END, DeadlineKind.FY2025, "原則（令和7年度末）")
        nodes.append(
            SystemNode(
                id=si.id,
                name=s.name,
                kind=s.kind,
                vendor=s.vendor,
                operations=si.operations,
                planned_cutover=s.planned_cutover,
                actual_cutover=s.actual_cutover,
                deadline_kind=due.kind if due else s.deadline_kind,
                deadline=due.date if due else None,
                milestones=tuple(points.get(si.id, ())),
                typical=s.typical,
                note=s.note,
                deadline_basis=basis,
                deadline_reason=(due.label if due else ""),
                follows_links=follows,
            )
        )
    return nodes


def _basis(s: System, codes: tuple[str, ...]) -> tuple[DeadlineBasis, bool]:
    """Where the system's date comes from, and whether it follows the systems it links to.

    A standardised system (of one of the 20 operations or of a common part) answers to its operations'
    date; a 関連システム has a needed-by date from its links. A date set by hand wins (特定移行支援 without a
    date counts as set).
    """
    if s.deadline is not None or (s.deadline_kind == DeadlineKind.TOKUTEI and s.kind != SystemKind.EXTERNAL):
        return DeadlineBasis.MANUAL, False
    if s.kind == SystemKind.EXTERNAL:
        return DeadlineBasis.NEEDED_BY, False
    if s.kind == SystemKind.STANDARD:
        return DeadlineBasis.LEGAL, False
    return DeadlineBasis.NEEDED_BY, True


def links_from_domain(integrations: Iterable[Integration]) -> list[Link]:
    return [
        Link(
            provider=i.provider_id,
            consumer=i.consumer_id,
            data=split_data(i.data),
            method=i.method,
            interim_interface=i.interim_interface,
            typical=i.typical,
        )
        for i in integrations
    ]


@dataclass(frozen=True, eq=False)
class SystemGraph:
    """The systems (nodes, keyed by id) and their links (edges provider → consumer)."""

    graph: nx.DiGraph
    systems: Mapping[int, SystemNode]
    links: Mapping[tuple[int, int], Link] = field(default_factory=dict)

    def system(self, system_id: int) -> SystemNode:
        return self.systems[system_id]

    def name(self, system_id: int) -> str:
        return self.systems[system_id].name

    def names(self, ids: Iterable[int]) -> list[str]:
        return [self.systems[i].name for i in ids]

    def link(self, provider: int, consumer: int) -> Link:
        return self.links[(provider, consumer)]

    def providers(self, system_id: int) -> list[int]:
        """What the system needs (its providers), by name."""
        return sorted(self.graph.predecessors(system_id), key=self.sort_key)

    def consumers(self, system_id: int) -> list[int]:
        """What needs the system (its consumers), by name."""
        return sorted(self.graph.successors(system_id), key=self.sort_key)

    def sort_key(self, system_id: int) -> tuple[str, int]:
        return (self.systems[system_id].name, system_id)

    def sorted_ids(self, ids: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted(ids, key=self.sort_key))


def build_graph(systems: Iterable[SystemNode], links: Iterable[Link]) -> SystemGraph:
    """The graph of the given systems and links.

    Raises ValueError for a link to an unknown system, a self-link or a duplicate link: callers (the
    services) validate user input before and report it per row; here it is a programming error.
    """
    nodes = {s.id: s for s in systems}
    g: nx.DiGraph = nx.DiGraph()
    g.add_nodes_from(nodes)
    by_pair: dict[tuple[int, int], Link] = {}
    for link in links:
        pair = (link.provider, link.consumer)
        if link.provider not in nodes or link.consumer not in nodes:
            raise ValueError(f"link {pair} refers to an unknown system")
        if link.provider == link.consumer:
            raise ValueError(f"link {pair} links a system to itself")
        if pair in by_pair:
            raise ValueError(f"link {pair} is given twice")
        by_pair[pair] = link
    g.add_edges_from(by_pair)
    return SystemGraph(graph=g, systems=nodes, links=by_pair)
