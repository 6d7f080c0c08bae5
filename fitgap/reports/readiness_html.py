"""The readiness report as one self-contained HTML file: inline CSS and SVG, no scripts, no external assets.

Rendered with the jinja2 template shipped in ``fitgap/reports/templates`` (autoescape on).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from fitgap.domain.enums import ChangeStatus, VendorAnswerKind
from fitgap.domain.progress import PEER_COLUMNS, TOTAL_STEPS, month_label, peer_text, peer_values
from fitgap.reports.output_file import write_atomically
from fitgap.reports.readiness_model import (
    BPR_NONE,
    BPR_NOTE,
    DATA_NONE,
    NO_DATA,
    OVERDUE_PLAN,
    VERDICT_COLOURS,
    VERDICT_FILLS,
    ReadinessReport,
    bar_colour,
    bar_span,
    day,
    days_left_text,
    fy_label,
    month_index,
    month_marks,
    pct,
)
from fitgap.reports.svg_chart import HBarChart, Series, hbar_chart

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "readiness.html.j2"
TONE_CLASS = {"done": "done", "overdue": "late", "soon": "soon", "open": "small"}  # Standing.tone → CSS class


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
    env.filters.update(pct=pct, day=day, nobreak=nobreak, dnw=dnw)
    return env


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def nobreak(text: object) -> Markup:
    """Text (escaped) whose dates never break over two lines (a browser may break 2029-01-04 after a hyphen)."""
    return Markup(_DATE.sub(lambda m: f'<span class="nw">{m.group(0)}</span>', str(escape(text))))


def dnw(value: date | None, empty: str = "未定") -> Markup:
    """A date as ``day`` prints it, never broken over two lines."""
    return nobreak(day(value, empty))


CHART_WIDTH = 515.0  # two charts side by side on A4 landscape, their text at print size (11 px = 8.25 pt)


def _charts(report: ReadinessReport) -> list[HBarChart]:
    ops = report.operations
    if not ops:
        return []
    names = [o.name for o in ops]
    progress = hbar_chart(
        title="進捗: 確認率と適合率（業務別）", categories=names,
        series=[Series("確認率", "#4472C4"), Series("適合率", "#70AD47")],
        values=[[o.reviewed_pct, o.fit_rate] for o in ops], maximum=100.0, unit="%", width=CHART_WIDTH,
        bar_height=10.0,
    )
    gaps = hbar_chart(
        title="ギャップ（業務別、件数）", categories=names,
        series=[Series("必須ギャップ", "#ED7D31"), Series("方針未定", "#C00000", within="必須ギャップ"),
                Series("逆ギャップ", "#7030A0"), Series("オプションギャップ", "#A5A5A5")],
        values=[[float(o.must_gaps), float(o.must_gaps_undecided), float(o.reverse_gaps),
                 float(o.gaps_by_class["オプション"])] if o.requirements else [None] * 4 for o in ops],
        width=CHART_WIDTH, bar_height=7.0,
    )
    return [progress, gaps]


YEARS_PER_BLOCK = 3  # fiscal years per schedule table: 36 month columns fit A4 landscape and a 1280-px screen


@dataclass(frozen=True)
class GanttBlock:
    """One table of the schedule: a few fiscal years, every system, names in full."""

    fiscal_years: list[tuple[str, int]]  # (年度 label, months of it shown)
    months: list[date]
    general_index: int | None
    rows: list[list[GanttCell]]  # one per report.schedule row
    today_index: int | None = None  # the month of the 基準日, when in this block
    today_at: float = 0.0  # where in that month the 基準日 falls (0–100 %)


def _gantt(report: ReadinessReport) -> list[GanttBlock]:
    months = report.months
    general = month_index(months, report.general_deadline)
    grid = []
    for row in report.schedule:
        span = bar_span(row, months)
        deadline_at = month_index(months, row.deadline)
        marks = month_marks(row, months)
        cells = []
        for i in range(len(months)):
            in_bar = span is not None and span[0] <= i <= span[1]
            cells.append(GanttCell("#" + bar_colour(row) if in_bar else None, marks.get(i, ""), i == general,
                                   i == deadline_at))
        grid.append(cells)
    blocks = []
    step = 12 * YEARS_PER_BLOCK
    today = report.today
    this_month = date(today.year, today.month, 1)
    today_at = 100.0 * (today.day - 0.5) / calendar.monthrange(today.year, today.month)[1]
    for start in range(0, len(months), step):
        part = months[start:start + step]
        blocks.append(GanttBlock(
            fiscal_years=_fiscal_year_spans(part), months=part,
            general_index=general - start if general is not None and start <= general < start + step else None,
            rows=[cells[start:start + step] for cells in grid],
            today_index=part.index(this_month) if this_month in part else None, today_at=round(today_at, 1),
        ))
    return blocks


def _fiscal_year_spans(months: list[date]) -> list[tuple[str, int]]:
    """(年度 label, number of its months shown) for the schedule's top header row."""
    spans: list[tuple[str, int]] = []
    for m in months:
        label = fy_label(m)
        if spans and spans[-1][0] == label:
            spans[-1] = (label, spans[-1][1] + 1)
        else:
            spans.append((label, 1))
    return spans


def _peer_chart(report: ReadinessReport) -> HBarChart | None:
    c = report.peers
    if c is None or not c.rows:
        return None
    return hbar_chart(
        title=f"進捗の比較（{month_label(c.month)}時点、40手順のうち）", categories=[r.peers.operation for r in c.rows],
        series=[Series("この団体", "#4472C4"), Series("県の中央値", "#A5A5A5"), Series("全国の中央値", "#ED7D31")],
        values=[[None if r.peers.own is None else float(r.peers.own), r.peers.prefecture_median,
                 r.peers.national[1] if r.peers.national else None] for r in c.rows],
        maximum=float(TOTAL_STEPS), width=CHART_WIDTH * 2, bar_height=6.0,
    )


def render_readiness_html(report: ReadinessReport) -> str:
    notable = [a for a in report.answers if a.answer != VendorAnswerKind.STANDARD.value]
    return _environment().get_template(TEMPLATE).render(
        r=report,
        t=report.totals,
        NO_DATA=NO_DATA,
        DATA_NONE=DATA_NONE,
        BPR_NONE=BPR_NONE,
        BPR_NOTE=BPR_NOTE,
        charts=_charts(report),
        gantt=_gantt(report),
        overdue=OVERDUE_PLAN,
        notable_answers=notable,
        verdict_colour={v.value: "#" + c for v, c in VERDICT_COLOURS.items()},
        verdict_fill={v.value: "#" + c for v, c in VERDICT_FILLS.items()},
        days_left=lambda d: days_left_text(d, report.today),
        tone_class=TONE_CLASS,
        change_statuses=[s.value for s in ChangeStatus],
        peer_columns=PEER_COLUMNS,
        peer_rows=[[peer_text(v, col) for v, col in zip(peer_values(row), PEER_COLUMNS, strict=True)]
                   for row in (report.peers.rows if report.peers else ())],
        peer_chart=_peer_chart(report),
        month=month_label(report.peers.month) if report.peers else "",
    )


def write_readiness_html(report: ReadinessReport, path: Path) -> Path:
    """Write the page whole or not at all."""
    html = render_readiness_html(report)
    return write_atomically(path, lambda tmp: tmp.write_text(html, encoding="utf-8", newline="\n"))
