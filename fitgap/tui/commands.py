"""The command palette: every action of the app and of the current screen, titled "group: verb"."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets.option_list import Option

PLACEHOLDER = "コマンドを検索…（例: import、go、mark）"
NO_MATCHES = "見つかりません"


@dataclass(frozen=True)
class PaletteCommand:
    title: str  # "group: verb", e.g. "go: 住民基本台帳", "mark: ギャップ", "view: save as…"
    help: str
    callback: Callable[[], object]
    discover: bool = True  # listed before the user types anything


class HasPaletteCommands(Protocol):
    def palette_commands(self) -> Iterable[PaletteCommand]: ...


def commands_for(app: object, screen: Screen) -> list[PaletteCommand]:
    """The current screen's commands first, then the app's; a title both offer is listed once."""
    out: list[PaletteCommand] = []
    seen: set[str] = set()
    for owner in (screen, app):
        provide = getattr(owner, "palette_commands", None)
        if provide is not None:
            for cmd in provide():
                if cmd.title not in seen:
                    seen.add(cmd.title)
                    out.append(cmd)
    return out


class FitGapPalette(CommandPalette):
    """The command palette with its own texts in Japanese."""

    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)


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
