"""Commands: bpr list/show/add/set/link/done/reopen/undo — the 業務見直し register."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from fitgap.cli.context import Context
from fitgap.cli.table import render_table
from fitgap.domain.bpr import BprStatus, Change
from fitgap.errors import InvalidInputError
from fitgap.services import bpr, status

STATUSES = [s.value for s in BprStatus]
CHANGES = "、".join(c.value for c in Change)
MAX_SHOWN = 20


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise InvalidInputError(f"日付「{text}」が読めません。", "2027-03-31 の形で指定してください。") from None


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser(
        "bpr", parents=[common], help="業務見直し（業務フロー・例規・様式・窓口手順・研修・住民周知）の登録簿",
        description="ギャップや独自機能の対応方針が 業務見直し・運用で対応 になると、業務見直しの項目が作られます（複数を一括で"
        "決めると1件にまとまります。--bpr で既存の項目に加えることもできます）。見直す内容、担当課・担当者、期日（既定は業務の"
        "期限）、状況（未着手 / 検討中 / 決定 / 実施済）を記録し、期日を過ぎて実施済でない項目は期限超過（リスク）です。"
        " / The register of changes of work that decisions create.",
    )
    cs = top.add_subparsers(dest="bpr_command", metavar="SUBCOMMAND", required=True)

    p = cs.add_parser("list", parents=[common], help="業務見直しの一覧 / list")
    p.add_argument("--operation", metavar="CODE", help="業務コード")
    p.add_argument("--department", metavar="担当課", help="担当課で絞り込む（自分の課の項目）")
    p.add_argument("--person", metavar="担当者", help="担当者で絞り込む")
    p.add_argument("--status", choices=STATUSES, action="append", help="状況（複数可）")
    p.add_argument("--overdue", action="store_true", help="期限超過だけ")
    p.add_argument("--open", action="store_true", help="実施済でないものだけ")
    p.set_defaults(func=cmd_list)

    p = cs.add_parser("show", parents=[common], help="1件の詳細・対象・変更履歴 / show one")
    p.add_argument("id", type=int, metavar="ID")
    p.set_defaults(func=cmd_show)

    p = cs.add_parser("add", parents=[common], help="業務見直しを追加する / add one by hand")
    p.add_argument("operation", metavar="CODE", help="業務コード")
    p.add_argument("title", metavar="件名")
    _fields(p)
    p.add_argument("--target", metavar="TARGET", action="append", default=[],
                   help="答える対象（要件 001:機能:0010001、独自機能 001:F-001。複数可）")
    p.set_defaults(func=cmd_add)

    p = cs.add_parser("set", parents=[common], help="件名・内容・担当・期日・状況・メモを変える / edit")
    p.add_argument("ids", type=int, metavar="ID", nargs="+")
    p.add_argument("--title", metavar="件名")
    p.add_argument("--status", choices=STATUSES, help="状況")
    _fields(p)
    p.set_defaults(func=cmd_set)

    p = cs.add_parser("link", parents=[common], help="対象を加える・外す（1件の例規改正で複数のギャップに答える）/ group")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("targets", metavar="TARGET", nargs="*", help="加える対象（001:機能:0010001、001:F-001）")
    p.add_argument("--remove", metavar="TARGET", action="append", default=[], help="外す対象")
    p.set_defaults(func=cmd_link)

    p = cs.add_parser("done", parents=[common], help="実施済にする / mark done")
    p.add_argument("ids", type=int, metavar="ID", nargs="+")
    p.add_argument("--on", metavar="DATE", help="実施日（既定 今日）")
    p.set_defaults(func=cmd_done)

    p = cs.add_parser("reopen", parents=[common], help="実施済を取り消して 決定 に戻す / undo done")
    p.add_argument("ids", type=int, metavar="ID", nargs="+")
    p.set_defaults(func=cmd_reopen)

    p = cs.add_parser("undo", parents=[common], help="直前の変更を取り消す / undo the last change")
    p.add_argument("--batch", metavar="ID", help="取り消す変更のバッチID（既定 自分の直前の変更）")
    p.set_defaults(func=cmd_undo)


def _fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--changes", metavar="内容", help=f"見直す内容（{CHANGES} をカンマ区切り）")
    p.add_argument("--department", metavar="担当課")
    p.add_argument("--person", metavar="担当者")
    p.add_argument("--due", metavar="DATE", help="期日（既定 業務の期限。空文字で消去）")
    p.add_argument("--note", metavar="TEXT", help="メモ")


def _row_line(r: bpr.BprRow) -> tuple[Any, ...]:
    due = r.due.isoformat() if r.due else "—"
    late = f"{r.days_late}日超過" if r.overdue else ""
    return (f"#{r.id}", r.operation_code, r.title, "・".join(r.changes), r.department or "（未定）", r.person,
            due, r.status.value, late, len(r.targets))


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    flt = bpr.BprFilter(operation_code=args.operation, department=args.department, person=args.person,
                        statuses=frozenset(BprStatus(s) for s in args.status or []), overdue_only=args.overdue,
                        open_only=args.open)
    rows = bpr.list_items(db=ctx.database(), today=ctx.config.today, flt=flt)
    ctx.print(render_table(["ID", "業務", "件名", "見直す内容", "担当課", "担当者", "期日", "状況", "超過", "対象"],
                           [_row_line(r) for r in rows], right=[9], max_width=36))
    counts = bpr.counts_by_department(rows)
    ctx.print(f"{len(rows)} 件（実施済でない {sum(c.open for c in counts)}、うち期限超過 {sum(c.overdue for c in counts)}、"
              f"実施済 {sum(c.done for c in counts)}）")
    for c in counts:
        ctx.print(f"  {c.department or '（担当課未定）'}: {status.bpr_line(c)}")
    return 0


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    d = bpr.get_item(db=ctx.database(), bpr_id=args.id, today=ctx.config.today)
    r = d.row
    ctx.print(f"#{r.id} {r.title}（{r.operation_code} {r.operation}）{'【デモ】' if r.demo else ''}",
              f"  見直す内容: {'・'.join(r.changes) or '—'}",
              f"  担当: {r.department or '（担当課未定）'} {r.person}",
              f"  期日: {r.due.isoformat() if r.due else '—'}  状況: {r.status.value}"
              + (f"（{r.done_on.isoformat()} 実施）" if r.done_on else "")
              + (f"  期限超過 {r.days_late} 日" if r.overdue else ""),
              f"  メモ: {r.note}")
    for t in d.targets:
        ctx.print(f"  対象: {t.target}  {t.name}（{t.disposition or '方針なし'}）")
    if not d.targets:
        ctx.print("  対象: なし（答えるギャップ・独自機能がありません）")
    for e in d.history[:MAX_SHOWN]:
        ctx.print(f"  {e.at:%Y-%m-%d %H:%M} {e.user} {e.action} {e.field or ''}: {e.old_value or ''} → {e.new_value or ''}")
    return 0


def _values(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("title", "status", "changes", "department", "person", "note"):
        v = getattr(args, name, None)
        if v is not None:
            out[name] = v
    if getattr(args, "due", None) is not None:
        out["due"] = _date(args.due) if args.due else None
    return out


def _report(ctx: Context, r: bpr.BprResult) -> int:
    for bid in r.created:
        ctx.print(f"業務見直し #{bid} を追加しました。")
    if r.changed:
        ctx.print(f"変更 {len(r.changed)} 件: {'、'.join(f'#{i}' for i in r.changed)}")
    if r.unchanged:
        ctx.print(f"変更なし {len(r.unchanged)} 件")
    for bid, t in r.linked:
        ctx.print(f"  #{bid} に {t} を加えました。")
    for bid, t in r.unlinked:
        ctx.print(f"  #{bid} から {t} を外しました。")
    for bid in r.emptied:
        ctx.print(f"  #{bid} は答える対象がなくなりました（項目は残しています。不要なら bpr set {bid} --status 実施済 など）。")
    for bid, row in r.conflicts:
        ctx.print(f"  競合 #{bid}: ほかの利用者が変更しました（いまは {row.status.value}、{row.department}）。そのままです。")
    if r.batch:
        ctx.print(f"取り消すには: {ctx.command('bpr', 'undo', '--batch', r.batch)}")
    return 1 if r.conflicts and not (r.changed or r.created) else 0


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    v = _values(args)
    r = bpr.add_item(db=ctx.database(), user=ctx.config.user, operation_code=args.operation.zfill(3), title=args.title,
                     today=ctx.config.today, changes=v.get("changes", ""), department=v.get("department", ""),
                     person=v.get("person", ""), due=v.get("due"), note=v.get("note", ""),
                     targets=[bpr.Target.parse(t) for t in args.target])
    return _report(ctx, r)


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    v = _values(args)
    if not v:
        raise InvalidInputError("変更する内容が指定されていません。", "--status、--department、--due などを指定してください。")
    return _report(ctx, bpr.update_items(db=ctx.database(), user=ctx.config.user, ids=args.ids, values=v,
                                         today=ctx.config.today))


def cmd_link(args: argparse.Namespace, ctx: Context) -> int:
    if not args.targets and not args.remove:
        raise InvalidInputError("加える（外す）対象が指定されていません。", "001:機能:0010001 や 001:F-001 を指定してください。")
    return _report(ctx, bpr.link(db=ctx.database(), user=ctx.config.user, bpr_id=args.id,
                                 targets=[bpr.Target.parse(t) for t in args.targets],
                                 remove=[bpr.Target.parse(t) for t in args.remove]))


def cmd_done(args: argparse.Namespace, ctx: Context) -> int:
    values: dict[str, Any] = {"status": BprStatus.DONE.value}
    today = _date(args.on) if args.on else ctx.config.today
    return _report(ctx, bpr.update_items(db=ctx.database(), user=ctx.config.user, ids=args.ids, values=values,
                                         today=today))


def cmd_reopen(args: argparse.Namespace, ctx: Context) -> int:
    return _report(ctx, bpr.update_items(db=ctx.database(), user=ctx.config.user, ids=args.ids,
                                         values={"status": BprStatus.DECIDED.value}, today=ctx.config.today))


def cmd_undo(args: argparse.Namespace, ctx: Context) -> int:
    batch = args.batch or bpr.last_batch(db=ctx.database(), user=ctx.config.user)
    if not batch:
        raise InvalidInputError("取り消す変更がありません。", "fitgap bpr add / set / link / done の後に実行してください。")
    return _report(ctx, bpr.undo(db=ctx.database(), user=ctx.config.user, batch=batch, today=ctx.config.today))
