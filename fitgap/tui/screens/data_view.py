"""What the データ要件 screen shows: its columns, one row's cells, the detail text, the filters and the keys."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.content import Content

from fitgap.domain.data_items import DataVerdict, Holding
from fitgap.services.data_items import DataDetail, DataFilter, DataRow
from fitgap.tui.labels import when
from fitgap.tui.widgets.data_lines import STYLE_VARS, VERDICT_STYLE
from fitgap.tui.widgets.virtual_table import Cell, Column

COLUMNS = (
    Column("id", "ID", 8),
    Column("name", "データ項目", 0, min_width=14),
    Column("group", "グループ", 14, drop_order=2),
    Column("type", "型", 4),
    Column("length", "桁数", 5, "right"),
    Column("condition", "出力条件", 12, drop_order=1),
    Column("holding", "保持状況", 10),
    Column("method", "移行方法", 8, drop_order=3),
    Column("verdict", "判定", 8),
)

# the 保持状況 keys: 1〜6 in the order of the vocabulary, u back to 未確認
HOLDING_KEYS: tuple[tuple[str, Holding], ...] = tuple((str(i), h) for i, h in enumerate(Holding, start=1))
UNCHECKED = "未確認"

HOLDING_TIPS = {
    Holding.HELD: "現行システムが保持している",
    Holding.PARTLY: "一部だけ保持している（項目の一部・一部の住民のみ など）",
    Holding.NOT_HELD: "現行システムにない（必須なら移行方法を決めるまで阻害）",
    Holding.OTHER_SYSTEM: "別のシステムが保持している",
    Holding.PAPER: "紙（台帳・申請書）にしかない",
    Holding.NOT_APPLICABLE: "この団体では使わない項目",
}


def _k(key: str, action: str, description: str, tooltip: str, *, id: str, show: bool = False,
       key_display: str | None = None) -> Binding:
    return Binding(key, action, description, show=show, tooltip=tooltip, id=id, key_display=key_display)


KEYS: tuple[Binding, ...] = (
    *(_k(key, f"holding('{h.value}')", h.value, f"保持状況を{h.value}にして次の項目へ: {HOLDING_TIPS[h]}（選択中ならすべて）",
         id=f"data.holding.{i}", show=i <= 3) for i, (key, h) in enumerate(HOLDING_KEYS, start=1)),
    _k("u", f"holding('{UNCHECKED}')", UNCHECKED, "保持状況を未確認に戻して次の項目へ", id="data.holding.unchecked"),
    _k("m", "method", "移行方法", "移行方法（そのまま・変換・分割・結合・手入力・移行しない）を選びます（選択中ならすべて）",
       id="data.method", show=True),
    _k("c", "current", "現行項目", "現行項目・移行方法・現行の型・桁数を入力します（選択中なら入力した欄だけ一括で）",
       id="data.current", show=True),
    _k("e", "note", "メモ", "メモを編集します（複数行、下書きは esc や終了でも残ります）", id="data.note", show=True),
    _k("f", "filter", "絞り込み", "判定・未確認・必須・外字候補で絞り込みます", id="data.filter", show=True),
    _k("g", "group", "グループ", "グループ（出力ファイル）で絞り込みます", id="data.group"),
    _k("o", "operation", "業務", "業務を選びます（全業務も）", id="data.operation"),
    _k("slash", "search", "検索", "ID・データ項目・グループ・現行項目を検索します", id="data.search", key_display="/"),
    _k("x", "clear_filter", "絞り込み解除", "検索と絞り込みをすべて解除します", id="data.clear"),
    _k("space", "toggle_select", "選択", "この項目を選択／解除して次へ（一括変更）", id="data.select"),
    _k("ctrl+a", "select_all", "すべて選択", "いまの絞り込みに当てはまる項目をすべて選択します", id="data.select_all"),
    _k("z,ctrl+z", "undo", "元に戻す", "この画面での直前の変更を取り消します", id="data.undo", key_display="z"),
    _k("y,ctrl+y", "redo", "やり直す", "取り消した変更をもう一度行います", id="data.redo", key_display="y"),
    _k("r", "reload", "再読込", "読み直します（他の利用者の変更を反映）", id="data.reload"),
    _k("right_square_bracket", "detail_scroll(1)", "詳細を下へ", "詳細欄を下へスクロール", id="data.detail_down",
       key_display="]"),
    _k("left_square_bracket", "detail_scroll(-1)", "詳細を上へ", "詳細欄を上へスクロール", id="data.detail_up",
       key_display="["),
    _k("escape", "back", "戻る", "検索欄なら一覧へ、選択があれば解除、なければ業務一覧へ戻ります", id="data.back", show=True,
       key_display="esc"),
)

# the filter picker's choices: (label, the part of the filter it sets)
FILTERS: tuple[tuple[str, DataFilter], ...] = (
    ("すべて", DataFilter()),
    ("未確認（保持状況が未入力）", DataFilter(unchecked=True)),
    ("阻害（必須未保持で移行方法なし・移行不可）", DataFilter(verdicts=frozenset({DataVerdict.BLOCKER}))),
    ("要対応・阻害・要再確認", DataFilter(verdicts=frozenset({DataVerdict.TODO, DataVerdict.BLOCKER,
                                                      DataVerdict.REVIEW}))),
    ("要再確認（定義が変わった）", DataFilter(verdicts=frozenset({DataVerdict.REVIEW}))),
    ("必須（出力必須・実装類型○）", DataFilter(required_only=True)),
    ("必須で未確認", DataFilter(required_only=True, unchecked=True)),
    ("外字候補あり", DataFilter(gaiji_only=True)),
    ("準備済", DataFilter(verdicts=frozenset({DataVerdict.READY}))),
    ("対象外", DataFilter(verdicts=frozenset({DataVerdict.NOT_APPLICABLE}))),
)

FIELD_LABELS = {"holding": "保持状況", "method": "移行方法", "current_fields": "現行項目", "current_type": "現行の型",
                "current_length": "現行の桁数", "note": "メモ"}


def format_row(row: DataRow) -> Sequence[Cell]:
    return (
        row.item_id,
        row.name,
        row.group_name,
        row.data_type,
        row.length,
        (row.condition_text, "accent" if row.required else ""),
        (row.holding.value, "") if row.holding else (UNCHECKED, "muted"),
        row.method.value if row.method else "",
        (row.verdict.value, VERDICT_STYLE[row.verdict]),
    )


def _section(title: str) -> Content:
    return Content.styled(f"■ {title}", "bold $text-accent")


def _muted(text: str) -> Content:
    return Content.styled(text, "$text-muted")


def detail_content(d: DataDetail | None, *, empty: str = "") -> Content:
    """One item in full: its definition, where it stands, the current field, what follows from the type,
    the codes and their mapping, the profile of the current data, vendor answers and versions."""
    if d is None:
        return _muted(empty or "該当するデータ項目はありません。絞り込みを変えてください（x で解除）。")
    r, it = d.row, d.item
    parts: list[Content | str] = [
        Content.assemble((r.item_id, "bold"), "  ", (r.name, "bold"), f"（{it.romaji}）" if it.romaji else ""),
        Content.assemble("判定 ", (r.verdict.value, STYLE_VARS[VERDICT_STYLE[r.verdict]])),
    ]
    if r.blocker_reason:
        parts.append(Content.styled(f"阻害: {r.blocker_reason}", "bold $text-error"))
    if r.needs_review:
        parts.append(Content.styled("要再確認: 基本データリストの改版で定義が変わりました。確認して保持状況を付け直してください。",
                                    "$text-warning"))
    group = r.group_name + ("（主キー）" if r.primary_key else "") + ("（外部キー）" if it.foreign_key else "")
    parts += [
        f"グループ {group}　版 {d.version}",
        f"データ型 {r.data_type}　桁数 {r.length or '—'}　コード {r.code_list or '—'}"
        + (f"（{d.code_list_name}）" if d.code_list_name else "") + (f"　繰り返し {it.repeat}" if it.repeat else ""),
        Content.assemble("データ出力条件 ", (r.condition_text or "—", "bold" if r.required else ""),
                         "　実装類型 ", "○（出力必須）" if r.output_required else "—"),
        "",
        _section("項目定義"),
        it.definition or "（なし）",
    ]
    if it.description:
        parts += [_section("項目説明"), it.description]
    parts += ["", _section("現行データ")]
    parts.append(Content.assemble("保持状況 ", (r.holding.value, "bold") if r.holding else (UNCHECKED, "$text-muted"),
                                  "　移行方法 ", r.method.value if r.method else "—"))
    parts.append(f"現行項目 {r.current_fields or '—'}　現行の型・桁数 {r.current_type or '—'} {r.current_length}".rstrip())
    if r.assessed_at is not None:
        parts.append(_muted(f"最終更新 {when(r.assessed_at)} {r.assessed_by or ''}".rstrip()))
    parts.append(f"メモ {r.note}" if r.note.strip() else _muted("メモ（なし）"))
    if r.findings:
        parts += ["", _section("変換")]
        parts += [Content.styled(f"・{f}", "$text-warning") for f in r.findings]
    if d.codes or d.mapping:
        parts += ["", _section(f"コード（{d.code_list_name or r.code_list}）")]
        if d.codes:
            parts.append("標準: " + "、".join(f"{c.code}={c.meaning}" for c in d.codes[:40])
                         + (f" ほか {len(d.codes) - 40}件" if len(d.codes) > 40 else ""))
        for m in d.mapping:
            target = (f"{m.standard_code} {m.standard_meaning}".rstrip() if m.mapped else
                      f"{m.standard_code}（標準のコード一覧にありません）" if m.standard_code else "未対応")
            parts.append(Content.assemble(f"  {m.current_code}" + (f"（{m.current_meaning}）" if m.current_meaning else ""),
                                          " → ", (target, "" if m.mapped else "$text-warning")))
        if r.unmapped_codes:
            parts.append(Content.styled(f"未対応のコード {r.unmapped_codes}件", "$text-warning"))
    if d.profile:
        p = d.profile
        parts += ["", _section("現行データのプロファイル")]
        parts.append(f"{p['source_file']} の列 {p['column']}: {p['rows']:,} 行、空 {p['empty']:,}、最長 {p['max_length']} 文字"
                     f"（桁数超過 {p['over_length']:,}）")
        parts.append(f"Ｎに半角 {p['halfwidth_in_n']:,}、Xに全角 {p['fullwidth_in_x']:,}、日付として読めない {p['bad_dates']:,}、"
                     f"コード外 {p['outside_codes']:,}")
        if p["gaiji"]:
            parts.append(Content.styled("外字候補: " + "、".join(f"{ch}(U+{ord(ch):04X})×{n}" for ch, n in p["gaiji"].items()),
                                        "bold $text-warning"))
    parts += ["", _section("ベンダ回答")]
    if d.answers:
        for vendor, answer, planned, comment in d.answers:
            parts.append(Content.assemble(f"{vendor}: ", (answer, "bold"), f" 予定 {planned}" if planned else "",
                                          f"　{comment}" if comment else ""))
    else:
        parts.append(_muted("（なし）"))
    if d.functions:
        parts += ["", _section("標準仕様書関連箇所")]
        parts += [f"{fid} {name}" for fid, name in d.functions]
    if d.history:
        parts += ["", _section("版ごとの変更")]
        parts += [f"{label}: {'、'.join(fields)}" for label, fields in d.history]
    return Content("\n").join(Content(p) if isinstance(p, str) else p for p in parts)
