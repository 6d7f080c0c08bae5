"""The command palette: every action of the app and of the current screen, titled "group: verb"."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen


@dataclass(frozen=True)
class PaletteCommand:
    title: str  # "group: verb", e.g. "go: 住民基本台帳", "mark: ギャップ", "view: save as…"
    help: str
    callback: Callable[[], object]
    discover: bool = True  # listed before the user types anything


class HasPaletteCommands(Protocol):
    def palette_commands(self) -> Iterable[PaletteCommand]: ...


def commands_for(app: object, screen: Screen) -> list[PaletteCommand]:
    """The current screen's commands first, then the app's."""
    out: list[PaletteCommand] = []
    for owner in (screen, app):
        provide = getattr(owner, "palette_commands", None)
        if provide is not None:
            out.extend(provide())
    return out


class FitGapCommands(Provider):
    """Searches the commands of the screen under the palette and of the app."""

    def _commands(self) -> list[PaletteCommand]:
        return commands_for(self.app, self.screen)

    async def discover(self) -> Hits:
        for cmd in self._commands():
            if cmd.discover:
                yield DiscoveryHit(cmd.title, partial(self._run, cmd), help=cmd.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for cmd in self._commands():
            score = matcher.match(cmd.title)
            if score > 0:
                yield Hit(score, matcher.highlight(cmd.title), partial(self._run, cmd), help=cmd.help)

    def _run(self, cmd: PaletteCommand) -> None:
        cmd.callback()
