"""What the 業務見直し screen shows: its columns, one row's cells, the detail text, the filters and the keys;
and what a decision that changes the work says about the register (a notice with the item's number)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.content import Content

from fitgap.domain.bpr import BprStatus
from fitgap.services.bpr import FUNCTION_KIND, BprDetail, BprResult, BprRow
from fitgap.tui.widgets.virtual_table import Cell, Column

COLUMNS = (
    Column("id", "ID", 5, "right"),
    Column("operation", "業務", 12, drop_order=3),
    Column("title", "件名", 0, min_width=16),
    Column("changes", "見直す内容", 14, drop_order=2),
    Column("department", "担当課", 10),
    Column("person", "担当者", 8, drop_order=1),
    Column("due", "期日", 10),
    Column("status", "状況", 6),
    Column("late", "超過", 7, "right"),
    Column("targets", "対象数", 6, "right"),
)

# the 状況 keys: 1〜4 in the order of the vocabulary
STATUS_KEYS: tuple[tuple[str, BprStatus], ...] = tuple((str(i), s) for i, s in enumerate(BprStatus, start=1))
STATUS_STYLE = {BprStatus.NOT_STARTED: "", BprStatus.CONSIDERING: "warn", BprStatus.DECIDED: "accent",
                BprStatus.DONE: "good"}
FIELD_LABELS = {"title": "件名", "changes": "見直す内容", "department": "担当課", "person": "担当者", "due": "期日",
                "status": "状況", "done_on": "実施日", "note": "メモ", "target": "対象", "operation_code": "業務"}


def _k(key: str, action: str, description: str, tooltip: str, *, id: str, show: bool = False,
       key_display: str | None = None) -> Binding:
    return Binding(key, action, description, show=show, tooltip=tooltip, id=id, key_display=key_display)


KEYS: tuple[Binding, ...] = (
    *(_k(key, f"status('{s.value}')", s.value, f"状況を{s.value}にします" + ("（実施日は今日）" if s == BprStatus.DONE else ""),
         id=f"bpr.status.{i}", show=s == BprStatus.DONE) for i, (key, s) in enumerate(STATUS_KEYS, start=1)),
    _k("c", "edit", "編集", "件名・見直す内容・担当課・担当者・期日・メモを編集します（下書きは esc や終了でも残ります）",
       id="bpr.edit", show=True),
    _k("l", "link", "対象", "この項目が答えるギャップ・独自機能を選んで加える／外す（方針が業務を変えるもの）", id="bpr.link",
       show=True),
    _k("a", "add", "追加", "業務見直しの項目を新しく作ります", id="bpr.add"),
    _k("m", "mine", "自分の項目", "自分の担当課（・担当者）の項目だけにします／戻します（初回は担当課を聞きます）", id="bpr.mine",
       show=True),
    _k("M", "set_mine", "自分の担当課", "「自分の項目」の担当課・担当者を設定します（利用者ごとに記憶）", id="bpr.set_mine"),
    _k("g", "department", "担当課", "担当課で絞り込みます", id="bpr.department"),
    _k("f", "filter", "状況", "状況で絞り込みます（未完了・未着手・検討中・決定・実施済）", id="bpr.filter", show=True),
    _k("o", "overdue", "超過のみ", "期日を過ぎて実施済でない項目だけにします／戻します", id="bpr.overdue"),
    _k("x", "clear_filter", "絞り込み解除", "絞り込みをすべて解除します", id="bpr.clear"),
    _k("z,ctrl+z", "undo", "元に戻す", "この画面での直前の変更を取り消します", id="bpr.undo", key_display="z"),
    _k("r", "reload", "再読込", "読み直します（他の利用者の変更を反映）", id="bpr.reload"),
    _k("right_square_bracket", "detail_scroll(1)", "詳細を下へ", "詳細欄を下へスクロール", id="bpr.detail_down",
       key_display="]"),
    _k("left_square_bracket", "detail_scroll(-1)", "詳細を上へ", "詳細欄を上へスクロール", id="bpr.detail_up",
       key_display="["),
    _k("escape", "back", "戻る", "業務一覧へ戻ります", id="bpr.back", show=True, key_display="esc"),
)

# the 状況 filter's choices: (label, statuses, open only)
STATUS_FILTERS: tuple[tuple[str, frozenset[BprStatus], bool], ...] = (
    ("すべて", frozenset(), False),
    ("未完了（実施済以外）", frozenset(), True),
    *((s.value, frozenset({s}), False) for s in BprStatus),
)


def format_row(row: BprRow) -> Sequence[Cell]:
    return (
        f"#{row.id}",
        row.operation or row.operation_code,
        row.title,
        ",".join(row.changes),
        row.department or ("未定", "muted"),
        row.person,
        row.due.isoformat() if row.due else ("—", "muted"),
        (row.status.value, STATUS_STYLE[row.status]),
        (f"{row.days_late}日", "must") if row.overdue else "",
        str(len(row.targets)),
    )


def _section(title: str) -> Content:
    return Content.styled(f"■ {title}", "bold $text-accent")


def _muted(text: str) -> Content:
    return Content.styled(text, "$text-muted")


def target_label(kind: str, ref: str) -> str:
    return f"独自機能 {ref}" if kind == FUNCTION_KIND else f"{kind}要件 {ref}"


def detail_content(d: BprDetail | None, *, empty: str = "") -> Content:
    """One item in full: what, who, by when, how far; the gaps and functions it answers with their decisions;
    the note; the history."""
    if d is None:
        return _muted(empty or "該当する業務見直しの項目はありません。絞り込みを変えてください（x で解除）。"
                      "項目は、要件や独自機能の方針を 業務見直し・運用で対応 にすると作られます（a で手で追加も）。")
    r = d.row
    lines: list[Content] = [
        Content.assemble((f"#{r.id} {r.title}", "bold"), ("　デモ" if r.demo else "", "$text-warning")),
        Content(f"業務: {r.operation}（{r.operation_code}）　見直す内容: {','.join(r.changes) or '—'}"),
        Content(f"担当課: {r.department or '未定'}　担当者: {r.person or '—'}"),
        Content.assemble(f"期日: {r.due.isoformat() if r.due else '—'}　状況: ",
                         (r.status.value, "bold"),
                         f"（実施日 {r.done_on.isoformat()}）" if r.done_on else "",
                         (f"　期日超過 {r.days_late}日", "bold $text-error") if r.overdue else ""),
        Content(""),
        _section(f"対象（{len(d.targets)}件）"),
    ]
    if not d.targets:
        lines.append(_muted("答える対象がありません（l で加えます）。"))
    for t in d.targets:
        lines.append(Content(f"  {target_label(t.target.kind, t.target.ref)}  {t.name}"
                             f"（{t.disposition or '方針なし'}）"))
    lines += [Content(""), _section("メモ"), Content(r.note) if r.note else _muted("—")]
    if d.history:
        lines += [Content(""), _section("変更履歴")]
        for e in sorted(d.history, key=lambda e: e.at, reverse=True)[:15]:
            lines.append(Content(f"  {e.at:%Y-%m-%d %H:%M} {e.user} {FIELD_LABELS.get(e.field or '', e.field or '')}: "
                                 f"{e.old_value or ''} → {e.new_value or ''}"))
    return Content("\n").join(lines)


def bpr_notice(r: BprResult | None) -> str:
    """What a decision did to the 業務見直し register, in a line or two ("" when nothing)."""
    if r is None:
        return ""
    out = [f"業務見直し #{bid} を作りました（担当課・期日は「開く: 業務見直し」で）。" for bid in r.created]
    joined = sorted({bid for bid, _ in r.linked if bid not in r.created})
    out += [f"業務見直し #{bid} に加えました。" for bid in joined]
    out += [f"業務見直し #{bid} から外しました（方針が業務を変えるものではなくなりました）。"
            for bid in sorted({b for b, _ in r.unlinked})]
    out += [f"業務見直し #{bid} は答える対象がなくなりました（項目は残しています）。" for bid in r.emptied]
    return "\n".join(out)
