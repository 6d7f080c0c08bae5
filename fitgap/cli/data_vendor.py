"""Commands: `fitgap data export vendor` and `fitgap data import vendor` — the データ項目回答票 round trip.

`fitgap data import FILE…` reads the 項目定義書 (cli.data); `fitgap data import vendor FILE` reads a vendor's
answers. The first word after `import` chooses: "vendor" is the vendor's workbook (a 項目定義書 is always an
.xlsx file, never a file named "vendor"), anything else the 項目定義書 as before, each with its own options
and its own --help. So the data commands read as the requirement ones do (`fitgap export vendor`,
`fitgap import vendor FILE`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from fitgap.cli.context import Context
from fitgap.cli.parser import FitGapParser, date_value
from fitgap.cli.paths import output_path
from fitgap.cli.table import render_table
from fitgap.services import data_vendor, import_summary

VENDOR = "vendor"


class _ImportByKind(FitGapParser):
    """`data import`: the parser of the kind named by the first word (`vendor`), else that of the 項目定義書."""

    def __init__(self, lists: argparse.ArgumentParser, kinds: dict[str, argparse.ArgumentParser]) -> None:
        super().__init__(prog=lists.prog, description=lists.description, add_help=False)
        self.lists, self.kinds = lists, kinds

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        words = list(sys.argv[1:] if args is None else args)
        if words and words[0] in self.kinds:
            return self.kinds[words[0]].parse_known_args(words[1:], namespace)
        return self.lists.parse_known_args(words, namespace)

    def format_help(self) -> str:
        return self.lists.format_help()

    def format_usage(self) -> str:
        return self.lists.format_usage()


def register(cs: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `data export vendor` and `data import vendor` to the data commands (after `data import`)."""
    export = cs.add_parser("export", parents=[common], help="データ項目回答票（Excel）を書き出す / export for vendors",
                           description="データ要件の回答票を書き出します。書き出す種類を指定してください。")
    kinds = export.add_subparsers(dest="data_export_kind", metavar="KIND", required=True)
    p = kinds.add_parser(
        VENDOR, parents=[common], help="ベンダにデータ項目ごとの移行可否を尋ねるブックを書き出す",
        description="ベンダごとに1つのブックを書き出します: 表紙、業務ごとのシート（基本データリストの項目定義と当団体の保持状況・"
        "現行項目・現行の型と桁数、回答欄）。回答欄（回答 移行可 / 変換要 / 手入力 / 移行不可、予定日、コメント）以外は保護。"
        "保持状況が対象外の項目は載せません。既に受け取った回答は回答欄に入った状態で書き出します。既定の書き出し先は exports/ です。",
    )
    p.add_argument("--vendor", required=True, metavar="NAME", help="ベンダ名（宛先）")
    p.add_argument("--operation", action="append", metavar="CODE",
                   help="業務コード（複数回指定可。省略時は基本データリストを取り込んだ全業務）")
    p.add_argument("--answer-by", type=date_value, metavar="DATE", help="回答期限 YYYY-MM-DD（表紙に表示）")
    p.add_argument("-o", "--output", type=output_path, metavar="PATH.xlsx", help="書き出すファイル")
    p.add_argument("--force", action="store_true", help="-o のファイルがすでにあれば上書きする")
    p.set_defaults(func=cmd_export_vendor)

    lists = cs.choices["import"]  # `data import FILE…` (the 項目定義書), made by cli.data
    v = FitGapParser(
        prog=f"{lists.prog} {VENDOR}", parents=[common],
        description="ベンダが回答したデータ項目回答票を読み（ファイルは変更しません）、隠しキーでデータ項目と照合して、何が変わるかを"
        "表示し、正しい回答をすべて1つのトランザクションで取り込みます。書き出し後に項目定義が変わった項目の回答と、より新しいブックで"
        "受け取った回答より古い回答は競合として取り込みません。問題のある行は取り込まず、問題一覧（シート名・行番号つき）を書き出します。",
    )
    v.add_argument("path", type=Path, metavar="FILE", help="回答済みのデータ項目回答票（.xlsx）")
    v.add_argument("--dry-run", action="store_true", help="何が変わるかを表示するだけで、何も書き込まない")
    v.add_argument("--vendor", metavar="NAME", help="宛先ベンダの確認（ブックの宛先と違えば取り込まない）")
    v.add_argument("--problems", type=output_path, metavar="PATH", help="問題一覧の書き出し先（.xlsx か .csv）。"
                   "--dry-run のときは指定したときだけ書き出します")
    v.add_argument("--accept-older", action="store_true",
                   help="より新しいブックで受け取った回答より古いブックの回答でも取り込む（既定は競合として取り込まない）")
    v.set_defaults(func=cmd_import_vendor)
    lists.epilog = (f"ベンダの回答（データ項目回答票）を取り込むときは（詳しくは fitgap data import {VENDOR} --help）:\n"
                    f"  fitgap data import {VENDOR} FILE")
    cs.choices["import"] = _ImportByKind(lists, {VENDOR: v})


def cmd_export_vendor(args: argparse.Namespace, ctx: Context) -> int:
    res = data_vendor.export_data_vendor_sheet(
        db=ctx.database(), user=ctx.config.user, vendor=args.vendor, exports_dir=ctx.config.exports_dir,
        operation_codes=args.operation, answer_by=args.answer_by, path=args.output, overwrite=args.force)
    demo = "（デモデータ）" if res.demo else ""
    ctx.print(f"{res.vendor} 宛てのデータ項目回答票を書き出しました{demo}: {res.path}",
              f"  業務 {len(res.operations)} 件（{'、'.join(res.operations)}）、データ項目 {res.items:,} 件、書き出しID {res.export_id}",
              f"回答が届いたら: {ctx.command('data', 'import', VENDOR, res.path)}")
    return 0


def cmd_import_vendor(args: argparse.Namespace, ctx: Context) -> int:
    rep = data_vendor.import_data_vendor_sheet(
        db=ctx.database(), user=ctx.config.user, path=args.path, report_dir=ctx.config.exports_dir,
        dry_run=args.dry_run, expected_vendor=args.vendor, problems_path=args.problems,
        accept_older=args.accept_older)
    summary = import_summary.data_vendor_import_summary(rep)
    ctx.print(*[("[試行] " if rep.dry_run and i == 0 else "") + line for i, line in enumerate(summary.head)])
    ctx.print(render_table(["区分", "件数"], summary.counts, right=[1]), *summary.body)
    if rep.dry_run and rep.reported and rep.problems_file is None:
        ctx.print("試行のため、問題一覧のファイルは書き出していません（書き出すなら --problems PATH）。")
    older_only = bool(rep.older) and not rep.refused
    refusal = import_summary.nothing_taken(
        source=rep.source, taken=rep.taken, refused=rep.refused, dry_run=rep.dry_run, what="回答",
        same=rep.unchanged, problems_file=rep.problems_file, conflicts=rep.held_back, hint=data_vendor.OLDER_HINT if older_only else None)
    if refusal:
        raise refusal
    if rep.dry_run:
        ctx.print("試行のため、何も書き込んでいません。")
    elif rep.applied:
        ctx.print(f"{rep.applied} 件の回答を取り込みました（変更前の回答は履歴として残っています）。",
                  f"判定を確かめるには: {ctx.command('data', 'list')}")
    else:
        ctx.print("取り込む新しい回答はありませんでした。データベースは変わっていません。")
    return 0

