"""The readiness report as one self-contained HTML file: inline CSS and SVG, no scripts, no external assets.

Rendered with the jinja2 template shipped in ``fitgap/reports/templates`` (autoescape on).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from fitgap.domain.enums import ChangeStatus, VendorAnswerKind
from fitgap.reports.output_file import write_atomically
from fitgap.reports.readiness_model import (
    NO_DATA,
    VERDICT_COLOURS,
    VERDICT_FILLS,
    ReadinessReport,
    bar_colour,
    bar_span,
    day,
    days_left_text,
    fy_label,
    month_index,
    pct,
)
from fitgap.reports.svg_chart import HBarChart, Series, hbar_chart

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "readiness.html.j2"


@dataclass(frozen=True)
class GanttCell:
    colour: str | None
    text: str
    general: bool
    deadline: bool


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=pct, day=day)
    return env


def _charts(report: ReadinessReport) -> list[HBarChart]:
    ops = report.operations
    if not ops:
        return []
    names = [o.name for o in ops]
    progress = hbar_chart(
        title="進捗: 確認率と適合率（業務別）", categories=names,
        series=[Series("確認率", "#4472C4"), Series("適合率", "#70AD47")],
        values=[[o.reviewed_pct, o.fit_rate] for o in ops], maximum=100.0, unit="%",
    )
    gaps = hbar_chart(
        title="ギャップ（業務別、件数）", categories=names,
        series=[Series("必須ギャップ", "#ED7D31"), Series("方針未定の必須ギャップ", "#C00000"),
                Series("逆ギャップ", "#7030A0"), Series("オプションギャップ", "#A5A5A5")],
        values=[[float(o.must_gaps), float(o.must_gaps_undecided), float(o.reverse_gaps),
                 float(o.gaps_by_class["オプション"])] if o.requirements else [None] * 4 for o in ops],
    )
    return [progress, gaps]


def _gantt(report: ReadinessReport) -> list[list[GanttCell]]:
    months = report.months
    general = month_index(months, report.general_deadline)
    grid = []
    for row in report.schedule:
        span = bar_span(row, months)
        deadline_at = month_index(months, row.deadline)
        cells = []
        for i in range(len(months)):
            in_bar = span is not None and span[0] <= i <= span[1]
            text = ("●" if span and i == span[1] else "") + ("◆" if i == deadline_at else "")
            cells.append(GanttCell("#" + bar_colour(row) if in_bar else None, text, i == general, i == deadline_at))
        grid.append(cells)
    return grid


def _fiscal_year_spans(report: ReadinessReport) -> list[tuple[str, int]]:
    """(年度 label, number of its months shown) for the schedule's top header row."""
    spans: list[tuple[str, int]] = []
    for m in report.months:
        label = fy_label(m)
        if spans and spans[-1][0] == label:
            spans[-1] = (label, spans[-1][1] + 1)
        else:
            spans.append((label, 1))
    return spans


def render_readiness_html(report: ReadinessReport) -> str:
    notable = [a for a in report.answers if a.answer != VendorAnswerKind.STANDARD.value]
    return _environment().get_template(TEMPLATE).render(
        r=report,
        t=report.totals,
        NO_DATA=NO_DATA,
        charts=_charts(report),
        gantt=_gantt(report),
        month_heads=report.months,
        fiscal_years=_fiscal_year_spans(report),
        general_index=month_index(report.months, report.general_deadline),
        notable_answers=notable,
        verdict_colour={v.value: "#" + c for v, c in VERDICT_COLOURS.items()},
        verdict_fill={v.value: "#" + c for v, c in VERDICT_FILLS.items()},
        days_left=lambda d: days_left_text(d, report.today),
        change_statuses=[s.value for s in ChangeStatus],
    )


def write_readiness_html(report: ReadinessReport, path: Path) -> Path:
    """Write the page whole or not at all."""
    html = render_readiness_html(report)
    return write_atomically(path, lambda tmp: tmp.write_text(html, encoding="utf-8", newline="\n"))
