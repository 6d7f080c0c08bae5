"""What the systems screen shows, as text: table cells, the detail of one system, the conflicts panel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.markup import escape

from fitgap.domain.calendar import format_date
from fitgap.domain.enums import DeadlineBasis, MilestoneKind
from fitgap.domain.standing import system_label
from fitgap.graph.build import SystemGraph
from fitgap.graph.risk import RiskLevel
from fitgap.services.schedule import Conflict, LinkEnd, ScheduleView, SystemRow
from fitgap.tui.labels import system_cell
from fitgap.tui.widgets.virtual_table import Cell, Column

COLUMNS = (
    Column("wave", "波", 2, "right"),
    Column("name", "システム", 0, min_width=14),
    Column("kind", "区分", 10, drop_order=4),
    Column("cutover", "移行日", 10),
    Column("deadline", "期限", 10, drop_order=3),
    Column("left", "残り・移行日", 17, "right"),  # 期限超過 1234日 / 移行済 2026-01-05 whole, never cut
    Column("risk", "リスク", 6),
    Column("gaps", "必須ギャップ", 12, "right", drop_order=2),
    Column("conflicts", "矛盾", 4, "right"),
    Column("typical", "確認", 6, drop_order=1),
)
RISK_STYLE = {RiskLevel.HIGH: "must", RiskLevel.MEDIUM: "warn", RiskLevel.LOW: "good", RiskLevel.DONE: "muted"}


def format_row(row: SystemRow, today: date) -> Sequence[Cell]:
    node, risk = row.node, row.risk
    left: Cell = system_cell(deadline=node.deadline, planned=node.planned_cutover, actual=node.actual_cutover,
                             today=today)
    return (
        "" if row.wave is None else str(row.wave),
        (node.name, "muted") if not node.migrates else (node.name + (" ⇄" if row.in_cycle else "")),
        node.kind.value,
        (node.cutover.isoformat(), "good" if node.done else "") if node.cutover else ("未定", "muted"),
        node.deadline.isoformat() if node.deadline else "—",
        left,
        (risk.level.value, RISK_STYLE[risk.level]) if risk else "",
        (str(risk.open_must_gaps), "must") if risk and risk.open_must_gaps else ("·", "muted"),
        (str(len(row.conflicts) + row.late_changes), "must") if row.conflicts or row.late_changes else ("·", "muted"),
        ("要確認", "warn") if node.typical else "",
    )


def _links(title: str, ends: Sequence[LinkEnd]) -> list[str]:
    lines = [f"[b $text-accent]{title}[/]"]
    for e in ends:
        interim = "[$text-success]暫定連携あり[/]" if e.interim_interface else "暫定連携なし"
        typical = "　[$text-warning]典型例[/]" if e.typical else ""
        lines.append(f"  {escape(e.name)}　{escape(e.data or '—')}　{e.method}　{interim}{typical}")
    return lines if ends else [*lines, "  なし"]


def detail_text(row: SystemRow, view: ScheduleView) -> str:
    node, sg = row.node, view.graph
    lines = [f"[b]{escape(node.name)}[/b]" + ("　[$text-warning]典型例（要確認）[/]" if node.typical else "")]
    lines.append(f"{node.kind.value}　業務 {','.join(node.operations) or '—'}　ベンダ {escape(node.vendor or '—')}")
    lines.append(f"移行予定 {format_date(node.planned_cutover)}　実施 {format_date(node.actual_cutover)}")
    if node.deadline is not None:
        label = {DeadlineBasis.NEEDED_BY: "必要日", DeadlineBasis.MANUAL: "期限（手動設定）"}.get(node.deadline_basis, "期限")
        why = node.deadline_reason or node.deadline_kind.value  # the standing rule's source, or the needed-by reason
        left = system_label(deadline=node.deadline, planned=node.planned_cutover, actual=node.actual_cutover,
                            today=view.today)
        lines.append(f"{label} {format_date(node.deadline)}（{escape(why)}）　{left}")
    if row.risk is not None:
        reasons = "、".join(row.risk.reasons) or "—"
        lines.append(f"リスク [b]{row.risk.level.value}[/b]　{escape(reasons)}")
    lines += ["", *_links("必要とするシステム（提供元）", row.providers)]
    lines += ["", *_links("このシステムを必要とするシステム（利用側）", row.consumers)]
    ms = {m.kind: m for m in node.milestones}
    lines += ["", "[b $text-accent]マイルストーン[/]"]
    for k in MilestoneKind:
        m = ms.get(k)
        state = "完了" if m and m.done else "未完了"
        lines.append(f"  {k.value}　予定 {format_date(m.planned if m else None)}　実績 "
                     f"{format_date(m.actual if m else None)}　{state}")
    if row.conflicts:
        lines += ["", "[b $text-error]日程の矛盾[/]", *(f"  {conflict_line(c, sg)}" for c in row.conflicts)]
    return "\n".join(lines)


def conflict_line(c: Conflict, sg: SystemGraph) -> str:
    return (f"{c.kind.value}: {escape(sg.name(c.provider))} {c.provider_date.isoformat()} → "
            f"{escape(sg.name(c.consumer))} {c.consumer_date.isoformat()}（{c.days}日、"
            f"暫定連携{'あり' if c.interim_interface else 'なし'}）")


def conflicts_text(view: ScheduleView) -> str:
    sg = view.graph
    lines = [f"[b $text-error]日程の矛盾 {len(view.conflicts)}件[/]" if view.conflicts else "[b]日程の矛盾なし[/b]"]
    lines += [f"  {conflict_line(c, sg)}" for c in view.conflicts]
    late = view.late_changes
    if late:
        lines.append(f"[b $text-error]改修の遅れ {len(late)}件[/]（必要日までに終わらない連携の改修）")
        lines += [f"  {escape(c.label)}: {c.state.late.value if c.state.late else ''} {c.state.days_late}日"
                  f"（必要日 {c.state.needed_by.isoformat() if c.state.needed_by else '—'}、{c.item.status.value}）"
                  for c in late]
    for cycle in view.cycles:
        loop = " → ".join(escape(n) for n in sg.names([*cycle.example, cycle.example[0]]))
        lines.append(f"[b]循環[/b]（同じ波で移行するか暫定連携が必要）: {loop}")
    if view.critical is not None and len(view.critical.systems) > 1:
        cp = view.critical
        chain = " → ".join(escape(sg.name(s)) for s in cp.systems)
        lines.append(f"[b]クリティカルパス[/b] {cp.days}日: {chain}")
    return "\n".join(lines)
