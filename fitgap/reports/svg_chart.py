"""Geometry of horizontal grouped bar charts, for templates to draw as inline SVG (no script, no assets).

The template only places the shapes computed here, so every label goes through the template's escaping.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


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


LABEL_W = 150.0
BAR_H = 9.0
GROUP_GAP = 8.0
TOP = 44.0
RIGHT_PAD = 56.0


MAX_LABEL_CHARS = 11


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _value_text(v: float | None, unit: str) -> str:
    if v is None:
        return "データなし"
    return f"{v:.1f}{unit}" if unit == "%" else f"{v:g}{unit}"


def hbar_chart(
    *,
    title: str,
    categories: list[str],
    series: list[Series],
    values: list[list[float | None]],  # values[category][series]; None = no data
    maximum: float | None = None,
    unit: str = "",
    width: float = 900.0,
    ticks: int = 5,
) -> HBarChart:
    """Bars grouped per category, one per series, scaled to ``maximum`` (default: the largest value)."""
    top_value = maximum if maximum is not None else max((v or 0 for row in values for v in row), default=0)
    top_value = top_value or 1.0
    plot_w = width - LABEL_W - RIGHT_PAD
    group_h = BAR_H * len(series) + GROUP_GAP
    height = TOP + group_h * len(categories) + 26
    bars: list[Bar] = []
    labels: list[Label] = []
    for i, (cat, row) in enumerate(zip(categories, values, strict=True)):
        y0 = TOP + i * group_h
        labels.append(Label(LABEL_W - 6, y0 + BAR_H * len(series) / 2 + 4, _short(cat)))
        for j, (s, v) in enumerate(zip(series, row, strict=True)):
            w = 0.0 if v is None else plot_w * min(v, top_value) / top_value
            text = _value_text(v, unit)
            if v is None and j > 0:
                text = ""  # one データなし per category is enough
            x = LABEL_W
            bars.append(Bar(x, y0 + j * BAR_H, w, BAR_H - 1.5, s.colour, text, x + w + 3, f"{cat} {s.name}: {_value_text(v, unit)}"))
    bottom = TOP + group_h * len(categories)
    tick_labels = []
    grid = []
    for k in range(ticks + 1):
        x = LABEL_W + plot_w * k / ticks
        grid.append(x)
        value = top_value * k / ticks
        tick_labels.append(Label(x, bottom + 14, f"{value:.0f}{unit}"))
    return HBarChart(title, width, height, series, labels, bars, tick_labels, grid, TOP - 4, bottom)
