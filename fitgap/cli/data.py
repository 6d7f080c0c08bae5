"""Commands: data import/list/status/show/set/codes/undo — データ要件, the 基本データリスト item by item."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fitgap.cli import data_profile, data_vendor
from fitgap.cli.context import Context
from fitgap.cli.data_table import NO_LIST, data_table
from fitgap.cli.table import render_table
from fitgap.domain import data_items as d
from fitgap.errors import InvalidInputError
from fitgap.services import data_items as data

MAX_SHOWN = 20
HOLDINGS = [h.value for h in d.Holding]
METHODS = [m.value for m in d.FieldMethod]
VERDICTS = [v.value for v in d.DataVerdict]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser(
        "data", parents=[common], help="データ要件（基本データリスト・項目定義書）の Fit & Gap",
        description="標準仕様書のデータ要件（各業務の基本データリスト、項目定義書の形式）を取り込み、データ項目ごとに現行システムの"
        "保持状況・現行項目と移行方法・現行の型と桁数・コード対応・ベンダ回答を記録します。必須（または実装類型○）の項目が"
        "未保持（紙のみ）で移行方法が決まっていなければ阻害要因です。 / The data half of the Fit & Gap.",
    )
    cs = top.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True)

    p = cs.add_parser(
        "import", parents=[common], help="項目定義書（基本データリスト）を取り込む / import a data item list",
        description="デジタル庁の項目定義書の形式（■表題、凡例、2段の見出し、データ項目IDは業務コード3桁と番号5桁の2列）の"
        "ブックを読み、グループごとのシートとコード一覧（個別）を取り込みます。1回の取り込みで渡したファイルが1つの版です。"
        "前の版と比べて追加・削除・変更を示し、定義（データ型・桁数・コード・データ出力条件・実装類型・繰り返し）が変わった"
        "項目の評価は要再確認にします。同じファイルをもう一度取り込んでも何も変わりません。",
    )
    p.add_argument("files", metavar="FILE", type=Path, nargs="+", help=".xlsx（1つの版の1つ以上のブック）")
    p.add_argument("--version", dest="label", metavar="LABEL",
                   help="版の名前（例 第1.0版。既定: 表題かファイル名の「第n.n版」、なければ取込日）")
    p.add_argument("--dry-run", action="store_true", help="何が変わるかを示すだけで保存しない")
    p.set_defaults(func=cmd_import)

    p = cs.add_parser("list", parents=[common], help="データ項目の一覧 / list data items")
    p.add_argument("--operation", metavar="CODE", help="業務コード（例 031）")
    p.add_argument("--verdict", choices=VERDICTS, action="append", help="判定で絞り込む（複数可）")
    p.add_argument("--holding", choices=HOLDINGS, help="保持状況で絞り込む")
    p.add_argument("--unchecked", action="store_true", help="保持状況が未確認の項目だけ")
    p.add_argument("--required", action="store_true", help="必須（または実装類型○）の項目だけ")
    p.add_argument("--group", metavar="NAME", help="グループ名で絞り込む")
    p.add_argument("--gaiji", action="store_true", help="外字候補が見つかった項目だけ")
    p.add_argument("--search", metavar="TEXT", default="", help="ID・項目名・グループ・現行項目で絞り込む")
    p.set_defaults(func=cmd_list)

    p = cs.add_parser("status", parents=[common], help="業務ごとのデータ移行の準備状況 / readiness per operation")
    p.set_defaults(func=cmd_status)

    p = cs.add_parser("show", parents=[common], help="1つのデータ項目の定義・評価・コード対応・プロファイル / show one item")
    p.add_argument("item", metavar="ID", help="8桁のデータ項目ID（例 03100001）")
    p.set_defaults(func=cmd_show)

    p = cs.add_parser(
        "set", parents=[common], help="保持状況・現行項目・移行方法・現行の型と桁数・メモを設定する / assess items",
        description="指定した項目だけを変更します（空文字で消去）。現行の型と桁数を入れると、標準の型・桁数と比べて必要な変換"
        "（全角→半角、桁数超過、和暦→西暦、5桁→6桁 団体コード など）を示します。",
    )
    p.add_argument("items", metavar="ID", nargs="+", help="8桁のデータ項目ID（複数可）")
    p.add_argument("--holding", metavar="保持状況", help=f"{'、'.join(HOLDINGS)}（空文字で未確認に戻す）")
    p.add_argument("--fields", metavar="TEXT", help="現行項目（テーブル.列 や自由記述）")
    p.add_argument("--method", metavar="移行方法", help=f"{'、'.join(METHODS)}")
    p.add_argument("--type", dest="current_type", metavar="TYPE", help=f"現行の型（{'、'.join(d.CURRENT_TYPES)}）")
    p.add_argument("--length", dest="current_length", metavar="N", help="現行の桁数（文字数。小数付きは 5,2）")
    p.add_argument("--note", help="メモ")
    p.set_defaults(func=cmd_set)

    p = cs.add_parser(
        "codes", parents=[common], help="コード対応（現行コード → 標準コード）/ map current codes",
        description="現行コード=標準コード で対応を記録します（=の後を空にすると、対応未定の現行コードとして数えます）。"
        "引数なしで、標準のコード一覧と対応を表示します。",
    )
    p.add_argument("item", metavar="ID", help="8桁のデータ項目ID")
    p.add_argument("pairs", metavar="現行=標準", nargs="*", help="例 M=1 F=2 U=")
    p.add_argument("--remove", metavar="現行コード", action="append", default=[], help="対応を消す現行コード（複数可）")
    p.set_defaults(func=cmd_codes)

    p = cs.add_parser("versions", parents=[common], help="取り込んだ基本データリストの版 / list versions")
    p.add_argument("--operation", metavar="CODE", help="業務コード")
    p.set_defaults(func=cmd_versions)

    p = cs.add_parser("diff", parents=[common], help="2つの版の違い（追加・削除・変更）/ what changed between versions",
                      description="既定は最新の2つの版。変更は項目ごとに、変わった列の前と後を示します（型・桁数・データ出力条件など）。")
    p.add_argument("operation", metavar="CODE", help="業務コード")
    p.add_argument("--from", dest="old", metavar="版", help="前の版")
    p.add_argument("--to", dest="new", metavar="版", help="後の版")
    p.set_defaults(func=cmd_diff)

    p = cs.add_parser("undo", parents=[common], help="直前の評価の変更を取り消す / undo the last change")
    p.add_argument("--batch", metavar="ID", help="取り消す変更のバッチID（既定 自分の直前の変更）")
    p.set_defaults(func=cmd_undo)

    data_vendor.register(cs, common)  # data export vendor, data import vendor FILE (the データ項目回答票)
    data_profile.register(cs, common)  # data profile EXTRACT.csv (counts per item, never a record)


def _listed(lines: list[str]) -> list[str]:
    shown = [f"  {line}" for line in lines[:MAX_SHOWN]]
    if len(lines) > MAX_SHOWN:
        shown.append(f"  ほか {len(lines) - MAX_SHOWN} 件")
    return shown


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    r = data.import_lists(db=ctx.database(), user=ctx.config.user, paths=args.files, label=args.label,
                          dry_run=args.dry_run)
    head = "（試行: 保存していません）" if r.dry_run else ""
    for o in r.operations:
        if o.already:
            ctx.print(f"{o.operation_code} {o.operation_name}: 同じファイルを {o.already} として取り込み済みです。"
                      f"何も変えていません（{o.items} 項目）。{head}")
            continue
        ctx.print(f"{o.operation_code} {o.operation_name}: {o.version} を取り込みました{head}（{o.items} 項目、"
                  f"コード値 {o.codes} 件）" + (f"。前の版 {o.previous} から 追加 {len(o.added)}・削除 {len(o.removed)}・"
                                              f"変更 {len(o.changed)} 項目" if o.previous else ""))
        if o.previous:
            ctx.print(*_listed([f"追加 {i}" for i in o.added] + [f"削除 {i}" for i in o.removed]
                               + [f"変更 {c.item_id} {c.name}: {'、'.join(c.fields)}" for c in o.changed]))
            ctx.print(f"  評価: 引き継ぎ {o.carried} 項目、要再確認 {o.to_review} 項目（定義が変わった）、"
                      f"削除された項目の評価 {o.archived} 件は保管")
    if r.problems:
        ctx.print(f"注意 {len(r.problems)} 件:")
        ctx.print(*_listed([f"{p.sheet} {p.row or ''}行: {p.message}" for p in r.problems]))
    return 0


def _filter(args: argparse.Namespace) -> data.DataFilter:
    return data.DataFilter(operation_code=args.operation, verdicts=frozenset(d.DataVerdict(v) for v in args.verdict or []),
                           holding=d.Holding(args.holding) if args.holding else None, unchecked=args.unchecked,
                           required_only=args.required, group=args.group, text=args.search, gaiji_only=args.gaiji)


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    rows = data.list_items(db=ctx.database(), flt=_filter(args))
    table = [(r.item_id, r.name, r.group_name, r.data_type, r.length, r.code_list, r.condition_text,
              "○" if r.output_required else "", r.holding.value if r.holding else "未確認",
              r.method.value if r.method else "", r.verdict.value, "; ".join(r.findings)) for r in rows]
    ctx.print(render_table(["ID", "データ項目", "グループ", "型", "桁数", "コード", "出力条件", "実装類型", "保持状況",
                            "移行方法", "判定", "変換"], table, max_width=30))
    c = d.counts_of(rows)
    ctx.print(f"{c.items} 項目（確認済 {c.assessed}、阻害 {c.blockers}、要再確認 {c.review}）")
    return 0


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    counts = data.counts_by_operation(db=ctx.database())
    ctx.print(data_table(counts) if counts else NO_LIST)
    return 0


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    det = data.get_item(db=ctx.database(), item_id=args.item)
    r, it = det.row, det.item
    ctx.print(f"{r.item_id}  {r.name}（{it.romaji}）  {det.version}",
              f"  グループ: {r.group_name}{'（主キー）' if r.primary_key else ''}{'（外部キー）' if it.foreign_key else ''}"
              f"  クラス: {' > '.join(x for x in (it.class1, it.class2, it.class3) if x)}",
              f"  データ型: {r.data_type}  桁数: {r.length}  コード: {r.code_list or '—'}"
              f"{'（' + det.code_list_name + '）' if det.code_list_name else ''}  繰り返し: {it.repeat or '—'}",
              f"  データ出力条件: {r.condition_text}  実装類型: {'○（出力必須）' if r.output_required else '—'}",
              f"  項目定義: {it.definition}")
    if it.description:
        ctx.print(f"  項目説明: {it.description}")
    for fid, name in det.functions:
        ctx.print(f"  標準仕様書関連箇所: {fid} {name}")
    ctx.print(f"  判定: {r.verdict.value}" + (f"（{r.blocker_reason}）" if r.blocker_reason else ""),
              f"  保持状況: {r.holding.value if r.holding else '未確認'}  移行方法: {r.method.value if r.method else '—'}"
              f"  現行項目: {r.current_fields or '—'}  現行の型・桁数: {r.current_type or '—'} {r.current_length}",
              f"  メモ: {r.note}")
    for f in r.findings:
        ctx.print(f"  変換: {f}")
    if det.codes:
        ctx.print("  標準コード: " + "、".join(f"{c.code}={c.meaning}" for c in det.codes))
    for m in det.mapping:
        ctx.print(f"  コード対応: {m.current_code}{'（' + m.current_meaning + '）' if m.current_meaning else ''} → "
                  + (f"{m.standard_code} {m.standard_meaning}" if m.mapped else
                     f"{m.standard_code or '未対応'}{'（標準のコード一覧にありません）' if m.standard_code else ''}"))
    if det.profile:
        p = det.profile
        ctx.print(f"  プロファイル（{p['source_file']} の列 {p['column']}）: {p['rows']:,} 行、空 {p['empty']:,}、最長 {p['max_length']} 文字"
                  f"（桁数超過 {p['over_length']:,}）、Ｎに半角 {p['halfwidth_in_n']:,}、Xに全角 {p['fullwidth_in_x']:,}、"
                  f"日付として読めない {p['bad_dates']:,}、コード外 {p['outside_codes']:,}")
        if p["gaiji"]:
            ctx.print("  外字候補: " + "、".join(f"{ch}(U+{ord(ch):04X})×{n}" for ch, n in p["gaiji"].items()))
    for vendor, answer, planned, comment in det.answers:
        ctx.print(f"  ベンダ回答: {vendor} {answer} {planned} {comment}".rstrip())
    for label, fields in det.history:
        ctx.print(f"  版 {label}: {'、'.join(fields)}")
    return 0


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    values: dict[str, Any] = {k: getattr(args, a) for k, a in (
        ("holding", "holding"), ("current_fields", "fields"), ("method", "method"), ("current_type", "current_type"),
        ("current_length", "current_length"), ("note", "note")) if getattr(args, a) is not None}
    r = data.set_items(db=ctx.database(), user=ctx.config.user, item_ids=args.items, values=values)
    return _report(ctx, r)


def _report(ctx: Context, r: data.DataUpdateResult) -> int:
    ctx.print(f"変更 {len(r.changed)} 項目、変更なし {len(r.unchanged)} 項目"
              + (f"、競合 {len(r.conflicts)} 項目（他の人が先に変更: そのままです）" if r.conflicts else ""))
    if r.changed:
        rows = data.list_items(db=ctx.database(), flt=data.DataFilter())
        by_id = {x.item_id: x for x in rows}
        for iid in r.changed[:MAX_SHOWN]:
            x = by_id.get(iid)
            if x is not None:
                extra = f"（{x.blocker_reason}）" if x.blocker_reason else ""
                ctx.print(f"  {iid} {x.name}: {x.verdict.value}{extra}" + "".join(f"\n    変換: {f}" for f in x.findings))
    for c in r.conflicts[:MAX_SHOWN]:
        ctx.print(f"  競合 {c.item_id} {c.current.name}: 今は {c.current.holding.value if c.current.holding else '未確認'}"
                  f"（{c.current.assessed_by or ''}）")
    if r.batch:
        ctx.print(f"取り消すには: {ctx.command('data', 'undo', '--batch', r.batch)}")
    return 1 if r.conflicts and not r.changed else 0


def cmd_codes(args: argparse.Namespace, ctx: Context) -> int:
    pairs = []
    for text in args.pairs:
        current, sep, target = text.replace("＝", "=").partition("=")
        if not sep or not current.strip():
            raise InvalidInputError(f"「{text}」が読めません。", "現行コード=標準コード の形で指定してください（例 M=1、未対応は U=）。")
        pairs.append((current, target))
    if pairs or args.remove:
        r = data.set_codes(db=ctx.database(), user=ctx.config.user, item_id=args.item, pairs=pairs, remove=args.remove)
        ctx.print(f"{r.item_id}: 対応を {len(r.set)} 件記録、{len(r.removed)} 件削除。未対応の現行コード {r.unmapped} 件")
        if r.not_in_list:
            ctx.print(f"  注意: 標準コード {'、'.join(dict.fromkeys(r.not_in_list))} は標準のコード一覧にありません"
                      "（未対応として数えています）。")
    det = data.get_item(db=ctx.database(), item_id=args.item)
    ctx.print(f"{det.row.item_id} {det.row.name}  コード {det.row.code_list or '—'} {det.code_list_name}")
    ctx.print(render_table(["標準コード", "内容"], [(c.code, c.meaning) for c in det.codes]))
    if det.mapping:
        ctx.print(render_table(["現行コード", "現行の内容", "標準コード", "標準の内容", "対応"],
                               [(m.current_code, m.current_meaning, m.standard_code, m.standard_meaning,
                                 "済" if m.mapped else "未対応") for m in det.mapping]))
    return 0


def cmd_undo(args: argparse.Namespace, ctx: Context) -> int:
    batch = args.batch or data.last_batch(db=ctx.database(), user=ctx.config.user)
    if not batch:
        raise InvalidInputError("取り消す変更がありません。", "fitgap data set で変更した後に実行してください。")
    return _report(ctx, data.undo(db=ctx.database(), user=ctx.config.user, batch=batch))


def cmd_versions(args: argparse.Namespace, ctx: Context) -> int:
    rows = data.list_versions(db=ctx.database(), operation_code=args.operation)
    if not rows:
        ctx.print(NO_LIST)
        return 0
    ctx.print(render_table(["業務", "版", "項目", "取込日"], rows, right=[2]))
    return 0


def cmd_diff(args: argparse.Namespace, ctx: Context) -> int:
    r = data.diff_versions(db=ctx.database(), operation_code=args.operation.zfill(3), old=args.old, new=args.new)
    ctx.print(f"{r.operation_code}: {r.old} → {r.new}  追加 {len(r.added)}・削除 {len(r.removed)}・変更 {len(r.changed)} 項目")
    for iid, name in r.added:
        ctx.print(f"  追加 {iid} {name}")
    for iid, name in r.removed:
        ctx.print(f"  削除 {iid} {name}")
    for iid, name, fields in r.changed:
        ctx.print(f"  変更 {iid} {name}")
        for label, old, new in fields:
            ctx.print(f"      {label}: {old or '（空）'} → {new or '（空）'}")
    return 0
