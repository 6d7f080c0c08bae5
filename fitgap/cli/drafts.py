"""Command: drafts — what a user typed in the workbench and has not saved (notes, reasons, forms), listed,
shown and thrown away from the command line (each user sees only their own)."""

from __future__ import annotations

import argparse

from fitgap.cli.context import Context
from fitgap.cli.table import render_table
from fitgap.errors import NotFoundError
from fitgap.services import drafts

KINDS = {"note": "メモ", "bulk_note": "一括変更のメモ", "reason": "独自機能の理由", "form": "入力欄"}  # services.drafts' kinds


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "drafts", parents=[common], help="書きかけの入力（下書き）の一覧・表示・破棄 / unsaved drafts",
        description="作業画面で書きかけのまま残したメモ・理由・入力欄（下書き）を扱います。下書きはデータを変えず、"
        "自分（--user）の分だけが見えます。作業画面で同じ項目を開くと続きを書けます。",
    )
    p.add_argument("action", nargs="?", choices=["list", "show", "drop"], default="list",
                   help="list（既定）: 一覧 / show ID: 本文を表示 / drop ID… または --all: 捨てる")
    p.add_argument("ids", metavar="ID", nargs="*", help="一覧の ID（例 note:001:機能:0010001）")
    p.add_argument("--all", action="store_true", help="drop: 自分の下書きをすべて捨てる")
    p.set_defaults(func=cmd_drafts)


def _id(d: drafts.DraftView) -> str:
    return f"{d.kind}:{d.key}"


def _size(d: drafts.DraftView) -> str:
    if d.fields:
        return f"{len(d.fields)} 欄"
    return f"{len(d.text):,} 文字"


def cmd_drafts(args: argparse.Namespace, ctx: Context) -> int:
    db, user = ctx.database(), ctx.config.user
    found = drafts.list_drafts(db=db, user=user)
    by_id = {_id(d): d for d in found}
    if args.action == "list":
        if args.ids or args.all:
            ctx.print("list は ID も --all も取りません（show ID、drop ID / --all で使います）。")
        if not found:
            ctx.print(f"{user} の下書きはありません。")
            return 0
        ctx.print(render_table(["ID", "種類", "対象", "大きさ", "更新日時"],
                               [(_id(d), KINDS.get(d.kind, d.kind), d.label, _size(d),
                                 f"{d.updated_at:%Y-%m-%d %H:%M}" if d.updated_at else "") for d in found]))
        ctx.print(f"{len(found)} 件（{user}）。作業画面で同じ項目を開くと続きを書けます。捨てるなら fitgap drafts drop ID。")
        return 0
    unknown = [i for i in args.ids if i not in by_id]
    if unknown:
        raise NotFoundError(f"下書き {'、'.join(unknown[:5])} はありません（{user} の下書き {len(found)} 件）。",
                            "fitgap drafts で ID を確かめてください（ほかの利用者の下書きは --user で）。")
    if args.action == "show":
        if not args.ids:
            raise NotFoundError("表示する下書きの ID が指定されていません。", "fitgap drafts show ID のように指定してください。")
        for i in args.ids:
            d = by_id[i]
            ctx.print(f"■ {d.label}（{KINDS.get(d.kind, d.kind)}）")
            if d.fields:
                ctx.print(*[f"  {k}: {v}" for k, v in d.fields.items()])
            else:
                ctx.print(d.text)
            if d.base_text and d.base_text != d.text:
                ctx.print("― 書き始めたときに保存されていた内容 ―", d.base_text)
        return 0
    targets = found if args.all else [by_id[i] for i in args.ids]
    if not targets:
        raise NotFoundError("捨てる下書きが指定されていません。", "fitgap drafts drop ID、またはすべてなら --all を指定してください。")
    dropped = sum(drafts.discard_draft(db=db, user=user, kind=d.kind, key=d.key) for d in targets)
    ctx.print(f"下書きを {dropped} 件捨てました（{user}）。保存されている内容は変わりません。")
    return 0
