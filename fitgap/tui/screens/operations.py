"""Home: the 20 operations in 政令順 with how far the review is and what it found."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from fitgap.domain.calendar import format_date
from fitgap.domain.enums import DeadlineKind
from fitgap.domain.standing import REASONS, SETTABLE_KINDS, reason_text
from fitgap.errors import FitGapError
from fitgap.services.edit_input import parse_date_input
from fitgap.services.status import OperationSummary, Overview, get_overview, headline
from fitgap.tui import keymap
from fitgap.tui.cells import bar
from fitgap.tui.commands import PaletteCommand
from fitgap.tui.drafts import DraftSlot
from fitgap.tui.labels import count, standing_cell
from fitgap.tui.preload import preload_screens
from fitgap.tui.screens.base import WorkbenchScreen
from fitgap.tui.screens.form_dialog import Field, FormDialog
from fitgap.tui.widgets.page_cache import ListSource
from fitgap.tui.widgets.virtual_table import Cell, Column, VirtualTable

COLUMNS = (
    Column("order", "#", 2, "right"),
    Column("code", "ｺｰﾄﾞ", 4, drop_order=2),
    Column("name", "業務", 0, min_width=18),  # 子ども・子育て支援 whole
    Column("requirements", "要件数", 6, "right"),
    Column("reviewed", "確認済", 6, "right"),
    Column("bar", "進捗", 10, drop_order=4),
    Column("gap", "ギャップ", 8, "right"),
    Column("must", "うち必須", 8, "right"),
    Column("reverse", "要廃止", 6, "right"),
    Column("decide", "要判断", 6, "right"),
    Column("review", "要再確認", 8, "right"),
    Column("deadline", "期限", 10, drop_order=3),
    Column("left", "残り・移行日", 17, "right"),  # 期限超過 237日 / 移行済 2026-01-05 whole
    Column("demo", "デモ", 4, drop_order=1),
)

DATA_ROWS_BESIDE = 10  # the home screen's rows besides the operations and the データ要件 lines
PRELOAD_DELAY_S = 1.0  # after the database is open, the modules of the other screens are loaded (app.py)

CUSTOM_COLUMN = Column("custom", "独自未決", 8, "right", drop_order=4)  # shown once there is an inventory
CUSTOM_LEGEND = "　独自未決 = 標準仕様書にない現行機能（独自機能）で対応方針が未決定"

LEGEND = ("うち必須 = 実装必須機能のギャップ（移行までに解消が必要）　要廃止 = 逆ギャップ（実装不可機能に当たる現行機能）　"
          "要判断 = 標準オプション機能で採否が未決定　要再確認 = 仕様書の改版で変わった要件")


def _n(n: int, style: str = "") -> Cell:
    if n == 0:
        return ("·", "muted")
    return (count(n), style) if style else count(n)


def format_operation(s: OperationSummary) -> Sequence[Cell]:
    reviewed = s.reviewed_pct
    return (
        "" if s.cross_cutting else str(s.order),
        s.code,
        (s.name, "muted") if s.cross_cutting else s.name,
        _n(s.requirements),
        # no list imported yet: nothing has been reviewed, and nothing can be ("0.0%" would read as a result)
        ("—", "muted") if not s.requirements else
        (f"{reviewed:.1f}%", "good" if s.reviewed == s.requirements else ""),
        ("一覧なし", "muted") if not s.requirements else (bar(reviewed / 100, 10), "good" if reviewed >= 100 else "accent"),
        _n(s.gap, "warn"),
        _n(s.must_gaps, "must"),
        _n(s.reverse_gaps, "must"),
        _n(s.option_undecided, "warn"),
        _n(s.needs_review, "warn"),
        s.deadline.isoformat(),
        standing_cell(s.standing),
        ("デモ", "warn") if s.demo else "",
        _n(s.custom_undecided, "warn"),
    )


def drafts_notice(kept: Sequence[Any]) -> str:
    """What was left unsaved (services.drafts.DraftView), as the start of the workbench says it."""
    names = "、".join(d.label or d.key for d in kept[:3]) + (f" ほか {len(kept) - 3}件" if len(kept) > 3 else "")
    return (f"保存していない下書きが {len(kept)}件あります: {names}。その項目を開くと下書きが戻ります"
            "（パレットの「下書き: 一覧」からも開けます）。")


class OperationsTable(VirtualTable[OperationSummary]):
    """The table of operations: Enter opens one (and says so in the footer)."""

    BINDINGS: ClassVar[list[BindingType]] = [keymap.OPERATIONS.bindings[0]]

    def action_open(self) -> None:
        self.action_activate()


class OperationsScreen(WorkbenchScreen):
    """The first screen: one row per operation; Enter opens its requirements."""

    BINDINGS: ClassVar[list[BindingType]] = list(keymap.OPERATIONS.bindings[1:])
    AUTO_FOCUS = "#operations"

    def __init__(self) -> None:
        super().__init__()
        self.overview: Overview | None = None
        self._shown = False
        self._stamp: int | None = None  # the newest audit event when the figures were read (None: not known)
        self._data_overview: Overview | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="ops-title", classes="screen-title")
        yield Static(id="ops-summary", classes="screen-summary")
        yield OperationsTable(ListSource([]), columns=COLUMNS, formatter=self._format, id="operations")
        data_lines = Static(id="ops-data", classes="legend")  # データ要件, once there is a 基本データリスト
        data_lines.display = False
        yield data_lines
        yield Static(LEGEND, id="ops-legend", classes="legend")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        # after the first frame: the home screen never waits for the index (seconds after a large import)
        self.call_after_refresh(self.run_worker, self._prepare_search, thread=True, group="search-index",
                                name="検索の索引")

    def _prepare_search(self) -> None:
        """Bring the Japanese search index up to date in the background (seconds after a large import),
        so that the first search does not wait for it."""
        worker = get_current_worker()
        try:
            db = self.workspace.db  # opened here when the first frame came from a quick read
        except FitGapError as exc:
            self.app.call_from_thread(self.workbench.could_not_open, exc)
            return
        from fitgap.services.items import change_stamp, prepare_search  # database layer: after 1st frame

        try:  # the figures drawn from the quick read stand for the database as it is now opened
            stamp = change_stamp(db=db)
        except FitGapError:
            stamp = None
        self.app.call_from_thread(self._stamp_known, stamp)
        # the other screens' modules a moment later, in their own worker: not while the user's first keys
        # (the palette right after start) compete with the database being opened
        self.app.call_from_thread(self.set_timer, PRELOAD_DELAY_S, lambda: self.run_worker(
            preload_screens, thread=True, group="preload", name="画面の読み込み"))
        try:
            n = prepare_search(db=db)
        except FitGapError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.notify, exc.message, title="検索", severity="warning")
            return
        if n and not worker.is_cancelled:
            self.app.call_from_thread(self.notify, f"検索の索引を作成しました（{n:,}件）。", title="検索", timeout=3)
        kept = self.workspace.drafts.all()  # what this user left unsaved last time: say so once
        if kept and not worker.is_cancelled:
            self.app.call_from_thread(self.notify, drafts_notice(kept), title="下書き", timeout=10)

    def _stamp_known(self, stamp: int | None) -> None:
        if self._stamp is None:
            self._stamp = stamp

    def _format(self, s: OperationSummary) -> Sequence[Cell]:
        return format_operation(s)

    def load(self) -> None:
        ws = self.workspace
        first, self.workbench.first_overview = self.workbench.first_overview, None
        if first is None:
            from fitgap.services.items import change_stamp  # (the database is open: it is read next)

            self._stamp = change_stamp(db=ws.db)  # before reading: a change made meanwhile shows next time
        self.overview = ov = first or get_overview(db=ws.db, today=ws.today)
        ws.names = {o.code: o.name for o in ov.operations}
        ws.short_names = {o.code: o.short_name for o in ov.operations}
        rows = [o for o in ov.operations if not o.cross_cutting or o.requirements]
        table = self.query_one("#operations", VirtualTable)
        inventory = ov.total("custom_functions") > 0
        table.set_columns([*COLUMNS, CUSTOM_COLUMN] if inventory else COLUMNS)
        table.set_source(ListSource(rows), keep_cursor=True)
        who = ov.municipality or "団体未設定（fitgap init --municipality で設定）"
        demo = "[b $text-warning]【デモデータ】[/]　" if ov.demo else ""
        self.query_one("#ops-title", Static).update(
            f"[b]FIT&GAP 作業画面[/b]　{demo}今日 {format_date(ov.today)}　利用者 {ws.user}　{who}"
        )
        total, reviewed = ov.total("requirements"), ov.total("reviewed")
        pct = 100.0 * reviewed / total if total else 0.0
        self.query_one("#ops-summary", Static).update(
            f"{headline(ov)}\n"
            f"全体　要件 {count(total)}件　確認済 {pct:.1f}%　ギャップ {count(ov.total('gap'))}"
            f"（うち必須 [b $text-error]{count(ov.total('must_gaps'))}[/]）　要廃止 {count(ov.total('reverse_gaps'))}"
            f"　要判断 {count(ov.total('option_undecided'))}　要再確認 {count(ov.total('needs_review'))}"
            + (f"　独自機能 {count(ov.total('custom_functions'))}件（未決定 {count(ov.total('custom_undecided'))}）"
               if inventory else "")
        )
        self.query_one("#ops-legend", Static).update(LEGEND + (CUSTOM_LEGEND if inventory else ""))
        self.show_data(ov)

    def show_data(self, ov: Overview) -> None:
        """A line per operation with a 基本データリスト: items, 確認済 %, 必須未保持 (阻害), 外字候補 — the overview's
        counts (storage.data_overview, the one count `fitgap data status` prints too)."""
        names = self.workspace.names
        lines = [f"データ要件　{op} {names.get(op, '')}　{count(c.items)}項目　確認済 {c.assessed_pct:.0f}%"
                 f"　必須未保持 {count(c.blockers)}　外字候補 {count(c.gaiji_chars)}" for op, c in ov.data.items()]
        # the 20 operations come first: in a short terminal the lines that do not fit are counted, not shown
        room = max(self.app.size.height - DATA_ROWS_BESIDE - len(ov.operations), 2)
        if len(lines) > room:
            lines = [*lines[:room - 1], f"データ要件　ほか {len(lines) - room + 1}業務"]
        box = self.query_one("#ops-data", Static)
        box.update("\n".join(lines) + ("　（i で開く）" if lines else ""))
        box.display = bool(lines)
        self._data_overview = ov

    def on_resize(self) -> None:
        if self._data_overview is not None:
            self.show_data(self._data_overview)

    def data_changed(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        """Back on the home screen (from a list, another screen, a dialog or the palette): read the figures
        again when anyone changed something since they were read — one cheap query, where reading them
        takes a tenth of a second at 30,000 requirements — and never while the database is still being
        opened in the background (not when first shown either: on_mount has just read them)."""
        if not self._shown:
            self._shown = True
            return
        ws = self.workspace
        if self.overview is None or not ws.is_open:
            return
        from fitgap.services.items import change_stamp

        try:
            changed = change_stamp(db=ws.db) != self._stamp
        except FitGapError:
            return
        if changed:
            self.load()

    def on_virtual_table_activated(self, event: VirtualTable.Activated) -> None:
        row = event.table.row_at(event.index)
        if isinstance(row, OperationSummary):
            self.workbench.open_requirements(row.code)

    def action_open_data(self) -> None:
        """The data items of the selected operation (of all when it has no 基本データリスト)."""
        from fitgap.tui.screens.data_items import DataItemsScreen

        row = self.query_one("#operations", VirtualTable).current_row
        code = row.code if isinstance(row, OperationSummary) else None
        listed = self.overview.data if self.overview is not None else {}
        self.app.push_screen(DataItemsScreen(code if code in listed else None))

    def action_open_bpr(self) -> None:
        """The 業務見直し items of the selected operation."""
        from fitgap.tui.screens.bpr import BprScreen

        row = self.query_one("#operations", VirtualTable).current_row
        self.app.push_screen(BprScreen(row.code if isinstance(row, OperationSummary) else None))

    def action_open_peers(self) -> None:
        """The survey's comparison: this body beside its prefecture and the nation (one survey month)."""
        from fitgap.services import peers
        from fitgap.tui.screens.peers import PeersScreen

        try:
            comparison = peers.comparison(db=self.workspace.db)
        except FitGapError as exc:
            self.notify(exc.message, title="エラー", severity="error", timeout=8)
            return
        self.app.push_screen(PeersScreen(comparison))

    def action_open_all(self) -> None:
        self.workbench.open_requirements(None)

    def action_continue_last(self) -> None:
        from fitgap.services import views

        last = views.get_last_view(db=self.workspace.db, user=self.workspace.user)
        if last is None:
            self.notify("前回の要件一覧の記録はまだありません。Enter で業務を開いてください。", timeout=4)
            return
        row = views.get_last_row(db=self.workspace.db, user=self.workspace.user)  # and the requirement it was on
        self.workbench.open_view_screen(*last, row=row)

    def action_reload(self) -> None:
        self.load()
        self.notify("読み直しました。", timeout=2)

    def action_edit_deadline(self) -> None:
        """Set the selected operation's deadline by hand (特定移行支援 / 個別設定 with the 移行計画's reason), or
        drop it: the same service as `fitgap deadline set|clear`. Bad input is shown in the dialog, which
        keeps what was typed."""
        row = self.query_one("#operations", VirtualTable).current_row
        if not isinstance(row, OperationSummary):
            return
        from fitgap.services import deadlines  # the database layer: only when a deadline is edited
        from fitgap.services.drafts import FORM

        code, name, due = row.code, row.name, row.standing.due
        clear = "（手動設定をやめる）"
        kinds = [(k, k) for k in SETTABLE_KINDS] + ([(clear, clear)] if due.manual else [])
        reason, _, detail = due.reason.partition("：")

        def save(v: dict[str, Any]) -> None:
            ws = self.workspace
            if v["kind"] == clear:
                change = deadlines.clear_operation_deadline(db=ws.db, user=ws.user, operation=code)
            else:
                change = deadlines.set_operation_deadline(
                    db=ws.db, user=ws.user, operation=code, kind=DeadlineKind(v["kind"]),
                    deadline=parse_date_input(v["date"]), reason=reason_text(v["reason"], v["detail"]))
            self.notify(change.summary, title="期限", timeout=5)
            self.load()

        self.app.push_screen(FormDialog(f"{name}: 期限（手動設定）", [
            Field("kind", "期限区分", due.kind.value if due.manual else SETTABLE_KINDS[0], kinds),
            Field("date", "期限の日付", due.date.isoformat() if due.manual else "",
                  placeholder="特定移行支援は空欄で 2031-03-31"),
            Field("reason", "理由（移行計画）", reason if reason in REASONS else REASONS[0], [(r, r) for r in REASONS]),
            Field("detail", "理由の補足", detail),
        ], help=f"今の期限: {due.date.isoformat()}（{due.label}）\n手動で設定した期限は init や公表一覧の更新で上書きされません。",
            submit=save, draft=self.workspace.drafts.handle(DraftSlot(FORM, f"deadline:{code}", f"{name}: 期限"))))

    def palette_commands(self) -> Iterable[PaletteCommand]:
        yield PaletteCommand("業務: 期限を設定", "選んだ業務の期限を手動で設定・解除します（特定移行支援・個別設定と理由）",
                             self.action_edit_deadline)
        yield PaletteCommand("開く: 前回の続き", "前回の要件一覧（業務・絞り込み・並び順・カーソルの要件）を開きます",
                             self.action_continue_last)
        yield PaletteCommand("業務一覧: 読み直し", "件数を読み直します", self.action_reload)
        yield PaletteCommand("開く: 選んだ業務の業務見直し", "選んだ業務の業務見直し（担当課・期日・状況）を開きます",
                             self.action_open_bpr)
        yield PaletteCommand("開く: 進捗の比較（全国・県）", "進捗状況調査での当団体の位置（県の中央値・全国の分布）を開きます",
                             self.action_open_peers)
        yield PaletteCommand("開く: 選んだ業務のデータ要件", "選んだ業務の基本データリスト（データ項目）を開きます",
                             self.action_open_data)
