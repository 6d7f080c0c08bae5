"""Geometry of horizontal grouped bar charts, for templates to draw as inline SVG (no script, no assets).

The template only places the shapes computed here, so every label goes through the template's escaping.
The value axis ends on a round number and its ticks fall on round steps (1, 2 or 5 × 10ⁿ). A series may be
drawn inside another (``within``): a part of it, such as the undecided ones among the 必須 gaps, on the
same row, so that a chart of many categories stays one page tall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    within: str | None = None  # the name of the series this one is a part of (drawn over its bar)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    value_text: str
    text_x: float
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class HBarChart:
    title: str
    width: float
    height: float
    series: list[Series]
    labels: list[Label]
    bars: list[Bar]
    ticks: list[Label]
    grid: list[float]  # x positions of vertical grid lines
    plot_top: float
    plot_bottom: float
    legend: list[Label]  # where each series' key goes (x of its swatch, y of its text)


LABEL_W = 150.0
BAR_H = 9.0
GROUP_GAP = 6.0
TOP = 44.0
RIGHT_PAD = 70.0
LEGEND_STEP = 8.0  # pixels per character of a legend entry (11-px text)


MAX_LABEL_CHARS = 11


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _value_text(v: float | None, unit: str) -> str:
    if v is None:
        return "データなし"
    return f"{v:.1f}{unit}" if unit == "%" else f"{v:g}{unit}"


def nice_axis(top: float, most_ticks: int = 6, *, whole: bool = False) -> tuple[float, float]:
    """The end of the value axis and its step: round numbers (1, 2 or 5 × 10ⁿ, whole numbers for counts),
    at most ``most_ticks`` steps."""
    if top <= 0:
        return 1.0, 1.0
    exponent = math.floor(math.log10(top / most_ticks))
    while True:
        for base in (1, 2, 5):
            step = base * 10.0 ** exponent
            if whole and step < 1:
                continue
            end = math.ceil(top / step - 1e-9) * step
            if end / step <= most_ticks:
                return end, step
        exponent += 1


def hbar_chart(
    *,
    title: str,
    categories: list[str],
    series: list[Series],
    values: list[list[float | None]],  # values[category][series]; None = no data
    maximum: float | None = None,
    unit: str = "",
    width: float = 900.0,
    bar_height: float = BAR_H,
) -> HBarChart:
    """Bars grouped per category, one row per series (a series ``within`` another shares its row), scaled
    to ``maximum`` (default: the largest value), on an axis with round ticks."""
    largest = max((v or 0 for row in values for v in row), default=0)
    top_value, step = nice_axis(maximum if maximum is not None else largest, whole=unit != "%")
    rows = [s for s in series if s.within is None]
    row_of = {s.name: i for i, s in enumerate(rows)}
    plot_w = width - LABEL_W - RIGHT_PAD
    group_h = bar_height * len(rows) + GROUP_GAP
    height = TOP + group_h * len(categories) + 26
    bars: list[Bar] = []
    labels: list[Label] = []
    for i, (cat, row) in enumerate(zip(categories, values, strict=True)):
        y0 = TOP + i * group_h
        labels.append(Label(LABEL_W - 6, y0 + bar_height * len(rows) / 2 + 4, _short(cat)))
        by_name = dict(zip((s.name for s in series), row, strict=True))
        for s in series:
            v = by_name[s.name]
            r = row_of[s.within] if s.within else row_of[s.name]
            w = 0.0 if v is None else plot_w * min(v, top_value) / top_value
            text = _value_text(v, unit)
            if s.within:  # told inside the value of the bar it is part of
                text = ""
            else:
                parts = [x for x in series if x.within == s.name and by_name[x.name] is not None]
                if v is not None and parts:
                    text += "（" + "、".join(f"うち{x.name} {_value_text(by_name[x.name], unit)}" for x in parts) + "）"
                if v is None and r > 0:
                    text = ""  # one データなし per category is enough
            x = LABEL_W
            inset = 1.5 if s.within else 0.0
            bars.append(Bar(x, y0 + r * bar_height + inset, w, bar_height - 1.5 - 2 * inset, s.colour, text,
                            x + w + 3, f"{cat} {s.name}: {_value_text(v, unit)}"))
    bottom = TOP + group_h * len(categories)
    tick_labels = []
    grid = []
    for k in range(round(top_value / step) + 1):
        value = step * k
        x = LABEL_W + plot_w * value / top_value
        grid.append(x)
        tick_labels.append(Label(x, bottom + 14, f"{value:g}{unit}"))
    legend = []
    x = 4.0
    for s in series:
        legend.append(Label(x, 33, s.name))
        x += 18 + LEGEND_STEP * 2 * len(s.name)
    return HBarChart(title, width, height, series, labels, bars, tick_labels, grid, TOP - 4, bottom, legend)
