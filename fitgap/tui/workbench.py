"""What the screens and the file actions use of the app, as a protocol: they call the app through it
and never import the app class (fitgap.tui.app.FitGapApp, which is checked to match it), so the app
imports them and nothing they import leads back to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.screen import Screen

    from fitgap.errors import FitGapError
    from fitgap.services.items import ItemFilter, ItemKey, ItemSort
    from fitgap.services.status import Overview
    from fitgap.tui.workspace import Workspace


class Workbench(Protocol):
    workspace: Workspace
    blink: bool  # False in tests and snapshots: no cursor blink
    first_overview: Overview | None  # taken by the home screen's first drawing

    def push_screen(self, screen: Screen[Any]) -> object: ...

    def could_not_open(self, exc: FitGapError) -> None:
        """The database, opened after the first frame, failed to open: end, and let the command say why."""

    def go_home(self) -> None: ...

    def open_requirements(self, operation_code: str | None) -> None:
        """Show the requirements of one operation (None: of all), from wherever the user is."""

    def open_view_screen(self, flt: ItemFilter, sort: ItemSort, row: ItemKey | None = None) -> None:
        """Show a saved view (its operation, filter and sort), on ``row`` if given (前回の続き)."""
