"""Shown over everything while the terminal is smaller than the workbench needs (100×30)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

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
        self.query_one("#too-small-text", Static).update(
            f"端末が小さすぎます（いま {width}×{height}）。\n"
            f"作業画面には幅 {MIN_WIDTH}、高さ {MIN_HEIGHT} 以上が必要です。\n"
            "ウィンドウを広げるか、文字を小さくしてください（広げると元の画面に戻ります）。\n"
            "ctrl+q で終了")
