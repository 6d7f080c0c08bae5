"""The detail of one requirement: full text, category, provenance, note, history, vendor answers, and
for 要再確認 items the previous and current text side by side."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from fitgap.domain.dispositions import needs_system, option_adopted
from fitgap.domain.enums import Disposition, Status
from fitgap.domain.post_cutover import MeasureRecord, MeasureState
from fitgap.domain.rules import note_missing
from fitgap.domain.text import nfkc
from fitgap.services.data_items import DataRow
from fitgap.services.items import HistoryEntry, ItemDetail
from fitgap.tui.labels import SEVERITY_STYLE, STATUS_STYLE, when
from fitgap.tui.widgets.data_lines import function_data_lines
from fitgap.tui.widgets.text_diff import diff_contents

FIELD_LABELS = {"status": "状況", "disposition": "対応方針", "note": "メモ", "needs_review": "要再確認",
                "disposition_detail": "方針の詳細", "target_system_id": "移行先システム"}
POST_CUTOVER_LABELS = {"planned": "予定日", "notified_on": "届出日", "done_on": "完了日", "vendor": "ベンダ",
                       "note": "メモ"}  # of the 移行後の経過措置 events in an item's history
STYLE_VARS = {"must": "bold $text-error", "warn": "$text-warning", "good": "$text-success",
              "accent": "$text-accent", "muted": "$text-muted", "info": "$text-secondary"}


def _section(title: str) -> Content:
    return Content.styled(f"■ {title}", "bold $text-accent")


def highlighted(text: str | Content, terms: Sequence[str]) -> Content:
    """``text`` with every search hit marked (case- and width-insensitively, as the search matches)."""
    content = Content(text) if isinstance(text, str) else text
    for term in terms:
        if term:
            content = content.highlight_regex(_term_pattern(term), style="bold reverse $text-warning")
    return content


def _term_pattern(term: str) -> re.Pattern[str]:
    """A pattern for a search term that also finds its full-width / half-width and other-case forms."""
    chars = []
    for ch in nfkc(term):
        variants = {ch, ch.upper(), ch.lower()}
        variants |= {chr(ord(v) + 0xFEE0) for v in list(variants) if "!" <= v <= "~"}  # full-width ASCII
        chars.append("[" + "".join(re.escape(v) for v in sorted(variants)) + "]" if len(variants) > 1 else re.escape(ch))
    return re.compile("".join(chars))


def _lines(parts: Iterable[Content | str]) -> Content:
    return Content("\n").join(Content(p) if isinstance(p, str) else p for p in parts)


def head_content(d: ItemDetail, note_rule: frozenset[Status]) -> Content:
    r = d.row
    flags = [f"[{r.kind.value}]", r.kubun.value]  # the kind is part of the key: 機能 and 帳票 share IDs
    if r.transitional:
        flags.append("経過措置")
    status = Content.assemble("状況 ", (r.status.value, STYLE_VARS.get(STATUS_STYLE[r.status], "")))
    parts: list[Content | str] = [
        Content.assemble((r.key.req_id, "bold"), "  ", (r.name, "bold")),
        "　".join(flags),
        Content.assemble(
            status, "　対応方針 ", r.disposition.value if r.disposition else "—", "　重要度 ",
            (r.severity.value, STYLE_VARS[SEVERITY_STYLE[r.severity]]) if r.severity else "—",
        ),
    ]
    named = decision_line(d)
    if named is not None:
        parts.append(named)
    if r.needs_review:
        parts.append(Content.styled("要再確認：仕様書の改版でこの要件が変わりました。確認して判定し直してください。",
                                    "$text-warning"))
    parts.append(f"分類 {d.category or '—'}")
    where = [d.version_label or "", d.source_file or "", f"シート {d.source_sheet}" if d.source_sheet else "",
             f"行 {d.source_row}" if d.source_row else ""]
    parts.append("出典 " + " ・ ".join(w for w in where if w))
    parts.append(f"最終更新 {when(r.assessed_at)} {r.assessed_by or ''}".rstrip())
    return _lines(parts)


def decision_line(d: ItemDetail) -> Content | None:
    """What the gap's decision names: the option it adopts (and whether it is adopted yet), the 共通機能, the
    system that takes the work over."""
    r = d.row
    if r.disposition == Disposition.OPTION:
        if not d.disposition_detail:
            return Content.styled("採用する標準オプション 未指定（d で方針を選び直して指定してください）", "$text-warning")
        state = d.option_status
        adopted = option_adopted(state)
        return Content.assemble(f"採用する標準オプション {d.disposition_detail}　", (
            "採用済み（適合）" if adopted else f"未採用（{state.value if state else '現行の版にない'}）— 採用されるまで未決",
            "$text-success" if adopted else "$text-warning"))
    if d.target_system:
        return Content(f"移行先システム {d.target_system}")
    if d.disposition_detail:
        return Content(f"共通機能 {d.disposition_detail}" if r.disposition == Disposition.COMMON
                       else f"方針の詳細 {d.disposition_detail}")
    if r.disposition is not None and needs_system(r.disposition):
        return Content.styled("移行先システム 未指定（d で方針を選び直して指定してください）", "$text-warning")
    return None


def history_line(h: HistoryEntry) -> Content:
    """One change of the item: when, who, which field, old → new."""
    label = FIELD_LABELS.get(h.field or "", h.field or h.action)
    if h.action.startswith("post_cutover."):
        label = "経過措置 " + POST_CUTOVER_LABELS.get(h.field or "", "削除" if h.action.endswith("remove") else "")
    return Content.assemble((when(h.at), "$text-muted"), f" {h.user} {label}: ", (h.old or "—").replace("\n", " "),
                            " → ", ((h.new or "—").replace("\n", " "), "bold"))


def post_cutover_lines(m: MeasureRecord, today: date) -> list[Content | str]:
    """The 移行後の経過措置 recorded for an item: planned, 届出, done, and whether it is overdue (domain rule)."""
    state = m.state(today)
    style = {MeasureState.DONE: "$text-success", MeasureState.OVERDUE: "bold $text-error"}.get(state, "")
    notified = (Content(f"届出 {m.notified_on.isoformat()}") if m.notified_on
                else Content.styled("届出未了", "$text-warning"))
    lines: list[Content | str] = [Content.assemble(
        f"予定 {m.planned.isoformat() if m.planned else '未定'}　", notified, "　", (m.label(today), style))]
    extra = "　".join(x for x in (f"ベンダ {m.vendor}" if m.vendor else "", m.note) if x)
    if extra:
        lines.append(extra)
    return lines


def rest_content(d: ItemDetail, note_rule: frozenset[Status], *, today: date | None = None) -> Content:
    r = d.row
    parts: list[Content | str] = []
    for title, value in (("要件の考え方・理由", d.reason), ("備考", d.remarks)):
        if value.strip():
            parts += [_section(title), value, ""]
    parts.append(_section("メモ"))
    if r.note.strip():
        parts.append(r.note)
    elif note_missing(r.status, r.note, note_rule):
        parts.append(Content.styled(f"（未記入: {r.status.value} にはメモが必要です。e で記入）", "bold $text-error"))
    else:
        parts.append(Content.styled("（なし）", "$text-muted"))
    if d.post_cutover is not None:
        parts += ["", _section("移行後の経過措置"), *post_cutover_lines(d.post_cutover, today or date.today())]
    parts += ["", _section("ベンダ回答")]
    if d.vendor_answers:
        for a in d.vendor_answers:
            planned = f" 予定 {a.planned_date}" if getattr(a, "planned_date", None) else ""
            late = Content.styled(" 期限後", "bold $text-error") if getattr(a, "after_deadline", False) else ""
            parts.append(Content.assemble(f"{a.vendor}: ", (a.answer.value, "bold"), planned, late,
                                          f"　{a.comment}" if a.comment else ""))
    else:
        parts.append(Content.styled("（なし）", "$text-muted"))
    parts += ["", _section("変更履歴")]
    if d.history:
        parts += [history_line(h) for h in d.history[:30]]
    else:
        parts.append(Content.styled("（なし）", "$text-muted"))
    return _lines(parts)


class DetailPane(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    DetailPane {
        background: $surface; padding: 0 1; border-left: tall $panel;
        & > .detail-block { height: auto; margin-bottom: 1; }
        & > #detail-diff { height: auto; display: none; margin-bottom: 1; }
        & > #detail-diff.-shown { display: block; }
        & #detail-diff > Vertical { height: auto; width: 1fr; }
        & #detail-diff .diff-title { color: $text-accent; text-style: bold; }
        & #detail-diff #diff-old-box { margin-right: 1; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="detail-head", classes="detail-block")
        yield Static(id="detail-text", classes="detail-block")
        with Horizontal(id="detail-diff"):
            with Vertical(id="diff-old-box"):
                yield Static(id="diff-old-title", classes="diff-title")
                yield Static(id="diff-old")
            with Vertical(id="diff-new-box"):
                yield Static(id="diff-new-title", classes="diff-title")
                yield Static(id="diff-new")
        yield Static(id="detail-rest", classes="detail-block")
        data = Static(id="detail-data", classes="detail-block")
        data.display = False  # shown when data items name the requirement's 機能ID
        yield data

    def _today(self) -> date:
        """The workbench's today (FITGAP_TODAY), against which a 経過措置 is overdue."""
        ws = getattr(self.app, "workspace", None)
        return ws.today if ws is not None else date.today()

    def show(self, detail: ItemDetail | None, *, note_rule: frozenset[Status], terms: Sequence[str] = (),
             empty: Content | None = None) -> None:
        head = self.query_one("#detail-head", Static)
        text = self.query_one("#detail-text", Static)
        rest = self.query_one("#detail-rest", Static)
        diff = self.query_one("#detail-diff")
        if detail is None:
            head.update(empty or Content.styled("該当する要件はありません。絞り込みを変えてください（x で解除）。",
                                                "$text-muted"))
            text.update("")
            rest.update("")
            diff.remove_class("-shown")
            self.show_data_items([])
            return
        head.update(highlighted(head_content(detail, note_rule), terms))
        prev = detail.previous
        if prev is not None:
            # the new text is in the right-hand column; the plain text block would repeat it
            old, new = diff_contents(prev.text, detail.text)
            changed = prev.kubun != detail.row.kubun  # the class itself changed: say so in both titles
            self.query_one("#diff-old-title", Static).update(
                f"■前の版（{prev.label}{'・' + prev.kubun.value if changed else ''}）")
            self.query_one("#diff-new-title", Static).update(
                f"■現在の版（{detail.version_label}{'・' + detail.row.kubun.value if changed else ''}）")
            self.query_one("#diff-old", Static).update(old)
            self.query_one("#diff-new", Static).update(new)
            diff.add_class("-shown")
            text.display = False
        else:
            diff.remove_class("-shown")
            text.update(_lines([_section("要件"), highlighted(detail.text, terms) if detail.text else "（本文なし）"]))
            text.display = True
        rest.update(rest_content(detail, note_rule, today=self._today()))
        self.scroll_home(animate=False)

    def show_data_items(self, rows: Sequence[DataRow]) -> None:
        """The data items whose 標準仕様書関連箇所 names this requirement's 機能ID; a blocking one said in red."""
        box = self.query_one("#detail-data", Static)
        box.update(Content("\n").join(function_data_lines(rows)))
        box.display = bool(rows)
