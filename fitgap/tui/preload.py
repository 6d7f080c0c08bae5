"""The screens' modules loaded in the background once the home screen is up and the database open (the
home screen starts it), so that the first opening of a list, the systems screen or the palette does not
wait for its modules. Named, not imported: this module stays below the screens and the app."""

from __future__ import annotations

import importlib

PRELOADED = ("fitgap.tui.screens.requirements", "fitgap.tui.screens.item_view", "fitgap.tui.screens.systems",
             "fitgap.tui.screens.custom", "fitgap.tui.screens.bpr", "fitgap.tui.file_actions",
             "fitgap.tui.readiness_report")


def preload_screens() -> None:
    """Import the modules of the screens not shown yet (from a worker thread; the import lock makes a
    screen opened meanwhile wait for its module rather than load it twice)."""
    for module in PRELOADED:
        importlib.import_module(module)
