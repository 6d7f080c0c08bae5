"""Choosing filters: status, class, disposition, severity and flags; the list narrows as they change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, SelectionList, Static
from textual.widgets.selection_list import Selection

from fitgap.domain.dispositions import for_requirements
from fitgap.domain.enums import Disposition, Kubun, Severity, Status
from fitgap.services.items import ItemFilter

FLAG_REVIEW = "flag:要再確認"
FLAG_NOTE = "flag:メモ未記入"


def filter_options(departments: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(label, value) of every filter choice, in the order the picker shows them; ``departments``: the 担当課
    in use (services.owners), for "my items"."""
    out = [(f"状況: {s.value}", f"status:{s.value}") for s in Status]
    out += [(f"区分: {k.value}", f"kubun:{k.value}") for k in Kubun]
    out += [(f"対応方針: {d.value}", f"disposition:{d.value}") for d in for_requirements()]
    out += [(f"重要度: {s.value}", f"severity:{s.value}") for s in Severity]
    out += [("フラグ: 要再確認（改版で変わった要件）", FLAG_REVIEW), ("フラグ: メモ未記入（メモが必要なのに空）", FLAG_NOTE)]
    out += [(f"担当課: {d}", f"department:{d}") for d in departments]
    return out


def filter_values(flt: ItemFilter) -> set[str]:
    values = {f"status:{s.value}" for s in flt.statuses} | {f"kubun:{k.value}" for k in flt.kubun}
    values |= {f"disposition:{d.value}" for d in flt.dispositions} | {f"severity:{s.value}" for s in flt.severities}
    if flt.needs_review:
        values.add(FLAG_REVIEW)
    if flt.note_missing:
        values.add(FLAG_NOTE)
    values |= {f"department:{d}" for d in flt.departments}
    return values


def apply_values(flt: ItemFilter, values: set[str]) -> ItemFilter:
    def pick(prefix: str) -> list[str]:
        return [v.split(":", 1)[1] for v in values if v.startswith(prefix + ":")]

    return replace(
        flt,
        statuses=frozenset(Status(v) for v in pick("status")),
        kubun=frozenset(Kubun(v) for v in pick("kubun")),
        dispositions=frozenset(Disposition(v) for v in pick("disposition")),
        severities=frozenset(Severity(v) for v in pick("severity")),
        needs_review=True if FLAG_REVIEW in values else None,
        note_missing=True if FLAG_NOTE in values else None,
        departments=frozenset(pick("department")),
    )


def condition_parts(flt: ItemFilter) -> list[str]:
    """The filters as users read them (状況 ギャップ, 要再確認のみ …): one wording for the filter bar and the
    saved views' list."""
    parts = []
    for title, values in (("状況", flt.statuses), ("区分", flt.kubun), ("方針", flt.dispositions),
                          ("重要度", flt.severities)):
        if values:
            parts.append(f"{title} " + "・".join(sorted(v.value for v in values)))
    if flt.needs_review is not None:
        parts.append("要再確認のみ" if flt.needs_review else "要再確認を除く")
    if flt.note_missing:
        parts.append("メモ未記入のみ")
    if flt.departments:
        parts.append("担当課 " + "・".join(sorted(flt.departments)))
    return parts


def describe(flt: ItemFilter) -> str:
    """A short summary of the active filters for the filter bar."""
    return "　".join(condition_parts(flt))


class FilterPicker(ModalScreen[None]):
    """Space toggles a choice; the list behind narrows at once. Escape or enter closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "閉じる", id="filter.close", tooltip="絞り込みを閉じます",
                key_display="esc"),
        Binding("x", "clear", "すべて解除", id="filter.clear", tooltip="絞り込みをすべて解除します"),
    ]
    DEFAULT_CSS = """
    FilterPicker { align: right top; }
    FilterPicker > Vertical {
        width: 48; height: 100%; border: round $accent; border-title-color: $text-accent; background: $surface;
    }
    FilterPicker .picker-hint { color: $text-muted; height: auto; padding: 0 1; }
    FilterPicker SelectionList { height: 1fr; border: none; }
    """

    def __init__(self, *, flt: ItemFilter, on_change: Callable[[ItemFilter], None],
                 departments: Sequence[str] = ()) -> None:
        super().__init__()
        self.flt = flt
        self.on_change = on_change
        self.departments = list(departments)

    def compose(self) -> ComposeResult:
        chosen = filter_values(self.flt)
        with Vertical() as box:
            box.border_title = "絞り込み"
            yield Static("space: 選択／解除　x: すべて解除　esc: 閉じる", classes="picker-hint")
            yield SelectionList[str](*[Selection(label, value, value in chosen) for label, value in filter_options(self.departments)],
                                     id="filters")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.flt = apply_values(self.flt, set(event.selection_list.selected))
        self.on_change(self.flt)

    def action_clear(self) -> None:
        self.query_one(SelectionList).deselect_all()

    def action_close(self) -> None:
        self.dismiss(None)
