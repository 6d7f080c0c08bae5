"""Requirements of one operation (or of all): a table of only the visible rows and a detail pane."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from typing import ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, ProgressBar, Static

from fitgap.domain.dispositions import for_requirements
from fitgap.domain.enums import Disposition, RequirementKind, Status
from fitgap.errors import FitGapError
from fitgap.services import drafts, owners, views
from fitgap.services.command_line import command_line
from fitgap.services.data_items import items_for_function
from fitgap.services.items import (
    ItemFilter,
    ItemKey,
    ItemRow,
    ItemSort,
    change_stamp,
    count_items,
    get_item,
    get_item_detail,
    id_width,
    item_keys,
    spec_document_without_list,
)
from fitgap.services.status import get_overview
from fitgap.tui import keymap
from fitgap.tui.commands import PaletteCommand
from fitgap.tui.drafts import DraftSlot
from fitgap.tui.labels import count
from fitgap.tui.screens.item_source import SORT_LABELS, ItemSource, format_item, item_columns
from fitgap.tui.screens.live_search import LiveSearch
from fitgap.tui.screens.marking import MarkingScreen
from fitgap.tui.screens.post_cutover_form import post_cutover_commands
from fitgap.tui.screens.typed_search import TypedSearch
from fitgap.tui.widgets.detail_pane import DetailPane
from fitgap.tui.widgets.filter_bar import FilterBar
from fitgap.tui.widgets.filter_picker import (
    FilterPicker,
    apply_values,
    describe,
    filter_options,
    filter_values,
)
from fitgap.tui.widgets.pickers import ChoiceModal, NameModal
from fitgap.tui.widgets.virtual_table import Cell, VirtualTable

LAST_VIEW_DELAY_S = 1.0
POLL_S = 5.0  # how often the list looks whether someone else changed something (one cheap query)
STABLE_SORTS = frozenset({"document", "req_id", "kind", "operation", "name", "kubun"})  # not changed by marking
PAGE_SIZE = 50  # rows per database read; a screen shows at most ~60


class RequirementsScreen(MarkingScreen):
    BINDINGS: ClassVar[list[BindingType]] = [b for g in keymap.REQUIREMENTS for b in g.bindings]
    AUTO_FOCUS = "#items"

    def __init__(self, *, operation_code: str | None, flt: ItemFilter | None = None,
                 sort: ItemSort | None = None, restore_last_view: bool = True, row: ItemKey | None = None) -> None:
        """``row``: the requirement to put the cursor on (else, with the last view restored, the one the
        cursor was on then; else the first)."""
        super().__init__()
        self.operation_code = operation_code
        self.start_row = row
        self._items_table: VirtualTable[ItemRow] | None = None
        self._explicit = (flt, sort)
        self.restore_last_view = restore_last_view
        self.flt = ItemFilter(operation_code=operation_code)
        self.sort = ItemSort()
        self.selected_items: dict[ItemKey, int | None] = {}
        self.busy = False
        self.total = 0
        self.names: dict[str, str] = {}
        self.short_names: dict[str, str] = {}
        self._detail_pending = False
        self._last_view_timer: Timer | None = None
        self._stamp = 0
        self.typed = TypedSearch(lambda: self.query_one(FilterBar), restore=self._restore_search,
                                 started=self._typed_search_started)
        self.live = LiveSearch(self, current=lambda: self.flt, box=lambda: self.query_one(FilterBar).search_input.value,
                               source=self._source, read_ahead=self._read_ahead,
                               show=lambda flt, source: self.set_filter(flt, source=source), failed=self.show_error)

    # ---- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._initial_view()
        yield Static(id="req-title", classes="screen-title")
        yield FilterBar(text=self.flt.text, blink=self.workbench.blink, id="filter-bar")
        with Container(id="req-body"):
            yield VirtualTable[ItemRow](self._source(), columns=item_columns(all_operations=self.operation_code is None,
                                                           id_width=id_width(db=self.workspace.db,
                                                                             operation_code=self.operation_code)),
                                        formatter=self._format, is_selected=lambda r: r.key in self.selected_items,
                                        key=lambda r: r.key, page_size=PAGE_SIZE, id="items")
            yield DetailPane(id="detail")
        yield Footer()

    def _initial_view(self) -> None:
        ws = self.workspace
        flt, sort = self._explicit
        if flt is None and self.restore_last_view:
            last = views.get_last_view(db=ws.db, user=ws.user, operation_code=self.operation_code)
            if last is not None:
                flt, sort = last
                if self.start_row is None:
                    self.start_row = views.get_last_row(db=ws.db, user=ws.user, operation_code=self.operation_code)
        self.flt = replace(flt or ItemFilter(), operation_code=self.operation_code)
        self.sort = sort or ItemSort()
        if not ws.names:
            overview = get_overview(db=ws.db, today=ws.today)
            ws.names = {o.code: o.name for o in overview.operations}
            ws.short_names = {o.code: o.short_name for o in overview.operations}
        self.names, self.short_names = ws.names, ws.short_names
        self.total = -1  # counted when first needed (not at all while nothing is filtered)

    def on_mount(self) -> None:
        self._items_table = self.table
        self.query_one(FilterBar).set_summary(describe(self.flt))
        self.update_title()
        self._detail_pending = True
        if self.start_row is not None:
            self.call_after_refresh(self.table.move_to_key, self.start_row)  # once laid out: scrolled to it
        self.call_after_refresh(self._show_detail)
        self._stamp = change_stamp(db=self.workspace.db)
        self.set_interval(POLL_S, self.poll_changes)

    def poll_changes(self) -> bool:
        """Read the list again when anyone changed something since it was read; True when it did."""
        if self.busy or self.app.screen is not self:
            return False
        try:
            stamp = change_stamp(db=self.workspace.db)
        except FitGapError:
            return False
        if stamp == self._stamp:
            return False
        self.data_changed()
        return True

    def action_reload(self) -> None:
        self.workspace.reset_note_rule()
        self.data_changed()
        self.notify("読み直しました（他の利用者の変更も反映しています）。", timeout=2)

    @property
    def table(self) -> VirtualTable[ItemRow]:
        return self.query_one("#items", VirtualTable)

    def _source(self, flt: ItemFilter | None = None) -> ItemSource:
        return ItemSource(db=self.workspace.db, flt=self.flt if flt is None else flt, sort=self.sort)

    def _read_ahead(self, source: ItemSource) -> Callable[[], None]:
        """The reading (done in the search's worker) of what showing ``source`` needs first: the rows about
        the cursor's requirement as the table stands now."""
        table = self.table
        return partial(source.prepare, anchor=table.anchor_key, around=table.cursor, window=table.body_height + 2,
                       page_size=PAGE_SIZE)

    def _format(self, row: ItemRow) -> dict[str, Cell]:
        return format_item(row, selected=row.key in self.selected_items, note_rule=self.workspace.note_rule(),
                           operation_names=self.short_names)

    def update_title(self) -> None:
        where = (f"{self.names.get(self.operation_code, self.operation_code)}（{self.operation_code}）"
                 if self.operation_code else "全業務")
        shown = self.table.row_count
        if self.flt == ItemFilter(operation_code=self.operation_code):
            self.total = shown
        elif self.total < 0:
            self.total = count_items(db=self.workspace.db, flt=ItemFilter(operation_code=self.operation_code))
        parts = [f"[b]{where} の要件[/b]", f"{count(shown)}件" + (f" / 全{count(self.total)}件" if shown != self.total else "")]
        if self.selected_items:
            parts.append(f"[b $text-accent]選択 {count(len(self.selected_items))}件[/]（1/2/3/u・d で一括変更）")
        parts.append(f"並び: {SORT_LABELS.get(self.sort.column, self.sort.column)}{'↓' if self.sort.descending else '↑'}")
        self.query_one("#req-title", Static).update("　".join(parts))

    # ---- detail -------------------------------------------------------------------------------

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        if not self._detail_pending:
            self._detail_pending = True
            self.call_later(self._show_detail)

    def _show_detail(self) -> None:
        self._detail_pending = False
        row = self.table.current_row
        pane = self.query_one(DetailPane)
        if row is None:
            pane.show(None, note_rule=self.workspace.note_rule(), empty=self._no_list_guide())
            return
        try:
            detail = get_item_detail(db=self.workspace.db, key=row.key)
        except FitGapError:
            self.table.reload()
            return
        if detail.row != row:  # changed by someone since the page was read: the list shows what the pane shows
            self.table.cache.replace({row.key: detail.row}, key=lambda r: r.key)
            self.table.refresh_row(self.table.cursor)
        pane.show(detail, note_rule=self.workspace.note_rule(), terms=self.flt.terms())
        pane.show_data_items(items_for_function(db=self.workspace.db, req_id=row.key.req_id)
                             if row.key.kind == RequirementKind.FUNCTION else [])

    def _anchored_key(self) -> ItemKey | None:
        """The requirement the cursor is on, as the table last anchored it (nothing read; also while the
        screen is being taken down, when its table is no longer queried)."""
        table = self._items_table
        key = table.anchor_key if table is not None else None
        return key if isinstance(key, ItemKey) else None

    def _cursor_key(self) -> ItemKey | None:
        row = self.table.current_row
        return row.key if row is not None else None

    def _no_list_guide(self) -> Content | None:
        """For an operation whose list was never imported: what the list is and how to bring it in."""
        if self.operation_code is None:
            return None
        missing = spec_document_without_list(db=self.workspace.db, operation_code=self.operation_code)
        if missing is None:
            return None
        name, document = missing
        return Content.assemble(
            (f"{name} の要件一覧はまだ取り込まれていません。", "bold"), "\n\n",
            f"「{document}」の機能・帳票要件一覧（Excel）を所管省庁やデジタル庁のサイトから入手し、取り込んでください。\n",
            "・作業画面: ctrl+p でパレットを開き「取り込み: 要件一覧…」\n",
            f"・コマンド: {command_line('import-spec', '要件一覧.xlsx', url=self.workspace.db.url)}"
            "（複数のファイルは並べて指定）",
        )

    def on_virtual_table_cursor_displaced(self, event: VirtualTable.CursorDisplaced) -> None:
        """The cursor's requirement left the list when it was read again: say which, why, and where the
        cursor went (a mark key pressed just now is held: see MarkingScreen.held)."""
        event.stop()
        lost = cast(ItemKey, event.lost)
        try:
            now = get_item(db=self.workspace.db, key=lost)
        except FitGapError:
            why = "要件一覧から除かれました"
        else:
            other = now.assessed_by if now.assessed_by and now.assessed_by != self.workspace.user else None
            change = f" {other} さんが{now.status.value}にした" if other else f"{now.status.value}になった"
            shown = describe(self.flt) or (f"検索「{self.flt.text}」" if self.flt.text else "")
            why = f"{change}ため、いまの絞り込み（{shown}）に当てはまらなくなりました" if shown else f"{change}ため、一覧から外れました"
        row = self.table.row_at(event.index) if event.index is not None else None
        where = f"カーソルは次の {row.key.label} に移りました。" if row is not None else "一覧は空になりました。"
        self.notify(f"{lost.label} は{why}。{where}", title="カーソルの要件が一覧から外れました", timeout=8)

    def on_virtual_table_activated(self, event: VirtualTable.Activated) -> None:
        """Enter (or a double click) on a requirement: the full-screen view of it."""
        event.stop()
        row = self.table.current_row
        if row is not None:
            from fitgap.tui.screens.item_view import ItemScreen

            self.app.push_screen(ItemScreen(row.key, terms=self.flt.terms(), mark=self.mark_shown,
                                            follow=self._cursor_key))

    def mark_shown(self, key: ItemKey, status_value: str) -> bool:
        """A mark key on the full view of ``key``: marks it as the list's own key does (note rule,
        conflicts), and the list's cursor moves on to the next requirement. False when nothing was done."""
        if self.selected_items:
            self.notify(f"選択中の {len(self.selected_items):,}件の一括変更は一覧で行います（esc で一覧へ戻ります）。",
                        timeout=4)
            return False
        row = self.table.current_row
        if (row is None or row.key != key) and not self.table.move_to_key(key):
            self.notify(f"{key.label} はいまの一覧にないため、判定していません（esc で一覧へ戻ります）。", timeout=5)
            return False
        self.action_mark(status_value)
        return True

    def action_detail_scroll(self, direction: int) -> None:
        self.query_one(DetailPane).scroll_relative(y=direction * 5, animate=False)

    def order_stable(self) -> bool:
        f = self.flt
        filtered = (f.statuses or f.dispositions or f.severities or f.departments or f.needs_review is not None
                    or f.note_missing is not None)
        return not filtered and self.sort.column in STABLE_SORTS

    def data_changed(self) -> None:
        self._stamp = change_stamp(db=self.workspace.db)
        self.total = -1
        self.table.reload(keep_cursor=True)
        self.update_title()

    # ---- busy ---------------------------------------------------------------------------------

    def set_busy(self, label: str | None) -> None:
        """Show (or, with None, remove) the progress bar of work running in a worker."""
        self.busy = label is not None
        for box in self.query("#req-busy"):
            box.remove()
        if label:
            self.mount(Container(Static(Content(f"処理中: {label}"), id="req-busy-label"),
                                 ProgressBar(total=None, show_eta=False, id="req-progress"), id="req-busy"),
                       before=self.query_one(Footer))

    # ---- selection ----------------------------------------------------------------------------

    def _select(self, row: ItemRow | None, on: bool = True) -> None:
        if row is None:
            return
        if on:
            self.selected_items[row.key] = row.revision
        else:
            self.selected_items.pop(row.key, None)

    def action_toggle_select(self) -> None:
        row = self.table.current_row
        if row is None:
            return
        self._select(row, row.key not in self.selected_items)
        self.table.refresh()
        self.table.action_cursor_down()
        self.update_title()

    def action_extend_select(self, delta: int) -> None:
        self._select(self.table.current_row)
        self.table.move_to(self.table.cursor + delta)
        self._select(self.table.current_row)
        self.table.refresh()
        self.update_title()

    def action_select_all(self) -> None:
        keys = item_keys(db=self.workspace.db, flt=self.flt)
        known = {r.key: r.revision for r in self.table.cache.cached_rows()}
        self.selected_items = {k: known.get(k) for k in keys}
        self.table.refresh()
        self.update_title()
        self.notify(f"絞り込み結果の {count(len(keys))}件を選択しました。1/2/3/u や d で一括変更します（esc で解除）。",
                    timeout=4)

    def clear_selected_items(self) -> None:
        self.selected_items.clear()
        self.table.refresh()
        self.update_title()

    def action_back(self) -> None:
        if self.selected_items:
            self.clear_selected_items()
            return
        self.save_last_view()
        self.app.pop_screen()

    # ---- filter, search, sort -----------------------------------------------------------------

    def set_filter(self, flt: ItemFilter, *, source: ItemSource | None = None) -> None:
        """Show the list of ``flt`` (``source``: its rows already read ahead, by the search as typed)."""
        self.flt = replace(flt, operation_code=self.operation_code)
        if source is None or source.flt != self.flt or source.sort != self.sort:
            source = self._source()
        self.table.set_source(source, keep_cursor=True)  # on its requirement if listed, else the first
        self.query_one(FilterBar).set_summary(describe(self.flt))
        self.update_title()
        self._schedule_last_view()

    def set_sort(self, sort: ItemSort) -> None:
        self.sort = sort
        self.table.set_source(self._source(), keep_cursor=True)  # the same requirements: the cursor stays on its own
        self.update_title()
        self._schedule_last_view()

    def action_search(self) -> None:
        self.query_one(FilterBar).search_input.focus()

    def on_filter_bar_search_changed(self, event: FilterBar.SearchChanged) -> None:
        if event.text != self.query_one(FilterBar).search_input.value:
            return  # stale: the box was set back since (esc on a typed search)
        if not event.settle:
            if event.text != self.flt.text or self.live.running is not None:
                self.live.typed(event.text)  # queried at once in a worker (see live_search)
            return
        self.live.settle()  # enter / ↓: the list is the box's search before the next key acts on it
        if event.text != self.flt.text:
            self.set_filter(replace(self.flt, text=event.text))

    def on_key(self, event: events.Key) -> None:
        """Text typed while the list has focus goes to the search (see typed_search)."""
        if self.focused is not self.table:
            self.typed.end()
            return
        bound = any(k in self.active_bindings for k in event.aliases)
        if self.typed.key(event, bound=bound, previous=self.flt.text):
            event.stop()
            event.prevent_default()

    def on_screen_suspend(self) -> None:
        self.typed.end()

    def _typed_search_started(self) -> None:
        self.notify("一覧で入力した文字は検索に入ります（判定はしません）。enter で一覧へ戻り、esc で取り消します。",
                    title="検索", timeout=4)

    def _restore_search(self, text: str) -> None:
        self.live.settle()
        self.query_one(FilterBar).set_text(text)
        self.set_filter(replace(self.flt, text=text))

    def on_filter_bar_done(self, _event: FilterBar.Done) -> None:
        self.table.focus()

    def action_filter(self) -> None:
        self.app.push_screen(FilterPicker(flt=self.flt, on_change=self.set_filter, departments=self._departments()))

    def _departments(self) -> list[str]:
        """The 担当課 in use, and any the filter names (so a chosen one can be taken off)."""
        in_use = [name for name, reqs, _fns in owners.departments(db=self.workspace.db) if reqs]
        return sorted(set(in_use) | set(self.flt.departments))

    def action_clear_filter(self) -> None:
        self.query_one(FilterBar).set_text("")
        self.set_filter(ItemFilter(operation_code=self.operation_code))

    def toggle_filter(self, value: str) -> None:
        values = filter_values(self.flt) ^ {value}
        self.set_filter(apply_values(self.flt, values))

    def action_sort(self) -> None:
        columns = [c for c in SORT_LABELS if c != "operation" or self.operation_code is None]
        choices = [(f"{SORT_LABELS[c]}{' （いま: ' + ('降順' if self.sort.descending else '昇順') + '）' if c == self.sort.column else ''}", c)
                   for c in columns]
        current = columns.index(self.sort.column) if self.sort.column in columns else 0
        self.app.push_screen(ChoiceModal(title="並べ替え", choices=choices, current=current,
                                         hint="同じ列を選ぶと逆順になります"), self.sort_by)

    def sort_by(self, column: str | None) -> None:
        if column is None:
            return
        descending = not self.sort.descending if column == self.sort.column else False
        self.set_sort(ItemSort(column, descending))

    def action_reverse_sort(self) -> None:
        self.set_sort(ItemSort(self.sort.column, not self.sort.descending))

    # ---- saved views --------------------------------------------------------------------------

    def _schedule_last_view(self) -> None:
        if self._last_view_timer is not None:
            self._last_view_timer.stop()
        self._last_view_timer = self.set_timer(LAST_VIEW_DELAY_S, self.save_last_view)

    def save_last_view(self) -> None:
        if self._last_view_timer is not None:
            self._last_view_timer.stop()
            self._last_view_timer = None
        try:
            views.set_last_view(db=self.workspace.db, flt=self.flt, sort=self.sort, user=self.workspace.user,
                                row=self._anchored_key())
        except FitGapError as exc:
            self.show_error(exc)

    def action_save_view(self, value: str = "") -> None:
        """Name the current filter and sort; a name already taken is replaced only when the user says so."""
        def save(name: str | None) -> None:
            if not name:
                return
            if name in views.list_views(db=self.workspace.db):
                self.app.push_screen(ChoiceModal(title=f"ビュー「{name}」はすでにあります",
                                                 hint="置き換えると、保存してある条件はいまの条件になります。",
                                                 choices=[("置き換える", True), ("別の名前にする", False)]),
                                     lambda yes: self._save_view(name) if yes else self.action_save_view(name))
                return
            self._save_view(name)

        summary = describe(self.flt) or "絞り込みなし"
        draft = self.workspace.drafts.handle(DraftSlot(drafts.FORM, "view-name", "ビューの名前"))
        self.app.push_screen(NameModal(title="ビューを保存", hint=f"いまの条件: {summary}" +
                                       (f"　検索「{self.flt.text}」" if self.flt.text else ""), value=value,
                                       blink=self.workbench.blink, draft=draft), save)

    def _save_view(self, name: str) -> None:
        try:
            views.save_view(db=self.workspace.db, name=name, flt=self.flt, sort=self.sort)
        except FitGapError as exc:
            self.show_error(exc)
            return
        self.notify(f"ビュー「{name}」を保存しました。", timeout=3)

    def action_open_view(self) -> None:
        names = views.list_views(db=self.workspace.db)
        if not names:
            self.notify("保存したビューはありません（V で保存）。", timeout=3)
            return
        self.app.push_screen(ChoiceModal(title="ビューを開く", choices=[(n, n) for n in names]), self.open_view)

    def open_view(self, name: str | None) -> None:
        if not name:
            return
        try:
            flt, sort = views.get_view(db=self.workspace.db, name=name)
        except FitGapError as exc:
            self.show_error(exc)
            return
        if flt.operation_code != self.operation_code:
            self.workbench.open_view_screen(flt, sort)
            return
        self.query_one(FilterBar).set_text(flt.text)
        self.sort = sort
        self.set_filter(flt)
        self.notify(f"ビュー「{name}」を開きました。", timeout=3)

    def ask_delete_view(self, name: str) -> None:
        """The palette's 削除: asks first, as the saved-views list does."""
        self.app.push_screen(ChoiceModal(title=f"ビュー「{name}」を削除しますか", choices=[("削除する", True),
                                                                                   ("やめる", False)]),
                             lambda yes: self.delete_view(name) if yes else None)

    def delete_view(self, name: str) -> None:
        try:
            views.delete_view(db=self.workspace.db, name=name)
        except FitGapError as exc:
            self.show_error(exc)
            return
        self.notify(f"ビュー「{name}」を削除しました。", timeout=3)

    def on_unmount(self) -> None:
        self.save_last_view()  # every way out: esc, going elsewhere, quitting

    # ---- palette ------------------------------------------------------------------------------

    def palette_commands(self) -> Iterable[PaletteCommand]:
        for s in Status:
            yield PaletteCommand(f"判定: {s.value}", f"{s.value}にします（選択中なら選択したすべて）",
                                 partial(self.action_mark, s.value))
        yield PaletteCommand("判定: 対応方針…", "ギャップの対応方針を選びます", self.action_disposition)
        for d in for_requirements():
            yield PaletteCommand(f"判定: 対応方針 {d.value}", "選択中（なければこの要件）の対応方針",
                                 partial(self._set_disposition, d), discover=False)
        yield PaletteCommand("メモ: 編集", "メモを編集します", self.action_note)
        yield PaletteCommand("メモ: 外部エディタで編集", "メモを $EDITOR（なければ vi / notepad）で編集します",
                             self.action_note_editor)
        yield from post_cutover_commands(self, self._cursor_key, self._show_detail)
        yield PaletteCommand("選択: この要件", "選択／解除", self.action_toggle_select)
        yield PaletteCommand("選択: 絞り込み結果をすべて", "いまの絞り込みに当てはまる要件をすべて選択", self.action_select_all)
        yield PaletteCommand("選択: 解除", "選択をすべて解除", self.clear_selected_items)
        yield PaletteCommand("検索: ID・名称・本文", "ID・名称・本文を検索", self.action_search)
        yield PaletteCommand("絞り込み: 条件を選ぶ…", "状況・区分・方針・重要度・フラグ", self.action_filter)
        yield PaletteCommand("絞り込み: 解除", "検索と絞り込みをすべて解除", self.action_clear_filter)
        chosen = filter_values(self.flt)
        for label, value in filter_options(self._departments()):
            mark = "解除" if value in chosen else "追加"
            yield PaletteCommand(f"絞り込み: {label}", f"この条件を{mark}", partial(self.toggle_filter, value),
                                 discover=False)
        for column, label in SORT_LABELS.items():
            yield PaletteCommand(f"並べ替え: {label}", "この列で並べ替え（もう一度で逆順）",
                                 partial(self.sort_by, column), discover=False)
        yield PaletteCommand("並べ替え: 逆順", "並び順を逆にします", self.action_reverse_sort)
        yield PaletteCommand("ビュー: 名前を付けて保存…", "いまの絞り込みと並べ替えに名前を付けて保存", self.action_save_view)
        yield PaletteCommand("ビュー: 開く…", "保存したビューを開きます", self.action_open_view)
        for name in views.list_views(db=self.workspace.db):
            yield PaletteCommand(f"ビュー: 開く「{name}」", "保存したビュー", partial(self.open_view, name),
                                 discover=False)
            yield PaletteCommand(f"ビュー: 削除「{name}」…", "保存したビューを削除します（確認あり）",
                                 partial(self.ask_delete_view, name), discover=False)
        yield PaletteCommand("一覧: 読み直し", "一覧と詳細を読み直します（他の利用者の変更を反映）",
                             self.action_reload)
        yield PaletteCommand("開く: 業務一覧", "業務一覧へ戻ります", self.workbench.go_home)

    def _set_disposition(self, d: Disposition) -> None:
        self.decide(d)  # (the same asks as the picker's: which 業務見直し item, the reason of a カスタマイズ)
