"""Commands: deadline list / set / clear — where every operation stands and the deadlines set by hand."""

from __future__ import annotations

import argparse

from fitgap.cli.context import Context
from fitgap.cli.table import render_table
from fitgap.domain.enums import DeadlineKind
from fitgap.domain.standing import REASONS, SETTABLE_KINDS, reason_text
from fitgap.services import status
from fitgap.services.edit_input import parse_date_input

# the choices here, the services (which load the database layer) only when a command runs


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser(
        "deadline", parents=[common], help="業務ごとの移行の状態と期限（手動設定を含む）",
        description="業務ごとの状態（移行済・移行予定・未定）と、その業務が従う期限とその根拠を表示・設定します。"
        "期限は、業務かそのシステムに手動で設定したものがあればそれ、なければ特定移行支援システムの公表一覧の"
        "該当（2031-03-31）、なければ 2026-03-31 です。",
    )
    group.set_defaults(func=lambda _args, ctx: cmd_list(_args, ctx))
    kinds = group.add_subparsers(dest="deadline_command", metavar="COMMAND")
    p = kinds.add_parser("list", parents=[common], help="業務ごとの状態・期限・根拠を表示する")
    p.add_argument("--all", action="store_true", help="共通部分（税務共通・共通機能）も表示する")
    p.set_defaults(func=cmd_list)
    p = kinds.add_parser(
        "set", parents=[common], help="業務の期限を手動で設定する（移行計画の特定移行支援・個別設定）",
        description="業務の期限を手動で設定します。手動で設定した期限は fitgap init や新しい公表一覧で上書きされません。"
        "業務を担うシステムの期限は、システムに個別の期限がなければこれに従います。",
    )
    p.add_argument("operation", metavar="OPERATION", help="業務コードか業務名（例 003、戸籍）")
    p.add_argument("--kind", choices=SETTABLE_KINDS, default=DeadlineKind.TOKUTEI.value,
                   help="期限区分（既定 特定移行支援）")
    p.add_argument("--date", metavar="DATE", help="期限の日付（特定移行支援の既定は 2031-03-31、個別設定は必須）")
    p.add_argument("--reason", choices=REASONS, required=True, help="移行計画の理由")
    p.add_argument("--detail", default="", metavar="TEXT", help="理由の補足（例: その他の内容）")
    p.set_defaults(func=cmd_set)
    p = kinds.add_parser("clear", parents=[common], help="手動で設定した期限をやめる（公表一覧・原則の期限に戻す）")
    p.add_argument("operation", metavar="OPERATION", help="業務コードか業務名")
    p.set_defaults(func=cmd_clear)
    p = kinds.add_parser(
        "import-official", parents=[common], help="新しい特定移行支援システムの公表一覧を読み込む",
        description="デジタル庁が公表する「特定移行支援システムの該当見込み一覧」（Excel か CSV）から、この団体の行を"
        "団体コード（なければ都道府県と団体名）で探し、業務ごとの該当と、手動で設定していない業務の期限を更新します。"
        "手動で設定した期限は変えません。以後の fitgap init は同梱の一覧（2025-12）でこの該当を上書きしません。",
    )
    p.add_argument("file", metavar="FILE", help="公表一覧（.xlsx / .csv）")
    p.add_argument("--as-of", metavar="YYYY-MM",
                   help="一覧の時点（省略時は表題の「令和8年6月末時点」などかファイル名から。分からなければ必須）")
    p.add_argument("--dry-run", action="store_true", help="変わる内容を表示するだけで、何も書き込まない")
    p.add_argument("--absent-as-none", action="store_true",
                   help="この団体が一覧にないとき、すべての業務を該当なしとして取り込む（既定では中止）")
    p.set_defaults(func=cmd_import_official)


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    ov = status.get_overview(db=ctx.database(), today=ctx.config.today)
    ctx.print(status.headline(ov))
    shown = ov.main + (ov.common if getattr(args, "all", False) else [])
    rows = [[o.code, o.name, o.standing.state.value, o.standing.cutover.isoformat() if o.standing.cutover else "—",
             o.standing.due.date.isoformat(), o.standing.due.label, o.standing.label] for o in shown]
    ctx.print(render_table(["コード", "業務", "状態", "移行日", "期限", "期限の根拠", "残り・移行日"], rows, max_width=80))
    return 0


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services import deadlines

    when = parse_date_input(args.date) if args.date else None
    change = deadlines.set_operation_deadline(
        db=ctx.database(), user=ctx.config.user, operation=args.operation, kind=DeadlineKind(args.kind),
        deadline=when, reason=reason_text(args.reason, args.detail))
    ctx.print(change.summary)
    return 0


def cmd_clear(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services import deadlines

    change = deadlines.clear_operation_deadline(db=ctx.database(), user=ctx.config.user, operation=args.operation)
    ctx.print(change.summary)
    return 0


def cmd_import_official(args: argparse.Namespace, ctx: Context) -> int:
    from pathlib import Path

    from fitgap.services import official_list

    result = official_list.import_official_list(
        db=ctx.database(), user=ctx.config.user, path=Path(args.file), as_of=args.as_of, dry_run=args.dry_run,
        absent_as_none=args.absent_as_none)
    lines = official_list.summary(result)
    ctx.print(("[試行] " if result.dry_run else "") + lines[0], *lines[1:])
    if result.dry_run:
        ctx.print("試行のため、何も書き込んでいません。")
    elif not result.any_change:
        ctx.print("変更はありません（すでにこの一覧のとおりです）。")
    return 0
