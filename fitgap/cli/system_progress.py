"""Command: systems progress (a system's steps done out of 40, by month, beside the survey's figure)."""

from __future__ import annotations

import argparse

from fitgap.cli.context import Context
from fitgap.cli.table import render_table


def register_progress(ss: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = ss.add_parser(
        "progress", parents=[common], help="システムの進捗（40手順のうち完了済み＋対象外の数）を記録・表示する",
        description="移行手順書の40手順のうち、完了済みと対象外の手順の数を月ごとに記録します（同じ月に2回記録すると"
        "後のものに置き換えます）。STEPS を省くと履歴と、進捗状況調査でのこの団体の値（調査時点つき）を表示します。",
    )
    p.add_argument("system", metavar="SYSTEM", help="システム名（一意に決まれば一部でも可）")
    p.add_argument("steps", metavar="STEPS", type=int, nargs="?", help="完了済み＋対象外の手順の数（0〜40）")
    p.add_argument("--month", metavar="YYYY-MM", help="報告する月（既定: 基準日の月）")
    p.add_argument("--reason", metavar="TEXT", help="遅延の理由（月次報告に載せる。\"\" で消去）")
    p.set_defaults(func=cmd_progress)


def cmd_progress(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.domain.progress import TOTAL_STEPS, percent
    from fitgap.services import progress

    if args.steps is None:
        if args.month or args.reason is not None:
            from fitgap.errors import InvalidInputError

            raise InvalidInputError("--month・--reason は手順数（STEPS）と一緒に指定してください。",
                                    f"例: {ctx.command('systems', 'progress', args.system, '32', '--month', '2026-02')}")
        view = progress.system_progress(db=ctx.database(), system=args.system)
    else:
        view = progress.set_system_progress(db=ctx.database(), user=ctx.config.user, system=args.system,
                                            steps=args.steps, today=ctx.config.today, month=args.month,
                                            delay_reason=args.reason)
        e = view.latest
        ctx.print(f"{view.system}: {args.month or (e.month if e else '')} の進捗を {args.steps}/{TOTAL_STEPS}"
                  f"（{percent(args.steps)}）として記録しました。")
    ops = "、".join(name for _, name in view.operations) or "業務なし"
    ctx.print(f"{view.system}（{ops}）")
    if view.history:
        rows = [[e.month, f"{e.steps}/{TOTAL_STEPS}", percent(e.steps), e.state.value, e.delay_reason or "—"]
                for e in view.history]
        ctx.print(render_table(["月", "手順", "完了率", "状態", "遅延の理由"], rows, right=[1, 2]))
    else:
        ctx.print(f"進捗の記録はまだありません（{ctx.command('systems', 'progress', view.system, '32')}）。")
    if view.survey:
        ctx.print(f"進捗状況調査 {view.survey[0].month} 時点のこの団体の値（最後に公表された値）:")
        for f in view.survey:
            shown = f"{f.steps}/{TOTAL_STEPS}（{percent(f.steps)}）" if f.steps is not None else "調査になし"
            ctx.print(f"  {f.operation}: {shown}")
        ctx.print(view.survey_credit)
    return 0
