"""Timelines of systems: the whole span in quarters (every fiscal year from today's to the latest deadline or
cut-over shown), then one fiscal year (April–March) month by month with its milestones.

``span_text`` and ``timeline_text`` are pure functions (rows in, Rich markup out), testable without a screen.
A month takes three cells (two marks and, at the right edge, ┃ when the deadline falls in it), a quarter two
(one mark and the edge), so that six fiscal years fit in 100 columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.markup import escape
from textual.widgets import Static

from fitgap.domain.calendar import fiscal_year, reiwa_fy_label
from fitgap.services.schedule import SystemRow
from fitgap.tui.cells import fit

NAME_WIDTH = 24
MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
LEGEND = "◆ 移行予定　● 移行済　▲ マイルストーン予定　△ 完了　┃ 期限（月末）　赤 = 期限後・日程の矛盾　▼ 今月"


def month_index(d: date, fy: int) -> int | None:
    """0 for April … 11 for March of fiscal year ``fy``; None outside it."""
    if fiscal_year(d) != fy:
        return None
    return MONTHS.index(d.month)


def _marks(row: SystemRow, fy: int, today: date) -> list[list[tuple[str, str]]]:
    cells: list[list[tuple[str, str]]] = [[] for _ in MONTHS]
    node = row.node
    late = node.deadline is not None and node.cutover is not None and node.cutover > node.deadline
    for m in node.milestones:
        when = m.actual or m.planned
        i = None if when is None else month_index(when, fy)
        if i is not None:
            overdue = not m.done and m.planned is not None and m.planned < today
            cells[i].append(("△", "$text-muted") if m.done else ("▲", "$text-error" if overdue else "$text-warning"))
    if node.cutover is not None and (i := month_index(node.cutover, fy)) is not None:
        bad = late or any(c.consumer == node.id or c.provider == node.id for c in row.conflicts)
        style = "$text-success" if node.done else "$text-error" if bad else "$text-accent"
        cells[i].insert(0, ("●" if node.done else "◆", style))
    return cells


def _line(row: SystemRow, fy: int, today: date) -> str:
    node = row.node
    name = escape(fit(node.name, NAME_WIDTH))
    deadline_i = None if node.deadline is None else month_index(node.deadline, fy)
    out = [f"[$text-muted]{name}[/]" if not node.migrates else name, " "]
    for i, marks in enumerate(_marks(row, fy, today)):
        shown = marks[:2]
        text = "".join(f"[{style}]{mark}[/]" for mark, style in shown) + "·" * (2 - len(shown))
        edge = "[b $text-error]┃[/]" if i == deadline_i else " "
        out.append(text + edge)
    return "".join(out)


def timeline_text(rows: Sequence[SystemRow], *, fy: int, today: date) -> str:
    """The header (months, today's month) and one line per system for fiscal year ``fy``."""
    label = f"{reiwa_fy_label(date(fy, 4, 1))}（{fy}-04〜{fy + 1}-03）"
    now_i = month_index(today, fy)
    marker = "".join("▼  " if i == now_i else "   " for i in range(len(MONTHS)))
    months = "".join(fit(f"{m:>2}", 3) for m in MONTHS)
    lines = [
        f"[b]{escape(label)}[/b]",
        f"{' ' * NAME_WIDTH} {marker}".rstrip(),
        f"{fit('（月）', NAME_WIDTH, 'right')} [b]{months}[/b]",
    ]
    lines += [_line(r, fy, today) for r in rows]
    lines.append(f"[$text-muted]{escape(LEGEND)}[/]")
    return "\n".join(lines)


QUARTERS = ("Q1", "Q2", "Q3", "Q4")  # 4–6, 7–9, 10–12, 1–3


def quarter_index(d: date, first_fy: int) -> int:
    """0 for April–June of ``first_fy``, counting quarters on from there."""
    return (fiscal_year(d) - first_fy) * 4 + MONTHS.index(d.month) // 3


def span_years(rows: Sequence[SystemRow], today: date) -> tuple[int, int]:
    """The fiscal years the whole-span view covers: today's (or an earlier date shown) to the latest date."""
    dates = [today]
    for r in rows:
        n = r.node
        dates += [d for d in (n.deadline, n.planned_cutover, n.actual_cutover) if d is not None]
    return fiscal_year(min(dates)), fiscal_year(max(dates))


def span_text(rows: Sequence[SystemRow], *, today: date) -> str:
    """Every system over the whole span, a quarter per column: no cut-over or deadline falls outside it."""
    first, last = span_years(rows, today)
    n_q = (last - first + 1) * 4
    head_years = "".join(fit(reiwa_fy_label(date(fy, 4, 1)), 8) for fy in range(first, last + 1))
    head_q = "".join(fit(q[1], 2) for _ in range(first, last + 1) for q in QUARTERS)
    now_q = quarter_index(today, first)
    marker = "".join("▼ " if i == now_q else "  " for i in range(n_q))
    lines = [
        f"[b]全期間（{first}年度〜{last}年度、四半期ごと）[/b]",
        f"{' ' * NAME_WIDTH} {marker}".rstrip(),
        f"{fit('（年度）', NAME_WIDTH, 'right')} [b]{escape(head_years)}[/b]",
        f"{fit('（四半期）', NAME_WIDTH, 'right')} {head_q}".rstrip(),
    ]
    for r in rows:
        node = r.node
        cells: list[list[tuple[str, str]]] = [[] for _ in range(n_q)]
        late = node.deadline is not None and node.cutover is not None and node.cutover > node.deadline
        if node.cutover is not None:
            bad = late or bool(r.conflicts)
            style = "$text-success" if node.done else "$text-error" if bad else "$text-accent"
            cells[quarter_index(node.cutover, first)].append(("●" if node.done else "◆", style))
        deadline_q = None if node.deadline is None else quarter_index(node.deadline, first)
        name = escape(fit(node.name, NAME_WIDTH))
        out = [f"[$text-muted]{name}[/]" if not node.migrates else name, " "]
        for i, marks in enumerate(cells):  # one mark and the deadline edge per quarter: 8 cells a year
            text = "".join(f"[{st}]{mk}[/]" for mk, st in marks[:1]) or "·"
            out.append(text + ("[b $text-error]┃[/]" if i == deadline_q else " "))
        lines.append("".join(out))
    return "\n".join(lines)


class Timeline(Static):
    """The timeline of the given rows (the whole span, then the fiscal year ``fy``); ``show`` re-renders it."""

    DEFAULT_CSS = """
    Timeline { width: auto; min-width: 100%; padding: 0 1; }
    """

    def show(self, rows: Sequence[SystemRow], *, fy: int, today: date) -> None:
        self.update(span_text(rows, today=today) + "\n\n" + timeline_text(rows, fy=fy, today=today))
