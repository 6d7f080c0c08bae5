"""Marking on the requirements screen: status, disposition, note; single items and bulk; conflicts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from textual.worker import get_current_worker

from fitgap.domain.enums import Disposition, Status
from fitgap.errors import FitGapError
from fitgap.services.assessment import UpdateResult
from fitgap.services.items import ItemKey, ItemRow, get_item
from fitgap.tui.screens.base import WorkbenchScreen
from fitgap.tui.widgets.conflict_dialog import ConflictDialog
from fitgap.tui.widgets.note_editor import NoteEditor, edit_in_editor
from fitgap.tui.widgets.pickers import ChoiceModal
from fitgap.tui.widgets.virtual_table import VirtualTable

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
        if row is None:
            return
        label = f"{row.key.label} を{status.value}に"
        if status in self.workspace.note_rule() and not row.note.strip() and row.status != status:
            self.ask_note(row, required=f"{status.value} にはメモ（理由）が必要です。書いて ctrl+s で保存すると判定します。",
                          then=lambda note: self.write_one(row, label, advance=True, status=status, note=note))
            return
        self.write_one(row, label, advance=True, status=status)

    def action_disposition(self) -> None:
        if self.busy:
            return
        row = self.table.current_row
        if row is None:
            return
        choices: list[tuple[str, Disposition | None]] = [(d.value, d) for d in Disposition]
        choices.append(("（方針なし）", None))
        current = list(Disposition).index(row.disposition) if row.disposition and not self.selected_items else 0
        target = f"選択した {len(self.selected_items):,}件" if self.selected_items else f"{row.key.label} {row.name}"

        def chosen(value: Disposition | bool | None) -> None:
            if value is False:
                return
            label_value = value.value if isinstance(value, Disposition) else "方針なし"
            if self.selected_items:
                self.bulk_write(f"{len(self.selected_items):,}件の方針を{label_value}に", disposition=value)
                return
            label = f"{row.key.label} の方針を{label_value}に"
            if row.status != Status.GAP:
                changes: dict[str, Any] = {"status": Status.GAP, "disposition": value}
                if Status.GAP in self.workspace.note_rule() and not row.note.strip():
                    self.ask_note(row, required="ギャップにはメモ（理由）が必要です。",
                                  then=lambda note: self.write_one(row, label, note=note, **changes))
                    return
                self.write_one(row, label, **changes)
            else:
                self.write_one(row, label, disposition=value)

        picker: ChoiceModal[Disposition | bool | None] = ChoiceModal(
            title="対応方針", choices=choices, current=current,
            hint=f"{target}（ギャップでなければギャップにします）　1〜7 で選択、esc で取消",
        )
        self.app.push_screen(picker, lambda v: chosen(False if v is None and not _picked(picker) else v))

    def action_note(self) -> None:
        row = self.table.current_row
        if row is None or self.busy:
            return
        self.ask_note(row, required="", then=lambda note: self.write_one(row, f"{row.key.label} のメモ", note=note))

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
        elif edited != row.note:
            self.write_one(row, f"{row.key.label} のメモ", note=edited)

    def ask_note(self, row: ItemRow, *, required: str, then: Callable[[str], None]) -> None:
        editor = NoteEditor(note=row.note, about=f"{row.key.label} {row.name}（状況 {row.status.value}）",
                            required=required, blink=self.workbench.blink)
        self.app.push_screen(editor, lambda note: then(note) if note is not None else None)

    # ---- writing ------------------------------------------------------------------------------

    def write_one(self, row: ItemRow, label: str, *, advance: bool = False,
                  **changes: Any) -> None:
        index = self.table.cursor
        result = self.update([row.key], label=label, expected={row.key: row.revision}, **changes)
        if result is None:
            return
        self.after_write(result)
        if advance and result.changed:
            here = self.table.row_at(index)
            self.table.move_to(index + 1 if here is not None and here.key == row.key else index)

    def bulk_write(self, label: str, **changes: Any) -> None:
        keys = list(self.selected_items)
        expected = {k: v for k, v in self.selected_items.items() if v is not None}
        if len(keys) <= WORKER_THRESHOLD:
            result = self.update(keys, label=label, expected=expected, **changes)
            if result is not None:
                self.bulk_done(result, label)
            return
        self.set_busy(label)

        def work() -> None:
            worker = get_current_worker()
            try:
                result = self.workspace.update(keys, label=label, expected=expected, **changes)
            except FitGapError as exc:
                if not worker.is_cancelled:
                    self.app.call_from_thread(self.show_error, exc)
                    self.app.call_from_thread(self.set_busy, None)
                return
            if not worker.is_cancelled:
                self.app.call_from_thread(self.bulk_done, result, label)

        self.run_worker(work, thread=True, exclusive=True, group="write", name=label)

    def bulk_done(self, result: UpdateResult, label: str) -> None:
        self.set_busy(None)
        self.selected_items.clear()
        self.after_write(result)
        if result.changed:
            self.notify(f"{label}: {len(result.changed):,}件を変更しました（z で元に戻す）", timeout=4)
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

    def after_write(self, result: UpdateResult) -> None:
        touched = [*result.changed, *(c.key for c in result.conflicts)]
        if self.order_stable() and len(touched) <= IN_PLACE_LIMIT:
            fresh: dict[ItemKey, ItemRow] = {}
            for key in touched:
                try:
                    fresh[key] = get_item(db=self.workspace.db, key=key)
                except FitGapError:
                    fresh.clear()
                    self.table.reload(keep_cursor=True)
                    break
            if fresh:
                self.table.cache.replace(fresh, key=lambda r: r.key)
                self.table.refresh()
                self.table.post_message(VirtualTable.CursorMoved(self.table, self.table.cursor))  # detail
        else:
            self.table.reload(keep_cursor=True)
        self.update_title()
        if result.rejected:
            reason = result.rejected[0][1]
            ids = "、".join(k.label for k, _r in result.rejected[:5])
            self.notify(f"{len(result.rejected):,}件は変更しませんでした: {reason}（{ids}）\n"
                        "e でメモを書いてから判定してください。", title="メモが必要", severity="warning", timeout=8)
        if result.conflicts:
            self.app.push_screen(ConflictDialog(result.conflicts))

    def show_error(self, exc: FitGapError) -> None:
        self.notify(f"{exc.message}" + (f"\n対処: {exc.hint}" if exc.hint else ""), title="エラー", severity="error",
                    timeout=10)


def _picked(picker: ChoiceModal[Any]) -> bool:
    """Whether the picker was closed by choosing (a None choice) rather than cancelled."""
    return getattr(picker, "chose", False)
