"""独自機能: the current system's functions, their mapping to the spec and their dispositions.

List on the left, the selected function in detail on the right. m maps it to requirements (searched as
in the requirement list), o marks it 標準外, d picks a disposition, e edits the reason; space selects
for bulk changes; f filters by disposition or verdict; z / y undo and redo this screen's changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from fitgap.domain.custom import Coverage, CustomDisposition
from fitgap.domain.dispositions import changes_work, reason_missing
from fitgap.domain.enums import Status
from fitgap.errors import FitGapError, InvalidInputError
from fitgap.services import custom, custom_summary, drafts
from fitgap.services.command_line import command_line
from fitgap.services.custom import (
    SYSTEM_DECISIONS,
    UNSET,
    CustomUpdateResult,
    FunctionFilter,
    FunctionKey,
    FunctionRow,
)
from fitgap.tui.commands import PaletteCommand
from fitgap.tui.drafts import DraftSlot, NoteConflict, Theirs, draft_to_offer
from fitgap.tui.screens.base import WorkbenchScreen
from fitgap.tui.screens.bpr_join import ask_join
from fitgap.tui.screens.bpr_view import bpr_notice
from fitgap.tui.screens.custom_picker import RequirementPicker
from fitgap.tui.screens.custom_view import COLUMNS, FILTERS, KEYS, detail_text, format_row
from fitgap.tui.screens.decision_names import pick_system
from fitgap.tui.widgets.note_editor import NoteEditor
from fitgap.tui.widgets.page_cache import ListSource
from fitgap.tui.widgets.pickers import ChoiceModal
from fitgap.tui.widgets.virtual_table import Cell, VirtualTable

IN_PLACE_LIMIT = 200  # more changed rows than this: read the list again


def _contribution(row: FunctionRow) -> dict[str, int]:
    """What one function adds to each count of the summary line (the same rules as custom.summary)."""
    return {"total": 1, "in_spec": row.coverage == Coverage.IN_SPEC, "outside": row.coverage == Coverage.OUTSIDE,
            "reverse": row.reverse_gap, "undecided": row.undecided, "unchecked": row.coverage == Coverage.UNCHECKED,
            "demo": row.demo}


class FunctionSource:
    """Rows of the table, read a page at a time; the database filters (as for the requirement list)."""

    def __init__(self, *, db: Any, flt: FunctionFilter) -> None:
        self.db, self.flt = db, flt

    def count(self) -> int:
        return custom.count_functions(db=self.db, flt=self.flt)

    def fetch(self, offset: int, limit: int) -> Sequence[FunctionRow]:
        return custom.page_functions(db=self.db, flt=self.flt, offset=offset, limit=limit)


class CustomScreen(WorkbenchScreen):
    BINDINGS: ClassVar[list[BindingType]] = list(KEYS)
    AUTO_FOCUS = "#functions"
    DEFAULT_CSS = """
    CustomScreen #custom-body { height: 1fr; }
    CustomScreen #functions { width: 3fr; }
    CustomScreen #custom-detail { width: 2fr; border-left: solid $panel; padding: 0 1; }
    """

    def __init__(self, operation_code: str | None = None) -> None:
        super().__init__(id="custom-screen")
        self.operation_code = operation_code
        self.filter_index = 0
        self._departments: list[str] | None = None  # the 担当課 offered as filters, read when first needed
        self.shown = 0
        self.totals: dict[str, int] = {}
        self.selected: set[FunctionKey] = set()
        self.undo_stack: list[tuple[str, str]] = []  # (label, batch)
        self.redo_stack: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Static(id="custom-title", classes="screen-title")
        yield Static(id="custom-summary", classes="screen-summary")
        with Horizontal(id="custom-body"):
            yield VirtualTable[FunctionRow](ListSource([]), columns=COLUMNS, formatter=self._format,
                                            is_selected=lambda r: r.key in self.selected, id="functions")
            with VerticalScroll(id="custom-detail"):
                yield Static(id="custom-detail-text")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def _format(self, row: FunctionRow) -> Sequence[Cell]:
        return format_row(row)

    @property
    def filters(self) -> list[tuple[str, FunctionFilter]]:
        """The fixed filters, then one per 担当課 the functions are assigned to ("my items")."""
        if self._departments is None:
            try:
                self._departments = custom.owner_departments(db=self.workspace.db, operation_code=self.operation_code)
            except FitGapError:
                self._departments = []
        return [*FILTERS, *((f"担当課: {d}", FunctionFilter(owner_department=d)) for d in self._departments)]

    @property
    def flt(self) -> FunctionFilter:
        shown = self.filters
        base = shown[self.filter_index if self.filter_index < len(shown) else 0][1]
        return FunctionFilter(operation_code=self.operation_code, coverage=base.coverage,
                              dispositions=base.dispositions, undecided=base.undecided, reverse_gap=base.reverse_gap,
                              owner_department=base.owner_department)

    # ---- data ---------------------------------------------------------------------------------

    def load(self) -> None:
        """Read everything again: the table (count and pages) and the summary counts."""
        ws = self.workspace
        table = self.query_one("#functions", VirtualTable)
        table.set_source(FunctionSource(db=ws.db, flt=self.flt), keep_cursor=True)
        self.shown = table.row_count
        self.totals = custom.summary(db=ws.db, operation_code=self.operation_code)
        self.show_summary()
        self.show_detail()

    def show_summary(self) -> None:
        ws, totals = self.workspace, self.totals
        scope = ws.names.get(self.operation_code, self.operation_code) if self.operation_code else "全業務"
        self.query_one("#custom-title", Static).update(
            f"[b]独自機能（現行機能の棚卸し）[/b]　{escape(scope)}　利用者 {escape(ws.user)}"
            + ("　[b $text-warning]【デモデータ】[/]" if totals["demo"] else "")
        )
        self.query_one("#custom-summary", Static).update(
            f"現行機能 {totals['total']}件　標準内 {totals['in_spec']}　標準外 {totals['outside']}"
            f"　要廃止 [b $text-error]{totals['reverse']}[/]　方針未決定 [b $text-warning]{totals['undecided']}[/]"
            f"　未確認 {totals['unchecked']}　表示: {escape(self._filter_label())} {self.shown}件"
            + (f"　選択 {len(self.selected)}件" if self.selected else "")
        )

    def after_change(self, result: CustomUpdateResult) -> None:
        """Without a filter rows cannot leave the list: put the changed ones in place and adjust the counts
        by what they were and are (as the requirement list does); otherwise read everything again."""
        touched = [*result.changed, *(c.key for c in result.conflicts)]
        table = self.query_one("#functions", VirtualTable)
        cached = {r.key: r for r in table.cache.cached_rows()}
        if self.filter_index != 0 or len(touched) > IN_PLACE_LIMIT or any(k not in cached for k in touched):
            self.load()
            return
        fresh: dict[FunctionKey, FunctionRow] = {}
        for key in touched:
            try:
                fresh[key] = custom.get_function(db=self.workspace.db, key=key).row
            except FitGapError:
                self.load()
                return
        for key, row in fresh.items():
            for name, n in _contribution(cached[key]).items():
                self.totals[name] -= n
            for name, n in _contribution(row).items():
                self.totals[name] += n
        table.cache.replace(fresh, key=lambda r: r.key)
        table.refresh()
        self.show_summary()
        self.show_detail()

    def current(self) -> FunctionRow | None:
        row = self.query_one("#functions", VirtualTable).current_row
        return row if isinstance(row, FunctionRow) else None

    def targets(self) -> list[FunctionKey]:
        if self.selected:
            return sorted(self.selected)
        row = self.current()
        return [row.key] if row is not None else []

    def _revisions(self, keys: Sequence[FunctionKey]) -> dict[FunctionKey, int] | None:
        """The revision shown, for a change of the row under the cursor (a stale one is a conflict)."""
        row = self.current()
        return {row.key: row.revision} if row is not None and list(keys) == [row.key] else None

    def show_detail(self) -> None:
        row = self.current()
        detail = None
        if row is not None:
            try:
                detail = custom.get_function(db=self.workspace.db, key=row.key)
            except FitGapError:
                detail = None
        self.query_one("#custom-detail-text", Static).update(detail_text(detail))

    def data_changed(self) -> None:
        self.load()

    def on_virtual_table_cursor_moved(self, _event: VirtualTable.CursorMoved) -> None:
        self.show_detail()

    def on_virtual_table_activated(self, _event: VirtualTable.Activated) -> None:
        self.action_map()

    # ---- changes ------------------------------------------------------------------------------

    def _run(self, label: str, change: Callable[[], CustomUpdateResult],
             retry: Callable[[], None] | None = None) -> CustomUpdateResult | None:
        try:
            result = change()
        except FitGapError as exc:
            self.notify(exc.message + (f"\n対処: {exc.hint}" if exc.hint else ""), title="エラー", severity="error",
                        timeout=10)
            return None
        self._done(label, result)
        return result

    def _done(self, label: str, result: CustomUpdateResult) -> None:
        """After a change: remembered for undo, reported, shown."""
        if result.batch:
            self.undo_stack.append((label, result.batch))
            self.redo_stack.clear()
        self._report(label, result)
        self.after_change(result)

    def _report(self, label: str, r: CustomUpdateResult) -> None:
        db = self.workspace.db
        lines = custom_summary.update_summary(r, shown=5, command=lambda *a: command_line(*a, url=db.url))
        lines[0] = f"{label}: {lines[0]}"
        said = bpr_notice(r.bpr)
        if said:
            lines.append(said)
        warn = bool(r.rejected or r.conflicts or r.mismatches)
        self.notify("\n".join(lines), severity="warning" if warn else "information", timeout=8 if warn else 3)

    def action_map(self) -> None:
        row = self.current()
        if row is None:
            return
        about = f"{row.key}  {row.name}（{row.kind.value}）"

        def done(keys: list[Any] | None) -> None:
            if keys is None:
                return
            self._run("対応付け", lambda: custom.map_functions(
                db=self.workspace.db, user=self.workspace.user, keys=[row.key], replace=keys,
                expected_revisions={row.key: row.revision}))

        draft = self.workspace.drafts.handle(DraftSlot(drafts.FORM, f"map:{row.key}", f"対応付け {row.key} {row.name}"))
        self.app.push_screen(RequirementPicker(db=self.workspace.db, operation_code=row.key.operation_code, about=about,
                                               chosen=[m.key for m in row.mapped], blink=self.workbench.blink,
                                               draft=draft), done)

    def action_outside(self) -> None:
        keys = self.targets()
        row = self.current()
        if not keys or row is None:
            return
        make_outside = row.coverage != Coverage.OUTSIDE  # as the row under the cursor shows: on, or off again
        label = "標準外にする" if make_outside else "標準外の印を外す"
        self._run(label, lambda: custom.set_functions(db=self.workspace.db, user=self.workspace.user, keys=keys,
                                                      outside_spec=make_outside,
                                                      expected_revisions=self._revisions(keys)))

    def _note_needed(self) -> bool:
        return Status.GAP in self.workspace.note_rule()

    def action_disposition(self) -> None:
        keys = self.targets()
        if not keys:
            return
        choices: list[tuple[str, CustomDisposition | None]] = [(d.value, d) for d in CustomDisposition]
        choices.append(("（対応方針を消す）", None))
        picker = ChoiceModal[CustomDisposition | None](title=f"対応方針（{len(keys)}件）", choices=choices,
                                                        hint="標準外の機能と、実装不可の要件に当たる機能（要廃止）に設定します。")

        def chosen(value: CustomDisposition | None) -> None:
            if value is None and not picker.chose:
                return
            self.decide(keys, value)

        self.app.push_screen(picker, chosen)

    def decide(self, keys: list[FunctionKey], value: CustomDisposition | None) -> None:
        """Set the disposition, asking first what it needs: the system (an existing one for 既存の別システムで実現 /
        標準の連携で他システムが取得, an existing or a new one for 独自施策システム), the 業務見直し item of a
        decision that changes the work (a new one, or an open one of the operation), and the reason when it is
        required (カスタマイズ, or the note rule)."""
        if value in SYSTEM_DECISIONS:
            pick_system(self, self.workspace, value, lambda name: self._decide_join(keys, value, name),
                        blink=self.workbench.blink)
            return
        self._decide_join(keys, value, UNSET)

    def _decide_join(self, keys: list[FunctionKey], value: CustomDisposition | None, system: Any) -> None:
        rows = {k: custom.get_function(db=self.workspace.db, key=k).row for k in keys}

        def go(join: int | None) -> None:
            missing = [k for k, r in rows.items() if value is not None
                       and (reason_missing(value, r.note) or (self._note_needed() and not r.note.strip()))]
            if value is not None and missing:
                self._edit_note(keys, disposition=value, target_system=system, join_bpr=join,
                                required=f"{value.value} には理由が必要です（{len(missing)}件に理由がありません）。")
                return
            label = f"対応方針 {value.value if value else 'なし'}"
            self._run(label, lambda: custom.set_functions(
                db=self.workspace.db, user=self.workspace.user, keys=keys, disposition=value, target_system=system,
                expected_revisions=self._revisions(keys), join_bpr=join))

        if changes_work(value) and any(not changes_work(r.disposition) for r in rows.values()):
            ops = {k.operation_code for k in keys}
            what = f"{keys[0]} {rows[keys[0]].name} の方針 {value.value if value else ''}" if len(keys) == 1 \
                else f"{len(keys)}件の方針 {value.value if value else ''}"
            ask_join(self, self.workspace, operation_code=next(iter(ops)) if len(ops) == 1 else None, what=what,
                     then=go)
        else:
            go(None)

    def action_note(self) -> None:
        keys = self.targets()
        if keys:
            self._edit_note(keys)

    def _edit_note(self, keys: list[FunctionKey], *, disposition: Any = UNSET, required: str = "",
                   target_system: Any = UNSET, join_bpr: int | None = None) -> None:
        """The reason editor, saving from inside it. A draft left earlier (esc, a conflict, quitting) is offered
        instead of the saved reason, with the saved reason beside it; a reason someone saved meanwhile (a
        conflict, or since the draft was begun) is shown beside the text and never replaced unseen."""
        row = self.current()
        first = row if row is not None and row.key == keys[0] and len(keys) == 1 else None
        note = first.note if first is not None else ""
        about = f"{keys[0]}  {first.name}" if first is not None else f"{len(keys)}件の機能の理由"
        label = "理由" if disposition is UNSET else f"対応方針 {disposition.value}"
        slot = DraftSlot(drafts.REASON, ",".join(str(k) for k in keys),
                         f"理由 {keys[0]} {first.name}" if first is not None else f"理由 {keys[0]} ほか {len(keys) - 1}件")
        revision = first.revision if first is not None else None
        handle = self.workspace.drafts.handle(slot, base_revision=revision, base_text=note)
        text, theirs = draft_to_offer(handle, saved=note, revision=revision, theirs=lambda: Theirs(text=note))
        expected = [self._revisions(keys)]  # a conflict moves it on to the function as it is now

        def submit(value: str) -> None:
            if disposition is not UNSET and (self._note_needed() or reason_missing(disposition, "")) \
                    and not value.strip():
                raise InvalidInputError("理由が空のため保存していません。", "理由を書いてから ctrl+s で保存してください。")
            result = custom.set_functions(db=self.workspace.db, user=self.workspace.user, keys=keys,
                                          disposition=disposition, note=value, target_system=target_system,
                                          expected_revisions=expected[0], join_bpr=join_bpr)
            if result.conflicts and not result.changed:
                current = result.conflicts[0].current
                if expected[0] is not None:
                    expected[0] = {**expected[0], **{c.key: c.current.revision for c in result.conflicts}}
                self.after_change(result)
                raise NoteConflict(Theirs(text=current.note), message="他の利用者が先に保存したため、保存していません。")
            if result.rejected and not result.changed:
                raise InvalidInputError(f"保存していません: {result.rejected[0][1]}", "理由を書いてから ctrl+s で保存してください。")
            self._done(label, result)

        editor = NoteEditor(note=note, about=about, required=required, blink=self.workbench.blink, draft=text,
                            handle=handle, submit=submit, theirs=theirs, what="理由")

        def closed(_value: str | None) -> None:
            if editor.draft is not None:
                self.notify("理由を下書きとして残しました（e で続きを書けます）。", timeout=4)

        self.app.push_screen(editor, closed)

    def _filter_label(self) -> str:
        shown = self.filters
        return shown[self.filter_index][0] if self.filter_index < len(shown) else shown[0][0]

    def action_filter(self) -> None:
        self._departments = None  # assignments made meanwhile are offered
        picker = ChoiceModal[int](title="絞り込み", choices=[(label, i) for i, (label, _f) in enumerate(self.filters)],
                                  current=self.filter_index)

        def chosen(index: int | None) -> None:
            if index is None:
                return
            self.filter_index = index
            self.load()

        self.app.push_screen(picker, chosen)

    def action_toggle_select(self) -> None:
        row = self.current()
        if row is None:
            return
        self.selected ^= {row.key}
        table = self.query_one("#functions", VirtualTable)
        table.refresh_row(table.cursor)
        table.move_to(table.cursor + 1)
        self._summary_selected()

    def action_select_all(self) -> None:
        self.selected = set(custom.function_keys(db=self.workspace.db, flt=self.flt))
        self.query_one("#functions", VirtualTable).refresh()
        self._summary_selected()

    def _summary_selected(self) -> None:
        self.show_summary()

    def action_undo(self) -> None:
        self._revert(undo=True)

    def action_redo(self) -> None:
        self._revert(undo=False)

    def _revert(self, *, undo: bool) -> None:
        """Undo (or redo) the latest change on its stack. An undone batch goes to the redo stack as it is
        (redo applies it again); a redo's new batch goes to the undo stack."""
        source, target = (self.undo_stack, self.redo_stack) if undo else (self.redo_stack, self.undo_stack)
        if not source:
            self.notify("元に戻す変更はありません。" if undo else "やり直す変更はありません。", timeout=3)
            return
        label, batch = source.pop()
        try:
            result = (custom.undo if undo else custom.redo)(db=self.workspace.db, user=self.workspace.user, batch=batch)
        except FitGapError as exc:
            self.notify(exc.message, title="エラー", severity="error", timeout=8)
            return
        again = batch if undo else result.batch
        if again:
            target.append((label, again))
        self._report(f"{'元に戻しました' if undo else 'やり直しました'}（{label}）", result)
        self.after_change(result)

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        if self.selected:
            self.selected.clear()
            self.load()
            return
        self.workbench.go_home()

    def palette_commands(self) -> Iterable[PaletteCommand]:
        yield PaletteCommand("独自機能: 要件に対応付け", "選んだ機能を標準仕様書の要件に対応付けます", self.action_map)
        yield PaletteCommand("独自機能: 標準外", "標準仕様書にない機能として印を付けます／外します", self.action_outside)
        yield PaletteCommand("独自機能: 対応方針…", "廃止・業務見直し・EUC・独自施策システム など", self.action_disposition)
        yield PaletteCommand("独自機能: 理由", "対応方針の理由を編集します", self.action_note)
        yield PaletteCommand("独自機能: 絞り込み…", "対応方針・判定・担当課で絞り込みます", self.action_filter)
        yield PaletteCommand("独自機能: すべて選択", "絞り込み結果をすべて選択します", self.action_select_all)
        yield PaletteCommand("独自機能: 元に戻す", "この画面での直前の変更を取り消します", self.action_undo)
        yield PaletteCommand("独自機能: やり直す", "取り消した変更をもう一度行います", self.action_redo)
