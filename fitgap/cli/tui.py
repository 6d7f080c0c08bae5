"""Command: tui (also what `fitgap` with no command runs). Textual is imported only here, when it runs."""

from __future__ import annotations

import argparse

from fitgap.cli.context import Context


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("tui", parents=[common], help="作業画面（TUI）を開く（コマンドなしと同じ）",
                       description="FIT&GAP の作業画面を開きます。データベースがなければ同梱のカタログで作成します。")
    p.set_defaults(func=cmd_tui)


def cmd_tui(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services.status import quick_overview

    # A database that needs nothing done is read quickly for the home screen, which then shows before the
    # database layer is loaded; it is opened right after the first frame. Anything else is opened first.
    first = quick_overview(url=ctx.config.database_url, today=ctx.config.today)
    db = (lambda: ctx.database(create=True)) if first is not None else ctx.database(create=True)
    from fitgap.tui.app import FitGapApp  # lazily: no other command loads textual

    app = FitGapApp(db=db, user=ctx.config.user, today=ctx.config.today, overview=first)
    app.run()
    if app.open_error is not None:
        raise app.open_error
    return 0
