"""Commands: systems changes / change / changes-export / changes-import — the 改修 items of data links."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fitgap.cli.context import Context
from fitgap.cli.paths import output_text
from fitgap.cli.table import render_table
from fitgap.domain.calendar import format_date
from fitgap.domain.enums import ChangeStatus
from fitgap.errors import InvalidInputError
from fitgap.services import change_sheets, changes, import_summary
from fitgap.services.edit_input import UNSET, parse_date_input

STATUSES = [s.value for s in ChangeStatus]


def register_changes(ss: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = ss.add_parser(
        "changes", parents=[common], help="連携の改修項目の一覧 / list the 改修 items of data links",
        description="団体が対応する連携の改修項目（関連システム・独自施策システムと標準準拠システムの連携、移行日の異なる"
        "標準準拠システム同士の連携。後者は暫定連携と本連携の2段階）を、必要日までに終わらないものを先頭に表示します。"
        "移行日が未定のシステムは、連携ごとの遅れにせず一度だけ名前を挙げます。",
    )
    p.add_argument("--system", metavar="SYSTEM", help="このシステムの連携の改修だけ")
    p.add_argument("--vendor", metavar="NAME", help="このベンダが行う改修だけ")
    p.add_argument("--late", action="store_true", help="必要日までに終わらない改修だけ")
    p.set_defaults(func=cmd_changes)

    p = ss.add_parser(
        "change", parents=[common], help="連携の改修項目を更新する / edit the 改修 item of a link",
        description="提供元 PROVIDER → 利用側 CONSUMER の連携の改修項目のうち、指定した項目だけを変更します。"
        "日付・費用に空文字（\"\"）を指定すると消去します。完了日を入れると状況は「完了」になります。",
    )
    p.add_argument("provider", metavar="PROVIDER", help="提供元システム")
    p.add_argument("consumer", metavar="CONSUMER", help="利用側システム")
    p.add_argument("--status", choices=STATUSES, help="状況: " + " / ".join(STATUSES))
    p.add_argument("--planned", metavar="DATE", help="完了予定日（例 2026-10-30）")
    p.add_argument("--actual", metavar="DATE", help="完了日")
    p.add_argument("--vendor", metavar="NAME", help="改修を行うベンダ")
    p.add_argument("--cost", metavar="KYEN", help="概算費用（千円）")
    p.add_argument("--interim", metavar="TEXT", help="暫定連携の内容（使う場合）")
    p.add_argument("--interim-done", metavar="DATE",
                   help="暫定連携（2段階の改修の1段階目）の完了日。入れると本連携の段階になります（空文字で暫定連携の段階に戻す）")
    p.add_argument("--what", metavar="TEXT", help="改修内容（現行の方式 → 標準の連携）")
    p.add_argument("--note", metavar="TEXT", help="備考")
    p.set_defaults(func=cmd_change)

    p = ss.add_parser(
        "changes-export", parents=[common], help="改修一覧を保護付き Excel に書き出す / export the 改修 workbook",
        description="連携先システムのベンダに配る改修一覧（保護付きブック）を書き出します。黄色の欄（状況・完了予定日・完了日・"
        "概算費用・暫定連携・備考）だけを記入でき、状況はドロップダウンから選びます。fitgap systems changes-import で取り込みます。",
    )
    p.add_argument("--vendor", metavar="NAME", help="このベンダが行う改修だけ（宛先として記録）")
    p.add_argument("--system", metavar="SYSTEM", help="このシステムの連携の改修だけ")
    p.add_argument("-o", "--output", metavar="FILE", type=output_text, help="出力先（.xlsx、既定 exports/改修一覧_…xlsx）")
    p.add_argument("--force", action="store_true", help="-o のファイルがすでにあれば上書きする")
    p.set_defaults(func=cmd_changes_export)

    p = ss.add_parser(
        "changes-import", parents=[common], help="ベンダが記入した改修一覧を取り込む / import the 改修 workbook",
        description="行ごとに検査し、正しい行だけを1つのトランザクションで反映します。書き出し後に fitgap で変更された項目は"
        "上書きせず競合として報告します。問題は問題一覧（xlsx / csv）に書き出します。",
    )
    p.add_argument("file", metavar="FILE", help="記入された改修一覧（.xlsx）")
    p.add_argument("--dry-run", action="store_true", help="反映せず、変わる内容と問題だけを表示する")
    p.add_argument("--problems", metavar="PATH", type=output_text, help="問題一覧の出力先（.xlsx または .csv）")
    p.set_defaults(func=cmd_changes_import)


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


def cmd_changes(args: argparse.Namespace, ctx: Context) -> int:
    view = changes.get_changes(db=ctx.database(), today=ctx.config.today, system=args.system,
                               late_only=args.late, vendor=args.vendor)
    if not view.items:
        ctx.print("改修項目はありません。" if not args.late else "必要日までに終わらない改修はありません。")
        if view.undated and not (args.system or args.vendor):
            ctx.print(changes.undated_line(view.undated))
        return 0
    rows = []
    for c in view.items:
        st = c.state
        rows.append([c.label + (" ※" if c.item.typical else ""), st.step.label if st.step else "—",
                     c.item.vendor or "—", c.item.status.value, format_date(c.item.planned),
                     format_date(c.item.actual), format_date(st.needed_by), st.verdict or "—",
                     _money(c.item.cost_kyen), c.item.interim or "—", c.flag or "—"])
    ctx.print(render_table(["連携（提供元 → 利用側）", "段階", "ベンダ", "状況", "完了予定日", "完了日", "必要日", "判定",
                            "費用（千円）", "暫定連携", "注意"], rows, right=[8], max_width=40))
    done = sum(1 for c in view.items if c.item.done)
    ctx.print(f"改修項目 {len(view.items)}件: 完了 {done}件、未完了 {len(view.items) - done}件、"
              f"必要日までに終わらない {len(view.late)}件。")
    ctx.print(*changes.footnotes(view, filtered=bool(args.system or args.vendor)))
    if any(c.item.typical for c in view.items):
        ctx.print("※ 典型例: fitgap init が登録した典型的な連携の改修です。実態に合わせて確認してください。")
    return 0


def _opt(value: str | None, convert: Any = None) -> Any:
    if value is None:
        return UNSET
    return convert(value) if convert else value


def cmd_change(args: argparse.Namespace, ctx: Context) -> int:
    values = {
        "status": _opt(args.status, ChangeStatus), "planned": _opt(args.planned, parse_date_input),
        "actual": _opt(args.actual, parse_date_input), "vendor": _opt(args.vendor), "cost_kyen": _opt(args.cost),
        "interim": _opt(args.interim), "change": _opt(args.what), "note": _opt(args.note),
        "interim_done": _opt(args.interim_done, parse_date_input),
    }
    if all(v is UNSET for v in values.values()):
        raise InvalidInputError("変更する項目がありません。", "--status、--planned などを指定してください。")
    edit = changes.update_change(db=ctx.database(), user=ctx.config.user, provider=args.provider,
                                 consumer=args.consumer, today=ctx.config.today, **values)
    if not edit.changed:
        ctx.print(f"{edit.provider} → {edit.consumer}: 変更はありません。")
        return 0
    a = edit.after
    ctx.print(f"{edit.provider} → {edit.consumer} の改修項目を更新しました: 状況 {a['status'].value}、"
              f"完了予定日 {format_date(a['planned'])}、完了日 {format_date(a['actual'])}"
              + (f"、暫定連携の完了日 {format_date(a['interim_done'])}" if a["interim_done"] else ""), *edit.notes)
    return 0


def cmd_changes_export(args: argparse.Namespace, ctx: Context) -> int:
    res = change_sheets.export_change_sheet(
        db=ctx.database(), user=ctx.config.user, vendor=args.vendor, system=args.system,
        exports_dir=ctx.config.exports_dir, path=Path(args.output) if args.output else None, today=ctx.config.today,
        overwrite=args.force,
    )
    ctx.print(f"改修一覧 {res.items}件を書き出しました: {res.path}（書き出しID {res.export_id}）")
    return 0


def cmd_changes_import(args: argparse.Namespace, ctx: Context) -> int:
    rep = change_sheets.import_change_sheet(
        db=ctx.database(), user=ctx.config.user, path=Path(args.file), report_dir=ctx.config.exports_dir,
        dry_run=args.dry_run, problems_path=Path(args.problems) if args.problems else None, today=ctx.config.today,
    )
    summary = import_summary.change_import_summary(rep)
    ctx.print(*[("[試行] " if rep.dry_run and i == 0 else "") + line for i, line in enumerate(summary.head)])
    ctx.print(render_table(["区分", "件数"], summary.counts, right=[1]), *summary.body)
    refusal = import_summary.nothing_taken(source=rep.source, taken=rep.taken, refused=rep.refused, dry_run=rep.dry_run,
                                           same=rep.untouched, problems_file=rep.problems_file, conflicts=rep.held_back)
    if refusal:
        raise refusal
    if rep.dry_run:
        ctx.print("--dry-run のため何も保存していません。")
    return 0
