"""Saved views: every view with its conditions; open, rename, delete. Palette: "ビュー: 一覧・名前の変更・削除…"."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from fitgap.errors import FitGapError
from fitgap.services import views
from fitgap.services.database import Database
from fitgap.services.items import ItemFilter, ItemSort
from fitgap.tui.screens.item_source import SORT_LABELS
from fitgap.tui.widgets.filter_picker import condition_parts
from fitgap.tui.widgets.pickers import PICKER_CSS


def describe(flt: ItemFilter, sort: ItemSort, names: dict[str, str] | None = None) -> str:
    """A view's conditions as users read them: 業務 001 住民基本台帳 ／ 状況 ギャップ ／ 検索「転出」 ／ 並び 名称↓."""
    where = f"業務 {flt.operation_code} {(names or {}).get(flt.operation_code, '')}".rstrip() if flt.operation_code \
        else "全業務"
    parts = [where, *condition_parts(flt)]
    if flt.text:
        parts.append(f"検索「{flt.text}」")
    parts.append(f"並び {SORT_LABELS.get(sort.column, sort.column)}{'↓' if sort.descending else '↑'}")
    return " ／ ".join(parts)


class SavedViewsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "開く", id="views.open", tooltip="選んだビューを開きます"),
        Binding("r", "rename", "名前の変更", id="views.rename", tooltip="選んだビューの名前を変えます"),
        Binding("delete,d", "delete", "削除", id="views.delete", tooltip="選んだビューを削除します（確認あり）"),
        Binding("escape", "close", "閉じる", id="views.close", tooltip="閉じます", key_display="esc"),
    ]
    DEFAULT_CSS = "SavedViewsScreen {" + PICKER_CSS + "}"

    def __init__(self, *, db: Database, names: dict[str, str], open_view: Callable[[ItemFilter, ItemSort], None]):
        super().__init__()
        self.db, self.names, self.open_view = db, names, open_view
        self.rows: list[tuple[str, ItemFilter, ItemSort]] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "保存したビュー"
            yield Static(Content("⏎ 開く　r 名前の変更　d 削除　esc 閉じる"), classes="picker-hint")
            yield OptionList(id="views")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self, keep: str | None = None) -> None:
        self.rows = [(n, f, s) for n, f, s, _at in views.list_view_definitions(db=self.db)]
        ol = self.query_one(OptionList)
        ol.clear_options()
        if not self.rows:
            ol.add_option(Option(Content("（保存したビューはありません。要件一覧で V を押すと保存できます）"), disabled=True))
            return
        ol.add_options([Option(Content.assemble((name, "bold"), "\n  ", (describe(f, s, self.names), "$text-muted")),
                               id=name) for name, f, s in self.rows])
        names = [n for n, _f, _s in self.rows]
        ol.highlighted = names.index(keep) if keep in names else 0
        ol.focus()

    def _current(self) -> tuple[str, ItemFilter, ItemSort] | None:
        i = self.query_one(OptionList).highlighted
        return self.rows[i] if i is not None and 0 <= i < len(self.rows) else None

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self._current()
        if row is not None:
            self.dismiss(None)
            self.open_view(row[1], row[2])

    def action_rename(self) -> None:
        row = self._current()
        if row is not None:
            self._ask_name(row[0], row[0])

    def _ask_name(self, old: str, value: str, error: FitGapError | None = None) -> None:
        """Ask for ``old``'s new name; after a refusal (the name is taken) ask again with what was typed."""
        from fitgap.tui.widgets.pickers import NameModal

        def done(new: str | None) -> None:
            if not new:
                return
            try:
                views.rename_view(db=self.db, name=old, new_name=new)
            except FitGapError as exc:
                self._ask_name(old, new, exc)
                return
            self.notify(f"ビュー「{old}」を「{new.strip()}」にしました。", timeout=3)
            self.reload(keep=new.strip())

        hint = f"エラー: {error.message}" + (f"　対処: {error.hint}" if error.hint else "") if error else ""
        self.app.push_screen(NameModal(title=f"「{old}」の新しい名前", value=value, hint=hint,
                                       blink=getattr(self.app, "blink", True)), done)

    def action_delete(self) -> None:
        from fitgap.tui.widgets.pickers import ChoiceModal

        row = self._current()
        if row is None:
            return
        name = row[0]

        def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                views.delete_view(db=self.db, name=name)
            except FitGapError as exc:
                self.notify(exc.message, severity="error", timeout=6)
                return
            self.notify(f"ビュー「{name}」を削除しました。", timeout=3)
            self.reload()

        self.app.push_screen(ChoiceModal(title=f"ビュー「{name}」を削除しますか", choices=[("削除する", True),
                                                                                   ("やめる", False)]), done)

    def action_close(self) -> None:
        self.dismiss(None)
