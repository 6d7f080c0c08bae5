"""The systems screen's 改修 panel: the selected system's interface changes (one per link where the
municipality must act; a two-step item shows its step, 暫定連携 or 本連携), late ones first, and the keys to set their status, dates, vendor, cost and interim interface —
each edit undoable with ``z`` like the screen's other edits (refused, and said, when someone changed the
item in between)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rich.markup import escape
from textual.binding import Binding
from textual.widgets import Static

from fitgap.domain.calendar import format_date
from fitgap.domain.enums import ChangeStatus
from fitgap.errors import ConflictError
from fitgap.graph.changes import Step
from fitgap.services import changes
from fitgap.services.changes import ChangeView
from fitgap.services.drafts import FORM
from fitgap.services.edit_input import parse_date_input
from fitgap.services.schedule import SystemRow
from fitgap.tui.commands import PaletteCommand
from fitgap.tui.drafts import DraftSlot
from fitgap.tui.screens.form_dialog import Field

CHANGE_KEYS: tuple[Binding, ...] = (
    Binding("i", "edit_change", "改修", show=True, id="systems.change",
            tooltip="選んだシステムの連携の改修（状況・完了予定日・完了日・ベンダ・費用・暫定連携）を記録します"),
)
STATUS_STYLE = {ChangeStatus.DONE: "$text-success", ChangeStatus.TESTED: "$text-accent"}


def change_lines(row: SystemRow) -> list[str]:
    """The panel's text: a summary line, then one line per item (late ones first, as the service orders)."""
    items = row.changes
    undated = (["  [$text-warning]日程未定[/]: 移行予定日がないため、標準準拠システム同士の連携の改修が要るかはまだ決まりません。"]
               if row.node.converts and row.node.cutover is None else [])
    if not items:
        return ["[b $text-accent]連携の改修[/]", "  団体が対応する連携の改修はありません。", *undated]
    done = sum(1 for c in items if c.item.done)
    late = row.late_changes
    head = f"[b $text-accent]連携の改修[/] {len(items)}件　完了 {done}件"
    head += f"　[b $text-error]必要日までに終わらない {late}件[/]" if late else ""
    lines = [head, *undated]
    for c in items:
        st, it = c.state, c.item
        other = c.consumer if c.provider == row.name else c.provider
        arrow = "→" if c.provider == row.name else "←"
        style = STATUS_STYLE.get(it.status, "")
        status = f"[{style}]{it.status.value}[/]" if style else it.status.value
        when = f"完了 {it.actual.isoformat()}" if it.done and it.actual else f"予定 {it.planned.isoformat() if it.planned else '未定'}"
        need = f"必要日 {st.needed_by.isoformat()}" if st.needed_by else "必要日 未定"
        step = f"{st.step.label}　" if st.step and st.step != Step.SINGLE else ""
        mark = f"　[b $text-error]{st.verdict}[/]" if st.late else ""
        if not st.needed:
            mark = f"　[$text-muted]{st.verdict}[/]"
        flag = f"　[$text-warning]{escape(c.flag)}[/]" if c.flag else ""
        extra = f"　暫定連携: {escape(it.interim)}" if it.interim else ""
        vendor = f"　{escape(it.vendor)}" if it.vendor else ""
        lines.append(f"  {arrow} {escape(other)}　{step}{status}　{when}　{need}{mark}{flag}{vendor}{extra}"
                     + ("　[$text-warning]典型例[/]" if it.typical else ""))
    return lines


class ChangePanel(Static):
    """The selected system's 改修 items."""

    DEFAULT_CSS = """
    ChangePanel { height: auto; margin-top: 1; }
    """

    def show(self, row: SystemRow | None) -> None:
        self.update("\n".join(change_lines(row)) if row is not None else "")


class ChangeActions:
    """Key handlers of the 改修 panel, mixed into the systems screen (which provides current, _ask, load)."""

    # provided by the screen
    current: Callable[[], SystemRow | None]
    _ask: Callable[..., None]
    load: Callable[[], None]
    after_edit: Callable[[], None]
    notify: Callable[..., Any]
    workspace: Any

    def action_edit_change(self) -> None:
        row = self.current()
        if row is None:
            return
        if not row.changes:
            self.notify("このシステムには団体が対応する連携の改修がありません（改修項目なし）。", timeout=4)
            return
        if len(row.changes) == 1:
            self._edit_change(row.changes[0])
            return
        choices = [(f"{c.label}（{c.item.status.value}{'・遅れ' if c.state.late else ''}）", i)
                   for i, c in enumerate(row.changes)]
        self._ask(f"{row.name}: 改修する連携を選ぶ", [Field("item", "連携", 0, choices)],
                  lambda v: self._edit_change(row.changes[v["item"]]), check=False)  # a chooser: closes first

    def _edit_change(self, view: ChangeView) -> None:
        """The form, filled with the item's values. A refused save (a bad date or cost, or someone else's
        save in between) is shown in the form, which stays open with everything typed."""
        it, st = view.item, view.state
        hint = "2026-01-05（空欄で消去）"
        need = format_date(st.needed_by)
        saving = [view]  # the item as last read: a conflict moves it on to the item as it is now
        step = f"{st.step.label}: " if st.step and st.step != Step.SINGLE else ""
        about = f"{step}必要日 {need}（{st.reason}）"
        if st.step == Step.INTERIM:
            about += "。完了にすると暫定連携を完了として記録し、本連携の段階に進みます"
        if st.steps:
            about += f"。{st.steps}"
        # what is typed is kept as a draft when the user says so; a draft begun before someone else's save is
        # saved against the item as it was then, so that the first save shows their change (a conflict)
        handle = self.workspace.drafts.handle(DraftSlot(FORM, f"change:{view.provider}→{view.consumer}",
                                                        f"改修 {view.label}"), base_revision=it.revision)

        def save(v: dict[str, Any]) -> None:
            began = handle.base_revision if handle.loaded is not None and saving[0] is view else None
            self._save_change(saving, v, began=began)

        self._ask(f"改修 {view.label}", [
            Field("status", "状況", it.status, [(s.value, s) for s in ChangeStatus]),
            Field("planned", "完了予定日", it.planned.isoformat() if it.planned else "", placeholder=hint),
            Field("actual", "完了日（完了のとき）", it.actual.isoformat() if it.actual else "", placeholder=hint),
            Field("vendor", "改修を行うベンダ", it.vendor or ""),
            Field("cost", "概算費用（千円）", "" if it.cost_kyen is None else f"{it.cost_kyen:g}"),
            Field("interim", "暫定連携（使う場合の内容）", it.interim),
            Field("change", "改修内容", it.change),
        ], save, help=about, draft=handle)

    def _save_change(self, saving: list[ChangeView], v: dict[str, Any], *, began: int | None = None) -> None:
        """Save the form's values on ``saving[0]``, the item as the form last read it (or as it was at
        revision ``began``, when a draft was begun then). Raises FitGapError (shown in the form) when the
        save is refused."""
        ws = self.workspace
        view = saving[0]
        try:
            edit = changes.update_change(
                db=ws.db, user=ws.user, provider=view.provider, consumer=view.consumer,
                expected_revision=view.item.revision if began is None else began, today=ws.today, status=v["status"],
                planned=parse_date_input(v["planned"]), actual=parse_date_input(v["actual"]),
                vendor=v["vendor"], cost_kyen=v["cost"], interim=v["interim"], change=v["change"],
            )
        except ConflictError as exc:
            # someone saved the item meanwhile: nothing was overwritten, the form keeps what was typed, and a
            # second 保存 is made knowingly on the item as it is now (not another conflict)
            self.load()
            fresh = next((c for c in changes.get_changes(db=ws.db, today=ws.today, system=view.provider).items
                          if (c.provider_id, c.consumer_id) == (view.provider_id, view.consumer_id)), None)
            if fresh is None:
                raise
            saving[0] = fresh
            now = fresh.item
            raise ConflictError(
                f"{exc.message}（今の内容: 状況 {now.status.value}、完了予定日 {format_date(now.planned)}、"
                f"完了日 {format_date(now.actual)}）",
                "入力した内容はそのままです。確かめて、もう一度保存すると今の内容に上書きします。",
            ) from exc
        ws.remember_change(f"{view.label} の改修", edit)  # z undoes it, as the screen's other edits
        message = f"{view.label}: 改修を保存しました（z で元に戻す）。" if edit.changed else f"{view.label}: 変更はありません。"
        self.notify("\n".join([message, *edit.notes]), timeout=4)
        self.after_edit()

    def change_palette_commands(self, run: Callable[[str], Callable[[], object]]) -> Iterable[PaletteCommand]:
        for key in CHANGE_KEYS:
            yield PaletteCommand(f"システム: {key.description}", key.tooltip or "", run(key.action))


__all__: Sequence[str] = ("CHANGE_KEYS", "ChangeActions", "ChangePanel", "change_lines")
