"""One requirement, full screen (Enter on the list): every field, the whole history, every vendor answer
(with the ones later answers replaced), and for a 要再確認 item the old text beside the new one. Search hits
are marked as in the detail pane. The mark keys work here as in the list: 1/2/3/u mark the requirement
shown (through the list, with its note rule and conflict checks) and the view moves on to the next one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from fitgap.errors import FitGapError
from fitgap.services.items import ItemDetail, ItemKey, get_item_detail
from fitgap.tui import keymap
from fitgap.tui.commands import PaletteCommand
from fitgap.tui.labels import when
from fitgap.tui.screens.post_cutover_form import post_cutover_commands, record_post_cutover
from fitgap.tui.widgets.detail_pane import head_content, highlighted, history_line, post_cutover_lines
from fitgap.tui.widgets.text_diff import diff_contents


def _section(title: str) -> Content:
    return Content.styled(f"■ {title}", "bold $text-accent")


def body_content(d: ItemDetail, terms: Sequence[str], *, today: date | None = None) -> Content:
    """Everything below the head, as one block (the diff columns are separate widgets)."""
    parts: list[Content] = []
    if d.previous is None:
        parts += [_section("要件"), highlighted(d.text or "（本文なし）", terms), Content("")]
    for title, value in (("要件の考え方・理由", d.reason), ("備考", d.remarks)):
        parts += [_section(title), highlighted(value, terms) if value.strip() else Content.styled("（なし）", "$text-muted"),
                  Content("")]
    parts += [_section("メモ"), highlighted(d.row.note, terms) if d.row.note.strip()
              else Content.styled("（なし）", "$text-muted"), Content("")]
    if d.post_cutover is not None:
        parts += [_section("移行後の経過措置"),
                  *(Content(p) if isinstance(p, str) else p for p in post_cutover_lines(d.post_cutover, today or date.today())),
                  Content("")]
    parts.append(_section(f"ベンダ回答（{len(d.vendor_answers)}件）"))
    if d.vendor_answers:
        for a in d.vendor_answers:
            planned = f" 予定 {a.planned_date}" if a.planned_date else ""
            cost = f" 概算 {a.cost_kyen:,.0f}千円" if a.cost_kyen is not None else ""
            late = Content.styled(" 期限後", "bold $text-error") if a.after_deadline else ""
            old = Content.styled("（以前の回答）", "$text-muted") if a.superseded else ""
            parts.append(Content.assemble((when(a.received_at), "$text-muted"), f" {a.vendor}: ", (a.answer.value, "bold"),
                                          planned, cost, late, old))
            if a.comment:
                parts.append(Content.assemble("    ", a.comment))
    else:
        parts.append(Content.styled("（なし）", "$text-muted"))
    parts += [Content(""), _section(f"変更履歴（{len(d.history)}件）")]
    if d.history:
        parts += [history_line(h) for h in d.history]
    else:
        parts.append(Content.styled("（なし）", "$text-muted"))
    return Content("\n").join(parts)


class ItemScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "戻る", id="item.close", tooltip="要件一覧へ戻ります", key_display="esc"),
        Binding("r", "reload", "再読込", id="item.reload", tooltip="他の利用者の変更を読み直します"),
        Binding("t", "post_cutover", "経過措置", id="item.post_cutover",
                tooltip="移行後の経過措置（移行後にベンダが実装する機能）の予定日・届出日・完了日・メモを記録します"),
        *keymap.MARK.bindings[:4],  # 1/2/3/u as in the list: mark the requirement shown, then the next one
    ]
    DEFAULT_CSS = """
    ItemScreen > VerticalScroll { padding: 0 1; }
    ItemScreen .item-block { height: auto; margin-bottom: 1; }
    ItemScreen #item-diff { height: auto; display: none; margin-bottom: 1; }
    ItemScreen #item-diff.-shown { display: block; }
    ItemScreen #item-diff > Vertical { height: auto; width: 1fr; margin-right: 1; }
    ItemScreen .diff-title { color: $text-accent; text-style: bold; }
    """

    def __init__(self, key: ItemKey, *, terms: Sequence[str] = (),
                 mark: Callable[[ItemKey, str], bool] | None = None,
                 follow: Callable[[], ItemKey | None] | None = None) -> None:
        """``mark(key, status)`` marks through the list (False: it did not); ``follow()`` is the list's
        requirement after it (the next one), which the view then shows."""
        super().__init__()
        self.key, self.terms = key, list(terms)
        self._mark, self._follow = mark, follow

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="item-scroll"):
            yield Static(id="item-head", classes="item-block")
            with Horizontal(id="item-diff"):
                with Vertical():
                    yield Static(id="item-old-title", classes="diff-title")
                    yield Static(id="item-old")
                with Vertical():
                    yield Static(id="item-new-title", classes="diff-title")
                    yield Static(id="item-new")
            yield Static(id="item-body", classes="item-block")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        ws = self.app.workspace  # type: ignore[attr-defined]
        try:
            d = get_item_detail(db=ws.db, key=self.key, full=True)
        except FitGapError as exc:
            self.notify(exc.message, severity="error", timeout=6)
            self.dismiss(None)
            return
        self.query_one("#item-head", Static).update(highlighted(head_content(d, ws.note_rule()), self.terms))
        diff = self.query_one("#item-diff")
        if d.previous is not None:
            old, new = diff_contents(d.previous.text, d.text)
            self.query_one("#item-old-title", Static).update(f"■前の版（{d.previous.label}・{d.previous.kubun.value}）")
            self.query_one("#item-new-title", Static).update(f"■現在の版（{d.version_label}・{d.row.kubun.value}）")
            self.query_one("#item-old", Static).update(old)
            self.query_one("#item-new", Static).update(highlighted(new, self.terms))
            diff.add_class("-shown")
        else:
            diff.remove_class("-shown")
        self.query_one("#item-body", Static).update(body_content(d, self.terms, today=ws.today))

    def action_reload(self) -> None:
        self.load()
        self.notify("読み直しました。", timeout=2)

    def action_mark(self, status_value: str) -> None:
        if self._mark is None:
            return
        if self._mark(self.key, status_value):
            self.call_after_refresh(self.follow_list)

    def follow_list(self) -> None:
        """Show the list's requirement (after a mark: the next one; the one marked while a note is asked)."""
        key = self._follow() if self._follow is not None else None
        if key is not None and key != self.key:
            self.key = key
            self.query_one("#item-scroll", VerticalScroll).scroll_home(animate=False)
        self.load()

    def on_screen_resume(self) -> None:
        """Back from the note editor or a conflict that a mark opened: the list has moved on (or not)."""
        if self._mark is not None:
            self.follow_list()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_post_cutover(self) -> None:
        record_post_cutover(self, self.key, self.load)

    def palette_commands(self) -> Iterable[PaletteCommand]:
        yield from post_cutover_commands(self, lambda: self.key, self.load)
        yield PaletteCommand("要件: 読み直し", "他の利用者の変更を読み直します", self.action_reload)
        yield PaletteCommand("要件: 一覧へ戻る", "要件一覧へ戻ります", self.action_close)
