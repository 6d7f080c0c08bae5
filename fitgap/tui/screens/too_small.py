"""Shown over everything while the terminal is smaller than the workbench needs (100×30)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

from fitgap.domain.wrap import wrap

MIN_WIDTH, MIN_HEIGHT = 100, 30


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(ModalScreen[None]):
    """Says the terminal is too small (instead of squeezing the name columns away)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "終了", id="small.quit", tooltip="作業画面を閉じます", priority=True),
    ]
    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; background: $background; }
    TooSmallScreen > Static { width: auto; max-width: 100%; padding: 1 2; border: round $warning; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-text")

    def on_mount(self) -> None:
        self.show(self.app.size.width, self.app.size.height)

    def show(self, width: int, height: int) -> None:
        self.query_one("#too-small-text", Static).update(message(width, height))


def message(width: int, height: int) -> str:
    """What the screen says, wrapped here to fit inside its frame (border and padding: 6 cells) so that
    no line starts with a ）or 。 as the terminal's own wrapping would leave it."""
    lines = [f"端末が小さすぎます（いま {width}×{height}）。",
             f"作業画面には {MIN_WIDTH}×{MIN_HEIGHT}（幅 {MIN_WIDTH} 桁・高さ {MIN_HEIGHT} 行）以上が必要です。",
             "ウィンドウを広げるか、文字を小さくしてください。",
             "広げると元の画面に戻ります。",
             "ctrl+q で終了"]
    return "\n".join(part for line in lines for part in wrap(line, max(width - 6, 16)))
