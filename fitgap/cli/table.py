"""Plain-text tables that line up with Japanese (full-width) text."""

from __future__ import annotations

from collections.abc import Sequence

from fitgap.domain.text import display_width, pad


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, right: Sequence[int] = (),
                 max_width: int = 40) -> str:
    """Columns sized to their widest cell (display width, capped at ``max_width``); ``right`` aligns numbers."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [min(max_width, max(display_width(r[i]) for r in cells)) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(pad(c, widths[i], right=i in right) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("─" * w for w in widths))
    return "\n".join(lines)
