"""Commands: group compare — 共同利用: the bodies sharing one system side by side (read-only)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from fitgap.cli.context import Context

if TYPE_CHECKING:
    from fitgap.domain.body_group import Answer, GroupFigures
    from fitgap.services.group import Comparison, GroupItem


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser(
        "group", parents=[common], help="共同利用: 複数団体の FIT&GAP を比較する",
        description="同じシステムを共同利用する団体の FIT&GAP を並べて比較します。団体ごとのデータベースを"
        "グループファイル（TOML、[[body]] ごとに name と db）に並べて指定します（docs/groups.md）。",
    )
    group.set_defaults(func=lambda _args, ctx: _group_help(group, ctx))
    kinds = group.add_subparsers(dest="group_command", metavar="SUBCOMMAND")
    p = kinds.add_parser(
        "compare", parents=[common], help="各団体の状態・対応方針・メモを要件ごとに並べ、不一致を示す",
        description="グループの各団体のデータベースを読み取り専用で開き（書き込み・更新はしません）、業務・要件ごとに"
        "各団体の状態・対応方針（名指す標準オプション・システム）・メモを並べます。適合とギャップ、異なる対応方針、"
        "異なる標準オプションは「不一致」（グループの論点）です。仕様書の版が異なる団体どうしは比較せず、そう示します。"
        "最後に団体ごととグループの数値（確認率、未決の必須ギャップ、要判断のオプション、不一致）を表示します。",
    )
    p.add_argument("group_file", type=Path, metavar="GROUPFILE", help="グループファイル（TOML）")
    p.add_argument("--operation", metavar="CODE", help="この業務だけ比較する（業務コード、例 001）")
    p.add_argument("--issues-only", action="store_true", help="不一致の要件だけを表示する")
    p.set_defaults(func=cmd_compare)
    p = kinds.add_parser(
        "export", parents=[common], help="比較をグループの決定シート（保護されたブック）に書き出す",
        description="比較した要件ごとに各団体の状態・対応方針・メモを並べ（不一致の要件が先頭）、グループで決めたこと"
        "（状況・対応方針・方針の詳細・メモ）を記入する欄を付けた保護されたブックを書き出します。各データベースは"
        "読み取り専用で開き、何も書き込みません。書き出し時の各団体の要件の状態（改訂番号）はブックの隠しキーに残ります。",
    )
    p.add_argument("group_file", type=Path, metavar="GROUPFILE", help="グループファイル（TOML）")
    p.add_argument("--operation", metavar="CODE", help="この業務だけ書き出す（業務コード、例 001）")
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="書き出すファイル（.xlsx、既定はグループファイルと同じフォルダ）")
    p.add_argument("--force", action="store_true", help="-o のファイルがあれば上書きする")
    p.set_defaults(func=cmd_export)
    p = kinds.add_parser(
        "apply", parents=[common], help="グループの決定シートの決定を各団体のデータベースに反映する",
        description="fitgap group export で書き出したブックの、記入された行（グループの決定）を各団体のデータベースに"
        "反映します（空欄の行は反映しません）。書き出し後にその団体で変更された要件は上書きせず、その団体の競合として"
        "示します（ほかの団体には反映します）。--dry-run で団体ごとの反映内容・競合・問題を確かめられます。",
    )
    p.add_argument("group_file", type=Path, metavar="GROUPFILE", help="グループファイル（TOML）")
    p.add_argument("workbook", type=Path, metavar="WORKBOOK", help="記入したグループの決定シート（.xlsx）")
    p.add_argument("--dry-run", action="store_true", help="反映せず、団体ごとに何が変わるかを示す")
    p.add_argument("--body", metavar="NAME", help="この団体にだけ反映する（団体名）")
    p.set_defaults(func=cmd_apply)


def _group_help(parser: argparse.ArgumentParser, ctx: Context) -> int:
    ctx.print(parser.format_help())
    return 2


def cmd_compare(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services.group import compare_group

    with compare_group(path=args.group_file, operation=args.operation) as comparison:
        names = comparison.names
        ctx.print(f"グループ {args.group_file}: {len(names)} 団体（{'、'.join(names)}）。各データベースは読み取り専用で開いています。")
        _print_versions(ctx, comparison)
        shown = 0
        current_code = None
        for item in comparison.items():
            if args.issues_only and not item.issues:
                continue
            if item.operation_code != current_code:
                current_code = item.operation_code
                split = comparison.splits.get(current_code)
                ctx.print("", f"■ {current_code} {split.name if split else ''}")
            ctx.print(*_item_lines(item, names))
            shown += 1
        if shown == 0:
            ctx.print("", "不一致の要件はありません。" if args.issues_only else "比較できる要件はありません。")
        ctx.print("", *_figure_lines(comparison.figures, args.operation))
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services.group_book import export_group_book

    done = export_group_book(path=args.group_file, user=ctx.config.user, operation=args.operation, output=args.output,
                             overwrite=args.force)
    ctx.print(f"グループの決定シートを書き出しました: {done.path}",
              f"  {len(done.bodies)} 団体（{'、'.join(done.bodies)}）、要件 {done.rows} 件（うち不一致 {done.issues} 件を先頭に）。"
              "各データベースには何も書き込んでいません。",
              f"  記入後の反映: {ctx.command('group', 'apply', args.group_file, done.path)}")
    return 0


def cmd_apply(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services.group_book import apply_group_book

    done = apply_group_book(path=args.group_file, workbook=args.workbook, user=ctx.config.user,
                            dry_run=args.dry_run, body=args.body)
    head = "試行（反映していません）" if done.dry_run else "反映"
    ctx.print(f"{head}: {done.source} — グループの決定 {done.decisions} 行、空欄の行 {done.untouched} 行")
    for problem in done.problems:
        where = f"{problem.sheet} {problem.row} 行目" if problem.row else problem.sheet
        ctx.print(f"  ブックの問題（{where}）: {problem.message} {problem.hint}".rstrip())
    verb = "反映する" if done.dry_run else "反映した"
    for body in done.bodies:
        ctx.print("", f"■ {body.name}")
        if body.error:
            ctx.print(f"  反映できません: {body.error}")
            continue
        ctx.print(f"  {verb}要件 {len(body.changed)} 件、すでに同じ {body.unchanged} 件、競合 {len(body.conflicts)} 件、"
                  f"問題 {len(body.problems)} 件" + (f"、別の版で対象外 {body.not_compared} 件" if body.not_compared else ""))
        for label in body.changed:
            ctx.print(f"    {verb}: {label}")
        for label, why in body.conflicts:
            ctx.print(f"    競合（反映しません）: {label} — {why}")
        for label, why in body.problems:
            ctx.print(f"    問題（反映しません）: {label} — {why}")
    if done.dry_run:
        ctx.print("", "--dry-run を外すと反映します。")
    failed = any(b.error for b in done.bodies)
    return 1 if failed or (done.problems and not done.decisions) else 0


def _print_versions(ctx: Context, comparison: Comparison) -> None:
    names = comparison.names
    lines = []
    for split in comparison.splits.values():
        if not split.split and not split.without:
            continue
        parts = [f"{label}: {'・'.join(names[i] for i in bodies)}" for label, bodies in split.labels.items()]
        if split.without:
            parts.append(f"仕様書なし: {'・'.join(names[i] for i in split.without)}")
        lines.append(f"  {split.code} {split.name} — {'、'.join(parts)}")
        for label, i in split.alone.items():
            lines.append(f"    → {names[i]}（{label}）は同じ版の団体がないため、この業務は比較していません。")
        for label, bodies in split.compared.items():
            if split.split:
                lines.append(f"    → {label} の {'・'.join(names[i] for i in bodies)} どうしだけを比較します。")
    if lines:
        ctx.print("", "仕様書の版が団体によって異なる業務があります（同じ版の団体どうしだけを比較します）:", *lines)


def _answer_text(answer: Answer) -> str:
    parts = [answer.status.value]
    if answer.disposition is not None:
        named = answer.names()
        parts.append(f"{answer.disposition.value}（{named}）" if named else answer.disposition.value)
    if answer.note:
        parts.append(f"メモ: {' '.join(answer.note.split())}")
    return "  ".join(parts)


def _item_lines(item: GroupItem, names: list[str]) -> list[str]:
    from fitgap.domain.body_group import disagreement_label

    mark = f"［不一致: {disagreement_label(item.issues)}］" if item.issues else "［一致］"
    head = f"{mark} {item.operation_code} {item.kind} {item.req_id} {item.label} {item.kubun.short} {item.name}".rstrip()
    lines = [head]
    width = max(len(n) for n in names)
    for name, answer in zip(names, item.answers, strict=True):
        if answer is not None:
            lines.append(f"    {name.ljust(width, '　')}  {_answer_text(answer)}")
    return lines


def _figure_lines(figures: GroupFigures, operation: str | None) -> list[str]:
    from fitgap.cli.table import render_table

    rows: list[list[object]] = [
        [b.name, b.requirements, f"{b.reviewed_pct:.1f}%", b.open_must_gaps, b.options_undecided, b.compared,
         b.disagreements] for b in figures.bodies]
    rows.append(["グループ計", figures.requirements, f"{figures.reviewed_pct:.1f}%", figures.open_must_gaps,
                 figures.options_undecided, figures.compared, figures.disagreements])
    scope = f"（業務 {operation} のみ）" if operation else ""
    lines = [f"グループの数値{scope}:",
             render_table(["団体", "要件", "確認率", "未決の必須ギャップ", "要判断のオプション", "比較", "不一致"], rows,
                          right=[1, 2, 3, 4, 5, 6])]
    if figures.disagreements:
        from fitgap.domain.body_group import IssueKind

        kinds = "、".join(f"{k.value} {figures.by_kind[k]} 件" for k in IssueKind if k in figures.by_kind)
        lines.append(f"不一致 {figures.disagreements} 件の内訳（重複あり）: {kinds}")
    if figures.not_compared:
        lines.append(f"同じ版の団体がなく比較していない要件: {figures.not_compared} 件")
    return lines
