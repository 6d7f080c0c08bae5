"""Where decisions are made (the requirement list, the 独自機能 screen): a decision that changes the work may
join an open 業務見直し item of its operation instead of creating one. A second picker asks which."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from fitgap.errors import FitGapError
from fitgap.services import bpr_choices
from fitgap.tui.widgets.pickers import ChoiceModal
from fitgap.tui.workspace import Workspace

NEW_ITEM = "新しい業務見直しの項目を作る"


def ask_join(screen: Screen, workspace: Workspace, *, operation_code: str | None, what: str,
             then: Callable[[int | None], None]) -> None:
    """Call ``then(None)`` (a new item) or ``then(id)`` (join that item). The operation's open items are
    offered when it has any; esc calls nothing (the decision is not made)."""
    items = []
    if operation_code is not None:
        try:
            items = bpr_choices.open_items(db=workspace.db, operation_code=operation_code, today=workspace.today)
        except FitGapError:
            items = []
    if not items:
        then(None)
        return
    choices: list[tuple[str, int | None]] = [(NEW_ITEM, None)]
    choices += [(f"#{r.id} {r.title}（{r.status.value}・{r.department or '担当課未定'}・対象 {len(r.targets)}件）", r.id)
                for r in items]
    picker = ChoiceModal[int | None](title="業務見直し", choices=choices,
                                     hint=f"{what} は業務を変える方針です。どの業務見直しの項目で扱いますか"
                                          "（同じ例規改正・様式変更なら既存の項目に加えます）。esc で取消")

    def chosen(value: int | None) -> None:
        if value is None and not picker.chose:
            return
        then(value)

    screen.app.push_screen(picker, chosen)
