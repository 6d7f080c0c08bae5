"""業務見直し: the register of changes of work that decisions create, item by item.

The list on the left, the selected item in full on the right (its gaps and 独自機能 with their decisions, the
note, the history). 1〜4 set the 状況 (4 実施済: done today), c edits 件名・見直す内容・担当課・担当者・期日・メモ
in a form, l links or unlinks the gaps and functions whose decision changes the work, a adds an item; m shows
the user's own items (担当課・担当者, remembered per user, M to set them), g filters by 担当課, f by 状況, o
overdue only; z undoes this screen's changes.

Rows come from :mod:`fitgap.services.bpr` (read once, filtered here); a change made on a row a colleague changed
since it was shown is a conflict, said and not written. The cursor stays on its item across reloads.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from datetime import date
from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from fitgap.domain.bpr import BprStatus, Change
from fitgap.errors import ConflictError, FitGapError, InvalidInputError
from fitgap.services import bpr, bpr_choices
from fitgap.services.bpr import BprFilter, BprResult, BprRow
from fitgap.services.drafts import FORM
from fitgap.services.edit_input import parse_date_input
from fitgap.services.items import change_stamp
from fitgap.tui.commands import PaletteCommand
from fitgap.tui.drafts import DraftSlot
from fitgap.tui.labels import count
from fitgap.tui.screens.base import WorkbenchScreen
from fitgap.tui.screens.bpr_view import (
    COLUMNS,
    KEYS,
    STATUS_FILTERS,
    STATUS_KEYS,
    detail_content,
    format_row,
    target_label,
)
from fitgap.tui.screens.form_dialog import Field, FormDialog
from fitgap.tui.widgets.pickers import ChoiceModal
from fitgap.tui.widgets.virtual_table import Cell, VirtualTable

POLL_S = 5.0  # how often the list looks whether someone else changed something (one cheap query)
NO_DEPARTMENT = ""  # the 担当課 filter's value for items with none


class BprSource:
    """Every item, read once from the service and filtered in memory; ``forget`` reads them again."""

    def __init__(self, *, db: Any, today: date, flt: BprFilter, rows: list[BprRow] | None = None) -> None:
        self.db, self.today, self.flt = db, today, flt
        self._all = rows
        self._shown: list[BprRow] | None = None
        self._where: dict[int, int] = {}

    def all_rows(self) -> list[BprRow]:
        if self._all is None:
            self._all = bpr.list_items(db=self.db, today=self.today)
        return self._all

    def shown(self) -> list[BprRow]:
        if self._shown is None:
            self._shown = [r for r in self.all_rows() if self.flt.matches(r)]
            self._where = {r.id: i for i, r in enumerate(self._shown)}
        return self._shown

    def with_filter(self, flt: BprFilter) -> BprSource:
        return BprSource(db=self.db, today=self.today, flt=flt, rows=self._all)

    def count(self) -> int:
        return len(self.shown())

    def fetch(self, offset: int, limit: int) -> Sequence[BprRow]:
        return self.shown()[offset:offset + limit]

    def locate(self, keys: Sequence[Hashable]) -> tuple[Hashable, int] | None:
        self.shown()
        return next(((k, self._where[k]) for k in keys if isinstance(k, int) and k in self._where), None)

    def forget(self) -> None:
        self._all = self._shown = None
        self._where = {}

    def row(self, bpr_id: int) -> BprRow | None:
        return next((r for r in self.all_rows() if r.id == bpr_id), None)


class BprScreen(WorkbenchScreen):
    BINDINGS: ClassVar[list[BindingType]] = list(KEYS)
    AUTO_FOCUS = "#bpr-items"
    HELP_TITLE = "業務見直し"
    DEFAULT_CSS = """
    BprScreen #bpr-body { height: 1fr; }
    BprScreen #bpr-items { width: 3fr; }
    BprScreen #bpr-detail { width: 2fr; border-left: tall $panel; padding: 0 1; background: $surface; }
    """

    def __init__(self, operation_code: str | None = None) -> None:
        super().__init__()
        self.operation_code = operation_code
        self.status_index = 0
        self.department: str | None = None  # the 担当課 filter (NO_DEPARTMENT: items with none)
        self.person: str | None = None
        self.overdue_only = False
        self.mine: bpr_choices.Mine | None = None  # "my items" shown
        self.undo_stack: list[tuple[str, str]] = []  # (label, batch)
        self._stamp = 0
        self._detail_pending = False

    # ---- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="bpr-title", classes="screen-title")
        yield Static(id="bpr-summary", classes="screen-summary")
        with Horizontal(id="bpr-body"):
            yield VirtualTable[BprRow](self._source(), columns=COLUMNS, formatter=self._format, key=lambda r: r.id,
                                       id="bpr-items")
            with VerticalScroll(id="bpr-detail"):
                yield Static(id="bpr-detail-text")
        yield Footer()

    def on_mount(self) -> None:
        self._stamp = change_stamp(db=self.workspace.db)
        self.show_summary()
        self._schedule_detail()
        self.set_interval(POLL_S, self.poll_changes)

    @property
    def table(self) -> VirtualTable[BprRow]:
        return self.query_one("#bpr-items", VirtualTable)

    @property
    def source(self) -> BprSource:
        src = self.table.cache.source
        assert isinstance(src, BprSource)
        return src

    @property
    def flt(self) -> BprFilter:
        _label, statuses, open_only = STATUS_FILTERS[self.status_index]
        department, person = self.department, self.person
        if self.mine is not None:
            department = self.mine.department or department
            person = self.mine.person or person
        return BprFilter(operation_code=self.operation_code, department=department, person=person,
                         statuses=statuses, open_only=open_only, overdue_only=self.overdue_only)

    def _source(self) -> BprSource:
        return BprSource(db=self.workspace.db, today=self.workspace.today, flt=self.flt)

    def _format(self, row: BprRow) -> Sequence[Cell]:
        return format_row(row)

    def current(self) -> BprRow | None:
        row = self.table.current_row
        return row if isinstance(row, BprRow) else None

    # ---- what is shown ------------------------------------------------------------------------

    def describe_filter(self) -> str:
        parts = [STATUS_FILTERS[self.status_index][0]] if self.status_index else []
        if self.mine is not None:
            parts.append(f"自分の項目（{self.mine.label}）")
        if self.department is not None and self.mine is None:
            parts.append(f"担当課 {self.department or '未定'}")
        if self.overdue_only:
            parts.append("期日超過")
        return "・".join(parts)

    def show_summary(self) -> None:
        ws = self.workspace
        scope = f"{ws.names.get(self.operation_code, '')}（{self.operation_code}）" if self.operation_code else "全業務"
        self.query_one("#bpr-title", Static).update(Content.assemble(
            ("業務見直し（業務フロー・例規・様式・窓口手順・研修・住民周知）", "bold"), f"　{scope}　利用者 {ws.user}"))
        rows = [r for r in self.source.all_rows() if self.operation_code in (None, r.operation_code)]
        done = sum(r.status == BprStatus.DONE for r in rows)
        overdue = sum(r.overdue for r in rows)
        parts: list[Content | str] = [
            f"{count(len(rows))}件　未完了 {count(len(rows) - done)}　",
            Content.styled(f"期日超過 {count(overdue)}", "bold $text-error" if overdue else ""),
            f"　実施済 {count(done)}　担当課未定 {count(sum(not r.department for r in rows))}",
            f"\n表示: {self.describe_filter() or 'すべて'} {count(self.table.row_count)}件",
        ]
        self.query_one("#bpr-summary", Static).update(Content.assemble(*parts))

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
                detail = bpr.get_item(db=self.workspace.db, bpr_id=row.id, today=self.workspace.today)
            except FitGapError:
                detail = None
        self.query_one("#bpr-detail-text", Static).update(detail_content(detail))

    def on_virtual_table_cursor_displaced(self, event: VirtualTable.CursorDisplaced) -> None:
        event.stop()
        row = self.table.row_at(event.index) if event.index is not None else None
        where = f"カーソルは次の #{row.id} に移りました。" if row is not None else "一覧は空になりました。"
        self.notify(f"#{event.lost} はいまの絞り込みに当てはまらなくなりました（他の利用者の変更）。{where}",
                    title="カーソルの項目が一覧から外れました", timeout=6)

    def on_virtual_table_activated(self, event: VirtualTable.Activated) -> None:
        event.stop()
        self.action_edit()

    def action_detail_scroll(self, direction: int) -> None:
        self.query_one("#bpr-detail", VerticalScroll).scroll_relative(y=direction * 5, animate=False)

    # ---- reading again ------------------------------------------------------------------------

    def reload(self, *, expected_gone: Iterable[int] = ()) -> None:
        """Read the items again (the cursor stays on its item, or goes to the one after it)."""
        self._stamp = change_stamp(db=self.workspace.db)
        self.table.reload(keep_cursor=True, expected_gone=set(expected_gone))
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

    def on_screen_resume(self) -> None:
        self.poll_changes()  # back from a dialog or another screen: decisions made there show here

    def action_reload(self) -> None:
        self.reload()
        self.notify("読み直しました（他の利用者の変更も反映しています）。", timeout=2)

    def set_filter(self) -> None:
        self.table.set_source(self.source.with_filter(self.flt), keep_cursor=True)
        self.show_summary()
        self._schedule_detail()

    # ---- changes ------------------------------------------------------------------------------

    def show_error(self, exc: FitGapError) -> None:
        self.notify(exc.message + (f"\n対処: {exc.hint}" if exc.hint else ""), title="エラー", severity="error",
                    timeout=10)

    def _done(self, label: str, result: BprResult) -> None:
        if result.batch and (result.changed or result.created or result.linked or result.unlinked):
            self.undo_stack.append((label, result.batch))
        self._report(label, result)
        touched = [*result.changed, *(i for i, _r in result.conflicts)]
        self.reload(expected_gone=[i for i in touched if (r := self._fresh(i)) is not None and not self.flt.matches(r)])
        if result.created:
            self.table.move_to_key(result.created[0])

    def _fresh(self, bpr_id: int) -> BprRow | None:
        try:
            return bpr.get_item(db=self.workspace.db, bpr_id=bpr_id, today=self.workspace.today).row
        except FitGapError:
            return None

    def _report(self, label: str, r: BprResult) -> None:
        n = len(r.changed) + len(r.created)
        lines = [f"{label}: " + (f"{n}件を変更" if n else "変更なし")
                 + (f"（対象 +{len(r.linked)}）" if r.linked else "") + (f"（対象 −{len(r.unlinked)}）" if r.unlinked else "")]
        if r.conflicts:
            lines.append(f"他の利用者が先に変更していた {len(r.conflicts)}件は変更していません（いまの内容を表示しています。"
                         "変えるなら、確かめてからもう一度）:")
            for bid, now in r.conflicts[:5]:
                lines.append(f"・#{bid} {now.title}: いま 状況 {now.status.value}・担当課 {now.department or '未定'}"
                             f"・担当者 {now.person or '—'}・期日 {now.due.isoformat() if now.due else '—'}")
        for bid in r.emptied:
            lines.append(f"#{bid} は答える対象がなくなりました（項目は残しています）。")
        self.notify("\n".join(lines), title="競合" if r.conflicts else "",
                    severity="warning" if r.conflicts else "information", timeout=10 if r.conflicts else 3)

    def action_status(self, value: str) -> None:
        row = self.current()
        if row is None:
            return
        try:
            result = bpr.update_items(db=self.workspace.db, user=self.workspace.user, ids=[row.id],
                                      values={"status": value}, today=self.workspace.today,
                                      expected_revisions={row.id: row.revision})
        except FitGapError as exc:
            self.show_error(exc)
            return
        self._done(f"#{row.id} の状況を{value}に", result)

    def action_edit(self) -> None:
        """The form of the item: 件名, 見直す内容 (check boxes), 担当課, 担当者, 期日, メモ. What is typed and not
        saved comes back as a draft (esc → 下書きとして残す, quitting); a colleague's save meanwhile is a
        conflict: said in the form, nothing overwritten, the text kept."""
        row = self.current()
        if row is None:
            return
        fields = [Field("title", "件名", row.title),
                  *(Field(f"change_{c.name}", f"見直す内容: {c.value}", c.value in row.changes, checkbox=True)
                    for c in Change),
                  Field("department", "担当課", row.department, placeholder="例: 市民課"),
                  Field("person", "担当者", row.person),
                  Field("due", "期日", row.due.isoformat() if row.due else "", placeholder="例: 2027-03-31（空欄: なし）"),
                  Field("note", "メモ", row.note)]
        state = {"expected": {row.id: row.revision}}

        def submit(values: dict[str, Any]) -> None:
            wanted = {"title": values["title"], "department": values["department"], "person": values["person"],
                      "due": parse_date_input(values["due"]), "note": values["note"],
                      "changes": [c for c in Change if values.get(f"change_{c.name}")]}
            result = bpr.update_items(db=self.workspace.db, user=self.workspace.user, ids=[row.id], values=wanted,
                                      today=self.workspace.today, expected_revisions=state["expected"])
            if result.conflicts:
                _bid, now = result.conflicts[0]
                state["expected"] = {row.id: now.revision}
                self.reload()
                raise ConflictError(
                    f"他の利用者が先に保存したため、保存していません（いま: 件名 {now.title}、担当課 {now.department or '未定'}、"
                    f"担当者 {now.person or '—'}、期日 {now.due.isoformat() if now.due else '—'}、状況 {now.status.value}）。",
                    "入力はそのままです。もう一度保存すると、入力した内容で上書きします。")
            self._done(f"#{row.id} の編集", result)

        slot = DraftSlot(FORM, f"bpr:{row.id}", f"業務見直し #{row.id} {row.title}")
        self.app.push_screen(FormDialog(f"業務見直し #{row.id}", fields, submit=submit,
                                        help=f"{row.operation}（{row.operation_code}）　対象 {len(row.targets)}件",
                                        draft=self.workspace.drafts.handle(slot, base_revision=row.revision)))

    def action_add(self) -> None:
        """A new item by hand (the ones decisions create come by themselves)."""
        names = self.workspace.names
        ops = [(f"{code} {name}", code) for code, name in names.items()] or [(code, code) for code in
                                                                             sorted({r.operation_code for r in self.source.all_rows()})]
        if not ops:
            self.notify("業務がありません。", severity="warning")
            return
        cur = self.current()
        here = self.operation_code or (cur.operation_code if cur is not None else ops[0][1])
        fields = [Field("operation", "業務", here if any(v == here for _l, v in ops) else ops[0][1], ops),
                  Field("title", "件名", placeholder="例: 転入届の様式変更"),
                  Field("changes", "見直す内容", placeholder="業務フロー,例規,様式,窓口手順,研修,住民周知 から"),
                  Field("department", "担当課"), Field("person", "担当者"),
                  Field("due", "期日", placeholder="空欄: 業務の期日")]

        def submit(values: dict[str, Any]) -> None:
            result = bpr.add_item(db=self.workspace.db, user=self.workspace.user, operation_code=values["operation"],
                                  title=values["title"], today=self.workspace.today, changes=values["changes"],
                                  department=values["department"], person=values["person"],
                                  due=parse_date_input(values["due"]))
            self._done("業務見直しの追加", result)

        self.app.push_screen(FormDialog("業務見直しの追加", fields, submit=submit,
                                        draft=self.workspace.drafts.handle(DraftSlot(FORM, "bpr:new", "業務見直しの追加"))))

    def action_link(self) -> None:
        """The gaps and 独自機能 of the item's operation whose decision changes the work: choosing one adds it
        to the item or takes it out; the picker opens again until esc."""
        row = self.current()
        if row is None:
            return
        try:
            found = bpr_choices.linkable(db=self.workspace.db, operation_code=row.operation_code)
            detail = bpr.get_item(db=self.workspace.db, bpr_id=row.id, today=self.workspace.today)
        except FitGapError as exc:
            self.show_error(exc)
            return
        listed = {c.target for c in found}
        extra = [bpr_choices.Linkable(t.target, t.name, t.disposition or "方針なし", (row.id,))
                 for t in detail.targets if t.target not in listed]  # linked, though no longer changing the work
        options = [*found, *extra]
        if not options:
            self.notify(f"{row.operation} には方針が 業務見直し・運用で対応 のギャップ・独自機能がありません。", timeout=5)
            return

        def label(c: bpr_choices.Linkable) -> str:
            others = [f"#{i}" for i in c.items if i != row.id]
            return (("☑ " if row.id in c.items else "☐ ") + c.label
                    + (f"　{'・'.join(others)} にも" if others else ""))

        picker = ChoiceModal[int](title=f"#{row.id} の対象（選ぶと 加える／外す）",
                                  choices=[(label(c), i) for i, c in enumerate(options)],
                                  hint="☑ この項目の対象。方針が業務を変えるギャップ・独自機能を選べます。esc で閉じる")

        def chosen(index: int | None) -> None:
            if index is None:
                return
            c = options[index]
            linked = row.id in c.items
            try:
                result = bpr.link(db=self.workspace.db, user=self.workspace.user, bpr_id=row.id,
                                  targets=[] if linked else [c.target], remove=[c.target] if linked else [])
            except FitGapError as exc:
                self.show_error(exc)
                return
            what = target_label(c.target.kind, c.target.ref)
            self._done(f"#{row.id} {'から' if linked else 'に'}{what}を{'外しました' if linked else '加えました'}", result)
            self.call_after_refresh(self.action_link)

        self.app.push_screen(picker, chosen)

    # ---- filters ------------------------------------------------------------------------------

    def action_filter(self) -> None:
        picker = ChoiceModal[int](title="状況で絞り込み", choices=[(label, i) for i, (label, _s, _o) in enumerate(STATUS_FILTERS)],
                                  current=self.status_index)

        def chosen(index: int | None) -> None:
            if index is not None:
                self.status_index = index
                self.set_filter()

        self.app.push_screen(picker, chosen)

    def action_department(self) -> None:
        departments = sorted({r.department for r in self.source.all_rows() if r.department})
        choices: list[tuple[str, str | None]] = [("（すべての担当課）", None), *((d, d) for d in departments),
                                                 ("（担当課未定）", NO_DEPARTMENT)]
        current = next((i for i, (_l, v) in enumerate(choices) if v == self.department), 0)
        picker = ChoiceModal[str | None](title="担当課で絞り込み", choices=choices, current=current)

        def chosen(value: str | None) -> None:
            if value is None and not picker.chose:
                return
            self.department, self.person, self.mine = value, None, None
            self.set_filter()

        self.app.push_screen(picker, chosen)

    def action_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.set_filter()

    def action_clear_filter(self) -> None:
        self.status_index, self.department, self.person, self.mine, self.overdue_only = 0, None, None, None, False
        self.set_filter()

    def action_mine(self) -> None:
        """My items: the 担当課 (and 担当者) the user set, remembered per user; asked the first time."""
        if self.mine is not None:
            self.mine = None
            self.set_filter()
            return
        try:
            mine = bpr_choices.get_mine(db=self.workspace.db, user=self.workspace.user)
        except FitGapError as exc:
            self.show_error(exc)
            return
        if mine is None:
            self.action_set_mine()
            return
        self.show_mine(mine)

    def show_mine(self, mine: bpr_choices.Mine) -> None:
        self.mine, self.department, self.person = mine, None, None
        self.set_filter()

    def action_set_mine(self) -> None:
        ws = self.workspace
        try:
            mine = bpr_choices.get_mine(db=ws.db, user=ws.user)
        except FitGapError:
            mine = None
        fields = [Field("department", "自分の担当課", mine.department if mine else "", placeholder="例: 市民課"),
                  Field("person", "自分（担当者）", mine.person if mine else "", placeholder="空欄: 担当課のすべての項目")]

        def submit(values: dict[str, Any]) -> None:
            if not str(values["department"]).strip() and not str(values["person"]).strip():
                raise InvalidInputError("担当課も担当者も空です。", "自分の担当課（または担当者名）を入力してください。")
            saved = bpr_choices.set_mine(db=ws.db, user=ws.user, department=values["department"],
                                         person=values["person"])
            if saved is not None:
                self.show_mine(saved)
                self.notify(f"自分の項目: {saved.label}（m で切り替え）", timeout=4)

        self.app.push_screen(FormDialog(f"自分の項目（{ws.user}）", fields, submit=submit,
                                        help="業務見直しの「自分の項目」（m）に使います。利用者ごとに記憶します。"))

    # ---- undo ---------------------------------------------------------------------------------

    def action_undo(self) -> None:
        """Undo this screen's latest change; an item someone changed since stays as it is (said)."""
        if not self.undo_stack:
            self.notify("元に戻す変更はありません。", timeout=3)
            return
        label, batch = self.undo_stack.pop()
        try:
            result = bpr.undo(db=self.workspace.db, user=self.workspace.user, batch=batch, today=self.workspace.today)
        except FitGapError as exc:
            self.show_error(exc)
            return
        self._report(f"元に戻しました（{label}）", result)
        self.reload()

    def action_back(self) -> None:
        self.workbench.go_home()

    # ---- palette ------------------------------------------------------------------------------

    def palette_commands(self) -> Iterable[PaletteCommand]:
        for _key, s in STATUS_KEYS:
            yield PaletteCommand(f"業務見直し: 状況 {s.value}", "この項目の状況を変えます", partial(self.action_status, s.value))
        yield PaletteCommand("業務見直し: 編集…", "件名・見直す内容・担当課・担当者・期日・メモ", self.action_edit)
        yield PaletteCommand("業務見直し: 対象を加える／外す…", "方針が業務を変えるギャップ・独自機能", self.action_link)
        yield PaletteCommand("業務見直し: 追加…", "業務見直しの項目を新しく作ります", self.action_add)
        yield PaletteCommand("業務見直し: 自分の項目", "自分の担当課（・担当者）の項目だけにします／戻します", self.action_mine)
        yield PaletteCommand("業務見直し: 自分の担当課を設定…", "「自分の項目」の担当課・担当者（利用者ごと）",
                             self.action_set_mine)
        yield PaletteCommand("業務見直し: 担当課で絞り込み…", "担当課を選びます", self.action_department)
        yield PaletteCommand("業務見直し: 状況で絞り込み…", "未完了・未着手・検討中・決定・実施済", self.action_filter)
        yield PaletteCommand("業務見直し: 期日超過のみ", "期日を過ぎて実施済でない項目だけにします／戻します",
                             self.action_overdue)
        yield PaletteCommand("業務見直し: 絞り込み解除", "絞り込みをすべて解除します", self.action_clear_filter)
        yield PaletteCommand("業務見直し: 元に戻す", "この画面での直前の変更を取り消します", self.action_undo)
        yield PaletteCommand("業務見直し: 読み直し", "一覧と詳細を読み直します（他の利用者の変更を反映）", self.action_reload)

