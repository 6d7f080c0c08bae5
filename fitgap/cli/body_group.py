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
