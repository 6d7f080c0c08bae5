"""The command palette: every action of the app and of the current screen, titled 「グループ: 操作」 in
Japanese (開く: 住民基本台帳, 判定: ギャップ, 報告書: 移行準備状況報告書). Each is found by its Japanese
name; the English group names of earlier versions (go, mark, report …) still find them too."""

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

PLACEHOLDER = "コマンドを検索…（例: 開く、判定、取り込み、報告書）"
NO_MATCHES = "見つかりません"

# The groups of the titles, and the English word each was called by before (still found by it)
GROUPS: dict[str, str] = {
    "開く": "go", "判定": "mark", "メモ": "note", "選択": "select", "検索": "search", "絞り込み": "filter",
    "並べ替え": "sort", "ビュー": "view", "一覧": "list reload", "編集": "edit undo redo", "設定": "settings",
    "ヘルプ": "help", "終了": "app quit", "取り込み": "import", "書き出し": "export", "報告書": "report readiness",
    "システム": "systems", "独自機能": "custom", "要件": "item", "業務": "operations", "業務一覧": "operations reload",
    "経過措置": "post-cutover", "下書き": "drafts",
}


@dataclass(frozen=True)
class PaletteCommand:
    title: str  # 「グループ: 操作」, e.g. "開く: 住民基本台帳", "判定: ギャップ", "ビュー: 名前を付けて保存…"
    help: str
    callback: Callable[[], object]
    discover: bool = True  # listed before the user types anything

    @property
    def alias(self) -> str:
        """The title with its group's English word (``go: 住民基本台帳``): what finds it besides the title."""
        group, sep, rest = self.title.partition(": ")
        english = GROUPS.get(group)
        return f"{english}: {rest}" if sep and english else ""


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
    """Searches the commands of the screen under the palette and of the app, gathered once when the
    palette opens (not again for every key typed into it)."""

    _gathered: list[PaletteCommand] | None = None

    async def startup(self) -> None:
        self._gathered = commands_for(self.app, self.screen)

    def _commands(self) -> list[PaletteCommand]:
        if self._gathered is None:
            self._gathered = commands_for(self.app, self.screen)
        return self._gathered

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
                continue
            alias = cmd.alias and matcher.match(cmd.alias)
            if alias:  # found by the English group name: shown by its Japanese title
                yield Hit(alias * 0.9, cmd.title, partial(self._run, cmd), help=cmd.help)

    def _run(self, cmd: PaletteCommand) -> None:
        cmd.callback()


# The file actions' entries (their dialogs in tui/file_actions.py, loaded when one is chosen: listing them
# loads nothing, so the palette answers while the database layer is still loading right after start; the
# app makes them palette commands, tui.app.file_action_commands)
FILE_ACTIONS: dict[str, tuple[str, str]] = {
    "import-spec": ("取り込み: 要件一覧…", "公式の機能・帳票要件一覧を取り込む（確認してから書き込み）"),
    "export-vendor": ("書き出し: ベンダ回答シート…", "ベンダに送る回答シートを書き出す"),
    "import-vendor": ("取り込み: ベンダ回答…", "返ってきた回答シートを確かめて取り込む"),
    "export-review": ("書き出し: 確認用ワークブック…", "Excel で確認する人のためのブックを書き出す"),
    "import-review": ("取り込み: 確認用ワークブック…", "記入済みの確認用ブックを取り込む"),
}
