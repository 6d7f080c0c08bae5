"""Marking on the requirements screen: status, disposition, note; single items and bulk; conflicts."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from textual.worker import get_current_worker

from fitgap.domain.dispositions import changes_work, for_requirements, reason_missing
from fitgap.domain.enums import Disposition, Status
from fitgap.errors import FitGapError, InvalidInputError
from fitgap.services import drafts
from fitgap.services.assessment import BulkPlan, ItemChange, UpdateResult, plan_bulk
from fitgap.services.items import ItemKey, ItemRow, get_item
from fitgap.tui.drafts import DraftSlot, NoteConflict, Theirs, draft_to_offer
from fitgap.tui.screens.base import WorkbenchScreen
from fitgap.tui.screens.bpr_join import ask_join
from fitgap.tui.screens.bpr_view import bpr_notice
from fitgap.tui.screens.decision_names import ask_names
from fitgap.tui.widgets.bulk_preview import APPLY, WRITE_NOTE, bulk_preview
from fitgap.tui.widgets.conflict_dialog import ConflictDialog
from fitgap.tui.widgets.note_editor import NoteEditor, edit_in_editor
from fitgap.tui.widgets.pickers import ChoiceModal
from fitgap.tui.widgets.virtual_table import VirtualTable

HOLD_S = 2.0  # a mark key this soon after the cursor's requirement left the list (and the cursor moved on) waits
IN_PLACE_LIMIT = 20  # up to this many changed rows are re-read one by one instead of reloading the page
WORKER_THRESHOLD = 200  # bulk changes of more items than this run in a worker with a progress bar


class MarkingScreen(WorkbenchScreen):
    """The base of RequirementsScreen: everything that writes assessments."""

    selected_items: dict[ItemKey, int | None]
    busy: bool

    @property
    def table(self) -> VirtualTable[ItemRow]:
        raise NotImplementedError

    def update_title(self) -> None:
        raise NotImplementedError

    def set_busy(self, label: str | None) -> None:
        raise NotImplementedError

    # ---- single item and bulk -----------------------------------------------------------------

    def action_mark(self, status_value: str) -> None:
        status = Status(status_value)
        if self.busy:
            return
        if self.selected_items:
            self.bulk_write(f"{len(self.selected_items):,}件を{status.value}に", status=status)
            return
        row = self.table.current_row
        if row is None or self.held(row):
            return
        label = f"{row.key.label} を{status.value}に"
        if status in self.workspace.note_rule() and not row.note.strip() and row.status != status:
            self.ask_note(row, required=f"{status.value} にはメモ（理由）が必要です。書いて ctrl+s で保存すると判定します。",
                          label=label, advance=True, status=status)
            return
        self.write_one(row, label, advance=True, status=status)

    def held(self, row: ItemRow) -> bool:
        """A mark key pressed just after the cursor's requirement left the list acts on nothing: the user
        pressed it for the requirement that left, not for the one the cursor moved on to. True when held
        (pressed again, the key acts on the requirement now shown)."""
        moved = self.table.displaced
        if moved is None or time.monotonic() - moved.at > HOLD_S:
            return False
        self.table.displaced = None
        lost = moved.lost.label if isinstance(moved.lost, ItemKey) else str(moved.lost)
        self.notify(f"{lost} が一覧から外れ、カーソルが {row.key.label} に移ったところなので、判定していません。"
                    f"{row.key.label} を判定するなら、もう一度押してください。", title="判定を保留しました",
                    severity="warning", timeout=6)
        return True

    def action_disposition(self) -> None:
        if self.busy:
            return
        row = self.table.current_row
        if row is None:
            return
        choices: list[tuple[str, Disposition | None]] = [(d.value, d) for d in for_requirements()]
        choices.append(("（方針なし）", None))
        current = for_requirements().index(row.disposition) if row.disposition and not self.selected_items else 0
        target = f"選択した {len(self.selected_items):,}件" if self.selected_items else f"{row.key.label} {row.name}"
        picker: ChoiceModal[Disposition | bool | None] = ChoiceModal(
            title="対応方針", choices=choices, current=current,
            hint=f"{target}（ギャップでなければギャップにします）　数字で選択、esc で取消",
        )

        def chosen(value: Disposition | bool | None) -> None:
            if value is not False:
                self.decide(value if isinstance(value, Disposition) else None)

        self.app.push_screen(picker, lambda v: chosen(False if v is None and not _picked(picker) else v))

    def decide(self, value: Disposition | None) -> None:
        """Set the disposition of the selected items (else of the one under the cursor). A decision that names
        what it uses asks for it first (the system, the option, the 共通機能); one that changes the work asks
        which 業務見直し item takes it (a new one, or an open one of the
        operation); カスタマイズ without a reason opens the note editor first (its reason is required)."""
        row = self.table.current_row
        if row is None:
            return
        label_value = value.value if value is not None else "方針なし"
        keys = list(self.selected_items) if self.selected_items else [row.key]
        ops = {k.operation_code for k in keys}
        joins = changes_work(value) and (bool(self.selected_items) or not changes_work(row.disposition))
        names: dict[str, Any] = {}  # what the decision names: the system, the option, the 共通機能

        def go(join: int | None) -> None:
            if self.selected_items:
                self.bulk_write(f"{len(self.selected_items):,}件の方針を{label_value}に", join_bpr=join,
                                disposition=value, **names)
                return
            label = f"{row.key.label} の方針を{label_value}に"
            changes: dict[str, Any] = {"disposition": value, "join_bpr": join, **names}
            if row.status != Status.GAP:
                changes["status"] = Status.GAP
            if reason_missing(value, row.note):
                self.ask_note(row, required=f"{label_value} には理由（メモ）が必要です（標準化法 §8(2): 真にやむを得ない場合"
                                            "だけ）。書いて ctrl+s で保存すると方針を決めます。", label=label, **changes)
                return
            if row.status != Status.GAP and Status.GAP in self.workspace.note_rule() and not row.note.strip():
                self.ask_note(row, required="ギャップにはメモ（理由）が必要です。", label=label, **changes)
                return
            self.write_one(row, label, **changes)

        def named(given: dict[str, Any]) -> None:
            names.update(given)
            if joins:
                what = (f"{len(keys):,}件の方針 {label_value}" if self.selected_items
                        else f"{row.key.label} の方針 {label_value}")
                ask_join(self, self.workspace, operation_code=next(iter(ops)) if len(ops) == 1 else None, what=what,
                         then=go)
            else:
                go(None)

        ask_names(self, self.workspace, value, operation_codes=ops, then=named, blink=self.workbench.blink)

    def action_note(self) -> None:
        row = self.table.current_row
        if row is None or self.busy:
            return
        self.ask_note(row, required="", label=f"{row.key.label} のメモ")

    def action_note_editor(self) -> None:
        row = self.table.current_row
        if row is None or self.busy:
            return
        try:
            with self.app.suspend():
                edited = edit_in_editor(row.note)
        except Exception as exc:  # SuspendNotSupported (e.g. in a web terminal)
            self.notify(f"外部エディタを開けません: {exc}", title="メモ", severity="warning")
            return
        if edited is None:
            self.notify("エディタが異常終了したため、メモは変更していません。", severity="warning")
            return
        if edited == row.note:
            return
        label = f"{row.key.label} のメモ"
        try:
            self.save_note([row], edited, label=label)
        except NoteConflict as exc:  # someone saved it meanwhile: the text goes on in the editor, beside theirs
            self.ask_note(exc.current, required="", label=label, text=edited, base=row, theirs=exc.theirs)
        except FitGapError as exc:
            self.ask_note(row, required=exc.message, label=label, text=edited)

    def ask_note(self, row: ItemRow, *, required: str, label: str, advance: bool = False,
                 text: str | None = None, base: ItemRow | None = None, theirs: Theirs | None = None,
                 **changes: Any) -> None:
        """Open the note editor for ``row``; saving writes the note (and ``changes``) from inside it.

        A draft left earlier (esc, a conflict, quitting) is offered instead of the saved note, with the saved
        note beside it, and what someone saved since the draft was begun is shown as theirs. ``text`` opens
        with that text instead, begun from ``base`` (a note typed in $EDITOR that met a conflict)."""
        began = base or row
        handle = self.workspace.drafts.handle(note_slot(row), base_revision=began.revision, base_text=began.note)
        if text is None:
            text, theirs = draft_to_offer(handle, saved=row.note, revision=row.revision,
                                          theirs=lambda: theirs_of(row))
        target = [row]  # the item as last read: a conflict moves it on to the item as it is now

        def submit(note: str) -> None:
            self.save_note(target, note, label=label, advance=advance, **changes)

        editor = NoteEditor(note=row.note, about=f"{row.key.label} {row.name}（状況 {row.status.value}）",
                            required=required, blink=self.workbench.blink, draft=text, handle=handle,
                            submit=submit, theirs=theirs)
        if base is not None and text is not None:
            try:  # text typed in $EDITOR that met a conflict: kept from the start, whatever happens next
                handle.keep(text=text)
            except FitGapError:
                pass  # still in the editor, and asked about on esc or quit

        def closed(_note: str | None) -> None:
            if editor.draft is not None:
                self.notify(f"{row.key.label} のメモを下書きとして残しました（e で続きを書けます）。", timeout=4)

        self.app.push_screen(editor, closed)

    def save_note(self, target: list[ItemRow], note: str, *, label: str, advance: bool = False,
                  **changes: Any) -> None:
        """Write ``note`` (and ``changes``) on ``target[0]`` as it was last read. Raises NoteConflict (with what
        was saved meanwhile, and ``target[0]`` moved on to it) or FitGapError, so that the editor stays open
        with the text; nothing is written then."""
        row = target[0]
        index = self.table.cursor
        following = self.table.row_at(index + 1) if advance else None
        result = self.workspace.update([row.key], label=label, expected={row.key: row.revision}, note=note,
                                       **changes)
        if result.conflicts:
            current = result.conflicts[0].current
            target[0] = current
            self.after_write(result, report_conflicts=False)
            raise NoteConflict(theirs_of(current), current=current)
        if result.rejected and not result.changed:
            raise InvalidInputError(f"保存していません: {result.rejected[0][1]}", "メモを書いてから ctrl+s で保存してください。")
        self.after_written(result, row, changes, index=index, following=following, advance=advance)

    # ---- writing ------------------------------------------------------------------------------

    def write_one(self, row: ItemRow, label: str, *, advance: bool = False,
                  **changes: Any) -> None:
        index = self.table.cursor
        following = self.table.row_at(index + 1) if advance else None  # the next row as the user saw it
        result = self.update([row.key], label=label, expected={row.key: row.revision}, **changes)
        if result is not None:
            self.after_written(result, row, changes, index=index, following=following, advance=advance)

    def after_written(self, result: UpdateResult, row: ItemRow, changes: Mapping[str, Any], *, index: int,
                      following: ItemRow | None, advance: bool) -> None:
        self.after_write(result)
        if advance and (result.changed or result.unchanged):
            self.move_after(index, following.key if following is not None else None)
            if result.unchanged:
                status = changes.get("status")
                shown = status.value if isinstance(status, Status) else "その値"
                self.notify(f"{row.key.label} はすでに{shown}です（変更なし）。次の行へ進みました。", timeout=3)

    def move_after(self, index: int, following: ItemKey | None) -> None:
        """Put the cursor on the row that followed the marked item as the user saw the list, wherever the
        current sort or filter (or a colleague's change) moved either. The marked item was the last row, or
        the row that followed is gone: the cursor stays where the list put it (on the marked item if still
        listed, else on the row before)."""
        table = self.table
        if following is None or not table.move_to_key(following):
            table.move_to(table.cursor if table.row_count else index)

    def bulk_write(self, label: str, *, join_bpr: int | None = None, **changes: Any) -> None:
        """Preview first: how many change, how many do not and why; then apply to the rest, write the missing
        notes, or cancel. Nothing is written before the user chooses. A decision that changes the work joins
        the 業務見直し item ``join_bpr`` (None: one new item for them all)."""
        keys = list(self.selected_items)
        expected = {k: v for k, v in self.selected_items.items() if v is not None}
        try:
            plan = plan_bulk(db=self.workspace.db, keys=keys, expected_revisions=expected, **changes)
        except FitGapError as exc:
            self.show_error(exc)
            return
        status = changes.get("status")
        disposition = changes.get("disposition")
        note_for = (status.value if isinstance(status, Status) else disposition.value
                    if isinstance(disposition, Disposition) and reason_missing(disposition, "") else Status.GAP.value)

        def chosen(choice: str | None) -> None:
            if choice == APPLY:
                self.apply_bulk(label, plan.changes, expected, plan, join_bpr=join_bpr)
            elif choice == WRITE_NOTE:
                self.ask_bulk_note(label, plan, expected, note_for, join_bpr=join_bpr)

        self.app.push_screen(bulk_preview(plan, label=label, selected=len(keys), note_for=note_for), chosen)

    def ask_bulk_note(self, label: str, plan: BulkPlan, expected: Mapping[ItemKey, int], note_for: str, *,
                      join_bpr: int | None = None) -> None:
        handle = self.workspace.drafts.handle(DraftSlot(drafts.BULK_NOTE, "*", "一括変更のメモ"))
        found = handle.load()

        def submit(note: str) -> None:
            if not note.strip():
                raise InvalidInputError("メモが空のため、何も変更していません。", "メモを書いてから ctrl+s で保存してください。")
            noted = {k: replace(c, note=note) for k, c in plan.need_note.items()}
            self.apply_bulk(label, {**plan.changes, **noted}, expected, plan, join_bpr=join_bpr)

        self.app.push_screen(NoteEditor(
            note="", about=f"{label}: メモのない {len(plan.need_note):,}件に書くメモ",
            required=f"{note_for}にはメモ（理由）が必要です。書いて ctrl+s で保存すると一括変更します。",
            blink=self.workbench.blink, draft=found.text if found is not None else None, handle=handle,
            submit=submit))

    def apply_bulk(self, label: str, changes: Mapping[ItemKey, ItemChange], expected: Mapping[ItemKey, int],
                   plan: BulkPlan, *, join_bpr: int | None = None) -> None:
        if not changes:
            return
        wanted = {k: expected[k] for k in changes if k in expected}
        if len(changes) <= WORKER_THRESHOLD:
            try:
                result = self.workspace.apply(changes, label=label, expected=wanted, join_bpr=join_bpr)
            except FitGapError as exc:
                self.show_error(exc)
                return
            self.bulk_done(result, label, plan)
            return
        self.set_busy(label)

        def work() -> None:
            worker = get_current_worker()
            try:
                result = self.workspace.apply(changes, label=label, expected=wanted, join_bpr=join_bpr)
            except FitGapError as exc:
                if not worker.is_cancelled:
                    self.app.call_from_thread(self.show_error, exc)
                    self.app.call_from_thread(self.set_busy, None)
                return
            if not worker.is_cancelled:
                self.app.call_from_thread(self.bulk_done, result, label, plan)

        self.run_worker(work, thread=True, exclusive=True, group="write", name=label)

    def bulk_done(self, result: UpdateResult, label: str, plan: BulkPlan | None = None) -> None:
        self.set_busy(None)
        self.selected_items.clear()
        self.after_write(result)
        total = len(plan.changes) + plan.kept if plan is not None else len(result.changed) + len(result.unchanged)
        left = total - len(result.changed)
        tail = f"、{left:,}件は変更していません" if left else ""
        if result.changed:
            self.notify(f"{label}: {len(result.changed):,}件を変更しました{tail}（z で元に戻す）", timeout=5)
        elif not result.conflicts and not result.rejected:
            self.notify("変更はありませんでした（すでにその値です）。", timeout=3)

    def update(self, keys: list[ItemKey], *, label: str, expected: Mapping[ItemKey, int],
               **changes: Any) -> UpdateResult | None:
        try:
            return self.workspace.update(keys, label=label, expected=expected, **changes)
        except FitGapError as exc:
            self.show_error(exc)
            return None

    def order_stable(self) -> bool:
        """Whether a change of status, disposition or note can leave the filtered rows and their order as
        they are (no filter or sort on those fields): then changed rows are refreshed in place."""
        return False

    def after_write(self, result: UpdateResult, *, report_conflicts: bool = True) -> None:
        touched = [*result.changed, *(c.key for c in result.conflicts)]
        if self.order_stable() and len(touched) <= IN_PLACE_LIMIT:
            fresh: dict[ItemKey, ItemRow] = {}
            for key in touched:
                try:
                    fresh[key] = get_item(db=self.workspace.db, key=key)
                except FitGapError:
                    fresh.clear()
                    self.table.reload(keep_cursor=True, expected_gone=touched)
                    break
            if fresh:
                self.table.cache.replace(fresh, key=lambda r: r.key)
                self.table.refresh()
                self.table.post_message(VirtualTable.CursorMoved(self.table, self.table.cursor))  # detail
        else:
            self.table.reload(keep_cursor=True, expected_gone=touched)  # the user's change took its row out
        self.update_title()
        said = bpr_notice(result.bpr)
        if said:
            self.notify(said, title="業務見直し", timeout=6)
        if result.rejected:
            reason = result.rejected[0][1]
            ids = "、".join(k.label for k, _r in result.rejected[:5])
            self.notify(f"{len(result.rejected):,}件は変更しませんでした: {reason}（{ids}）\n"
                        "e でメモを書いてから判定してください。", title="メモが必要", severity="warning", timeout=8)
        if result.conflicts and report_conflicts:
            self.app.push_screen(ConflictDialog(result.conflicts))

    def show_error(self, exc: FitGapError) -> None:
        self.notify(f"{exc.message}" + (f"\n対処: {exc.hint}" if exc.hint else ""), title="エラー", severity="error",
                    timeout=10)


def note_slot(row: ItemRow) -> DraftSlot:
    """Where the draft of a requirement's note is kept."""
    return DraftSlot(drafts.NOTE, str(row.key), f"メモ {row.key.label} {row.name}")


def theirs_of(row: ItemRow) -> Theirs:
    """A requirement as someone else saved it, beside the note typed."""
    disposition = row.disposition.value if row.disposition else "—"
    return Theirs(text=row.note, by=row.assessed_by or "", at=row.assessed_at,
                  detail=f"状況 {row.status.value}　方針 {disposition}")


def _picked(picker: ChoiceModal[Any]) -> bool:
    """Whether the picker was closed by choosing (a None choice) rather than cancelled."""
    return getattr(picker, "chose", False)
