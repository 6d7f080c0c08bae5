"""Entry point: `fitgap [--db PATH] [--user NAME] COMMAND …`. With no command it opens the workbench."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
from collections.abc import Sequence

from fitgap import __version__
from fitgap.cli.context import Context
from fitgap.cli.parser import VERSION_HELP, FitGapParser
from fitgap.domain.text import escape_controls
from fitgap.errors import FitGapError, file_error

# Each module has register(sub, common). Keep module-level imports of these light: nothing here may
# load textual (the TUI command imports it when it runs).
COMMAND_MODULES = [
    "fitgap.cli.catalog",
    "fitgap.cli.deadlines",
    "fitgap.cli.post_cutover",
    "fitgap.cli.specs",
    "fitgap.cli.graph",
    "fitgap.cli.systems",
    "fitgap.cli.maintenance",
    "fitgap.cli.reports",
    "fitgap.cli.vendors",
    "fitgap.cli.custom",
    "fitgap.cli.data",
    "fitgap.cli.bpr",
    "fitgap.cli.owners",
    "fitgap.cli.body_group",
    "fitgap.cli.drafts",
    "fitgap.cli.tui",
]


def _common() -> argparse.ArgumentParser:
    common = FitGapParser(add_help=False)
    g = common.add_argument_group("共通オプション")
    g.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                   help="データベースファイル（既定 ./fitgap.db、環境変数 FITGAP_DB）。"
                   "SQLAlchemy の URL も可（環境変数 FITGAP_DATABASE_URL）")
    g.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                   help="変更履歴に記録する利用者名（既定: 環境変数 FITGAP_USER、なければ OS のログイン名）")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = FitGapParser(
        prog="fitgap", parents=[common],
        description="fitgap — 自治体基幹業務システムの標準仕様書との FIT&GAP 分析と移行管理。"
        "コマンドなしで実行すると作業画面（TUI）を開きます。",
    )
    parser.add_argument("--version", action="version", version=f"fitgap {__version__}",
                        help=VERSION_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


INTERRUPTED = "中断しました。データベースは最後に完了した操作の状態のままです。"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Ctrl+C at any point ends it quietly with 中断しました and status 130."""
    _quiet_library_logs()
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return _interrupted()


def _main(argv: Sequence[str] | None) -> int:
    if list(argv if argv is not None else sys.argv[1:]) == ["--version"]:
        print(f"fitgap {__version__}")  # before the commands register: nothing else to load
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "tui"])
    try:
        ctx = Context.from_args(args)  # the FITGAP_* settings are checked here
    except FitGapError as exc:
        return _report(exc)
    try:
        code = int(args.func(args, ctx) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        return _pipe_closed()
    except FitGapError as exc:
        return _report(exc)
    except OSError as exc:  # anything a command did not word itself: still エラー / 対処, never a traceback
        return _report(file_error(exc, exc.filename or "ファイル", writing=None))
    except KeyboardInterrupt:
        return _interrupted(ctx)
    finally:
        ctx.close()


def _interrupted(ctx: Context | None = None) -> int:
    """Ctrl+C: a second one while the database is let go is ignored, and nothing but 中断しました is said."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        previous = None
    try:
        if ctx is not None:
            ctx.close()
    except Exception:  # an interrupted connection may fail to close: it ends with the process anyway
        pass
    try:
        print(INTERRUPTED, file=sys.stderr)
    except (BrokenPipeError, ValueError):
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return 130


def _quiet_library_logs() -> None:
    """SQLAlchemy logs a failure to clean up after an interrupted statement ("Error closing cursor", with a
    traceback) through Python's last-resort handler; the user has been told what happened already."""
    log = logging.getLogger("sqlalchemy")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    log.propagate = False


def _report(exc: FitGapError) -> int:
    try:
        print(f"エラー: {escape_controls(exc.message)}", file=sys.stderr)
        if exc.hint:
            print(f"対処: {escape_controls(exc.hint)}", file=sys.stderr)
    except BrokenPipeError:
        pass
    return exc.exit_code


def _pipe_closed() -> int:
    """The reader of our output went away (``fitgap … | head``): stop quietly, like other commands do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's flush at exit must not complain either
    except (OSError, ValueError):
        pass
    return 141  # 128 + SIGPIPE, what a shell reports for a command stopped by a closed pipe


if __name__ == "__main__":
    raise SystemExit(main())
