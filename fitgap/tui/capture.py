"""A plain-text capture of what the app shows (for the README and for checking layouts by eye)."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App


def screen_text(app: App[object]) -> str:
    """The current screen as text, one line per terminal row, trailing spaces removed."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(render)
    text = console.export_text(styles=False)
    return "\n".join(line.rstrip() for line in text.splitlines())
