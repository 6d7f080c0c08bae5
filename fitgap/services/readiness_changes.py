"""The 改修 side of the readiness report: progress per system (late ones first), every item, the late ones
as blocking items, and the links that are not standard interfaces, from the schedule service's 改修 items.
Systems without a date are named once (ScheduleView.undated), never one late item per link."""

from __future__ import annotations

from collections import Counter

from fitgap.domain.enums import ChangeStatus, SystemKind
from fitgap.graph.changes import Step, not_standard
from fitgap.reports.readiness_model import BlockingItem, BlockingKind, ChangeLine, ChangeProgress, FlaggedLink
from fitgap.services.changes import ChangeView
from fitgap.services.schedule import ScheduleView


def change_lines(plan: ScheduleView) -> list[ChangeLine]:
    return [
        ChangeLine(provider=c.provider, consumer=c.consumer, change=c.item.change, vendor=c.item.vendor or "",
                   status=c.item.status.value, planned=c.item.planned, actual=c.item.actual,
                   needed_by=c.state.needed_by, reason=c.state.reason,
                   late=c.state.late.value if c.state.late else "", days_late=c.state.days_late if c.state.late else None,
                   interim=c.item.interim, cost_kyen=c.item.cost_kyen, typical=c.item.typical,
                   step=c.state.step.label if c.state.step else "", verdict=c.state.verdict, steps=c.state.steps,
                   flag=c.flag)
        for c in plan.changes
    ]


def flagged_links(plan: ScheduleView) -> list[FlaggedLink]:
    """Every link into a standard system that is not a standard interface, by provider then consumer."""
    sg = plan.graph
    out = []
    for p, c in sorted(sg.links, key=lambda pq: (sg.sort_key(pq[0]), sg.sort_key(pq[1]))):
        flag = not_standard(sg, p, c)
        if flag:
            link = sg.link(p, c)
            out.append(FlaggedLink(sg.name(p), sg.name(c), ",".join(link.data), link.method.value, flag))
    return out


def change_progress(plan: ScheduleView) -> list[ChangeProgress]:
    """Every system with 改修 items the rule asks for, late ones first (most late items), then by needed-by
    date and name."""
    sg = plan.graph
    of_system: dict[int, list[ChangeView]] = {}  # each item under both ends of its link, in one pass
    for c in plan.changes:
        if not c.state.needed:
            continue
        for sid in dict.fromkeys((c.provider_id, c.consumer_id)):
            of_system.setdefault(sid, []).append(c)
    out = []
    for sid, mine in of_system.items():
        node = sg.system(sid)
        if node.kind == SystemKind.EXTERNAL:
            continue
        statuses = Counter(c.item.status.value for c in mine)
        out.append(ChangeProgress(
            system=node.name, kind=node.kind.value, needed_by=node.deadline, basis=node.deadline_basis.value,
            reason=node.deadline_reason, total=len(mine),
            by_status={s.value: statuses.get(s.value, 0) for s in ChangeStatus},
            late=sum(1 for c in mine if c.state.late is not None),
            cost_kyen=sum(c.item.cost_kyen or 0.0 for c in mine),
        ))
    out.sort(key=lambda p: (-p.late, p.needed_by is None, p.needed_by, p.system))
    return out


def change_blocking(plan: ScheduleView, names: dict[str, str]) -> list[BlockingItem]:
    """Late 改修 items, under each operation of the side that moves (the linked system's name otherwise)."""
    sg = plan.graph
    items = []
    for c in plan.late_changes:
        moving = [sg.system(s) for s in (c.provider_id, c.consumer_id) if sg.system(s).converts]
        codes = [code for n in moving for code in n.operations if code in names] or [""]
        when = c.item.planned.isoformat() if c.item.planned else "未定"
        step = f"{c.state.step.value}の" if c.state.step and c.state.step != Step.SINGLE else ""
        detail = (f"{step}{c.state.late.value if c.state.late else ''}: 完了予定 {when}、必要日 "
                  f"{c.state.needed_by.isoformat() if c.state.needed_by else '—'}（{c.state.reason}）。"
                  f"状況 {c.item.status.value}、ベンダ {c.item.vendor or '未定'}")
        for code in dict.fromkeys(codes):
            items.append(BlockingItem(BlockingKind.CHANGE_LATE, code, names.get(code, c.consumer), c.label,
                                      c.item.change, detail, c.state.needed_by))
    return items
