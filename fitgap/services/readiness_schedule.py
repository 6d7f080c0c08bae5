"""The schedule side of the readiness report: per operation (its systems, what it waits for, conflicts; its
state and cut-over come from the standing rule, see domain.standing) and
per system (the bars of the schedule sheet), from the schedule service's analyses."""

from __future__ import annotations

from dataclasses import dataclass

from fitgap.graph.schedule import ConflictKind
from fitgap.reports.readiness_model import ScheduleRow
from fitgap.services.schedule import ScheduleView


@dataclass(frozen=True)
class OperationSchedule:
    systems: tuple[str, ...] = ()
    waits_for: tuple[str, ...] = ()  # providers of its systems that have not cut over yet
    providers_late: int = 0
    consumer_first: int = 0


def operation_schedules(plan: ScheduleView) -> dict[str, OperationSchedule]:
    sg = plan.graph
    own: dict[str, list[int]] = {}
    for node in sg.systems.values():
        if not node.migrates:
            continue
        for code in node.operations:
            own.setdefault(code, []).append(node.id)
    out: dict[str, OperationSchedule] = {}
    for code, ids in own.items():
        nodes = [sg.system(i) for i in sg.sorted_ids(ids)]
        waits = {
            p for i in ids for p in sg.providers(i)
            if p not in ids and not sg.system(p).done and sg.system(p).migrates
        }
        mine = [c for c in plan.conflicts if c.consumer in ids]
        out[code] = OperationSchedule(
            systems=tuple(n.name for n in nodes),
            waits_for=tuple(sg.names(sg.sorted_ids(waits))),
            providers_late=sum(c.kind == ConflictKind.PROVIDER_LATE for c in mine),
            consumer_first=sum(c.kind == ConflictKind.CONSUMER_FIRST for c in mine),
        )
    return out


def schedule_rows(plan: ScheduleView, names: dict[str, str]) -> list[ScheduleRow]:
    """The systems the municipality migrates, in wave order (providers first); operations by name."""
    sg = plan.graph
    risks = {r.system: r for r in plan.risks}
    ordered = [sid for wave in plan.waves for sid in wave.systems]
    ordered += [sid for sid in sg.sorted_ids(sg.systems) if sid not in ordered]
    rows = []
    for sid in ordered:
        node = sg.system(sid)
        if not node.migrates:
            continue
        marks = [d for m in node.milestones for d in (m.planned, m.actual) if d]
        risk = risks.get(sid)
        rows.append(ScheduleRow(
            system=node.name, operations=tuple(names.get(c, c) for c in node.operations), vendor=node.vendor,
            start=min(marks) if marks else None, cutover=node.cutover, done=node.done, deadline=node.deadline,
            risk=risk.level.value if risk else "", reasons=risk.reasons if risk else (), typical=node.typical,
            overdue=not node.done and node.planned_cutover is not None and node.planned_cutover < plan.today,
        ))
    return rows
