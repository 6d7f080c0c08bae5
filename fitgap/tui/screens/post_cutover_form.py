"""Recording a requirement's 移行後の経過措置 from the workbench (the item view's ``t`` and the palette of the
item view and the requirement list): a small form — 予定日, 届出日, 完了日, メモ — saved from inside the
dialog, so that a refused save (a bad date, a 完了日 in the future, someone else's save in between) is
shown there with everything typed kept (and kept as a draft when the user says so, offered the next time
the form opens); and removing the record after a confirmation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from textual.screen import Screen

from fitgap.errors import ConflictError, FitGapError
from fitgap.services import post_cutover
from fitgap.services.drafts import FORM
from fitgap.services.edit_input import parse_date_input
from fitgap.services.items import ItemKey
from fitgap.tui.commands import PaletteCommand
from fitgap.tui.drafts import DraftSlot
from fitgap.tui.screens.form_dialog import Field, FormDialog
from fitgap.tui.widgets.pickers import ChoiceModal

RECORD_TITLE = "経過措置: 移行後の経過措置を記録"
RECORD_HELP = "この要件を、移行後にベンダが実装する機能として記録します（予定日・届出日・完了日・メモ）"
REMOVE_TITLE = "経過措置: 移行後の経過措置の記録を削除"
DATE_HINT = "2027-03-31"
FORM_HELP = "予定日を過ぎて未完了なら期限超過。届出日・完了日は済んだ日を入力。"  # one line of the dialog


def _date_text(value: Any) -> str:
    return value.isoformat() if value else ""


def record_post_cutover(screen: Screen[Any], key: ItemKey | None, then: Callable[[], None]) -> None:
    """Open the form for ``key`` filled with what is recorded; ``then`` runs after a save (to read again)."""
    if key is None:
        return
    ws = screen.app.workspace  # type: ignore[attr-defined]
    try:
        current = post_cutover.get_measure(db=ws.db, key=key, today=ws.today)
    except FitGapError as exc:
        screen.notify(f"{exc.message}\n{exc.hint or ''}".strip(), severity="error", timeout=6)
        return
    record = current.record if current is not None else None
    expected = [record.revision if record is not None else 0]  # a conflict moves it on to the record as it is now
    # what is typed is kept as a draft when the user says so; a draft begun before someone else's save is
    # saved against the record as it was then, so that the first save shows their change (a conflict)
    handle = ws.drafts.handle(DraftSlot(FORM, f"post_cutover:{key}", f"移行後の経過措置 {key.label}"),
                              base_revision=expected[0])
    first = [True]

    def save(values: dict[str, Any]) -> None:
        if first[0] and handle.loaded is not None and handle.base_revision is not None:
            expected[0] = handle.base_revision
        first[0] = False
        try:
            edit = post_cutover.set_measure(
                db=ws.db, user=ws.user, key=key, today=ws.today, planned=parse_date_input(values["planned"]),
                notified_on=parse_date_input(values["notified"]), done_on=parse_date_input(values["done"]),
                note=values["note"], expected_revision=expected[0])
        except ConflictError as exc:
            fresh = post_cutover.get_measure(db=ws.db, key=key, today=ws.today)
            expected[0] = fresh.record.revision if fresh is not None else 0
            now = post_cutover.describe(fresh.record if fresh is not None else None)
            raise ConflictError(f"{exc.message}（今の内容: {now}）",
                                "入力した内容はそのままです。確かめて、もう一度保存すると今の内容に上書きします。") from exc
        if not edit.changed:
            screen.notify(f"{key.label}: 変更はありません。", timeout=3)
        else:
            done = "記録しました" if edit.created else "保存しました"
            screen.notify(f"{key.label}: 移行後の経過措置を{done}（{post_cutover.describe(edit.after)}）。", timeout=4)
        then()

    name = f"（{current.name}）" if current is not None and current.name else ""
    screen.app.push_screen(FormDialog(f"移行後の経過措置 {key.label}{name}", [
        Field("planned", "実装予定日（必須）", _date_text(record.planned if record else None), placeholder=DATE_HINT),
        Field("notified", "デジタル庁への届出日", _date_text(record.notified_on if record else None),
              placeholder=f"{DATE_HINT}（届け出ていなければ空欄）"),
        Field("done", "完了日（ベンダが実装した日）", _date_text(record.done_on if record else None),
              placeholder=f"{DATE_HINT}（未完了なら空欄）"),
        Field("note", "メモ", record.note if record else ""),
    ], help=FORM_HELP, submit=save, draft=handle))


def remove_post_cutover(screen: Screen[Any], key: ItemKey | None, then: Callable[[], None]) -> None:
    """Ask, then remove the record of ``key`` (refused when someone changed it since it was shown)."""
    if key is None:
        return
    ws = screen.app.workspace  # type: ignore[attr-defined]
    current = post_cutover.get_measure(db=ws.db, key=key, today=ws.today)
    if current is None:
        screen.notify(f"{key.label} に移行後の経過措置の記録はありません。", timeout=3)
        return
    revision = current.record.revision

    def chosen(remove: bool | None) -> None:
        if not remove:
            return
        try:
            post_cutover.remove_measure(db=ws.db, user=ws.user, key=key, expected_revision=revision)
        except FitGapError as exc:
            screen.notify(f"{exc.message}\n{exc.hint or ''}".strip(), severity="error", timeout=6)
            return
        screen.notify(f"{key.label}: 移行後の経過措置の記録を削除しました。", timeout=3)
        then()

    screen.app.push_screen(ChoiceModal[bool](
        title=f"{key.label}: 移行後の経過措置の記録を削除",
        hint=f"記録: {post_cutover.describe(current.record)}", choices=[("削除しない", False), ("削除する", True)]),
        chosen)


def post_cutover_commands(screen: Screen[Any], key: Callable[[], ItemKey | None],
                          then: Callable[[], None]) -> Iterator[PaletteCommand]:
    """The palette's entries for the requirement ``key()`` gives (the one under the cursor, or shown)."""
    yield PaletteCommand(RECORD_TITLE, RECORD_HELP, lambda: record_post_cutover(screen, key(), then))
    yield PaletteCommand(REMOVE_TITLE, "この要件の移行後の経過措置の記録を削除します",
                         lambda: remove_post_cutover(screen, key(), then), discover=False)
