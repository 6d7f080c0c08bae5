"""Commands: import-spec, spec-diff."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fitgap.cli.context import Context
from fitgap.cli.parser import date_value
from fitgap.cli.paths import output_path
from fitgap.cli.table import render_table
from fitgap.domain.spec_diff import Change, inline_diff
from fitgap.errors import InvalidInputError
from fitgap.importers.workbook_guard import format_suffix
from fitgap.services import import_summary, spec_compare, specs_import

DIFF_LINES_SHOWN = 200


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "import-spec", parents=[common], help="公式の機能・帳票要件一覧（Excel/CSV）を取り込む",
        description="標準仕様書の機能・帳票要件一覧（.xlsx / .csv、UTF-8 と Shift_JIS）を新しい版として取り込みます。"
        "一つの版が複数のファイル（機能要件一覧と帳票要件など）で公開されているときは、まとめて指定すると一つの版になります。"
        "機能と帳票は別々に番号が振られているので、要件は（種別、ID）で区別します。"
        "前の版と種別・ID・本文で比較し、変更なしの確認結果はそのまま、本文や実装区分が変わった要件は「要再確認」、"
        "削除された要件の確認結果は保管（アーカイブ）、追加された要件は未確認になります。"
        "版の新旧は公開日、同じ日なら版名の番号（第9.0版 < 第10.0版）で決まり、今の版より前の版は履歴として保存し、"
        "確認結果には触れません。一つの仕様書が複数の業務を含むとき（税務システム標準仕様書の 010〜016 など）は、"
        "ID の業務コードで分けて業務ごとの新しい版にします。"
        "読めない行があるときは何も取り込みません。取り込みは全部成功するか、何も変わらないかのどちらかです。",
    )
    p.add_argument("paths", type=Path, nargs="+", metavar="PATH",
                   help="要件一覧のファイル（.xlsx / .xlsm / .csv）。同じ版のファイルを複数指定できます")
    p.add_argument("--operation", metavar="CODE|NAME", help="業務コードか業務名（省略時は ID の先頭3桁から判別）")
    p.add_argument("--version", metavar="LABEL", help="版（例: 第6.1版。省略時はファイル名から判別）")
    p.add_argument("--published", metavar="DATE", type=date_value,
                   help="公開日 YYYY-MM-DD（省略時は表紙・変更履歴のシートから読む。版の新旧はこの日付で決まる）")
    p.add_argument("--effective", metavar="DATE", type=date_value,
                   help="適用日 YYYY-MM-DD（この版が適用される日。記録して spec-diff に表示する）")
    p.add_argument("--replace", action="store_true",
                   help="確認済みの今の版と ID が1割も共通しない一覧でも、置き換えて取り込む")
    p.add_argument("--add-to-version", metavar="LABEL",
                   help="取り込み済みの版にファイルを加える（例: 機能要件の後から届いた帳票要件）")
    p.add_argument("--mapping", metavar="FILE", type=Path, help="列の対応を書いたマッピングプロファイル（TOML）")
    p.add_argument("--dry-run", action="store_true", help="何が起きるかを表示するだけで、何も書き込まない")
    p.add_argument("--skip-bad-rows", action="store_true",
                   help="読めない行を飛ばして残りを取り込み、問題の一覧を元ファイルの隣に保存する")
    p.set_defaults(func=cmd_import_spec)

    p = sub.add_parser(
        "spec-diff", parents=[common], help="仕様書の2つの版の違いを表示する",
        description="業務の仕様書の2つの版（既定: 現在の版とその前の版）を比べ、追加・削除・文言変更・区分変更の件数と"
        "変更された要件を文字単位の差分で表示します。-o を指定すると Excel ブックに書き出します。",
    )
    p.add_argument("operation", metavar="OPERATION", help="業務コードか業務名")
    p.add_argument("--from", dest="from_label", metavar="V1", help="比較元の版（既定: 比較先の1つ前）")
    p.add_argument("--to", dest="to_label", metavar="V2", help="比較先の版（既定: 現在の版）")
    p.add_argument("-o", "--output", type=output_path, metavar="FILE.xlsx", help="差分を書き出す Excel ファイル")
    p.set_defaults(func=cmd_spec_diff)



def _day(value: date | None) -> str:
    return value.isoformat() if value else "-"


def _progress(ctx: Context) -> tuple[Callable[[str, int], None], Callable[[], None]]:
    stages: set[str] = set()
    tty = ctx.err.isatty()

    def report(stage: str, done: int) -> None:
        if stage not in stages:
            if stages and tty:
                print(file=ctx.err)
            stages.add(stage)
            print(f"{stage}中…", end="" if tty else "\n", file=ctx.err, flush=True)
        if tty:
            print(f"\r{stage}中… {done:,} 行", end="", file=ctx.err, flush=True)

    def finish() -> None:
        if stages and tty:
            print(file=ctx.err)

    return report, finish


def cmd_import_spec(args: argparse.Namespace, ctx: Context) -> int:
    for path in args.paths:  # before the database is opened (or created)
        if not path.is_file():
            raise InvalidInputError(f"{path} が見つかりません。", "要件一覧のファイルのパスを確かめてください。")
        if format_suffix(path) not in (".xlsx", ".xlsm", ".csv", ".tsv", ".txt"):
            raise InvalidInputError(f"{path.name}: 読み込めるのは .xlsx / .xlsm / .csv です。",
                                    "要件一覧の Excel ブックか CSV を指定してください。")
    report_progress, finish = _progress(ctx)
    try:
        reports = specs_import.import_specs(
            db=ctx.database(create=True), paths=args.paths, user=ctx.config.user, operation=args.operation,
            version=args.version, published=args.published, effective=args.effective, mapping=args.mapping,
            dry_run=args.dry_run, skip_bad_rows=args.skip_bad_rows, add_to_version=args.add_to_version,
            replace=args.replace, progress=report_progress,
        )
    finally:
        finish()
    if len(reports) > 1:
        codes = "、".join(f"{r.operation_code} {r.operation_name}" for r in reports)
        ctx.print(f"ID の業務コードで {len(reports)} 業務に分けました: {codes}")
    for n, rep in enumerate(reports):
        if n:
            ctx.print("")
        _print_import(ctx, rep, replace=args.replace)
    if all(r.already_imported for r in reports):
        return 0
    if reports[0].dry_run:
        ctx.print("試行のため、何も書き込んでいません。")
    else:
        diffs = "、".join(ctx.command("spec-diff", r.operation_code) for r in reports if not r.already_imported)
        ctx.print(f"取り込みました。変更点は {diffs} で確認できます。")
    return 0


def _print_import(ctx: Context, rep: specs_import.ImportReport, *, replace: bool) -> None:
    summary = import_summary.spec_import_summary(rep)
    if rep.already_imported:
        ctx.print(*summary.head)
        return
    ctx.print(("[試行] " if rep.dry_run else "") + summary.head[0], *summary.head[1:])
    ctx.print(render_table(["変更", "件数"], summary.counts, right=[1]), *summary.body)
    if rep.dry_run and rep.replacing and not replace:
        ctx.print("この一覧で置き換えるなら --replace を付けて取り込んでください（付けなければ取り込みません）。")


def cmd_spec_diff(args: argparse.Namespace, ctx: Context) -> int:
    view = spec_compare.compare_versions(db=ctx.database(), operation=args.operation,
                                         from_label=args.from_label, to_label=args.to_label)
    ctx.print(f"{view.operation_code} {view.operation_name}: {view.from_label} → {view.to_label}")
    if any(published or effective for _, published, effective in view.versions):
        ctx.print(render_table(["版", "公開日", "適用日"], [
            [label + ("（現在）" if n == len(view.versions) - 1 else ""), _day(published), _day(effective)]
            for n, (label, published, effective) in enumerate(view.versions)]))
    ctx.print(render_table(["変更", "件数"], [[c.value, n] for c, n in view.diff.counts().items()], right=[1]))
    changed = view.diff.changed
    for item in changed[:DIFF_LINES_SHOWN]:
        ref = item.new or item.old
        name = ref.name if ref else ""
        ctx.print(f"\n[{item.change.value}] {item.label} {name}")
        if item.class_changed and item.old and item.new:
            old_k = item.old.kubun.value + ("（経過措置）" if item.old.transitional else "")
            new_k = item.new.kubun.value + ("（経過措置）" if item.new.transitional else "")
            ctx.print(f"  実装区分: {old_k} → {new_k}")
        if item.text_changed and item.old and item.new:
            if item.old.name != item.new.name:
                ctx.print("  名称: " + inline_diff(item.old.name, item.new.name))
            ctx.print("  本文: " + inline_diff(item.old.text, item.new.text))
        elif item.change in (Change.ADDED, Change.REMOVED) and ref:
            ctx.print(f"  {ref.kubun.value}: {' '.join(ref.text.split())[:120]}")
        if item.notes_changed and item.old and item.new:
            for label, attr in (("要件の考え方・理由", "reason"), ("備考", "remarks")):
                old_v, new_v = getattr(item.old, attr, "") or "", getattr(item.new, attr, "") or ""
                if old_v != new_v:
                    ctx.print(f"  {label}: " + inline_diff(old_v, new_v))
    if len(changed) > DIFF_LINES_SHOWN:
        ctx.print(f"\n… 他 {len(changed) - DIFF_LINES_SHOWN} 件（-o FILE.xlsx で全件を書き出せます）")
    if args.output:
        out = spec_compare.export_spec_diff(view=view, path=args.output)
        ctx.print(f"\n差分を書き出しました: {out}")
    return 0
