"""The migration schedule: waves, conflicts, deadline risks, critical path, slips, graph exports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from fitgap.errors import InvalidInputError
from fitgap.graph.analysis import CriticalPath, Cycle, Wave, critical_path, find_cycles, migration_waves
from fitgap.graph.build import SystemGraph
from fitgap.graph.changes import ChangeSlip, change_slips, counts_by_system, undated_systems
from fitgap.graph.export import FORMATS, export_graph
from fitgap.graph.model import Link, SystemNode
from fitgap.graph.risk import PRESSING_DAYS, DeadlineRisk, deadline_risks
from fitgap.graph.schedule import Conflict, SlipReport, lateness_impact, schedule_conflicts
from fitgap.services.changes import ChangeView, items_in, views_from
from fitgap.services.system_graph import load_graph_in, match_system
from fitgap.storage import systems
from fitgap.storage.db import Database

GRAPH_FORMATS = FORMATS


@dataclass(frozen=True)
class ScheduleView:
    """Everything the schedule screen and command show. Ids refer to ``graph``."""

    today: date
    graph: SystemGraph
    waves: list[Wave]
    cycles: list[Cycle]
    conflicts: list[Conflict]
    risks: list[DeadlineRisk]
    critical: CriticalPath | None
    changes: list[ChangeView] = field(default_factory=list)  # 改修 items, late first
    open_gaps: dict[str, int] = field(default_factory=dict)  # open 実装必須 gaps per operation (its one query)

    @property
    def late_changes(self) -> list[ChangeView]:
        """改修 items not done by their needed-by date: schedule conflicts too."""
        return [c for c in self.changes if c.state.late is not None]

    @property
    def undated(self) -> list[str]:
        """Standard systems without a date (日程未定), named once instead of one late item per link."""
        return self.graph.names(undated_systems(self.graph))


def open_must_gaps_by_system(sg: SystemGraph, by_operation: dict[str, int]) -> dict[int, int]:
    """Open 実装必須 gaps of each system: the sum over the operations it serves."""
    out: dict[int, int] = defaultdict(int)
    for node in sg.systems.values():
        for code in node.operations:
            out[node.id] += by_operation.get(code, 0)
    return dict(out)


def get_schedule(*, db: Database, today: date, open_gaps: Mapping[str, int] | None = None) -> ScheduleView:
    """The schedule as of ``today``. ``open_gaps``: the open 実装必須 gaps per operation as last read
    (``view.open_gaps``), for a caller that knows no assessment changed since (the systems screen after
    one of its own edits); without it they are read again."""
    with db.read() as session:
        sg = load_graph_in(session)
        gaps = dict(open_gaps) if open_gaps is not None else systems.open_must_gaps_by_operation(session=session)
        items, saved = items_in(session, sg)
    changes = views_from(sg, items, saved, today=today)
    counts = counts_by_system([c.state for c in changes], today=today, pressing_days=PRESSING_DAYS)
    return ScheduleView(
        today=today,
        graph=sg,
        waves=migration_waves(sg),
        cycles=find_cycles(sg),
        conflicts=schedule_conflicts(sg),
        risks=deadline_risks(sg, today=today, open_must_gaps=open_must_gaps_by_system(sg, gaps), changes=counts),
        critical=critical_path(sg),
        changes=changes,
        open_gaps=gaps,
    )


def slip(*, db: Database, system: str, new_date: date) -> tuple[SystemGraph, SlipReport]:
    """If ``system`` slips to ``new_date``: which systems are put at risk, transitively."""
    with db.read() as session:
        sg = load_graph_in(session)
    sid = match_system(system, {n.name: n.id for n in sg.systems.values()})
    return sg, lateness_impact(sg, system=sid, new_date=new_date)


def slip_changes(*, db: Database, system: str, new_date: date, today: date) -> tuple[SystemGraph, SlipReport,
                                                                                   list[ChangeSlip]]:
    """A slip with the 改修 items it moves: their needed-by dates before and after, late ones first."""
    with db.read() as session:
        sg = load_graph_in(session)
        items, _saved = items_in(session, sg)
    sid = match_system(system, {n.name: n.id for n in sg.systems.values()})
    report = lateness_impact(sg, system=sid, new_date=new_date)
    return sg, report, change_slips(sg, report, items, today=today)


def graph_text(*, db: Database, fmt: str, today: date | None = None) -> str:
    """The dependency graph as dot, mermaid, graphml or json; with ``today``, systems marked migrated,
    late, past their planned date or at high risk (the levels of ``fitgap schedule``)."""
    if fmt not in FORMATS:
        raise InvalidInputError(
            f"形式 {fmt!r} には対応していません。", f"次のどれかを指定してください: {', '.join(FORMATS)}"
        )
    levels = {r.system: r.level for r in get_schedule(db=db, today=today).risks} if today else None
    with db.read() as session:
        sg = load_graph_in(session)
    return export_graph(sg, fmt=fmt, today=today, levels=levels)


# ---- one row per system, for screens --------------------------------------------------------------


@dataclass(frozen=True)
class LinkEnd:
    """The other side of a link, seen from one system."""

    name: str
    data: str
    method: str
    interim_interface: bool
    typical: bool


@dataclass(frozen=True)
class SystemRow:
    """A system with its schedule facts: wave, risk, conflicts it is part of, what it needs and feeds."""

    node: SystemNode
    wave: int | None  # None for external systems
    in_cycle: bool
    risk: DeadlineRisk | None  # None for external systems
    conflicts: tuple[Conflict, ...]
    providers: tuple[LinkEnd, ...]  # what it needs
    consumers: tuple[LinkEnd, ...]  # what needs it
    changes: tuple[ChangeView, ...] = ()  # 改修 items of its links, late first

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def late_changes(self) -> int:
        return sum(1 for c in self.changes if c.state.late is not None)


def system_rows(view: ScheduleView) -> list[SystemRow]:
    """Every system of the schedule in wave order (external ones last), then by name."""
    sg = view.graph
    wave_of = {sid: w.number for w in view.waves for sid in w.systems}
    risk_of = {r.system: r for r in view.risks}
    cyclic = {sid for c in view.cycles for sid in c.systems}

    def end(other: int, link: Link) -> LinkEnd:
        return LinkEnd(
            sg.name(other), ",".join(link.data), link.method.value, link.interim_interface, link.typical
        )

    rows = [
        SystemRow(
            node=sg.system(sid),
            wave=wave_of.get(sid),
            in_cycle=sid in cyclic,
            risk=risk_of.get(sid),
            conflicts=tuple(c for c in view.conflicts if sid in (c.provider, c.consumer)),
            providers=tuple(end(p, sg.link(p, sid)) for p in sg.providers(sid)),
            consumers=tuple(end(c, sg.link(sid, c)) for c in sg.consumers(sid)),
            changes=tuple(ch for ch in view.changes if sid in (ch.provider_id, ch.consumer_id)),
        )
        for sid in sg.systems
    ]
    rows.sort(key=lambda r: (r.wave is None, r.wave or 0, sg.sort_key(r.node.id)))
    return rows
