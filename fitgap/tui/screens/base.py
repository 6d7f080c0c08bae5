"""What every workbench screen shares: the workspace and its palette commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from textual.screen import Screen

from fitgap.tui.commands import PaletteCommand
from fitgap.tui.workspace import Workspace

if TYPE_CHECKING:
    from fitgap.tui.workbench import Workbench


class WorkbenchScreen(Screen[Any]):
    @property
    def workbench(self) -> Workbench:
        """The app, as screens use it (the app imports the screens: they do not import it)."""
        return cast("Workbench", self.app)

    @property
    def workspace(self) -> Workspace:
        return self.workbench.workspace

    def palette_commands(self) -> Iterable[PaletteCommand]:
        return ()

    def data_changed(self) -> None:
        """Called after undo/redo or another screen changed items: read again what is shown."""
