"""Wrapping Japanese text to a terminal width: by display width (a full-width character takes two cells),
breaking between any two Japanese characters but never inside an ASCII word, and following the basic
line-breaking rules (禁則): no line starts with a closing bracket or a 。、, no line ends with an opening one.
"""

from __future__ import annotations

import re

from fitgap.domain.text import display_width

# may not start a line (closing brackets, punctuation, small kana, prolonged sound mark)
NO_LINE_START = "）〕］｝〉》」』】)]}>、。，．,.・：；:;？！?!ー〜ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々"
# may not end a line (opening brackets)
NO_LINE_END = "（〔［｛〈《「『【([{"

# One unit of text that is never split: an ASCII word (with what sticks to it), one other character,
# or a run of spaces.
_UNITS = re.compile(r"[!-~×]+| +|.", re.DOTALL)


def wrap(text: str, width: int) -> list[str]:
    """``text`` (one paragraph; line feeds kept as breaks) as lines of at most ``width`` cells each (an
    ASCII word longer than a line is cut where it must be)."""
    width = max(width, 4)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width))
    return lines


def _wrap_paragraph(text: str, width: int) -> list[str]:
    units = _split_long(_UNITS.findall(text), width)
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for unit in units:
        w = display_width(unit)
        if unit.isspace():
            if line:  # spaces at a line start are dropped
                line.append(unit)
                used += w
            continue
        if used + w > width and line:
            carried = _carry(line, unit)
            lines.append("".join(line).rstrip())
            line, used = carried, sum(display_width(u) for u in carried)
            if used + w > width:  # what was carried does not fit with it: keep the rule, not the width
                lines.append("".join(line).rstrip())
                line, used = [], 0
        line.append(unit)
        used += w
    if line or not lines:
        lines.append("".join(line).rstrip())
    return lines


def _carry(line: list[str], unit: str) -> list[str]:
    """The units at the end of a full ``line`` that move to the next one so that neither line breaks a rule:
    a next line would start with ``unit`` (a 。 moves the character before it along), a line would end
    with an opening bracket (it moves along)."""
    carried: list[str] = []
    if unit[0] in NO_LINE_START:
        while len(line) > 1 and (line[-1][-1] in NO_LINE_START or line[-1].isspace()):
            carried.insert(0, line.pop())
        if len(line) > 1:
            carried.insert(0, line.pop())
    while len(line) > 1 and line[-1][-1] in NO_LINE_END:
        carried.insert(0, line.pop())
    while carried and carried[0].isspace():
        carried.pop(0)
    return carried


def _split_long(units: list[str], width: int) -> list[str]:
    out: list[str] = []
    for unit in units:
        while not unit.isspace() and len(unit) > width:
            out.append(unit[:width])
            unit = unit[width:]
        out.append(unit)
    return out
