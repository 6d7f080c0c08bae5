"""Command: assign — the 担当課 (and 担当者) of requirements and 独自機能."""

from __future__ import annotations

import argparse

from fitgap.cli.context import Context
from fitgap.cli.table import render_table
from fitgap.errors import InvalidInputError
from fitgap.services import bpr, owners


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "assign", parents=[common], help="要件・独自機能の担当課・担当者を決める / assign a department",
        description="要件（001:機能:0010001）、独自機能（001:F-001）、または業務のすべての要件（--operation 001）に担当課と"
        "担当者を記録します（空文字で消去）。業務見直しの担当は fitgap bpr set で決めます。fitgap status --department、"
        "fitgap export review --department がこれを読みます。引数なしで、使われている担当課の一覧を表示します。",
    )
    p.add_argument("targets", metavar="TARGET", nargs="*", help="001:機能:0010001 / 001:帳票:0010001 / 001:F-001")
    p.add_argument("--operation", metavar="CODE", action="append", default=[], help="この業務の現行のすべての要件（複数可）")
    p.add_argument("--department", metavar="担当課")
    p.add_argument("--person", metavar="担当者")
    p.set_defaults(func=cmd_assign)


def cmd_assign(args: argparse.Namespace, ctx: Context) -> int:
    if not args.targets and not args.operation:
        if args.department is not None or args.person is not None:
            raise InvalidInputError("担当を決める要件・独自機能が指定されていません。",
                                    "001:機能:0010001、001:F-001、--operation 001 のように指定してください。")
        rows = owners.departments(db=ctx.database())
        if not rows:
            ctx.print("担当課はまだ決まっていません（fitgap assign 001:機能:0010001 --department 市民課）。")
            return 0
        ctx.print(render_table(["担当課", "要件", "独自機能"], rows, right=[1, 2]))
        return 0
    r = owners.assign(db=ctx.database(), user=ctx.config.user, targets=[bpr.Target.parse(t) for t in args.targets],
                      operations=[o.zfill(3) for o in args.operation], department=args.department, person=args.person)
    ctx.print(f"担当を記録しました: {len(r.changed)} 件（変更なし {len(r.unchanged)} 件）")
    if r.batch:
        ctx.print(f"変更は変更履歴（fitgap audit）に残ります。バッチ {r.batch}")
    return 0
