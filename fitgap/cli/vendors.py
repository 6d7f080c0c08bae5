"""Commands: export vendor, import vendor, export review, import review (answer workbooks round trip)."""

from __future__ import annotations

import argparse
from pathlib import Path

from fitgap.cli.context import Context
from fitgap.cli.groups import command_group
from fitgap.cli.parser import date_value
from fitgap.cli.paths import output_path
from fitgap.cli.table import render_table
from fitgap.services import choices, import_summary, review_sheets, vendors


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    export = command_group(sub, common, "export")
    imp = command_group(sub, common, "import")

    p = export.add_parser(
        "vendor", parents=[common], help="ベンダ回答シート（Excel）を書き出す",
        description="ベンダごとに1つのブックを書き出します: 表紙、業務ごとのシート（要件と当団体の状況、回答欄）、"
        "回答欄以外は保護。既に受け取った回答は回答欄に入った状態で書き出します。既定の書き出し先は exports/ です。",
    )
    p.add_argument("--vendor", required=True, metavar="NAME", help="ベンダ名（宛先）")
    p.add_argument("--operation", action="append", metavar="CODE|NAME",
                   help="業務コードか業務名（複数回指定可。省略時は全業務）")
    p.add_argument("--scope", choices=sorted(choices.VENDOR_SCOPES), default="all",
                   help="対象: gaps=ギャップと判定した要件、must=実装必須機能、all=すべて（既定）")
    p.add_argument("--answer-by", type=date_value, metavar="DATE", help="回答期限 YYYY-MM-DD（表紙に表示）")
    p.add_argument("-o", "--output", type=output_path, metavar="PATH.xlsx", help="書き出すファイル")
    p.add_argument("--force", action="store_true", help="-o のファイルがすでにあれば上書きする")
    p.set_defaults(func=cmd_export_vendor)

    p = imp.add_parser(
        "vendor", parents=[common], help="回答済みのベンダ回答シートを取り込む",
        description="ベンダが回答したブックを読み（ファイルは変更しません）、隠しキーで要件と照合して、"
        "何が変わるかを表示し、正しい回答をすべて1つのトランザクションで取り込みます。問題のある行は取り込まず、"
        "問題一覧（シート名・行番号つき）を書き出します。同じファイルを2回取り込んでも2回目は何も変わりません。",
    )
    p.add_argument("path", type=Path, metavar="FILE", help="回答済みのブック（.xlsx）")
    p.add_argument("--dry-run", action="store_true", help="何が変わるかを表示するだけで、何も書き込まない")
    p.add_argument("--vendor", metavar="NAME", help="宛先ベンダの確認（ブックの宛先と違えば取り込まない）")
    p.add_argument("--problems", type=output_path, metavar="PATH", help="問題一覧の書き出し先（.xlsx か .csv）。"
                   "--dry-run のときは指定したときだけ書き出します")
    p.add_argument("--accept-older", action="store_true",
                   help="より新しいブックで受け取った回答より古いブックの回答でも取り込む（既定は競合として取り込まない）")
    p.set_defaults(func=cmd_import_vendor)

    p = export.add_parser(
        "review", parents=[common], help="確認シート（状況・対応方針・メモを Excel で記入）を書き出す",
        description="業務の要件と現在の確認結果を、状況・対応方針（一覧から選択）とメモだけ編集できるブックに書き出します。"
        "--department を付けると、その担当課に割り当てた要件だけを書き出します（ファイル名に担当課が入ります）。",
    )
    p.add_argument("--operation", action="append", metavar="CODE|NAME",
                   help="業務コードか業務名（複数回指定可。--department のときは省略すると担当する要件のある全業務）")
    p.add_argument("--department", metavar="担当課", help="その担当課に割り当てた要件だけを書き出す（担当課ごとの確認シート）")
    p.add_argument("-o", "--output", type=output_path, metavar="PATH.xlsx", help="書き出すファイル")
    p.add_argument("--force", action="store_true", help="-o のファイルがすでにあれば上書きする")
    p.set_defaults(func=cmd_export_review)

    p = imp.add_parser(
        "review", parents=[common], help="記入済みの確認シートを取り込む",
        description="確認シートで変更された行だけを取り込みます。書き出し後にデータベースで変更された要件は競合として"
        "報告し、上書きしません。",
    )
    p.add_argument("path", type=Path, metavar="FILE", help="記入済みのブック（.xlsx）")
    p.add_argument("--dry-run", action="store_true", help="何が変わるかを表示するだけで、何も書き込まない")
    p.add_argument("--problems", type=output_path, metavar="PATH", help="問題一覧の書き出し先（.xlsx か .csv）。"
                   "--dry-run のときは指定したときだけ書き出します")
    p.set_defaults(func=cmd_import_review)


def cmd_export_vendor(args: argparse.Namespace, ctx: Context) -> int:
    res = vendors.export_vendor_sheet(
        db=ctx.database(), user=ctx.config.user, vendor=args.vendor, exports_dir=ctx.config.exports_dir,
        operation_keys=args.operation, scope=args.scope, answer_by=args.answer_by, path=args.output,
        overwrite=args.force,
    )
    demo = "（デモデータ）" if res.demo else ""
    ctx.print(f"{res.vendor} 宛てのベンダ回答シートを書き出しました{demo}: {res.path}",
              f"  業務 {len(res.operations)} 件（{'、'.join(res.operations)}）、要件 {res.items:,} 件、書き出しID {res.export_id}",
              f"回答が届いたら: {ctx.command('import', 'vendor', res.path)}")
    return 0


def _print_summary(ctx: Context, summary: import_summary.ImportSummary, *, dry_run: bool,
                   unlisted_problems: bool) -> None:
    """An import's summary as the CLI shows it: the counts as a table; for a dry run with problems, that
    no problem list was written and how to get one."""
    ctx.print(*[("[試行] " if dry_run and i == 0 else "") + line for i, line in enumerate(summary.head)])
    ctx.print(render_table(["区分", "件数"], summary.counts, right=[1]), *summary.body)
    if unlisted_problems:  # a dry run writes no list of its own: say so, and how to get every row of it
        ctx.print("試行のため、問題一覧のファイルは書き出していません（書き出すなら --problems PATH）。")


def cmd_import_vendor(args: argparse.Namespace, ctx: Context) -> int:
    rep = vendors.import_vendor_sheet(
        db=ctx.database(), user=ctx.config.user, path=args.path, report_dir=ctx.config.exports_dir,
        dry_run=args.dry_run, expected_vendor=args.vendor, problems_path=args.problems,
        accept_older=args.accept_older,
    )
    _print_summary(ctx, import_summary.vendor_import_summary(rep), dry_run=rep.dry_run,
                   unlisted_problems=rep.dry_run and bool(rep.reported) and rep.problems_file is None)
    older_only = bool(rep.older) and not rep.refused
    refusal = import_summary.nothing_taken(
        source=rep.source, taken=rep.taken, refused=rep.refused, dry_run=rep.dry_run, what="回答",
        same=rep.unchanged, problems_file=rep.problems_file, conflicts=rep.held_back,
        hint="新しいブックの回答を残すならこのままで構いません。古いブックの回答で上書きするなら --accept-older を"
        "付けて取り込んでください。" if older_only else None)
    if refusal:
        raise refusal
    if rep.dry_run:
        ctx.print("試行のため、何も書き込んでいません。")
    elif rep.applied:
        ctx.print(f"{rep.applied} 件の回答を取り込みました（変更前の回答は履歴として残っています）。")
    else:
        ctx.print("取り込む新しい回答はありませんでした。データベースは変わっていません。")
    return 0


def cmd_export_review(args: argparse.Namespace, ctx: Context) -> int:
    res = review_sheets.export_review_sheet(
        db=ctx.database(), user=ctx.config.user, operation_keys=args.operation or [],
        exports_dir=ctx.config.exports_dir, path=args.output, overwrite=args.force, department=args.department,
    )
    demo = "（デモデータ）" if res.demo else ""
    whose = f"（担当課 {args.department.strip()}）" if args.department is not None else ""
    ctx.print(f"確認シート{whose}を書き出しました{demo}: {res.path}",
              f"  業務 {'、'.join(res.operations)}、要件 {res.items:,} 件、書き出しID {res.export_id}",
              f"記入が終わったら: {ctx.command('import', 'review', res.path)}")
    return 0


def cmd_import_review(args: argparse.Namespace, ctx: Context) -> int:
    rep = review_sheets.import_review_sheet(
        db=ctx.database(), user=ctx.config.user, path=args.path, report_dir=ctx.config.exports_dir,
        dry_run=args.dry_run, problems_path=args.problems,
    )
    _print_summary(ctx, import_summary.review_import_summary(rep), dry_run=rep.dry_run,
                   unlisted_problems=rep.dry_run and bool(rep.reported) and rep.problems_file is None)
    refusal = import_summary.nothing_taken(source=rep.source, taken=rep.taken, refused=rep.refused,
                                           dry_run=rep.dry_run, same=rep.untouched, problems_file=rep.problems_file,
                                           conflicts=rep.held_back)
    if refusal:
        raise refusal
    if rep.dry_run:
        ctx.print("試行のため、何も書き込んでいません。")
    elif rep.applied:
        ctx.print(f"{rep.applied} 件の確認結果を取り込みました。")
    else:
        ctx.print("取り込む変更はありませんでした。")
    return 0
