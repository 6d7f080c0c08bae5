"""The mapping picker: search the operation's requirements (ID, name or text, as in the requirement list)
and tick the ones that cover a current function. Enter on a result adds or removes it; ctrl+s saves; esc
after a change asks whether to save it or throw it away."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from fitgap.errors import FitGapError
from fitgap.services.database import Database
from fitgap.services.items import ItemFilter, ItemKey, ItemRow, list_items
from fitgap.tui.widgets.pickers import ChoiceModal, NameDraft

LIMIT = 60


class RequirementPicker(ModalScreen[list[ItemKey] | None]):
    """Returns the chosen requirement keys (the whole new set), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="picker.save", tooltip="対応付けを保存して閉じます", priority=True),
        Binding("escape", "cancel", "取消", id="picker.cancel", key_display="esc",
                tooltip="閉じます（対応付けを変えていれば、保存するか捨てるかを選びます）"),
        Binding("down", "results", "結果へ", id="picker.results", tooltip="検索結果へ移ります", show=False),
    ]
    DEFAULT_CSS = """
    RequirementPicker { align: center middle; }
    RequirementPicker > Vertical {
        width: 90%; max-width: 120; height: 80%; border: round $accent; border-title-color: $text-accent;
        background: $surface; padding: 0 1;
    }
    RequirementPicker #picker-chosen { height: auto; max-height: 6; color: $text-accent; }
    RequirementPicker #picker-hint { height: auto; color: $text-muted; }
    RequirementPicker OptionList { height: 1fr; border: none; }
    """

    def __init__(self, *, db: Database, operation_code: str, about: str, chosen: list[ItemKey],
                 blink: bool = True, draft: NameDraft | None = None) -> None:
        super().__init__()
        self.db, self.operation_code, self.about = db, operation_code, about
        self.saved = list(chosen)  # the mapping as it is stored
        self.chosen: list[ItemKey] = list(chosen)
        self.results: list[ItemRow] = []
        self.blink = blink
        self.draft = draft  # a mapping begun and not saved (esc, quitting), offered again the next time
        if draft is not None:
            try:
                found = draft.load()
            except FitGapError:
                found = None
            keys = str((found.fields or {}).get("chosen") or "") if found is not None else ""
            if found is not None:
                self.chosen = [ItemKey.parse(k) for k in keys.split("|") if k]
                self.about = f"{about}\n（前に選んで保存しなかった対応付けです。ctrl+s で保存、esc で選べます）"

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "要件に対応付け（Enter 追加/解除 ・ ctrl+s 保存 ・ esc 取消）"
            yield Static(Content(self.about), id="picker-hint")
            yield Static(id="picker-chosen")
            search = Input(placeholder="ID・名称・本文で検索（空欄: 文書の順）", id="picker-search")
            search.cursor_blink = self.blink
            yield search
            yield OptionList(id="picker-results")
        yield Footer()

    def on_mount(self) -> None:
        self.search("")
        self._show_chosen()
        self.query_one(Input).focus()

    def search(self, text: str) -> None:
        flt = ItemFilter(operation_code=self.operation_code, text=text)
        self.results = list_items(db=self.db, flt=flt, limit=LIMIT)
        ol = self.query_one(OptionList)
        ol.clear_options()
        ol.add_options([Option(Content(self._label(r)), id=str(i)) for i, r in enumerate(self.results)])
        if self.results:
            ol.highlighted = 0

    def _label(self, r: ItemRow) -> str:
        mark = "☑" if r.key in self.chosen else "☐"
        return f"{mark} {r.key.label}  [{r.kubun.short}] {r.name}（{r.status.value}）"

    def _show_chosen(self) -> None:
        text = "対応要件: " + ("、".join(k.label for k in self.chosen) if self.chosen else "なし")
        self.query_one("#picker-chosen", Static).update(Content(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.results:
            self.toggle(0)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.toggle(int(event.option.id or 0))

    def toggle(self, index: int) -> None:
        key = self.results[index].key
        if key in self.chosen:
            self.chosen.remove(key)
        else:
            self.chosen.append(key)
        ol = self.query_one(OptionList)
        ol.replace_option_prompt_at_index(index, Content(self._label(self.results[index])))
        self._show_chosen()

    def action_results(self) -> None:
        self.query_one(OptionList).focus()

    def action_save(self) -> None:
        if self.draft is not None:
            self.draft.drop()
        self.dismiss(self.chosen)

    def action_cancel(self) -> None:
        if set(self.chosen) == set(self.saved):
            self.dismiss(None)
            return
        choices: list[tuple[str, str | None]] = [("選択に戻る", None), ("保存する", "save")]
        if self.draft is not None:
            choices.append(("下書きとして残して閉じる（次に開くと戻ります）", "keep"))
        choices.append(("変更を捨てて閉じる", "discard"))

        def chosen(value: str | None) -> None:
            if value == "save":
                self.action_save()
            elif value == "keep":
                self.keep_input()
            elif value == "discard":
                self.discard_input()

        self.app.push_screen(ChoiceModal[str | None](
            title="保存していない対応付け", choices=choices,
            hint=f"対応付けの変更（{len(set(self.chosen) ^ set(self.saved))}件）はまだ保存していません。"), chosen)

    # ---- what quitting asks about (tui.drafts.HoldsInput) ------------------------------------

    def unsaved_input(self) -> str | None:
        if self.draft is None or not self.is_mounted or set(self.chosen) == set(self.saved):
            return None
        return "対応付け: " + self.about.splitlines()[0]

    def save_input(self) -> bool:
        self.action_save()
        return True

    def keep_input(self) -> None:
        if self.draft is not None:
            self.draft.keep(fields={"chosen": "|".join(str(k) for k in self.chosen)})
        self.dismiss(None)

    def discard_input(self) -> None:
        if self.draft is not None:
            self.draft.drop()
        self.dismiss(None)
