"""What the 独自機能 screen shows: its columns, one row's cells, the detail text, the filters and keys."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from textual.binding import Binding

from fitgap.domain.custom import Coverage, CustomDisposition
from fitgap.services.custom import FunctionDetail, FunctionFilter, FunctionRow
from fitgap.tui.widgets.virtual_table import Cell, Column

COLUMNS = (
    Column("code", "機能番号", 12),
    Column("kind", "種別", 8, drop_order=2),
    Column("name", "機能名", 0, min_width=16),
    Column("coverage", "標準", 6),
    Column("mapped", "対応要件", 22, drop_order=3),
    Column("verdict", "判定", 16),
    Column("department", "利用課", 10, drop_order=1),
)

FIELD_LABELS = {"outside_spec": "標準外", "mapped": "対応要件", "disposition": "対応方針", "note": "理由",
                "target_system_id": "移行先", "add": "登録"}


def _k(key: str, action: str, description: str, tooltip: str, *, id: str, show: bool = False,
       key_display: str | None = None) -> Binding:
    return Binding(key, action, description, show=show, tooltip=tooltip, id=id, key_display=key_display)


KEYS: tuple[Binding, ...] = (
    _k("m", "map", "要件に対応付け", "標準仕様書の要件を検索して対応付けます（外すのもここで）", id="custom.map", show=True),
    _k("o", "outside", "標準外", "標準仕様書にない機能として印を付けます／外します（選択中ならすべて）", id="custom.outside",
       show=True),
    _k("d", "disposition", "対応方針", "廃止・業務見直し・標準オプション・EUC・独自施策システム・ベンダ要協議・要検討",
       id="custom.disposition", show=True),
    _k("e", "note", "理由", "対応方針の理由を編集します", id="custom.note", show=True),
    _k("f", "filter", "絞り込み", "対応方針・判定・担当課で絞り込みます", id="custom.filter", show=True),
    _k("space", "toggle_select", "選択", "この機能を選択／解除して次へ（一括変更）", id="custom.select"),
    _k("ctrl+a", "select_all", "すべて選択", "いまの絞り込みに当てはまる機能をすべて選択します", id="custom.select_all"),
    _k("z,ctrl+z", "undo", "元に戻す", "この画面での直前の変更を取り消します", id="custom.undo", key_display="z"),
    _k("y,ctrl+y", "redo", "やり直す", "取り消した変更をもう一度行います", id="custom.redo", key_display="y"),
    _k("r", "reload", "再読込", "読み直します（他の利用者の変更を反映）", id="custom.reload"),
    _k("escape", "back", "戻る", "選択があれば解除、なければ業務一覧へ戻ります", id="custom.back", show=True,
       key_display="esc"),
)

FILTERS: tuple[tuple[str, FunctionFilter], ...] = (
    ("すべて", FunctionFilter()),
    ("方針未決定（標準外・要廃止）", FunctionFilter(undecided=True)),
    ("標準外", FunctionFilter(coverage=frozenset({Coverage.OUTSIDE}))),
    ("要廃止（実装不可に当たる）", FunctionFilter(reverse_gap=True)),
    ("未確認（照合していない）", FunctionFilter(coverage=frozenset({Coverage.UNCHECKED}))),
    ("標準内", FunctionFilter(coverage=frozenset({Coverage.IN_SPEC}))),
    *((f"対応方針: {d.value}", FunctionFilter(dispositions=frozenset({d}))) for d in CustomDisposition),
)


def verdict_style(row: FunctionRow) -> str:
    if row.reverse_gap and row.undecided:
        return "must"
    if row.undecided:
        return "warn"
    if row.coverage == Coverage.UNCHECKED:
        return "muted"
    return "good" if row.coverage == Coverage.IN_SPEC else ""


def format_row(row: FunctionRow) -> Sequence[Cell]:
    return (
        row.key.code,
        row.kind.value,
        row.name,
        (row.coverage.value, "muted" if row.coverage == Coverage.UNCHECKED else ""),
        "; ".join(m.key.label for m in row.mapped),
        (row.verdict, verdict_style(row)),
        row.department,
    )


def detail_text(d: FunctionDetail | None) -> str:
    if d is None:
        return "現行機能がありません。fitgap custom import FILE で現行機能一覧を取り込んでください。"
    r = d.row
    lines = [f"[b]{escape(r.key.code)}[/b]  {escape(r.name)}（{r.kind.value}）" + ("　[$text-warning]デモ[/]" if r.demo else ""),
             f"判定: [b]{escape(r.verdict)}[/b]（{r.coverage.value}）"]
    if d.description:
        lines.append(f"説明: {escape(d.description)}")
    facts = [f"利用課 {escape(r.department)}" if r.department else "", f"頻度 {escape(r.frequency)}" if r.frequency else "",
             f"根拠 {r.basis.value} {escape(d.basis_detail)}".rstrip() if r.basis else "",
             f"年間費用 {r.yearly_cost_kyen:,.0f} 千円" if r.yearly_cost_kyen is not None else "",
             f"システム {escape(r.system)}" if r.system else ""]
    if any(facts):
        lines.append("　".join(f for f in facts if f))
    lines.append("")
    lines.append("[b]対応要件[/b]" if r.mapped else "[b]対応要件[/b]　なし（m で検索して対応付け）")
    for m in r.mapped:
        where = f"{m.kubun.short}・{m.status.value if m.status else ''}" if m.kubun else "現行の版になし"
        mark = "[$text-error]要廃止[/] " if m.kubun is not None and m.kubun.short == "不可" else ""
        lines.append(f"  {mark}{m.key.label}  {escape(m.name)}（{where}）")
    lines.append("")
    lines.append(f"[b]対応方針[/b]　{r.disposition.value if r.disposition else '—'}"
                 + (f"　移行先 {escape(r.target_system)}" if r.target_system else ""))
    lines.append(f"理由: {escape(r.note)}" if r.note else "理由: —")
    if d.history:
        lines.append("")
        lines.append("[b]変更履歴[/b]")
        for e in d.history[:12]:
            lines.append(f"  {e.at:%Y-%m-%d %H:%M} {escape(e.user)} {FIELD_LABELS.get(e.field or '', e.field or '')}: "
                         f"{escape(e.old_value or '')} → {escape(e.new_value or '')}")
    return "\n".join(lines)
