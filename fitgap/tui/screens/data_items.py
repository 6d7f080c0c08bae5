"""データ要件: the data items of the 基本データリスト (項目定義書), item by item.

The list on the left, the selected item in full on the right. 1〜6 set the 保持状況 and move on (u: back
to 未確認), m picks the 移行方法, c opens the form of the current field (現行項目・移行方法・型・桁数), e the
note; space marks rows and every change then acts on the marked rows; f / g / o / / filter by verdict,
group, operation and text; z / y undo and redo this screen's changes.

Every row and count comes from :mod:`fitgap.services.data_items` (the rows of the scope are read once and
filtered here; the counts are the service's ``counts_of``, the same rule as ``fitgap data status``). The
cursor stays on its item when the list is read again (someone else changed something, a filter changed).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from fitgap.domain.data_items import CURRENT_TYPES, FieldMethod
from fitgap.errors import ConflictError, FitGapError, InvalidInputError
from fitgap.services import data_items as data
from fitgap.services.data_items import DataFilter, DataRow, DataUpdateResult
from fitgap.services.drafts import FORM
from fitgap.services.items import change_stamp
from fitgap.tui.commands import PaletteCommand
from fitgap.tui.drafts import DraftSlot, NoteConflict, Theirs, draft_to_offer
from fitgap.tui.labels import count
from fitgap.tui.screens.base import WorkbenchScreen
from fitgap.tui.screens.data_view import (
    COLUMNS,
    FILTERS,
    HOLDING_KEYS,
    KEYS,
    UNCHECKED,
    detail_content,
    format_row,
)
from fitgap.tui.screens.form_dialog import Field, FormDialog
from fitgap.tui.widgets.note_editor import NoteEditor
from fitgap.tui.widgets.pickers import ChoiceModal
from fitgap.tui.widgets.virtual_table import Cell, VirtualTable

DATA_NOTE = "data_note"  # the draft of a data item's note (key: its 8-digit ID)
IN_PLACE_LIMIT = 20  # up to this many changed rows are read one by one and put in place
POLL_S = 5.0  # how often the list looks whether someone else changed something (one cheap query)
NOT_SET = "（未設定）"
COUNTS_DELAY_S = 0.3  # the counts are read again once the keys pause this long


class DataSource:
    """The rows of one scope (an operation, or all), read once from the service and filtered in memory: a
    filter or a search typed costs no database read; ``forget`` (a reload) reads them again."""

    def __init__(self, *, db: Any, scope: str | None, flt: DataFilter, rows: list[DataRow] | None = None) -> None:
        self.db, self.scope, self.flt = db, scope, flt
        self._all = rows
        self._shown: list[DataRow] | None = None
        self._where: dict[str, int] = {}

    def all_rows(self) -> list[DataRow]:
        if self._all is None:
            self._all = data.list_items(db=self.db, flt=DataFilter(operation_code=self.scope))
        return self._all

    def shown(self) -> list[DataRow]:
        if self._shown is None:
            self._shown = [r for r in self.all_rows() if self.flt.matches(r)]
            self._where = {r.item_id: i for i, r in enumerate(self._shown)}
        return self._shown

    def with_filter(self, flt: DataFilter) -> DataSource:
        return DataSource(db=self.db, scope=self.scope, flt=flt, rows=self._all)

    def count(self) -> int:
        return len(self.shown())

    def fetch(self, offset: int, limit: int) -> Sequence[DataRow]:
        return self.shown()[offset:offset + limit]

    def locate(self, keys: Sequence[Hashable]) -> tuple[Hashable, int] | None:
        self.shown()
        return next(((k, self._where[k]) for k in keys if isinstance(k, str) and k in self._where), None)

    def listed(self) -> set[str]:
        self.shown()
        return set(self._where)

    def forget(self) -> None:
        self._all = self._shown = None
        self._where = {}

    def put(self, fresh: Mapping[str, DataRow]) -> None:
        """Fresh copies of rows in place (rows that still match the filter: the list keeps its order)."""
        for rows in (self._all, self._shown):
            if rows is not None:
                for i, r in enumerate(rows):
                    if r.item_id in fresh:
                        rows[i] = fresh[r.item_id]

    def row(self, item_id: str) -> DataRow | None:
        return next((r for r in self.all_rows() if r.item_id == item_id), None)


class DataItemsScreen(WorkbenchScreen):
    BINDINGS: ClassVar[list[BindingType]] = list(KEYS)
    AUTO_FOCUS = "#data-items"
    HELP_TITLE = "データ要件"
    DEFAULT_CSS = """
    DataItemsScreen #data-body { height: 1fr; }
    DataItemsScreen #data-items { width: 3fr; }
    DataItemsScreen #data-detail { width: 2fr; border-left: tall $panel; padding: 0 1; background: $surface; }
    DataItemsScreen #data-search { display: none; height: 3; }
    DataItemsScreen #data-search.-shown { display: block; }
    """

    def __init__(self, operation_code: str | None = None) -> None:
        super().__init__()
        self.operation_code = operation_code
        self.filter_index = 0
        self.group: str | None = None
        self.text = ""
        self.selected: dict[str, int] = {}  # item ID → the revision it had when marked
        self.undo_stack: list[tuple[str, str]] = []  # (label, batch)
        self.redo_stack: list[tuple[str, str]] = []
        self._detail_pending = False
        self._stamp = 0
        self._search_before = ""
        self.counts: list[Any] = []  # the service's counts of the operations shown (DataCounts)
        self._counts_timer: Timer | None = None

    # ---- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="data-title", classes="screen-title")
        yield Static(id="data-summary", classes="screen-summary")
        search = Input(placeholder="ID・データ項目・グループ・現行項目で検索（enter で一覧へ、esc で取消）", id="data-search")
        search.cursor_blink = self.workbench.blink
        yield search
        with Horizontal(id="data-body"):
            yield VirtualTable[DataRow](self._source(), columns=COLUMNS, formatter=self._format,
                                        is_selected=lambda r: r.item_id in self.selected, key=lambda r: r.item_id,
                                        id="data-items")
            with VerticalScroll(id="data-detail"):
                yield Static(id="data-detail-text")
        yield Footer()

    def on_mount(self) -> None:
        self._stamp = change_stamp(db=self.workspace.db)
        self.show_summary()
        self.read_counts()
        self._schedule_detail()
        self.set_interval(POLL_S, self.poll_changes)

    @property
    def table(self) -> VirtualTable[DataRow]:
        return self.query_one("#data-items", VirtualTable)

    @property
    def source(self) -> DataSource:
        src = self.table.cache.source
        assert isinstance(src, DataSource)
        return src

    @property
    def flt(self) -> DataFilter:
        base = FILTERS[self.filter_index][1]
        return DataFilter(operation_code=self.operation_code, verdicts=base.verdicts, unchecked=base.unchecked,
                          required_only=base.required_only, gaiji_only=base.gaiji_only, group=self.group,
                          text=self.text)

    def _source(self) -> DataSource:
        return DataSource(db=self.workspace.db, scope=self.operation_code, flt=self.flt)

    def _format(self, row: DataRow) -> Sequence[Cell]:
        return format_row(row)

    def current(self) -> DataRow | None:
        row = self.table.current_row
        return row if isinstance(row, DataRow) else None

    # ---- what is shown ------------------------------------------------------------------------

    def describe_filter(self) -> str:
        parts = [FILTERS[self.filter_index][0]] if self.filter_index else []
        if self.group:
            parts.append(f"グループ {self.group}")
        if self.text:
            parts.append(f"検索「{self.text}」")
        return "・".join(parts)

    def show_summary(self) -> None:
        """The title and the counts line now; the counts themselves a moment later, once the keys pause (one
        read of the service's counts, the same as ``fitgap data status``)."""
        ws = self.workspace
        scope = (f"{ws.names.get(self.operation_code, '')}（{self.operation_code}）".lstrip()
                 if self.operation_code else "全業務")
        self.query_one("#data-title", Static).update(Content.assemble(
            ("データ要件（基本データリスト）", "bold"), f"　{scope}　利用者 {ws.user}"))
        self._show_counts()
        if self._counts_timer is not None:
            self._counts_timer.stop()
        self._counts_timer = self.set_timer(COUNTS_DELAY_S, self.read_counts)

    def read_counts(self) -> None:
        self._counts_timer = None
        try:
            counts = data.counts_by_operation(db=self.workspace.db)
        except FitGapError:
            return
        self.counts = [c for op, c in counts.items() if self.operation_code in (None, op)]
        self._show_counts()

    def _show_counts(self) -> None:
        cs = self.counts
        items, assessed = sum(c.items for c in cs), sum(c.assessed for c in cs)
        pct = 100.0 * assessed / items if items else 0.0
        blockers = sum(c.blockers for c in cs)
        shown = self.table.row_count
        where = self.describe_filter()
        parts: list[Content | str] = [
            f"{count(items)}項目　確認済 {pct:.0f}%（{count(assessed)}）　準備済 {count(sum(c.ready for c in cs))}　",
            Content.styled(f"必須未保持 {count(blockers)}", "bold $text-error" if blockers else ""),
            f"　要再確認 {count(sum(c.review for c in cs))}　要対応 {count(sum(c.todo for c in cs))}"
            f"　コード未対応 {count(sum(c.unmapped_items for c in cs))}　外字候補 {count(sum(c.gaiji_chars for c in cs))}字",
            f"\n表示: {where or 'すべて'} {count(shown)}件",
        ]
        if self.selected:
            parts.append(Content.styled(f"　選択 {count(len(self.selected))}件（1〜6・u・m・c・e で一括変更、esc で解除）",
                                        "bold $text-accent"))
        if not shown and not self.source.all_rows():
            parts.append("\n基本データリストがありません。fitgap data import FILE で項目定義書を取り込んでください。")
        self.query_one("#data-summary", Static).update(Content.assemble(*parts))

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        self._schedule_detail()

    def _schedule_detail(self) -> None:
        if not self._detail_pending:
            self._detail_pending = True
            self.call_later(self.show_detail)

    def show_detail(self) -> None:
        self._detail_pending = False
        row = self.current()
        detail = None
        if row is not None:
            try:
                detail = data.get_item(db=self.workspace.db, item_id=row.item_id)
            except FitGapError:
                detail = None
            if detail is not None and detail.row != row:  # changed since the list was read: show it as it is
                self._put({row.item_id: detail.row})
        self.query_one("#data-detail-text", Static).update(detail_content(detail))

    def on_virtual_table_cursor_displaced(self, event: VirtualTable.CursorDisplaced) -> None:
        event.stop()
        row = self.table.row_at(event.index) if event.index is not None else None
        where = f"カーソルは次の {row.item_id} に移りました。" if row is not None else "一覧は空になりました。"
        self.notify(f"{event.lost} はいまの絞り込みに当てはまらなくなりました（他の利用者の変更）。{where}",
                    title="カーソルの項目が一覧から外れました", timeout=6)

    def on_virtual_table_activated(self, event: VirtualTable.Activated) -> None:
        event.stop()
        self.action_current()

    def action_detail_scroll(self, direction: int) -> None:
        self.query_one("#data-detail", VerticalScroll).scroll_relative(y=direction * 5, animate=False)

    # ---- reading again ------------------------------------------------------------------------

    def reload(self, *, expected_gone: Iterable[str] = ()) -> None:
        """Read the rows again (the cursor stays on its item, or goes to the one after it)."""
        self._stamp = change_stamp(db=self.workspace.db)
        self.table.reload(keep_cursor=True, expected_gone=set(expected_gone))
        self.selected = {k: (r.revision if (r := self.source.row(k)) is not None else v)
                         for k, v in self.selected.items()}
        self.show_summary()
        self._schedule_detail()

    def data_changed(self) -> None:
        self.reload()

    def poll_changes(self) -> bool:
        """Read the list again when anyone changed something since it was read; True when it did."""
        if self.app.screen is not self:
            return False
        try:
            stamp = change_stamp(db=self.workspace.db)
        except FitGapError:
            return False
        if stamp == self._stamp:
            return False
        self.reload()
        return True

    def action_reload(self) -> None:
        self.reload()
        self.notify("読み直しました（他の利用者の変更も反映しています）。", timeout=2)

    def _put(self, fresh: Mapping[str, DataRow]) -> None:
        self.source.put(fresh)
        self.table.cache.replace(fresh, key=lambda r: r.item_id)
        self.table.refresh()

    def after_change(self, ids: Sequence[str]) -> None:
        """Changed rows in place when they are listed and still match the filter (a few read one by one); else
        the list is read again, the cursor following the user's item or, if it left, the one after it."""
        fresh: dict[str, DataRow] = {}
        if len(ids) <= IN_PLACE_LIMIT:
            for iid in ids:
                try:
                    fresh[iid] = data.get_item(db=self.workspace.db, item_id=iid).row
                except FitGapError:
                    fresh.clear()
                    break
        listed = self.source.listed()
        if len(fresh) == len(ids) and all(self.flt.matches(r) and r.item_id in listed for r in fresh.values()):
            self._put(fresh)
            self._stamp = change_stamp(db=self.workspace.db)
            for iid, r in fresh.items():
                if iid in self.selected:
                    self.selected[iid] = r.revision
            self.show_summary()
            self._schedule_detail()
            return
        gone = [i for i, r in fresh.items() if not self.flt.matches(r)] if fresh else list(ids)
        self.reload(expected_gone=gone)

    # ---- changes ------------------------------------------------------------------------------

    def targets(self) -> tuple[list[str], dict[str, int] | None]:
        """The items a change acts on (the marked ones, else the one under the cursor) and the revisions
        they had when shown: a row a colleague changed since is a conflict, not overwritten."""
        if self.selected:
            return sorted(self.selected), dict(self.selected)
        row = self.current()
        return ([row.item_id], {row.item_id: row.revision}) if row is not None else ([], None)

    def write(self, label: str, values: dict[str, Any], *, advance: bool = False) -> DataUpdateResult | None:
        ids, expected = self.targets()
        if not ids:
            return None
        row = self.current()
        try:
            result = data.set_items(db=self.workspace.db, user=self.workspace.user, item_ids=ids, values=values,
                                    expected_revisions=expected)
        except FitGapError as exc:
            self.show_error(exc)
            return None
        self._done(label, result)
        if advance and not self.selected and row is not None and not result.conflicts:
            now = self.current()
            if now is not None and now.item_id == row.item_id:
                self.table.move_to(self.table.cursor + 1)
        return result

    def _done(self, label: str, result: DataUpdateResult) -> None:
        if result.batch:
            self.undo_stack.append((label, result.batch))
            self.redo_stack.clear()
        self._report(label, result)
        self.after_change([*result.changed, *(c.item_id for c in result.conflicts)])

    def _report(self, label: str, r: DataUpdateResult) -> None:
        lines = [f"{label}: {len(r.changed):,}件を変更" + (f"（変更なし {len(r.unchanged):,}件）" if r.unchanged else "")]
        if r.conflicts:
            lines.append(f"他の利用者が先に変更していた {len(r.conflicts):,}件は変更していません（いまの内容を表示しています。"
                         "変えるなら、確かめてからもう一度）:")
            for c in r.conflicts[:5]:
                now = c.current
                who = f"{now.assessed_by} さん" if now.assessed_by else "他の利用者"
                lines.append(f"・{c.item_id} {now.name}: {who}が保持状況 {now.holding.value if now.holding else UNCHECKED}"
                             f"・移行方法 {now.method.value if now.method else '—'} に")
        for iid, why in r.rejected[:5]:
            lines.append(f"・{iid}: {why}")
        warn = bool(r.conflicts or r.rejected)
        self.notify("\n".join(lines), title="競合" if r.conflicts else "", severity="warning" if warn else "information",
                    timeout=10 if warn else 3)

    def show_error(self, exc: FitGapError) -> None:
        self.notify(exc.message + (f"\n対処: {exc.hint}" if exc.hint else ""), title="エラー", severity="error",
                    timeout=10)

    def action_holding(self, value: str) -> None:
        row = self.current()
        what = f"{len(self.selected):,}件" if self.selected else (row.item_id if row is not None else "")
        self.write(f"{what} の保持状況を{value}に", {"holding": value}, advance=True)

    def action_method(self) -> None:
        ids, _ = self.targets()
        if not ids:
            return
        row = self.current()
        choices: list[tuple[str, FieldMethod | None]] = [(m.value, m) for m in FieldMethod]
        choices.append(("（移行方法を消す）", None))
        current = list(FieldMethod).index(row.method) if row is not None and row.method and not self.selected else 0
        picker = ChoiceModal[FieldMethod | None](title=f"移行方法（{len(ids)}件）", choices=choices, current=current,
                                                 hint="1〜7 で選択、esc で取消")

        def chosen(value: FieldMethod | None) -> None:
            if value is None and not picker.chose:
                return
            self.write(f"{len(ids)}件の移行方法を{value.value if value else 'なし'}に", {"method": value})

        self.app.push_screen(picker, chosen)

    def action_current(self) -> None:
        """The form of the current field: 現行項目, 移行方法, 現行の型, 現行の桁数. For one item it shows what is
        saved; for marked items it starts empty and only the fields filled in are written."""
        ids, expected = self.targets()
        if not ids:
            return
        row = self.current()
        one = row if row is not None and ids == [row.item_id] else None
        methods = [(NOT_SET, ""), *((m.value, m.value) for m in FieldMethod)]
        types = [(NOT_SET, ""), *((t, t) for t in CURRENT_TYPES)]
        fields = [
            Field("current_fields", "現行項目（テーブル.列 など）", one.current_fields if one else "",
                  placeholder="例: JUMIN.SHIMEI_KANJI"),
            Field("method", "移行方法", one.method.value if one and one.method else "", methods),
            Field("current_type", "現行の型", one.current_type if one else "", types),
            Field("current_length", "現行の桁数", one.current_length if one else "", placeholder="例: 30 または 5,2"),
        ]
        title = f"{one.item_id} {one.name}: 現行項目" if one else f"{len(ids)}件の現行項目（入力した欄だけ変えます）"
        if one:
            std = f"標準: データ型 {one.data_type}　桁数 {one.length or '—'}　出力条件 {one.condition_text}"
        else:
            std = "空欄・未設定のままの欄は変えません。"
        slot = DraftSlot(FORM, "data:" + ",".join(ids), title)
        state = {"expected": expected}

        def submit(values: dict[str, Any]) -> None:
            wanted = {k: v for k, v in values.items() if one is not None or v not in ("", None)}
            if not wanted:
                raise InvalidInputError("入力された欄がないため、何も変えていません。", "変える欄を入力してください。")
            result = data.set_items(db=self.workspace.db, user=self.workspace.user, item_ids=ids, values=wanted,
                                    expected_revisions=state["expected"])
            if result.conflicts and not result.changed:
                state["expected"] = {**(state["expected"] or {}),
                                     **{c.item_id: c.current.revision for c in result.conflicts}}
                self.after_change([c.item_id for c in result.conflicts])
                now = result.conflicts[0].current
                raise ConflictError(
                    f"他の利用者が先に保存したため、保存していません（いま: 現行項目 {now.current_fields or '—'}、"
                    f"移行方法 {now.method.value if now.method else '—'}、型・桁数 {now.current_type or '—'} "
                    f"{now.current_length}）。", "入力はそのままです。もう一度保存すると、入力した内容で上書きします。")
            self._done(f"{len(ids)}件の現行項目", result)

        self.app.push_screen(FormDialog(title, fields, help=std, submit=submit,
                                        draft=self.workspace.drafts.handle(slot, base_revision=one.revision if one else None)))

    def action_note(self) -> None:
        """The note, in the editor (multi-line). A draft left earlier (esc, a conflict, quitting) comes back,
        with the note someone saved meanwhile beside it, never replaced unseen."""
        ids, expected = self.targets()
        if not ids:
            return
        row = self.current()
        one = row if row is not None and ids == [row.item_id] else None
        note = one.note if one is not None else ""
        about = f"{one.item_id}  {one.name}（{one.group_name}）" if one else f"{len(ids)}件のデータ項目のメモ（すべて同じメモにします）"
        slot = DraftSlot(DATA_NOTE, ",".join(ids),
                         f"データ項目のメモ {ids[0]}" + (f" {one.name}" if one else f" ほか {len(ids) - 1}件"))
        revision = one.revision if one is not None else None
        handle = self.workspace.drafts.handle(slot, base_revision=revision, base_text=note)
        text, theirs = draft_to_offer(handle, saved=note, revision=revision,
                                      theirs=lambda: Theirs(text=note, by=one.assessed_by or "" if one else ""))
        state = {"expected": expected}

        def submit(value: str) -> None:
            result = data.set_items(db=self.workspace.db, user=self.workspace.user, item_ids=ids, values={"note": value},
                                    expected_revisions=state["expected"])
            if result.conflicts and not result.changed:
                current = result.conflicts[0].current
                state["expected"] = {**(state["expected"] or {}),
                                     **{c.item_id: c.current.revision for c in result.conflicts}}
                self.after_change([c.item_id for c in result.conflicts])
                raise NoteConflict(Theirs(text=current.note, by=current.assessed_by or "", at=current.assessed_at),
                                   message="他の利用者が先に保存したため、保存していません。")
            self._done("メモ", result)

        editor = NoteEditor(note=note, about=about, blink=self.workbench.blink, draft=text, handle=handle,
                            submit=submit, theirs=theirs, what="メモ")

        def closed(_value: str | None) -> None:
            if editor.draft is not None:
                self.notify("メモを下書きとして残しました（e で続きを書けます）。", timeout=4)

        self.app.push_screen(editor, closed)

    # ---- filter, search -----------------------------------------------------------------------

    def set_filter(self) -> None:
        """Show the rows of the filter as it is now (the rows already read: nothing is read again); the
        cursor stays on its item when it is listed."""
        self.table.set_source(self.source.with_filter(self.flt), keep_cursor=True)
        self.show_summary()
        self._schedule_detail()

    def action_filter(self) -> None:
        picker = ChoiceModal[int](title="絞り込み", choices=[(label, i) for i, (label, _f) in enumerate(FILTERS)],
                                  current=self.filter_index)

        def chosen(index: int | None) -> None:
            if index is not None:
                self.filter_index = index
                self.set_filter()

        self.app.push_screen(picker, chosen)

    def action_group(self) -> None:
        groups = list(dict.fromkeys(r.group_name for r in self.source.all_rows()))
        choices: list[tuple[str, str | None]] = [("（すべてのグループ）", None), *((g, g) for g in groups)]
        current = groups.index(self.group) + 1 if self.group in groups else 0
        picker = ChoiceModal[str | None](title="グループ", choices=choices, current=current)

        def chosen(value: str | None) -> None:
            if value is None and not picker.chose:
                return
            self.group = value
            self.set_filter()

        self.app.push_screen(picker, chosen)

    def action_operation(self) -> None:
        counts = data.counts_by_operation(db=self.workspace.db)
        names = self.workspace.names
        choices: list[tuple[str, str | None]] = [("（全業務）", None)]
        choices += [(f"{op} {names.get(op, '')}（{c.items:,}項目）", op) for op, c in counts.items()]
        current = next((i for i, (_l, v) in enumerate(choices) if v == self.operation_code), 0)
        picker = ChoiceModal[str | None](title="業務", choices=choices, current=current)

        def chosen(value: str | None) -> None:
            if value is None and not picker.chose:
                return
            self.show_operation(value)

        self.app.push_screen(picker, chosen)

    def show_operation(self, operation_code: str | None) -> None:
        self.operation_code, self.group = operation_code, None
        self.selected.clear()
        self.table.set_source(self._source(), keep_cursor=True)
        self.show_summary()
        self._schedule_detail()

    def action_search(self) -> None:
        box = self.query_one("#data-search", Input)
        self._search_before = self.text
        box.add_class("-shown")
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "data-search" and event.value != self.text:
            self.text = event.value
            self.set_filter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "data-search":
            event.stop()
            self._end_search()

    def _end_search(self) -> None:
        box = self.query_one("#data-search", Input)
        if not box.value:
            box.remove_class("-shown")
        self.table.focus()

    def action_clear_filter(self) -> None:
        self.filter_index, self.group, self.text = 0, None, ""
        box = self.query_one("#data-search", Input)
        box.value = ""
        box.remove_class("-shown")
        self.set_filter()

    # ---- selection ----------------------------------------------------------------------------

    def action_toggle_select(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.item_id in self.selected:
            del self.selected[row.item_id]
        else:
            self.selected[row.item_id] = row.revision
        self.table.refresh_row(self.table.cursor)
        self.table.move_to(self.table.cursor + 1)
        self.show_summary()

    def action_select_all(self) -> None:
        self.selected = {r.item_id: r.revision for r in self.source.shown()}
        self.table.refresh()
        self.show_summary()

    def action_back(self) -> None:
        box = self.query_one("#data-search", Input)
        if self.focused is box:
            box.value = self._search_before
            self._end_search()
            return
        if self.selected:
            self.selected.clear()
            self.table.refresh()
            self.show_summary()
            return
        self.workbench.go_home()

    # ---- undo / redo --------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._revert(undo=True)

    def action_redo(self) -> None:
        self._revert(undo=False)

    def _revert(self, *, undo: bool) -> None:
        """Undo (or redo) this screen's latest change; an item someone changed since stays as it is (said)."""
        source, target = (self.undo_stack, self.redo_stack) if undo else (self.redo_stack, self.undo_stack)
        if not source:
            self.notify("元に戻す変更はありません。" if undo else "やり直す変更はありません。", timeout=3)
            return
        label, batch = source.pop()
        try:
            result = (data.undo if undo else data.redo)(db=self.workspace.db, user=self.workspace.user, batch=batch)
        except FitGapError as exc:
            self.show_error(exc)
            return
        again = batch if undo else result.batch
        if again:
            target.append((label, again))
        self._report(f"{'元に戻しました' if undo else 'やり直しました'}（{label}）", result)
        self.after_change([*result.changed, *(c.item_id for c in result.conflicts)])

    # ---- palette ------------------------------------------------------------------------------

    def palette_commands(self) -> Iterable[PaletteCommand]:
        for _key, h in HOLDING_KEYS:
            yield PaletteCommand(f"データ要件: 保持状況 {h.value}", "保持状況を付けます（選択中なら選択したすべて）",
                                 partial(self.action_holding, h.value))
        yield PaletteCommand(f"データ要件: 保持状況 {UNCHECKED}", "保持状況を未確認に戻します",
                             partial(self.action_holding, UNCHECKED))
        yield PaletteCommand("データ要件: 移行方法…", "そのまま・変換・分割・結合・手入力・移行しない", self.action_method)
        yield PaletteCommand("データ要件: 現行項目・型・桁数…", "現行システムの項目と型・桁数を入力します", self.action_current)
        yield PaletteCommand("データ要件: メモ", "メモを編集します", self.action_note)
        yield PaletteCommand("データ要件: 絞り込み…", "判定・未確認・必須・外字候補で絞り込みます", self.action_filter)
        yield PaletteCommand("データ要件: グループで絞り込み…", "グループ（出力ファイル）で絞り込みます", self.action_group)
        yield PaletteCommand("データ要件: 業務を選ぶ…", "表示する業務を選びます（全業務も）", self.action_operation)
        yield PaletteCommand("データ要件: 検索", "ID・データ項目・グループ・現行項目を検索します", self.action_search)
        yield PaletteCommand("データ要件: 絞り込み解除", "検索と絞り込みをすべて解除します", self.action_clear_filter)
        yield PaletteCommand("データ要件: すべて選択", "絞り込み結果をすべて選択します", self.action_select_all)
        yield PaletteCommand("データ要件: 元に戻す", "この画面での直前の変更を取り消します", self.action_undo)
        yield PaletteCommand("データ要件: やり直す", "取り消した変更をもう一度行います", self.action_redo)
        yield PaletteCommand("データ要件: 読み直し", "一覧と詳細を読み直します（他の利用者の変更を反映）", self.action_reload)

