"""Where decisions are made (the requirement list, the 独自機能 screen): a decision that names what it uses
asks for it before it is made. The system that takes the work over (an existing one; for 独自施策システム also
a new name), the option requirement a gap adopts, the 共通機能 (EUC, 申請管理 …). esc makes no decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from fitgap.domain.dispositions import Disposition, needs_system
from fitgap.domain.enums import Kubun
from fitgap.errors import FitGapError
from fitgap.services import systems
from fitgap.services.drafts import FORM
from fitgap.services.items import ItemFilter, list_items
from fitgap.tui.drafts import DraftSlot
from fitgap.tui.widgets.pickers import ChoiceModal, NameModal
from fitgap.tui.workspace import Workspace

NEW_SYSTEM = "新しい独自施策システム（名前を入力）…"
OPTIONS_SHOWN = 200  # an operation's 標準オプション requirements offered in the picker


def pick_system(screen: Screen, workspace: Workspace, value: Disposition, then: Callable[[str], None], *,
                blink: bool = True) -> None:
    """Call ``then(name)`` with the system the decision names: picked from the systems, or (独自施策システム)
    a new name typed, which the service adds as a 関連システム."""
    try:
        names = sorted(s.name for s in systems.list_systems(db=workspace.db))
    except FitGapError as exc:
        screen.notify(exc.message, title="エラー", severity="error", timeout=8)
        return
    new = value == Disposition.SEPARATE_SYSTEM
    if not names and not new:
        screen.notify(f"{value.value} には既存のシステムの指定が必要ですが、システムがありません"
                      "（「開く: システムと移行計画」で追加してください）。", severity="warning", timeout=8)
        return
    choices: list[tuple[str, str | None]] = [(NEW_SYSTEM, None)] if new else []
    choices += [(n, n) for n in names]
    picker = ChoiceModal[str | None](title=f"{value.value}: システム", choices=choices,
                                     hint="移す先のシステムを選びます。esc で取消")

    def chosen(name: str | None) -> None:
        if name is None and not picker.chose:
            return
        if name is not None:
            then(name)
            return
        draft = workspace.drafts.handle(DraftSlot(FORM, "new-system-name", "新しい独自施策システムの名前"))
        screen.app.push_screen(NameModal(title="新しい独自施策システム", hint="システムの名前（関連システムとして追加します）",
                                         blink=blink, draft=draft), lambda typed: then(typed) if typed else None)

    screen.app.push_screen(picker, chosen)


def pick_option(screen: Screen, workspace: Workspace, operation_code: str, then: Callable[[str], None]) -> None:
    """Call ``then('機能:ID')`` with the 標準オプション requirement of the operation the gap adopts."""
    try:
        rows = list_items(db=workspace.db, flt=ItemFilter(operation_code=operation_code, kubun=frozenset({Kubun.OPTION})),
                          limit=OPTIONS_SHOWN)
    except FitGapError as exc:
        screen.notify(exc.message, title="エラー", severity="error", timeout=8)
        return
    if not rows:
        screen.notify("この業務の現行の版には標準オプションの要件がありません。別の方針を選んでください。",
                      severity="warning", timeout=8)
        return
    choices = [(f"{r.kind.value}:{r.key.req_id} {r.name}（{r.status.value}）", f"{r.kind.value}:{r.key.req_id}")
               for r in rows]
    picker = ChoiceModal[str](title=f"{Disposition.OPTION.value}: 採用する標準オプション", choices=choices,
                              hint="採用する標準オプションの要件を選びます。その要件が適合（採用）になるまで方針は未決です。"
                                   "esc で取消")
    screen.app.push_screen(picker, lambda v: then(v) if v else None)


def ask_names(screen: Screen, workspace: Workspace, value: Disposition | None, *, operation_codes: set[str],
              then: Callable[[dict[str, Any]], None], blink: bool = True) -> None:
    """Ask what the decision names and call ``then`` with the keyword arguments that carry it (``system``,
    ``detail``); decisions that name nothing call ``then({})`` at once."""
    if needs_system(value):
        assert value is not None
        pick_system(screen, workspace, value, lambda name: then({"system": name}), blink=blink)
    elif value == Disposition.OPTION:
        if len(operation_codes) != 1:
            screen.notify("標準オプションで対応 は業務ごとに選んでください（選択に複数の業務が含まれています）。",
                          severity="warning", timeout=8)
            return
        pick_option(screen, workspace, next(iter(operation_codes)), lambda key: then({"detail": key}))
    elif value == Disposition.COMMON:
        prompt = NameModal(title="共通機能で対応", hint="どの共通機能で行いますか（EUC、申請管理、統合収納 など。"
                                                         "空のまま enter でも決められます）。esc で取消", blink=blink)
        screen.app.push_screen(prompt, lambda typed: then({"detail": typed or ""}) if typed or prompt.entered else None)
    else:
        then({})
