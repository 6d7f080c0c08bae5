"""Command: tui (also what `fitgap` with no command runs). Textual is imported only here, when it runs."""

from __future__ import annotations

import argparse

from fitgap.cli.context import Context


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("tui", parents=[common], help="作業画面（TUI）を開く（コマンドなしと同じ）",
                       description="FIT&GAP の作業画面を開きます。データベースがなければ同梱のカタログで作成します。")
    p.set_defaults(func=cmd_tui)


def cmd_tui(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.database(create=True)
    from fitgap.tui.app import FitGapApp  # lazily: no other command loads textual

    FitGapApp(db=db, user=ctx.config.user, today=ctx.config.today).run()
    return 0
