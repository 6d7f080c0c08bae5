"""Commands: report readiness (the managers' report as Excel and/or one self-contained HTML page)."""

from __future__ import annotations

import argparse

from fitgap.cli.context import Context
from fitgap.cli.paths import output_path
from fitgap.services import choices, readiness


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser(
        "report", parents=[common], help="管理者向けの報告書を作成する（移行準備状況）",
        description="管理者向けの報告書を作成します。作成する報告書の種類を指定してください。",
    )
    group.set_defaults(func=lambda _args, ctx: _group_help(group, ctx))
    kinds = group.add_subparsers(dest="report_kind", metavar="KIND")
    p = kinds.add_parser(
        "readiness", parents=[common], help="移行準備状況報告書（Excel・HTML）",
        description="業務ごとの確認率・適合率・ギャップ・逆ギャップ・ベンダ回答・移行予定日と期限・待ち合わせ先システムと、"
        "判定（赤・黄・緑）とその判定ルール、阻害要因の一覧、移行日程を、Excel ブック（グラフ付き）と"
        "1ファイルで完結する HTML（オフラインで開け、A4横で印刷可）に書き出します。"
        "データがない部分は「データなし」と表示します。"
        " / Writes the migration readiness report for managers.",
    )
    p.add_argument("-o", "--output", type=output_path, metavar="PATH",
                   help="出力先（ファイル名かフォルダ。既定: exports/readiness_<基準日>.xlsx/.html、"
                   "同じ日に2回目なら readiness_<基準日>-2.xlsx/.html …）。"
                   "both のときは拡張子を付け替えて2つ作ります")
    p.add_argument("--force", action="store_true", help="-o のファイルがすでにあれば上書きする")
    p.add_argument("--format", choices=choices.REPORT_FORMATS, default="both",
                   help="形式: xlsx、html、both（既定 both）")
    p.set_defaults(func=cmd_readiness)
    from fitgap.cli.progress_report import register_progress_report  # the monthly progress report

    register_progress_report(kinds, common)


def _group_help(parser: argparse.ArgumentParser, ctx: Context) -> int:
    ctx.print(parser.format_help())
    return 2


def cmd_readiness(args: argparse.Namespace, ctx: Context) -> int:
    paths = readiness.write_report(
        db=ctx.database(), today=ctx.config.today, fmt=args.format, output=args.output,
        exports_dir=ctx.config.exports_dir, overwrite=args.force,
        progress=lambda done, total, label: ctx.progress(done, total, f"報告書 {label}"),
    )
    ctx.print(f"移行準備状況報告書を作成しました（基準日 {ctx.config.today.isoformat()}）:")
    for path in paths:
        ctx.print(f"  {path}")
    return 0
