"""The workbench app: modes from the screen registry, global keys, the command palette.

Screens own their handlers; this module only wires them together. To add a screen (for example a
systems view), add a :class:`ScreenEntry` to ``SCREEN_REGISTRY``: it becomes a mode, and the palette
gets a "開く: <title>" command for it.
"""

from __future__ import annotations

import asyncio
import importlib
import signal
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import BindingType
from textual.screen import Screen

from fitgap.domain.enums import Status
from fitgap.errors import FitGapError
from fitgap.services.status import Overview, get_overview
from fitgap.tui import keymap
from fitgap.tui.commands import FILE_ACTIONS, FitGapCommands, PaletteCommand
from fitgap.tui.drafts import HoldsInput
from fitgap.tui.screens.base import WorkbenchScreen
from fitgap.tui.screens.operations import OperationsScreen
from fitgap.tui.workspace import ASSESSMENT, Reverted, Workspace

if TYPE_CHECKING:
    from fitgap.services.database import Database
    from fitgap.services.drafts import DraftView
    from fitgap.services.items import ItemFilter, ItemKey, ItemSort
    from fitgap.tui.workbench import Workbench

# The home screen comes first: the requirement list, the help and the pickers are imported when first opened.

BACKGROUND_STEP = 200  # undo/redo of more items than this runs in a worker
QUIT_SAVE, QUIT_KEEP, QUIT_DISCARD = "save", "keep", "discard"


@dataclass(frozen=True)
class ScreenEntry:
    mode: str
    title: str
    factory: Callable[[], Screen]
    description: str


def lazy_screen(module: str, name: str) -> Callable[[], Screen]:
    """A factory that imports the screen's module only when the screen is first shown (fast start-up)."""

    def make() -> Screen:
        screen: Screen = getattr(importlib.import_module(module), name)()
        return screen

    return make


SCREEN_REGISTRY: tuple[ScreenEntry, ...] = (
    ScreenEntry("operations", "業務一覧", OperationsScreen, "20業務の進み具合（ホーム）"),
    ScreenEntry("systems", "システムと移行計画", lazy_screen("fitgap.tui.screens.systems", "SystemsScreen"),
                "システムの依存関係、移行の波、日程の矛盾、期限リスク、年度タイムライン"),
    ScreenEntry("custom", "独自機能", lazy_screen("fitgap.tui.screens.custom", "CustomScreen"),
                "標準仕様書にない現行機能の棚卸し: 要件への対応付け、標準外、対応方針と理由"),
    ScreenEntry("data", "データ要件", lazy_screen("fitgap.tui.screens.data_items", "DataItemsScreen"),
                "基本データリスト（項目定義書）のデータ項目: 保持状況、現行項目と移行方法、型・桁数、コード、外字候補"),
    ScreenEntry("bpr", "業務見直し", lazy_screen("fitgap.tui.screens.bpr", "BprScreen"),
                "方針が業務を変えるギャップ・独自機能の業務見直し（業務フロー・例規・様式・窓口手順・研修・住民周知）: 担当課・期日・状況"),
)


def file_action_commands(app: Workbench, *, operation: str = "") -> list[PaletteCommand]:
    """The palette's entries of the file actions (``operation``: the list the user is on); an action's
    module is loaded when it is chosen."""

    def opener(name: str) -> Callable[[], object]:
        def run() -> object:
            from fitgap.tui.file_actions import open_action

            return open_action(app, name, operation=operation)

        return run

    return [PaletteCommand(title, help_, opener(name)) for name, (title, help_) in FILE_ACTIONS.items()]


class FitGapApp(App[None]):
    TITLE = "fitgap"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = {FitGapCommands}
    BINDINGS: ClassVar[list[BindingType]] = [*keymap.APP.bindings, keymap.PALETTE]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]  # type: ignore[misc]
    MODES = {entry.mode: entry.factory for entry in SCREEN_REGISTRY}
    DEFAULT_MODE = "operations"

    def __init__(self, *, db: Database | Callable[[], Database], user: str, today: date, blink: bool = True,
                 overview: Overview | None = None) -> None:
        """``db`` may be a function that opens the database; with the ``overview`` read beforehand
        (:func:`fitgap.services.status.quick_overview`) the home screen is drawn before it is opened."""
        super().__init__()
        self.workspace = Workspace(database=db, user=user, today=today)
        self.first_overview = overview  # taken by the home screen's first drawing
        self.open_error: FitGapError | None = None  # the database could not be opened after all
        self.blink = blink  # False in tests and snapshots: no cursor blink
        self._history_busy = False

    def could_not_open(self, exc: FitGapError) -> None:
        """The database, opened after the first frame, failed to open: end, and let the command say why."""
        self.open_error = exc
        self.exit(return_code=1)

    def on_resize(self, event: events.Resize) -> None:
        """Below 100×30, say so over everything instead of squeezing the columns away."""
        from fitgap.tui.screens.too_small import TooSmallScreen, too_small

        small = too_small(event.size.width, event.size.height)
        shown = next((s for s in self.screen_stack if isinstance(s, TooSmallScreen)), None)
        if small and shown is None:
            self.push_screen(TooSmallScreen())
        elif small and shown is not None:
            shown.show(event.size.width, event.size.height)
        elif not small and shown is not None and self.screen is shown:
            self.pop_screen()

    def action_command_palette(self) -> None:
        from fitgap.tui.commands import FitGapPalette

        if self.use_command_palette and not FitGapPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(FitGapPalette())

    # ---- navigation ---------------------------------------------------------------------------

    def open_requirements(self, operation_code: str | None) -> None:
        """Show the requirements of one operation (None: of all), from wherever the user is."""
        from fitgap.tui.screens.requirements import RequirementsScreen

        self.go_home()
        self.push_screen(RequirementsScreen(operation_code=operation_code))

    def open_view_screen(self, flt: ItemFilter, sort: ItemSort, row: ItemKey | None = None) -> None:
        """Show a saved view (its operation, filter and sort), on ``row`` if given (前回の続き)."""
        from fitgap.tui.screens.requirements import RequirementsScreen

        self.go_home()
        self.push_screen(RequirementsScreen(operation_code=flt.operation_code, flt=flt, sort=sort, row=row))

    def go_home(self) -> None:
        if self.current_mode != "operations":
            self.switch_mode("operations")
        while len(self.screen_stack) > 1 and not isinstance(self.screen, OperationsScreen):
            self.pop_screen()

    # ---- quitting -----------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """ctrl+q, q on the home screen."""
        self.request_quit()

    def input_holders(self) -> list[HoldsInput]:
        """The open editors and forms (on every mode's screens) that hold what the user typed, not saved."""
        found: list[HoldsInput] = []
        for stack in getattr(self, "_screen_stacks", {}).values():
            for screen in stack:
                if isinstance(screen, HoldsInput) and screen.unsaved_input() is not None:
                    found.append(screen)
        return found

    def request_quit(self) -> None:
        """Quit; when something typed is not saved, ask first: 保存 / 下書きとして残す / 破棄 (or 戻る)."""
        holders = self.input_holders()
        if not holders:
            self.exit()
            return
        names = [str(h.unsaved_input()) for h in holders]
        shown = "\n".join(f"・{n}" for n in names[:5]) + (f"\n…ほか {len(names) - 5}件" if len(names) > 5 else "")

        def chosen(value: str | None) -> None:
            if value == QUIT_SAVE:
                self._save_and_quit(holders)
            elif value == QUIT_KEEP:
                if self.keep_inputs(holders):
                    self.exit()
            elif value == QUIT_DISCARD:
                for h in holders:
                    h.discard_input()
                self.exit()

        from fitgap.tui.widgets.pickers import ChoiceModal

        self.push_screen(ChoiceModal[str | None](
            title="保存していない入力があります", hint=f"{shown}\nまだ保存していません。終了する前にどうしますか。", choices=[
                ("戻る（終了しない）", None), ("保存して終了", QUIT_SAVE),
                ("下書きとして残して終了（次にその項目を開くと戻ります）", QUIT_KEEP), ("破棄して終了", QUIT_DISCARD),
            ]), chosen)

    def keep_inputs(self, holders: Iterable[HoldsInput]) -> bool:
        """Keep every holder's input as a draft; False (and said) when one could not be kept."""
        for h in holders:
            try:
                h.keep_input()
            except FitGapError as exc:
                self.notify(f"下書きを保存できないため、終了していません: {exc.message}", title="エラー",
                            severity="error", timeout=10)
                return False
        return True

    def _save_and_quit(self, holders: Iterable[HoldsInput]) -> None:
        failed = [h for h in holders if not h.save_input()]
        if failed:
            self.notify("保存できなかった入力があるため、終了していません。画面の表示を確かめてください。",
                        title="終了していません", severity="warning", timeout=8)
            return
        self._exit_when_written()

    def _exit_when_written(self) -> None:
        """Exit once no change is being written in the background (a large bulk change just saved)."""
        if any(w.group == "write" and not w.is_finished for w in self.workers):
            self.notify("書き込みが終わりしだい終了します…", timeout=2)
            self.set_timer(0.2, self._exit_when_written)
            return
        self.exit()

    def closed_by_terminal(self) -> None:
        """The terminal went away (SIGHUP, SIGTERM): nobody to ask, so whatever is typed is kept as a draft."""
        self.keep_inputs(self.input_holders())
        self.exit()

    def on_mount(self) -> None:
        if self.is_headless or sys.platform == "win32":
            return
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(sig, self.closed_by_terminal)

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Quit (after request_quit): each open list first saves its view as the user's "前回の続き"."""
        for stack in getattr(self, "_screen_stacks", {}).values():
            for screen in stack:
                save = getattr(screen, "save_last_view", None)  # the requirement lists (loaded on demand)
                if save is not None:
                    save()
        super().exit(*args, **kwargs)

    def action_help(self) -> None:
        from fitgap.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # ---- undo / redo --------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._undo_redo(undo=True)

    def action_redo(self) -> None:
        self._undo_redo(undo=False)

    @property
    def undo_kind(self) -> str:
        """What undo acts on here: the kind of change the current screen makes."""
        return str(getattr(self.screen, "UNDO_KIND", ASSESSMENT))

    def _undo_redo(self, *, undo: bool) -> None:
        ws = self.workspace
        kind = self.undo_kind
        step = ws.next_undo(kind) if undo else ws.next_redo(kind)
        if step is None:
            self.notify("元に戻す変更はありません。" if undo else "やり直す変更はありません。", timeout=3)
            return
        if self._history_busy or getattr(self.screen, "busy", False):
            self.notify("処理中です。終わってからもう一度どうぞ。", timeout=3)
            return
        if step.size <= BACKGROUND_STEP:
            try:
                done = ws.undo(kind) if undo else ws.redo(kind)
            except FitGapError as exc:
                self._history_failed(exc)
                return
            self._history_done(undo, done)
            return
        self._history_busy = True
        self._show_busy(f"{'元に戻しています' if undo else 'やり直しています'}: {step.label}")

        def work() -> None:
            try:
                done = ws.undo(kind) if undo else ws.redo(kind)
            except FitGapError as exc:
                self.call_from_thread(self._history_failed, exc)
                return
            self.call_from_thread(self._history_done, undo, done)

        self.run_worker(work, thread=True, group="write", name="undo" if undo else "redo")

    def _show_busy(self, label: str | None) -> None:
        set_busy = getattr(self.screen, "set_busy", None)
        if set_busy is not None:
            set_busy(label)
        elif label:
            self.notify(f"{label}…", timeout=3)

    def _history_failed(self, exc: FitGapError) -> None:
        self._history_busy = False
        self._show_busy(None)
        self.notify(exc.message + (f"\n対処: {exc.hint}" if exc.hint else ""), title="エラー", severity="error",
                    timeout=10)

    def _history_done(self, undo: bool, done: Reverted | None) -> None:
        self._history_busy = False
        self._show_busy(None)
        if done is None:
            return
        step, conflicts = done.step, done.conflicts
        count = f"（{done.changed:,}件）" if step.kind == ASSESSMENT else ""
        msg = f"{'元に戻しました' if undo else 'やり直しました'}: {step.label}{count}"
        if conflicts:
            ids = "、".join(c.key.label for c in conflicts[:5])
            self.notify(f"{msg}\n他の利用者が変更していた {len(conflicts):,}件はそのままです: {ids}",
                        severity="warning", timeout=8)
        else:
            self.notify(msg, timeout=3)
        self.refresh_screens()

    # ---- settings -----------------------------------------------------------------------------

    def action_note_rule(self) -> None:
        from fitgap.services.assessment import set_note_rule
        from fitgap.tui.widgets.note_rule import NoteRulePicker

        ws = self.workspace

        def save(statuses: frozenset[Status] | None) -> None:
            if statuses is None:
                return
            try:
                set_note_rule(db=ws.db, user=ws.user, statuses=sorted(statuses))
            except FitGapError as exc:
                self._history_failed(exc)
                return
            ws.reset_note_rule()
            shown = "・".join(s.value for s in Status if s in statuses) or "なし"
            self.notify(f"メモが必要な状況: {shown}", timeout=4)
            self.refresh_screens()

        self.push_screen(NoteRulePicker(ws.note_rule()), save)

    def action_saved_views(self) -> None:
        from fitgap.tui.screens.saved_views import SavedViewsScreen

        ws = self.workspace
        self.push_screen(SavedViewsScreen(db=ws.db, names=ws.names, open_view=self.open_view_screen))

    def action_drafts(self) -> None:
        """The user's drafts; choosing a requirement's note opens it in the editor, with the draft."""
        from fitgap.tui.labels import when
        from fitgap.tui.widgets.pickers import ChoiceModal

        kept = self.workspace.drafts.all()
        if not kept:
            self.notify("保存していない下書きはありません。", timeout=3)
            return
        choices = [(f"{d.label or d.key}（{when(d.updated_at)}）", i) for i, d in enumerate(kept[:30])]

        def chosen(index: int | None) -> None:
            if index is not None:
                self.open_draft(kept[index])

        self.push_screen(ChoiceModal[int](title=f"下書き（{len(kept)}件）", choices=choices,
                                          hint="選ぶと、その項目を開きます（要件のメモは、下書きを入れたメモ欄が開きます）"), chosen)

    def open_draft(self, draft: DraftView) -> None:
        from fitgap.services import drafts

        if draft.kind == drafts.NOTE:
            from fitgap.services.items import ItemKey
            from fitgap.tui.screens.requirements import RequirementsScreen

            key = ItemKey.parse(draft.key)
            self.go_home()
            screen = RequirementsScreen(operation_code=key.operation_code, restore_last_view=False)

            def edit() -> None:
                if screen.table.move_to_key(key):
                    screen.action_note()
                else:
                    self.notify(f"{key.label} は一覧にありません（要件一覧から外れた可能性があります）。", timeout=5)

            self.push_screen(screen, wait_for_dismiss=False)
            screen.call_after_refresh(edit)
            return
        where = {drafts.REASON: "独自機能の画面（パレットの「開く: 独自機能」）でその機能の理由（e）",
                 drafts.BULK_NOTE: "要件一覧で次に一括変更のメモを書くとき"}.get(draft.kind, "その入力画面")
        self.notify(f"{draft.label}: {where}を開くと、下書きが戻ります。", timeout=6)

    def refresh_screens(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, WorkbenchScreen):
                screen.data_changed()

    # ---- palette ------------------------------------------------------------------------------

    def palette_commands(self) -> Iterable[PaletteCommand]:
        for entry in SCREEN_REGISTRY:
            yield PaletteCommand(f"開く: {entry.title}", entry.description, self._switch_to(entry.mode))
        yield PaletteCommand("開く: すべての要件", "全業務の要件をまとめて開きます", lambda: self.open_requirements(None))
        ws = self.workspace
        for op in self._overview().operations:
            if op.cross_cutting and not op.requirements:
                continue
            yield PaletteCommand(f"開く: {op.name}", f"{op.code} {op.name} の要件一覧（{op.requirements:,}件）",
                                 self._opener(op.code), discover=False)
        nu, nr = ws.next_undo(self.undo_kind), ws.next_redo(self.undo_kind)
        yield PaletteCommand("編集: 元に戻す", f"取り消す: {nu.label}" if nu else "取り消す変更はありません",
                             self.action_undo)
        yield PaletteCommand("編集: やり直す", f"やり直す: {nr.label}" if nr else "やり直す変更はありません",
                             self.action_redo)
        from fitgap.tui.readiness_report import readiness_command  # (the report writers load when chosen)

        yield from file_action_commands(self, operation=getattr(self.screen, "operation_code", None) or "")
        yield readiness_command(self, db=lambda: ws.db, today=ws.today)  # opened (if need be) when chosen
        yield PaletteCommand("ビュー: 一覧・名前の変更・削除…", "保存したビューを条件つきで一覧し、開く・名前を変える・削除する",
                             self.action_saved_views)
        yield PaletteCommand("設定: メモが必要な状況…", "ギャップ・対象外などにメモ（理由）を必須にします",
                             self.action_note_rule)
        yield PaletteCommand("下書き: 一覧…", "保存していない下書き（メモ・理由・入力）を一覧し、選んだ項目を開きます",
                             self.action_drafts)
        yield PaletteCommand("ヘルプ: キー一覧", "すべてのキーを表示します", self.action_help)
        yield PaletteCommand("終了: 作業画面を閉じる", "作業画面を閉じます（保存していない入力があれば、どうするか聞きます）",
                             self.request_quit)

    def _overview(self) -> Overview:
        """The operations as the home screen last read them (the palette reads nothing to list them)."""
        for stack in getattr(self, "_screen_stacks", {}).values():
            for screen in stack:
                if isinstance(screen, OperationsScreen) and screen.overview is not None:
                    return screen.overview
        return get_overview(db=self.workspace.db, today=self.workspace.today)

    def _switch_to(self, mode: str) -> Callable[[], None]:
        def run() -> None:
            if mode == "operations":
                self.go_home()
            else:
                self.switch_mode(mode)
        return run

    def _opener(self, code: str) -> Callable[[], None]:
        return lambda: self.open_requirements(code)
