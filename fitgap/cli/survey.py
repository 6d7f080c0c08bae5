"""Commands: survey show / import (the national progress survey of the 40 steps)."""

from __future__ import annotations

import argparse
from pathlib import Path

from fitgap.cli.context import Context
from fitgap.cli.table import render_table


def register_survey(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser(
        "survey", parents=[common], help="総務省の進捗状況調査（40手順の完了率）を表示・更新する",
        description="標準化の進捗状況調査（手順書の40手順のうち完了済み＋対象外の数、団体×業務）を扱います。"
        "fitgap init が同梱の調査（2026-01）を読み込みます。新しく公表された調査は survey import で置き換えます。"
        " / The national progress survey.",
    )
    ss = top.add_subparsers(dest="survey_command", metavar="SUBCOMMAND", required=True)
    p = ss.add_parser("show", parents=[common], help="調査の時点と、この団体（または指定した団体）の業務ごとの数値",
                      description="保持している調査の時点・出典と、団体の業務ごとの手順数（40のうち）を表示します。")
    p.add_argument("--municipality", "-m", metavar="NAME", help="団体名（既定: init で設定した団体）")
    p.add_argument("--prefecture", metavar="NAME", help="都道府県（同名の団体がある場合）")
    p.set_defaults(func=cmd_show)
    p = ss.add_parser(
        "import", parents=[common], help="新しく公表された調査（同じ形式の CSV）で置き換える",
        description="同梱の progress_2026-01.csv と同じ形式（都道府県, 団体名, 全体完了率, 業務ごとの完了率）の CSV で"
        "調査を置き換え、変わったこと（団体・業務の増減、数値が動いた件数、この団体の数値）を表示します。"
        "保持している調査より古いものでは置き換えません。",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="調査の CSV（UTF-8 か Shift_JIS）")
    p.add_argument("--month", metavar="YYYY-MM", help="調査の時点（既定: ファイル名の年月）")
    p.add_argument("--credit", metavar="TEXT", help="出典の表記（既定: 同梱の調査と同じ書き方で年月を入れたもの）")
    p.add_argument("--dry-run", action="store_true", help="変わることを表示するだけで保存しない")
    p.set_defaults(func=cmd_import)
    p = ss.add_parser("prefecture", parents=[common], help="都道府県内の団体の進捗（遅れている団体から、業務別）",
                      description="調査での都道府県内の市区町村を、全体の進捗の低い順に、完了した業務の数と全国の中央値を"
                      "下回る業務とともに表示します（既定: init で設定した団体の都道府県）。")
    p.add_argument("--prefecture", metavar="NAME", help="都道府県（例: 奈良県）")
    p.set_defaults(func=cmd_prefecture)


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.domain.progress import TOTAL_STEPS, overall, steps_label
    from fitgap.services import progress_survey

    fig = progress_survey.body_figures(db=ctx.database(), name=args.municipality, prefecture=args.prefecture)
    s = fig.survey
    ctx.print(f"進捗状況調査 {s.month} 時点（{s.source_file}、{s.bodies}団体{'、同梱' if s.bundled else ''}）")
    if not fig.steps:
        ctx.print(f"{fig.prefecture} {fig.name} はこの調査にありません。")
    else:
        ctx.print(f"{fig.prefecture} {fig.name}: 全体 {steps_label(round(overall(list(fig.steps.values())) or 0, 2))}")
        rows = [[code, fig.operations.get(code, code), f"{steps}/{TOTAL_STEPS}", steps_label(steps).split("（")[1][:-1]]
                for code, steps in sorted(fig.steps.items())]
        ctx.print(render_table(["コード", "業務（調査の表記）", "手順", "完了率"], rows, right=[2, 3]))
    ctx.print(s.credit)
    return 0


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services import progress_survey

    change = progress_survey.import_survey(db=ctx.database(), path=args.file, user=ctx.config.user,
                                           month=args.month, credit=args.credit, dry_run=args.dry_run)
    old = f"{change.old.month}（{change.old.source_file}）" if change.old else "なし"
    if change.unchanged:
        ctx.print(f"進捗状況調査 {change.new.month}: 保持しているものと同じです。変更はありません。")
        return 0
    verb = "置き換えます（--dry-run: 保存していません）" if args.dry_run else "置き換えました"
    ctx.print(f"進捗状況調査を {old} から {change.new.month}（{change.new.source_file}、{change.new.bodies}団体）に{verb}。")
    for label, items in (("団体の追加", change.bodies_added), ("団体の削除", change.bodies_removed),
                         ("業務の追加", change.operations_added), ("業務の削除", change.operations_removed)):
        if items:
            shown = "、".join(items[:10]) + (f" ほか{len(items) - 10}" if len(items) > 10 else "")
            ctx.print(f"  {label} {len(items)}: {shown}")
    ctx.print(f"  数値が動いたもの: {change.moved_up + change.moved_down}件（上がった {change.moved_up}、"
              f"下がった {change.moved_down}、全 {change.figures}件中）")
    if change.own_moved:
        ctx.print(f"  この団体の数値: {'、'.join(change.own_moved)}")
    for problem in change.skipped:
        ctx.print(f"  読み飛ばし: {problem}")
    ctx.print(change.new.credit)
    return 0


def cmd_prefecture(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.domain.progress import TOTAL_STEPS, month_label, percent
    from fitgap.services import peers

    v = peers.prefecture_view(db=ctx.database(), prefecture=args.prefecture)
    ctx.print(f"{v.prefecture} の市区町村（{len(v.bodies)}団体）: 進捗状況調査 {month_label(v.month)}時点、全体の進捗の低い順"
              f"（{TOTAL_STEPS}手順のうち完了済み＋対象外。全国の中央値は同じ調査から計算）")
    rows = [[b.name, f"{b.overall:.1f}", percent(b.overall), f"{b.complete}/{b.operations}", len(b.below_median),
             "、".join(b.below_median) or "—"] for b in v.bodies]
    ctx.print(render_table(["団体", "全体（手順）", "全体", "完了した業務", "全国中央値未満", "中央値未満の業務"], rows,
                           right=[1, 2, 3, 4], max_width=60))
    ctx.print(v.credit)
    return 0
