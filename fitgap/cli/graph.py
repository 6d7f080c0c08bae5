"""Commands: graph (the dependency graph as dot/mermaid/graphml/json) and schedule (waves, conflicts, risks)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from fitgap.cli.context import Context
from fitgap.cli.paths import output_text
from fitgap.cli.table import render_table
from fitgap.domain.calendar import format_date
from fitgap.domain.standing import system_label
from fitgap.domain.text import escape_controls
from fitgap.errors import InvalidInputError
from fitgap.reports.output_file import write_atomically
from fitgap.services import changes, choices, schedule
from fitgap.services.edit_input import parse_date_input

if TYPE_CHECKING:
    from fitgap.services.schedule import SlipReport, SystemGraph


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "graph", parents=[common], help="システムの依存関係（データ連携）を図の形式で出力する",
        description="システムとデータ連携（提供元 → 利用側）を Graphviz (dot)、Mermaid、GraphML、JSON で出力します。"
        "典型例（要確認）の連携は破線、外部システムは楕円で表します。"
        " / Writes the systems and their data links as a graph.",
    )
    p.add_argument("--format", "-f", choices=choices.GRAPH_FORMATS, default="dot",
                   help="形式: dot（Graphviz）、mermaid、graphml（yEd・Gephi）、json（既定 dot）")
    p.add_argument("--output", "-o", metavar="FILE", type=output_text, help="出力先ファイル（省略時は画面に出力）")
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser(
        "schedule", parents=[common], help="移行計画: 移行順（ウェーブ）、日程の矛盾、期限リスクを表示する",
        description="提供元を先に移行する順序（ウェーブ）、循環している依存関係、日程の矛盾（提供元より先に移行する利用側、"
        "利用側の期限より後に移行する提供元）、システムごとの期限リスク（残り日数、実装必須のギャップ、未完了のマイルストーン）、"
        "クリティカルパスを表示します。--slip で、あるシステムが遅れたときに影響を受けるシステムを表示します。"
        " / Migration waves, schedule conflicts, deadline risks and the critical path.",
    )
    p.add_argument("--slip", nargs=2, metavar=("SYSTEM", "DATE"),
                   help="SYSTEM の移行が DATE（例 2026-06-01）に遅れた場合に影響を受けるシステムを表示する")
    p.set_defaults(func=cmd_schedule)


def cmd_graph(args: argparse.Namespace, ctx: Context) -> int:
    text = schedule.graph_text(db=ctx.database(), fmt=args.format, today=ctx.config.today)
    if args.output:
        out = Path(args.output)
        write_atomically(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        ctx.print(f"{args.format} 形式で書き出しました: {out}")
    else:
        ctx.out.write(escape_controls(text))
    return 0


def cmd_schedule(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.database()
    today = ctx.config.today
    if args.slip:
        return _print_slip(ctx, args.slip[0], args.slip[1])
    view = schedule.get_schedule(db=db, today=today)
    sg = view.graph
    ctx.print(f"基準日: {format_date(today)}    システム {len(sg.systems)}件、連携 {len(sg.links)}件")
    if not sg.systems:
        ctx.print("システムが登録されていません。fitgap init で典型的なシステムを登録するか、"
                  "fitgap systems import で取り込んでください。")
        return 0

    ctx.print("", "■ 移行順（ウェーブ）: 提供元が先、利用側が後")
    in_cycle = {sid for c in view.cycles for sid in c.systems}
    rows = []
    for wave in view.waves:
        for sid in wave.systems:
            node = sg.system(sid)
            status = "移行済" if node.done else ("相互依存" if sid in in_cycle else "")
            rows.append([wave.number, node.name, format_date(node.cutover), format_date(node.deadline), status])
    ctx.print(render_table(["ウェーブ", "システム", "移行日", "期限", "状態"], rows, right=[0]))

    if view.cycles:
        ctx.print("", "■ 循環している依存関係（同じウェーブで一緒に移行するか、暫定連携が必要です）")
        for c in view.cycles:
            loop = " → ".join(sg.names([*c.example, c.example[0]]))
            ctx.print(f"  {'・'.join(sg.names(c.systems))}: {loop}")

    ctx.print("", "■ 日程の矛盾")
    if view.conflicts:
        ctx.print(render_table(
            ["種類", "提供元", "提供元の移行日", "利用側", "利用側の移行日/期限", "差", "暫定連携"],
            [[c.kind.value, sg.name(c.provider), format_date(c.provider_date), sg.name(c.consumer),
              format_date(c.consumer_date), f"{c.days}日", "あり" if c.interim_interface else "なし"]
             for c in view.conflicts],
            right=[5],
        ))
    else:
        ctx.print("  ありません。")

    ctx.print("", "■ 改修の遅れ（連携の改修が必要日までに終わらない）")
    late = view.late_changes
    if late:
        ctx.print(render_table(
            ["連携（提供元 → 利用側）", "段階", "改修を行うベンダ", "状況", "完了予定日", "必要日", "遅れ", "必要日の理由",
             "暫定連携"],
            [[c.label, c.state.step.label if c.state.step else "—", c.item.vendor or "—", c.item.status.value,
              format_date(c.item.planned),
              format_date(c.state.needed_by), f"{c.state.days_late}日", c.state.reason, c.item.interim or "—"]
             for c in late],
            right=[6], max_width=40,
        ))
        ctx.print(f"  {len(late)}件（{'、'.join(sorted({c.state.late.value for c in late if c.state.late}))}）。"
                  "fitgap systems changes で一覧、fitgap systems change で更新できます。")
    else:
        open_n = sum(1 for c in view.changes if not c.item.done)
        ctx.print(f"  ありません（改修項目 {len(view.changes)}件、うち未完了 {open_n}件）。")
    if view.undated:
        ctx.print(f"  {changes.undated_line(view.undated)}")

    ctx.print("", "■ 期限リスク")
    ctx.print(render_table(
        ["リスク", "システム", "移行予定日", "期限", "残り・移行日", "実装必須ギャップ", "未完了MS", "理由"],
        [[r.level.value, sg.name(r.system), format_date(r.planned), format_date(r.deadline),
          system_label(deadline=r.deadline, planned=r.planned, actual=sg.system(r.system).actual_cutover, today=today),
          r.open_must_gaps,
          len(r.milestones_open), "、".join(r.reasons)] for r in view.risks],
        right=[5, 6], max_width=60,
    ))

    ctx.print("", "■ クリティカルパス（移行予定日でつながる最長の依存の連鎖）")
    cp = view.critical
    if cp is None:
        ctx.print("  移行予定日が入っていないため求められません。")
    elif len(cp.systems) == 1:
        ctx.print(f"  移行予定日でつながる依存の連鎖はありません（最後の移行: {sg.name(cp.systems[0])} {format_date(cp.end)}）。")
    else:
        chain = " → ".join(f"{sg.name(s)} {d.isoformat()}" for s, d in zip(cp.systems, cp.dates, strict=True))
        ctx.print(f"  {chain}", f"  {format_date(cp.start)} から {format_date(cp.end)} まで {cp.days}日")
    typical = sum(1 for n in sg.systems.values() if n.typical) + sum(1 for lk in sg.links.values() if lk.typical)
    if typical:
        ctx.print("", f"※ 典型例（要確認）のシステム・連携が {typical}件あります。実態に合わせて確認・修正してください。")
    return 0


def _print_slip(ctx: Context, system: str, when: str) -> int:
    new_date = parse_date_input(when)
    if new_date is None:
        raise InvalidInputError("遅れた場合の日付がありません。", "例: --slip 住民記録 2026-06-01")
    sg, report, moved = schedule.slip_changes(db=ctx.database(), system=system, new_date=new_date,
                                              today=ctx.config.today)
    origin = sg.system(report.system)
    ctx.print(f"■ {origin.name} の移行が {format_date(new_date)} になった場合（予定 {format_date(origin.planned_cutover)}）")
    if report.misses_deadline and report.deadline:
        ctx.print(f"  {origin.name} 自身が期限 {format_date(report.deadline)} を {(new_date - report.deadline).days}日 超えます。")
    if not report.impacts:
        ctx.print("  影響を受けるシステムはありません（暫定連携のある連携と移行済みのシステムは影響を受けません）。")
    else:
        _print_impacts(ctx, sg, report)
    ctx.print("", "■ 改修項目への影響（必要日が動く、または遅れになる改修）")
    if not moved:
        ctx.print("  ありません。")
        return 0
    ctx.print(render_table(
        ["連携（提供元 → 利用側）", "状況", "完了予定日", "必要日（現在）", "必要日（遅れた場合）", "判定"],
        [[f"{sg.name(m.state.item.provider)} → {sg.name(m.state.item.consumer)}", m.state.item.status.value,
          format_date(m.state.item.planned), format_date(m.needed_before), format_date(m.state.needed_by),
          f"{m.state.late.value} {m.state.days_late}日" if m.state.late else "間に合う"] for m in moved],
    ))
    late = sum(1 for m in moved if m.state.late)
    ctx.print(f"  {len(moved)}件（うち遅れ {late}件）。")
    return 0


def _print_impacts(ctx: Context, sg: SystemGraph, report: SlipReport) -> None:
    ctx.print(render_table(
        ["影響を受けるシステム", "経由", "移行予定日", "最早の移行日", "遅れ", "期限", "期限超過"],
        [[sg.name(i.system), sg.name(i.via), format_date(i.planned), format_date(i.earliest),
          f"{i.delay_days}日" if i.delay_days is not None else "—", format_date(i.deadline),
          f"{(i.earliest - i.deadline).days}日" if i.misses_deadline and i.deadline else ""]
         for i in report.impacts],
        right=[4, 6],
    ))
