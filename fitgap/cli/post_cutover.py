"""Commands: post-cutover list / set / done / remove — 移行後の経過措置 (functions the vendor implements after
cut-over, filed with デジタル庁)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from fitgap.cli.context import Context
from fitgap.cli.table import render_table

if TYPE_CHECKING:
    from fitgap.services.post_cutover import MeasureEdit

# the services (which load the database layer) only when a command runs

KEY_HELP = "業務コード:種別:要件ID（例 001:機能:1.1.1-必須、帳票は 001:帳票:ID、種別を省くと機能）"
DATE_HINT = "日付（例 2027-03-31）"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser(
        "post-cutover", parents=[common], help="移行後の経過措置（移行後にベンダが実装する機能）の記録",
        description="標準準拠システムへの移行後にベンダが実装する機能（移行後の経過措置。デジタル庁への届出の対象、"
        "届出要領 2025年10月）を要件ごとに記録します: 実装予定日、届出日、完了日。予定日を過ぎて完了していないものは"
        "期限超過として status・作業画面・移行準備状況報告書に示されます（判定ルール R19・R20）。",
    )
    group.set_defaults(func=lambda args, ctx: cmd_list(args, ctx))
    cmds = group.add_subparsers(dest="post_cutover_command", metavar="COMMAND")

    p = cmds.add_parser("list", parents=[common], help="記録した経過措置の一覧（期限超過・届出未了を含む）")
    p.add_argument("--operation", metavar="CODE", help="業務コードか業務名（例 001、住民基本台帳）")
    p.add_argument("--overdue", action="store_true", help="実装予定日を過ぎて完了していないものだけ")
    p.set_defaults(func=cmd_list)

    p = cmds.add_parser(
        "set", parents=[common], help="経過措置を記録・変更する（指定した項目だけ変わります）",
        description="要件1つの経過措置を記録します。新しく記録するときは --planned が必要です。指定しなかった項目は"
        "そのままです。--notified・--done・--vendor・--note に空文字を指定すると消去します。",
    )
    p.add_argument("requirement", metavar="OPERATION:KIND:ID", help=KEY_HELP)
    p.add_argument("--planned", metavar="DATE", help=f"ベンダの実装予定日 {DATE_HINT}")
    p.add_argument("--notified", metavar="DATE", help=f"デジタル庁へ届け出た日 {DATE_HINT}")
    p.add_argument("--done", metavar="DATE", help=f"実装が済んだ日 {DATE_HINT}")
    p.add_argument("--vendor", metavar="NAME", help="実装するベンダ")
    p.add_argument("--note", metavar="TEXT", help="メモ（届出の内容、代替の運用など）")
    p.set_defaults(func=cmd_set)

    p = cmds.add_parser("done", parents=[common], help="経過措置を完了にする（ベンダが実装した）")
    p.add_argument("requirement", metavar="OPERATION:KIND:ID", help=KEY_HELP)
    p.add_argument("--date", metavar="DATE", help=f"完了日 {DATE_HINT}（既定 今日）")
    p.set_defaults(func=cmd_done)

    p = cmds.add_parser("remove", parents=[common], help="経過措置の記録を削除する")
    p.add_argument("requirement", metavar="OPERATION:KIND:ID", help=KEY_HELP)
    p.set_defaults(func=cmd_remove)


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services import post_cutover

    views = post_cutover.list_measures(db=ctx.database(), today=ctx.config.today,
                                       operation=getattr(args, "operation", None),
                                       overdue_only=bool(getattr(args, "overdue", False)))
    if not views:
        what = "期限超過の経過措置" if getattr(args, "overdue", False) else "移行後の経過措置の記録"
        ctx.print(f"{what}はありません。")
        if not getattr(args, "overdue", False):
            ctx.print(f"記録するには: {ctx.command('post-cutover', 'set', '001:機能:ID', '--planned', '2027-03-31')}")
        return 0
    rows = [[v.key.operation_code, v.operation, v.key.kind.value, v.key.req_id, v.name or "（現在の版にない要件）",
             v.record.planned.isoformat() if v.record.planned else "未定",
             v.record.notified_on.isoformat() if v.record.notified_on else "未了",
             v.record.done_on.isoformat() if v.record.done_on else "—", v.label,
             v.standing.label if v.standing else "—", v.record.vendor or "", v.record.note] for v in views]
    ctx.print(render_table(["コード", "業務", "種別", "ID", "名称", "予定日", "届出日", "完了日", "状況", "業務の状態",
                            "ベンダ", "メモ"], rows))
    open_ = [v for v in views if not v.record.done]
    ctx.print(f"{len(views)} 件（未完了 {len(open_)} 件、うち期限超過 {sum(v.overdue for v in views)} 件、"
              f"届出未了 {sum(not v.record.notified for v in open_)} 件）")
    return 0


def _date(text: str | None) -> Any:
    from fitgap.services.edit_input import UNSET, parse_date_input

    return UNSET if text is None else parse_date_input(text)


def _report(ctx: Context, edit: MeasureEdit, done: str) -> int:
    from fitgap.services.post_cutover import describe

    what = f"{edit.key}（{edit.name}）" if edit.name else str(edit.key)
    if not edit.changed:
        ctx.print(f"{what}: 変更はありません（{describe(edit.after)}）。")
    elif edit.created:
        ctx.print(f"{what}: 移行後の経過措置を記録しました（{describe(edit.after)}）。")
    else:
        ctx.print(f"{what}: {done}: {describe(edit.before)} → {describe(edit.after)}")
    return 0


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services import post_cutover
    from fitgap.services.edit_input import UNSET

    key = post_cutover.parse_key(args.requirement)
    values = {"planned": _date(args.planned), "notified_on": _date(args.notified), "done_on": _date(args.done),
              "vendor": UNSET if args.vendor is None else args.vendor, "note": UNSET if args.note is None else args.note}
    edit = post_cutover.set_measure(db=ctx.database(), user=ctx.config.user, key=key, today=ctx.config.today, **values)
    return _report(ctx, edit, "変更しました")


def cmd_done(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services import post_cutover
    from fitgap.services.edit_input import parse_date_input

    key = post_cutover.parse_key(args.requirement)
    when = parse_date_input(args.date) if args.date else None
    edit = post_cutover.mark_done(db=ctx.database(), user=ctx.config.user, key=key, today=ctx.config.today,
                                  done_on=when)
    return _report(ctx, edit, "完了にしました")


def cmd_remove(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services import post_cutover

    key = post_cutover.parse_key(args.requirement)
    edit = post_cutover.remove_measure(db=ctx.database(), user=ctx.config.user, key=key)
    what = f"{edit.key}（{edit.name}）" if edit.name else str(edit.key)
    ctx.print(f"{what}: 移行後の経過措置の記録を削除しました（{post_cutover.describe(edit.before)}）。")
    return 0
