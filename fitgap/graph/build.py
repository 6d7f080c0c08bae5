"""Build the dependency graph from plain data, and the plain data from domain rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from fitgap.domain.calendar import FY2025_END, FY2030_END
from fitgap.domain.enums import DeadlineBasis, DeadlineKind, SystemKind
from fitgap.domain.models import Integration, Milestone, Operation, System, SystemOperation
from fitgap.graph.model import Link, MilestonePoint, SystemNode


def effective_deadline(
    *,
    kind: SystemKind,
    deadline_kind: DeadlineKind,
    deadline: date | None,
    operation_deadlines: Iterable[tuple[DeadlineKind, date]] = (),
) -> tuple[DeadlineKind, date | None]:
    """The deadline that applies to a system, and its kind.

    An explicit date wins. A 個別設定 without a date, and an external system without one, have none.
    特定移行支援 without a date means the end of FY2030 (the latest in principle). Otherwise (FY2025末, the
    default) the system follows its operations: the earliest deadline among them (``fitgap init
    --municipality`` moves the operations flagged 特定移行支援 to FY2030), or 2026-03-31 without any.
    """
    if deadline is not None:
        return deadline_kind, deadline
    if kind == SystemKind.EXTERNAL or deadline_kind == DeadlineKind.CUSTOM:
        return deadline_kind, None
    if deadline_kind == DeadlineKind.TOKUTEI:
        return deadline_kind, FY2030_END
    ops = sorted(operation_deadlines, key=lambda kd: kd[1])
    if ops:
        return ops[0]
    return DeadlineKind.FY2025, FY2025_END


def split_data(text: str) -> tuple[str, ...]:
    """'宛名, 世帯、所得' → ('宛名', '世帯', '所得')."""
    parts = text.replace("、", ",").replace("，", ",").split(",")
    return tuple(p.strip() for p in parts if p.strip())


def nodes_from_domain(
    *,
    systems: Iterable[System],
    system_operations: Iterable[SystemOperation] = (),
    milestones: Iterable[Milestone] = (),
    operations: Iterable[Operation] = (),
) -> list[SystemNode]:
    """SystemNodes from domain rows (rows without an id are ignored: they are not saved yet).

    ``operations`` gives the operations' deadlines that systems without their own follow.
    """
    operations = list(operations)
    op_deadlines = {op.code: (op.deadline_kind, op.deadline) for op in operations}
    cross_cutting = {op.code for op in operations if op.cross_cutting}
    ops: dict[int, list[str]] = defaultdict(list)
    for so in system_operations:
        ops[so.system_id].append(so.operation_code)
    points: dict[int, list[MilestonePoint]] = defaultdict(list)
    for m in milestones:
        points[m.system_id].append(MilestonePoint(kind=m.kind, planned=m.planned, actual=m.actual))
    nodes = []
    for s in systems:
        if s.id is None:
            continue
        codes = tuple(sorted(ops.get(s.id, ())))
        kind, deadline = effective_deadline(
            kind=s.kind,
            deadline_kind=s.deadline_kind,
            deadline=s.deadline,
            operation_deadlines=[op_deadlines[c] for c in codes if c in op_deadlines],
        )
        basis, follows = _basis(s, codes, cross_cutting)
        if follows:
            # the cross-cutting operations' deadline only where no linked system gives a needed-by date
            kind, deadline = (
                min((op_deadlines[c] for c in codes if c in op_deadlines), key=lambda kd: kd[1])
                if any(c in op_deadlines for c in codes)
                else (s.deadline_kind, None)
            )
        nodes.append(
            SystemNode(
                id=s.id,
                name=s.name,
                kind=s.kind,
                vendor=s.vendor,
                operations=codes,
                planned_cutover=s.planned_cutover,
                actual_cutover=s.actual_cutover,
                deadline_kind=kind,
                deadline=deadline,
                milestones=tuple(points.get(s.id, ())),
                typical=s.typical,
                note=s.note,
                deadline_basis=basis,
                deadline_reason="手動で設定した日付" if basis == DeadlineBasis.MANUAL else "",
                follows_links=follows,
            )
        )
    return nodes


def _basis(s: System, codes: tuple[str, ...], cross_cutting: set[str]) -> tuple[DeadlineBasis, bool]:
    """Where the system's date comes from, and whether it follows the systems it links to.

    A system of one of the 20 operations has the legal deadline; a 関連システム, a system of cross-cutting
    standards only (統合収納・滞納, 団体内統合宛名) and one without operations that is not standardised have
    a needed-by date from their links. A date set by hand wins (特定移行支援 without a date counts as set).
    """
    if s.deadline is not None:
        return DeadlineBasis.MANUAL, False
    if s.kind == SystemKind.EXTERNAL:
        return DeadlineBasis.NEEDED_BY, False
    legal = s.kind == SystemKind.STANDARD and (not codes or any(c not in cross_cutting for c in codes))
    if legal:
        return DeadlineBasis.LEGAL, False
    if s.deadline_kind == DeadlineKind.TOKUTEI:
        return DeadlineBasis.MANUAL, False
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
