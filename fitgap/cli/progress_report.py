"""Command: report progress (the monthly progress report: operation, system, steps, state, planned date, reason)."""

from __future__ import annotations

import argparse

from fitgap.cli.context import Context
from fitgap.cli.paths import output_path


def register_progress_report(kinds: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = kinds.add_parser(
        "progress", parents=[common], help="進捗の月次報告（業務・システム・手順数・状態・移行予定日・遅延の理由）",
        description="システムごとの進捗（40手順のうち完了済み＋対象外の数、fitgap systems progress で入力）を、業務・"
        "システム・手順数・完了率・状態・入力の月・移行予定日・期限・遅延の理由の1つの表にして、Excel ブックと CSV"
        "（UTF-8 BOM 付き）に書き出します。PMO ツールへの転記や都道府県への報告に使えます。",
    )
    p.add_argument("--month", metavar="YYYY-MM", help="報告する月（既定: 基準日の月）。その月までの最新の入力を使います")
    p.add_argument("-o", "--output", type=output_path, metavar="PATH",
                   help="出力先（ファイル名かフォルダ。既定: exports/progress_<月>.xlsx/.csv）")
    p.add_argument("--format", choices=("xlsx", "csv", "both"), default="both", help="形式（既定 both）")
    p.add_argument("--force", action="store_true", help="-o のファイルがすでにあれば上書きする")
    p.set_defaults(func=cmd_progress_report)


def cmd_progress_report(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.domain.progress import month_label
    from fitgap.services import progress

    report, paths = progress.write_monthly_report(
        db=ctx.database(), today=ctx.config.today, month=args.month, fmt=args.format, output=args.output,
        exports_dir=ctx.config.exports_dir, overwrite=args.force)
    missing = sum(1 for r in report.rows if r.steps is None)
    ctx.print(f"進捗の月次報告（{month_label(report.month)}、{len(report.rows)}行）を作成しました:")
    for path in paths:
        ctx.print(f"  {path}")
    if missing:
        ctx.print(f"進捗が未入力の行が {missing} あります（{ctx.command('systems', 'progress', 'システム名', '32')}）。")
    return 0
