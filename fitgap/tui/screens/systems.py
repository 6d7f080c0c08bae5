"""Systems and the migration schedule: status, cut-over, deadline and risk per system; what the selected
system needs and what needs it; a fiscal-month timeline; the conflicts; editing of dates, milestones and
links. All data comes from the schedule and systems services."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import ContentSwitcher, Footer, Static

from fitgap.domain.calendar import fiscal_year, format_date
from fitgap.domain.enums import DeadlineKind, LinkMethod, MilestoneKind
from fitgap.domain.standing import REASONS, reason_text
from fitgap.errors import FitGapError, InvalidInputError
from fitgap.graph.risk import RiskLevel
from fitgap.services import schedule, system_history, systems
from fitgap.services.drafts import FORM
from fitgap.services.edit_input import parse_date_input
from fitgap.services.items import change_stamp
from fitgap.services.schedule import ScheduleView, SystemRow
from fitgap.tui.commands import PaletteCommand
from fitgap.tui.drafts import DraftHandle, DraftSlot
from fitgap.tui.screens.base import WorkbenchScreen
from fitgap.tui.screens.form_dialog import Field, FormDialog
from fitgap.tui.screens.system_changes import CHANGE_KEYS, ChangeActions, ChangePanel
from fitgap.tui.screens.system_detail import COLUMNS, conflicts_text, detail_text, format_row
from fitgap.tui.widgets.page_cache import ListSource
from fitgap.tui.widgets.timeline import Timeline
from fitgap.tui.widgets.virtual_table import Cell, VirtualTable
from fitgap.tui.workspace import SYSTEMS


def _key(key: str, action: str, description: str, tooltip: str, *, id: str, show: bool = False,
         key_display: str | None = None) -> Binding:
    return Binding(key, action, description, show=show, tooltip=tooltip, id=id, key_display=key_display)


KEYS: tuple[Binding, ...] = (
    _key("p", "edit_planned", "移行予定日", "選んだシステムの移行予定日を編集します", id="systems.planned", show=True),
    _key("a", "edit_actual", "移行実施日", "移行が済んだ日を記録します", id="systems.actual"),
    _key("d", "edit_deadline", "期限", "期限区分と期限の日付を編集します", id="systems.deadline"),
    _key("m", "edit_milestone", "マイルストーン", "マイルストーンの予定日・実績日を記録します", id="systems.milestone",
         show=True),
    _key("l", "edit_link", "連携", "選んだシステムの連携（暫定連携・データ・方式）を編集します", id="systems.link",
         show=True),
    _key("n", "add_link", "連携を追加", "選んだシステムに提供元または利用側の連携を追加します", id="systems.add_link"),
    _key("c", "confirm", "確認済み", "典型例（要確認）のシステムを確認済みにします", id="systems.confirm"),
    _key("s", "edit_progress", "進捗（40手順）", "選んだシステムの移行手順の進捗（完了済み＋対象外の手順数）を月ごとに記録します",
         id="systems.progress"),
    _key("t", "toggle_view", "表/タイムライン", "表と年度のタイムライン（4月〜3月）を切り替えます", id="systems.timeline",
         show=True),
    _key("left_square_bracket", "year(-1)", "前の年度", "タイムラインを前の年度へ", id="systems.prev_year",
         key_display="["),
    _key("right_square_bracket", "year(1)", "次の年度", "タイムラインを次の年度へ", id="systems.next_year",
         key_display="]"),
    _key("r", "reload", "再読込", "読み直します（他の利用者の変更を反映）", id="systems.reload"),
    _key("escape", "back", "戻る", "業務一覧へ戻ります", id="systems.back", show=True, key_display="esc"),
)

class SystemsScreen(ChangeActions, WorkbenchScreen):
    """One row per system in migration order; the detail pane shows the selected system's dependencies."""

    BINDINGS: ClassVar[list[BindingType]] = [*KEYS, *CHANGE_KEYS]
    AUTO_FOCUS = "#systems"
    UNDO_KIND = SYSTEMS  # z / y here undo and redo system edits, links and milestones
    DEFAULT_CSS = """
    SystemsScreen #sys-body { height: 1fr; }
    SystemsScreen #sys-switcher { width: 3fr; }
    SystemsScreen #sys-detail { width: 2fr; border-left: solid $panel; padding: 0 1; }
    SystemsScreen #sys-conflicts { height: 8; border-top: solid $panel; padding: 0 1; }
    SystemsScreen #timeline { overflow-x: auto; }
    """

    def __init__(self) -> None:
        super().__init__(id="systems-screen")
        self.view: ScheduleView | None = None
        self.rows: list[SystemRow] = []
        self.fy: int | None = None
        self._stamp = -1  # the newest audit event when last read

    def compose(self) -> ComposeResult:
        yield Static(id="sys-title", classes="screen-title")
        yield Static(id="sys-summary", classes="screen-summary")
        with Horizontal(id="sys-body"):
            with ContentSwitcher(initial="systems", id="sys-switcher"):
                yield VirtualTable[SystemRow](ListSource([]), columns=COLUMNS, formatter=self._format, id="systems")
                with VerticalScroll(id="timeline"):
                    yield Timeline(id="timeline-text")
            with VerticalScroll(id="sys-detail"):
                yield Static(id="sys-detail-text")
                yield ChangePanel(id="sys-changes")
        with VerticalScroll(id="sys-conflicts"):
            yield Static(id="sys-conflicts-text")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def _format(self, row: SystemRow) -> Sequence[Cell]:
        return format_row(row, self.workspace.today)

    # ---- data ---------------------------------------------------------------------------------

    def load(self, *, same_gaps: bool = False) -> None:
        """Read the schedule and show it. ``same_gaps``: after one of this screen's own edits, which change
        systems, links, milestones or 改修 items but no assessment, the open 実装必須 gaps per operation
        are taken as last read instead of being counted again."""
        ws = self.workspace
        self._stamp = change_stamp(db=ws.db)  # before reading: a change made meanwhile shows next time
        gaps = self.view.open_gaps if same_gaps and self.view is not None else None
        self.view = view = schedule.get_schedule(db=ws.db, today=ws.today, open_gaps=gaps)
        self.rows = schedule.system_rows(view)
        if self.fy is None:
            self.fy = fiscal_year(ws.today)
        table = self.query_one("#systems", VirtualTable)
        table.set_source(ListSource(self.rows), keep_cursor=True)
        high = sum(1 for r in view.risks if r.level == RiskLevel.HIGH)
        typical = sum(1 for r in self.rows if r.node.typical)
        self.query_one("#sys-title", Static).update(
            f"[b]システムと移行計画[/b]　今日 {format_date(ws.today)}　利用者 {escape(ws.user)}"
        )
        self.query_one("#sys-summary", Static).update(
            f"システム {len(self.rows)}件　連携 {len(view.graph.links)}件　移行の波 {len(view.waves)}"
            f"　日程の矛盾 [b $text-error]{len(view.conflicts)}[/]件　改修の遅れ [b $text-error]{len(view.late_changes)}[/]件"
            f"　リスク高 [b $text-error]{high}[/]件"
            + (f"　[$text-warning]典型例（要確認） {typical}件[/]" if typical else "")
        )
        self.query_one("#sys-conflicts-text", Static).update(conflicts_text(view))
        self.query_one("#timeline-text", Timeline).show(self.rows, fy=self.fy, today=ws.today)
        self.show_detail()

    def current(self) -> SystemRow | None:
        row = self.query_one("#systems", VirtualTable).current_row
        return row if isinstance(row, SystemRow) else None

    def show_detail(self) -> None:
        row, view = self.current(), self.view
        text = detail_text(row, view) if row is not None and view is not None else "システムがありません。"
        self.query_one("#sys-detail-text", Static).update(text)
        self.query_one("#sys-changes", ChangePanel).show(row)

    def data_changed(self) -> None:
        self.load()

    def after_edit(self) -> None:
        """Show the screen again after one of its own edits (the gap counts did not change)."""
        self.load(same_gaps=True)

    def on_screen_resume(self) -> None:
        """Back on the screen (from the home screen, or a dialog closed): read it again only when anyone
        changed something since it was read (one cheap query)."""
        if self._stamp >= 0 and change_stamp(db=self.workspace.db) != self._stamp:
            self.load()

    def on_virtual_table_cursor_moved(self, _event: VirtualTable.CursorMoved) -> None:
        self.show_detail()

    def on_virtual_table_activated(self, _event: VirtualTable.Activated) -> None:
        self.action_edit_planned()

    # ---- editing ------------------------------------------------------------------------------

    def _save(self, done: str, change: Callable[[], object], *, names: Sequence[str], label: str) -> None:
        """Make one edit of the named systems, remembered for undo (z on this screen). A FitGapError goes
        up to the dialog, which shows it and keeps the input."""
        ws = self.workspace
        before = system_history.capture(db=ws.db, names=names)
        result = change()
        ws.remember_systems(label, before, system_history.capture(db=ws.db, names=names))
        sync = getattr(result, "change_sync", None)  # 改修 items the rule created or removed after the edit
        more = sync.lines() if sync is not None else []
        self.notify("\n".join([done + "（z で元に戻す）", *more]), timeout=5 if more else 3)
        self.after_edit()

    def _ask(self, title: str, fields: Sequence[Field], then: Callable[[dict[str, Any]], None],
             help: str = "", *, check: bool = True, draft: DraftHandle | None = None) -> None:
        """A form whose values ``then`` saves from inside the dialog (``check``): bad input is shown there
        and nothing typed is lost (kept as a draft of this form and subject when the user says so, see
        tui.drafts); without ``check`` (a chooser) the dialog closes first."""
        if check:
            handle = draft or self.workspace.drafts.handle(DraftSlot(FORM, f"systems:{title}", title))
            self.app.push_screen(FormDialog(title, fields, help=help, submit=then, draft=handle))
            return

        def on_close(values: dict[str, Any] | None) -> None:
            if values is not None:
                then(values)
        self.app.push_screen(FormDialog(title, fields, help=help), on_close)

    def _date_field(self, key: str, label: str, value: date | None) -> Field:
        return Field(key, label, value.isoformat() if value else "", placeholder="2026-01-05（空欄で消去）")

    def _edit_date(self, field_name: str, label: str) -> None:
        row = self.current()
        if row is None:
            return
        name = row.name

        def save(v: dict[str, Any]) -> None:
            self._save(f"{name}: {label}を保存しました。", lambda: systems.update_system(
                db=self.workspace.db, user=self.workspace.user, system=name,
                **{field_name: parse_date_input(v["date"])}), names=[name], label=f"{name} の{label}")
        self._ask(f"{name}: {label}", [self._date_field("date", label, getattr(row.node, field_name))], save)

    def action_edit_planned(self) -> None:
        self._edit_date("planned_cutover", "移行予定日")

    def action_edit_actual(self) -> None:
        self._edit_date("actual_cutover", "移行実施日")

    def action_edit_progress(self) -> None:
        """The steps done (完了済み + 対象外) out of 40 for a month, with a reason for a delay; the month's
        last entry counts, earlier months stay as history (services.progress, as fitgap systems progress)."""
        from fitgap.domain.progress import TOTAL_STEPS, month_label
        from fitgap.services import progress

        row = self.current()
        if row is None:
            return
        name, ws = row.name, self.workspace
        try:
            view = progress.system_progress(db=ws.db, system=name)
        except FitGapError as exc:
            self.notify(exc.message, title="エラー", severity="error", timeout=8)
            return
        latest = view.latest
        surveyed = [f"{f.operation} {f.steps}/{TOTAL_STEPS}" for f in view.survey if f.steps is not None]
        help = (f"前回: {month_label(latest.month)} {latest.steps}/{TOTAL_STEPS}" if latest else "まだ記録がありません")
        if surveyed:
            help += f"。調査（{month_label(view.survey[0].month)}時点）: " + "、".join(surveyed)

        def save(v: dict[str, Any]) -> None:
            text = str(v["steps"]).strip()
            if not text.isdigit():
                raise InvalidInputError(f"手順数「{text}」は数ではありません。",
                                        f"完了済みと対象外の手順の数（{TOTAL_STEPS} のうち）を入れてください。例: 32")
            done = progress.set_system_progress(db=ws.db, user=ws.user, system=name, steps=int(text),
                                                today=ws.today, month=str(v["month"]).strip() or None,
                                                delay_reason=str(v["reason"]))
            entry = done.latest
            shown = f"{month_label(entry.month)} {entry.steps}/{TOTAL_STEPS}" if entry else ""
            self.notify(f"{name}: 進捗 {shown} を記録しました（履歴は fitgap systems progress で見られます）。",
                        timeout=4)

        self._ask(f"{name}: 進捗（40手順）", [
            Field("steps", f"完了済み＋対象外の手順数（{TOTAL_STEPS} のうち）", str(latest.steps) if latest else "",
                  placeholder="例: 32"),
            Field("month", "月（YYYY-MM。空欄で今月）", "", placeholder="例: 2026-11"),
            Field("reason", "遅れの理由（あれば）", latest.delay_reason if latest else ""),
        ], save, help=help)

    def action_edit_deadline(self) -> None:
        row = self.current()
        if row is None:
            return
        name = row.name
        kinds = [(k.value, k) for k in DeadlineKind]

        reasons = [("（なし）", ""), *((r, r) for r in REASONS)]

        def save(v: dict[str, Any]) -> None:
            reason = reason_text(v["reason"], v["detail"]) if v["reason"] else ""
            self._save(f"{name}: 期限を保存しました。", lambda: systems.update_system(
                db=self.workspace.db, user=self.workspace.user, system=name, deadline_kind=v["kind"],
                deadline=parse_date_input(v["date"]), deadline_reason=reason), names=[name],
                label=f"{name} の期限")
        self._ask(f"{name}: 期限", [Field("kind", "期限区分", row.node.deadline_kind, kinds),
                                    self._date_field("date", "期限の日付（空欄: 業務の期限に従う）", None),
                                    Field("reason", "手動で設定した理由（移行計画）", "", reasons),
                                    Field("detail", "理由の補足", "")], save,
                  help="FY2025末 = 2026-03-31、特定移行支援 = 日付がなければ 2031-03-31")

    def action_edit_milestone(self) -> None:
        row = self.current()
        if row is None:
            return
        name, ms = row.name, {m.kind: m for m in row.node.milestones}
        first = next((k for k in MilestoneKind if not (k in ms and ms[k].done)), MilestoneKind.GO_LIVE)

        def save(v: dict[str, Any]) -> None:
            kind: MilestoneKind = v["kind"]
            self._save(f"{name}: {kind.value}を保存しました。", lambda: systems.set_milestone(
                db=self.workspace.db, user=self.workspace.user, system=name, kind=kind,
                planned=parse_date_input(v["planned"]), actual=parse_date_input(v["actual"])),
                names=[name], label=f"{name} の{kind.value}")
        m = ms.get(first)
        self._ask(f"{name}: マイルストーン", [
            Field("kind", "マイルストーン", first, [(k.value, k) for k in MilestoneKind]),
            self._date_field("planned", "予定日", m.planned if m else None),
            self._date_field("actual", "実績日（完了した日）", m.actual if m else None),
        ], save, help="予定日・実績日は選んだ種類のものとして保存します（両方空欄で削除）")

    def action_edit_link(self) -> None:
        row = self.current()
        if row is None:
            return
        name = row.name
        choices = [(f"{e.name} → {name}", (e.name, name, e)) for e in row.providers]
        choices += [(f"{name} → {e.name}", (name, e.name, e)) for e in row.consumers]
        if not choices:
            self.notify("このシステムには連携がありません（追加は fitgap systems link）。", timeout=4)
            return

        def chosen(v: dict[str, Any]) -> None:
            provider, consumer, end = v["link"]
            self._ask(f"連携 {provider} → {consumer}", [
                Field("data", "データ（例 宛名,世帯）", end.data),
                Field("method", "方式", LinkMethod(end.method), [(m.value, m) for m in LinkMethod]),
                Field("interim", "暫定連携あり（新旧の世代が混在する間の連携がある）", end.interim_interface,
                      checkbox=True),
                Field("confirmed", "確認済み（典型例ではない）", not end.typical, checkbox=True),
                Field("remove", "この連携を削除する", False, checkbox=True),
            ], lambda f: self._save_link(provider, consumer, f))
        self._ask(f"{name}: 連携を選ぶ", [Field("link", "連携", choices[0][1], choices)], chosen, check=False)

    def _save_link(self, provider: str, consumer: str, f: dict[str, Any]) -> None:
        ws = self.workspace
        if f.get("remove"):
            self._save(f"連携 {provider} → {consumer} を削除しました。", lambda: systems.remove_link(
                db=ws.db, user=ws.user, provider=provider, consumer=consumer), names=[provider, consumer],
                label=f"連携 {provider} → {consumer} の削除")
            return
        self._save(f"連携 {provider} → {consumer} を保存しました。", lambda: systems.set_link(
            db=ws.db, user=ws.user, provider=provider, consumer=consumer, data=f["data"].strip(),
            method=f["method"], interim_interface=bool(f["interim"]), typical=not f["confirmed"]),
            names=[provider, consumer], label=f"連携 {provider} → {consumer} の保存")

    def action_add_link(self) -> None:
        row = self.current()
        if row is None:
            return
        name = row.name
        others = [(r.name, r.name) for r in self.rows if r.name != name]

        def save(f: dict[str, Any]) -> None:
            provider, consumer = (name, f["other"]) if f["direction"] == "out" else (f["other"], name)
            self._save_link(provider, consumer, {**f, "confirmed": True})
        self._ask(f"{name}: 連携を追加", [
            Field("direction", "向き", "in", [(f"相手 → {name}（相手が提供元）", "in"),
                                            (f"{name} → 相手（相手が利用側）", "out")]),
            Field("other", "相手のシステム", others[0][1], others),
            Field("data", "データ（例 宛名,世帯）", ""),
            Field("method", "方式", LinkMethod.FILE, [(m.value, m) for m in LinkMethod]),
            Field("interim", "暫定連携あり", False, checkbox=True),
        ], save)

    def action_confirm(self) -> None:
        row = self.current()
        if row is not None and row.node.typical:
            name = row.name
            try:
                self._save(f"{name} を確認済みにしました。", lambda: systems.update_system(
                    db=self.workspace.db, user=self.workspace.user, system=name, typical=False), names=[name],
                    label=f"{name} の確認済み")
            except FitGapError as exc:
                self.notify(f"{exc.message}\n{exc.hint or ''}".strip(), severity="error", timeout=6)

    # ---- view ---------------------------------------------------------------------------------

    def action_toggle_view(self) -> None:
        switcher = self.query_one("#sys-switcher", ContentSwitcher)
        switcher.current = "timeline" if switcher.current == "systems" else "systems"

    def action_year(self, step: int) -> None:
        self.fy = (self.fy or fiscal_year(self.workspace.today)) + step
        self.query_one("#sys-switcher", ContentSwitcher).current = "timeline"
        self.query_one("#timeline-text", Timeline).show(self.rows, fy=self.fy, today=self.workspace.today)

    def action_reload(self) -> None:
        self.load()
        self.notify("読み直しました。", timeout=2)

    def action_back(self) -> None:
        self.workbench.go_home()

    def palette_commands(self) -> Iterable[PaletteCommand]:
        for key in KEYS:
            if key.id != "systems.back":
                yield PaletteCommand(f"システム: {key.description}", key.tooltip or "", self._runner(key.action))
        yield from self.change_palette_commands(self._runner)

    def _runner(self, action: str) -> Callable[[], object]:
        return lambda: self.run_action(action)
