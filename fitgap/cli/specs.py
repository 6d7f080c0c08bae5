"""Commands: import-spec, spec-diff."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fitgap.cli.context import Context
from fitgap.cli.table import render_table
from fitgap.domain.spec_diff import Change, inline_diff
from fitgap.errors import InvalidInputError
from fitgap.services import spec_compare, specs_import

DIFF_LINES_SHOWN = 200


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "import-spec", parents=[common], help="公式の機能・帳票要件一覧（Excel/CSV）を取り込む",
        description="標準仕様書の機能・帳票要件一覧（.xlsx / .csv、UTF-8 と Shift_JIS）を新しい版として取り込みます。"
        "一つの版が複数のファイル（機能要件一覧と帳票要件など）で公開されているときは、まとめて指定すると一つの版になります。"
        "機能と帳票は別々に番号が振られているので、要件は（種別、ID）で区別します。"
        "前の版と種別・ID・本文で比較し、変更なしの確認結果はそのまま、本文や実装区分が変わった要件は「要再確認」、"
        "削除された要件の確認結果は保管（アーカイブ）、追加された要件は未確認になります。"
        "公開日が今の版より前の版は履歴として保存し、確認結果には触れません。"
        "読めない行があるときは何も取り込みません。取り込みは全部成功するか、何も変わらないかのどちらかです。",
    )
    p.add_argument("paths", type=Path, nargs="+", metavar="PATH",
                   help="要件一覧のファイル（.xlsx / .xlsm / .csv）。同じ版のファイルを複数指定できます")
    p.add_argument("--operation", metavar="CODE|NAME", help="業務コードか業務名（省略時は ID の先頭3桁から判別）")
    p.add_argument("--version", metavar="LABEL", help="版（例: 第6.1版。省略時はファイル名から判別）")
    p.add_argument("--published", metavar="DATE", type=_date,
                   help="公開日 YYYY-MM-DD（省略時は表紙・変更履歴のシートから読む。版の新旧はこの日付で決まる）")
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
    p.add_argument("-o", "--output", type=Path, metavar="FILE.xlsx", help="差分を書き出す Excel ファイル")
    p.set_defaults(func=cmd_spec_diff)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日付 {text!r} は YYYY-MM-DD で指定してください") from None


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
        if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".tsv", ".txt"):
            raise InvalidInputError(f"{path.name}: 読み込めるのは .xlsx / .xlsm / .csv です。",
                                    "要件一覧の Excel ブックか CSV を指定してください。")
    report_progress, finish = _progress(ctx)
    try:
        rep = specs_import.import_spec(
            db=ctx.database(create=True), paths=args.paths, user=ctx.config.user, operation=args.operation,
            version=args.version, published=args.published, mapping=args.mapping, dry_run=args.dry_run,
            skip_bad_rows=args.skip_bad_rows, add_to_version=args.add_to_version, progress=report_progress,
        )
    finally:
        finish()
    head = f"{rep.operation_code} {rep.operation_name} {rep.version_label}"
    if rep.already_imported:
        ctx.print(f"{rep.source_file} は {head} として取り込み済みです。変更はありません。")
        return 0
    verb = f"{rep.added_to} に追加" if rep.added_to else "取り込み"
    ctx.print(f"{'[試行] ' if rep.dry_run else ''}{rep.source_file} → {head}（{verb}: 要件 {rep.requirements} 件）")
    if len(rep.files) > 1 or rep.added_to:
        for f in rep.files:
            state = "（取り込み済みのため飛ばします）" if f.already_imported else ""
            ctx.print(f"  {f.name}: 機能 {f.functions} 件、帳票 {f.forms} 件" +
                      (f"、削除・欠番 {f.removed} 行" if f.removed else "") + state)
    if rep.published_on:
        ctx.print(f"公開日: {rep.published_on.isoformat()}")
    for s in rep.skipped_sheets:
        ctx.print(f"  対象外のシート: {s.name}（{s.reason}）")
    if rep.stripped_chars:
        ctx.print(f"  名称・本文から制御文字・見えない文字を {rep.stripped_chars:,} 個取り除きました。")
    if rep.removed_rows:
        shown = "、".join(r.label for r in rep.removed_rows[:10])
        more = f" 他 {len(rep.removed_rows) - 10} 行" if len(rep.removed_rows) > 10 else ""
        ctx.print(f"削除・欠番と書かれた行 {len(rep.removed_rows)} 行は要件として取り込みません: {shown}{more}")
    if rep.historical:
        ctx.print(f"この版は現在の版 {rep.current_label} より前に公開されたため、履歴として保存します。"
                  "現在の版と確認結果は変わりません。")
    if rep.undated:
        ctx.print("公開日が分からないため、いちばん新しい版として扱います"
                  "（前の版より前に公開された一覧なら、--published で公開日を指定すると履歴として保存します）。")
    if rep.previous_label:
        ctx.print(f"前の版 {rep.previous_label} との比較{'（追加する要件）' if rep.added_to else ''}:")
    ctx.print(render_table(["変更", "件数"], [[c.value, n] for c, n in rep.counts.items()], right=[1]))
    if not rep.historical:
        ctx.print(f"確認結果: 要再確認にする {rep.carried('review')} 件、保管（アーカイブ）する {rep.carried('archive')} 件、"
                  f"復元する {rep.carried('restore')} 件。追加された {rep.counts[Change.ADDED]} 件は未確認です。")
    if rep.problems:
        ctx.print(f"読めなかった行 {len(rep.problems)} 件は飛ばしました:")
        for p in rep.problems[:20]:
            ctx.print(f"  {p}")
        for path in rep.problems_files:
            ctx.print(f"問題の一覧: {path}")
    if rep.dry_run:
        ctx.print("試行のため、何も書き込んでいません。")
    else:
        ctx.print(f"取り込みました。変更点は {ctx.command('spec-diff', rep.operation_code)} で確認できます。")
    return 0


def cmd_spec_diff(args: argparse.Namespace, ctx: Context) -> int:
    view = spec_compare.compare_versions(db=ctx.database(), operation=args.operation,
                                         from_label=args.from_label, to_label=args.to_label)
    ctx.print(f"{view.operation_code} {view.operation_name}: {view.from_label} → {view.to_label}")
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
