"""Command: `fitgap custom import vendor FILE` — the vendor's answers to the current functions (独自機能回答票).

`fitgap custom import FILE` reads the municipality's 現行機能一覧 (cli.custom); `fitgap custom import vendor
FILE` reads a vendor's 独自機能回答票. The first word after `import` chooses, as in `fitgap data import vendor`.
The workbook is written by `fitgap custom export --vendor NAME`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fitgap.cli.context import Context
from fitgap.cli.data_vendor import _ImportByKind
from fitgap.cli.parser import FitGapParser
from fitgap.cli.paths import output_path
from fitgap.cli.table import render_table
from fitgap.errors import InvalidInputError
from fitgap.services import custom_vendor, import_summary

VENDOR = "vendor"


def register(cs: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Make `custom import` read `custom import vendor FILE` as the vendor's workbook (after cli.custom made it)."""
    lists = cs.choices["import"]
    v = FitGapParser(
        prog=f"{lists.prog} {VENDOR}", parents=[common],
        description="ベンダが回答した独自機能の回答票（fitgap custom export --vendor）を読み（ファイルは変更しません）、隠しキーで"
        "現行機能と照合して、何が変わるかを表示し、正しい回答をすべて1つのトランザクションで取り込みます。代替できる標準機能IDは"
        "業務の現行の標準仕様書にあるものだけを受け付けます。書き出し後に内容が変わった機能の回答と、より新しいブックで受け取った"
        "回答より古い回答は競合として取り込みません。回答は対応方針を変えません（記録できるコマンドを表示します）。",
    )
    v.add_argument("path", type=Path, metavar="FILE", help="回答済みの独自機能の回答票（.xlsx）")
    v.add_argument("--dry-run", action="store_true", help="何が変わるかを表示するだけで、何も書き込まない")
    v.add_argument("--vendor", metavar="NAME", help="宛先ベンダの確認（ブックの宛先と違えば取り込まない）")
    v.add_argument("--problems", type=output_path, metavar="PATH", help="問題一覧の書き出し先（.xlsx か .csv）。"
                   "--dry-run のときは指定したときだけ書き出します")
    v.add_argument("--accept-older", action="store_true",
                   help="より新しいブックで受け取った回答より古いブックの回答でも取り込む（既定は競合として取り込まない）")
    v.set_defaults(func=cmd_import_vendor)
    lists.epilog = (f"ベンダの回答（独自機能の回答票）を取り込むときは（詳しくは fitgap custom import {VENDOR} --help）:\n"
                    f"  fitgap custom import {VENDOR} FILE")
    cs.choices["import"] = _ImportByKind(lists, {VENDOR: v})


def cmd_import_vendor(args: argparse.Namespace, ctx: Context) -> int:
    rep = custom_vendor.import_custom_vendor_sheet(
        db=ctx.database(), user=ctx.config.user, path=args.path, report_dir=ctx.config.exports_dir,
        dry_run=args.dry_run, expected_vendor=args.vendor, problems_path=args.problems,
        accept_older=args.accept_older)
    summary = import_summary.custom_vendor_import_summary(rep)
    ctx.print(*[("[試行] " if rep.dry_run and i == 0 else "") + line for i, line in enumerate(summary.head)])
    ctx.print(render_table(["区分", "件数"], summary.counts, right=[1]), *summary.body)
    if rep.dry_run and (rep.problems or rep.conflicts) and rep.problems_file is None:
        ctx.print("試行のため、問題一覧のファイルは書き出していません（書き出すなら --problems PATH）。")
    problems = rep.problem_rows  # rows refused for a problem, conflicts apart
    if not rep.taken and rep.conflicts and not problems:  # only conflicts: nothing could be taken either
        done = "試行のため何も書き込んでいません" if rep.dry_run else "何も保存していません"
        older_only = len(rep.older) == len(rep.conflicts)
        raise InvalidInputError(f"{rep.source}: 取り込める回答がありません（競合 {len(rep.conflicts):,} 件）。{done}。",
                                custom_vendor.OLDER_HINT if older_only else custom_vendor.STALE_HINT)
    refusal = import_summary.nothing_taken(
        source=rep.source, taken=rep.taken, refused=problems, dry_run=rep.dry_run, what="回答",
        same=rep.unchanged, problems_file=rep.problems_file)
    if refusal:
        raise refusal
    if rep.dry_run:
        ctx.print("試行のため、何も書き込んでいません。")
    elif rep.applied:
        ctx.print(f"{rep.applied} 件の回答を取り込みました（変更前の回答は履歴として残っています）。対応方針は変えていません。",
                  f"回答を確かめるには: {ctx.command('custom', 'list')}")
    else:
        ctx.print("取り込む新しい回答はありませんでした。データベースは変わっていません。")
    return 0
