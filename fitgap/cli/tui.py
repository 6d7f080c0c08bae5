"""Command: tui (also what `fitgap` with no command runs)."""

from __future__ import annotations

import argparse

from fitgap.cli.context import Context


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("tui", parents=[common], help="作業画面（TUI）を開く（コマンドなしと同じ）",
                       description="FIT&GAP の作業画面を開きます。データベースがなければ同梱のカタログで作成します。")
    p.set_defaults(func=cmd_tui)


def cmd_tui(args: argparse.Namespace, ctx: Context) -> int:
    ctx.database(create=True)
    # Until the workbench exists, show the overview.
    from fitgap.cli.catalog import cmd_status

    return cmd_status(argparse.Namespace(all=False), ctx)
