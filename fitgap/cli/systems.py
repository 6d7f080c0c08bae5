"""Commands: systems list/show/add/set/delete, links, link/unlink, milestone, export/import (CSV)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from fitgap.cli.context import Context
from fitgap.cli.paths import output_text
from fitgap.cli.system_changes import register_changes
from fitgap.cli.system_progress import register_progress
from fitgap.cli.table import render_table
from fitgap.domain.calendar import format_date
from fitgap.domain.enums import DeadlineBasis, DeadlineKind, LinkMethod, MilestoneKind, SystemKind
from fitgap.domain.row_stamp import STALE_HINT
from fitgap.domain.standing import REASONS, reason_text, system_label
from fitgap.errors import InvalidInputError
from fitgap.services import change_sync, systems, systems_csv
from fitgap.services.edit_input import UNSET, parse_date_input

KINDS = [k.value for k in SystemKind]
DEADLINE_KINDS = [k.value for k in DeadlineKind]
METHODS = [m.value for m in LinkMethod]
MILESTONES = [m.value for m in MilestoneKind]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser(
        "systems", parents=[common], help="システム・データ連携・マイルストーンの一覧、編集、CSV 入出力",
        description="移行の対象となるシステムと、システム間のデータ連携（提供元 → 利用側）、マイルストーンを管理します。"
        "fitgap init が典型的なシステムと連携を「典型例（要確認）」として登録します。実態に合わせて修正してください。"
        " / Systems, their data links and milestones.",
    )
    ss = top.add_subparsers(dest="systems_command", metavar="SUBCOMMAND", required=True)

    p = ss.add_parser("list", parents=[common], help="システムの一覧 / list systems")
    p.set_defaults(func=cmd_list)

    p = ss.add_parser("show", parents=[common], help="1つのシステムの詳細（連携、マイルストーン） / show one system")
    p.add_argument("system", metavar="SYSTEM", help="システム名（一意に決まれば一部でも可）")
    p.set_defaults(func=cmd_show)

    p = ss.add_parser("add", parents=[common], help="システムを追加する / add a system")
    p.add_argument("name", metavar="NAME", help="システム名")
    p.add_argument("--kind", choices=KINDS, default=SystemKind.STANDARD.value, help="区分（既定 標準化対象）")
    p.add_argument("--vendor", metavar="NAME", help="ベンダ名")
    p.add_argument("--operations", metavar="CODES", default="", help="担当する業務の業務コード（例 001,004）")
    p.add_argument("--note", default="", help="備考")
    p.set_defaults(func=cmd_add)

    p = ss.add_parser("set", parents=[common], help="システムの項目・日付を変更する / edit a system",
                      description="指定した項目だけを変更します。日付に空文字（\"\"）を指定すると消去します。")
    p.add_argument("system", metavar="SYSTEM", help="システム名")
    p.add_argument("--name", help="新しい名前")
    p.add_argument("--vendor", help="ベンダ名")
    p.add_argument("--kind", choices=KINDS, help="区分")
    p.add_argument("--operations", metavar="CODES", help="業務コード（例 001,004）。指定した内容に置き換えます")
    p.add_argument("--planned", metavar="DATE", help="移行予定日（例 2026-01-05）")
    p.add_argument("--actual", metavar="DATE", help="移行実施日（移行済みの場合）")
    p.add_argument("--deadline-kind", choices=DEADLINE_KINDS, help="期限区分")
    p.add_argument("--deadline", metavar="DATE", help="期限（特定移行支援・個別設定の日付）")
    p.add_argument("--reason", choices=REASONS, help="期限を手動で設定した理由（移行計画の理由）")
    p.add_argument("--detail", default="", metavar="TEXT", help="理由の補足")
    p.add_argument("--note", help="備考")
    p.add_argument("--confirm", action="store_true", help="典型例（要確認）を確認済みにする")
    p.set_defaults(func=cmd_set)

    p = ss.add_parser("delete", parents=[common], help="システムを削除する（連携・マイルストーンも） / delete a system")
    p.add_argument("system", metavar="SYSTEM")
    p.set_defaults(func=cmd_delete)

    p = ss.add_parser("links", parents=[common], help="データ連携の一覧 / list links")
    p.set_defaults(func=cmd_links)

    p = ss.add_parser("link", parents=[common], help="連携を追加・変更する / add or edit a link",
                      description="提供元 PROVIDER から利用側 CONSUMER へのデータ連携を追加、または指定した項目を変更します。")
    p.add_argument("provider", metavar="PROVIDER", help="提供元システム")
    p.add_argument("consumer", metavar="CONSUMER", help="利用側システム")
    p.add_argument("--data", help="連携するデータ（例 宛名,世帯）")
    p.add_argument("--method", choices=METHODS, help="方式")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--interim", dest="interim", action="store_true", default=None,
                   help="暫定連携あり（新旧の世代が混在する期間の連携が用意されている）")
    g.add_argument("--no-interim", dest="interim", action="store_false", help="暫定連携なし")
    p.add_argument("--confirm", action="store_true", help="典型例（要確認）を確認済みにする")
    p.set_defaults(func=cmd_link)

    p = ss.add_parser("unlink", parents=[common], help="連携を削除する / remove a link")
    p.add_argument("provider", metavar="PROVIDER")
    p.add_argument("consumer", metavar="CONSUMER")
    p.set_defaults(func=cmd_unlink)

    p = ss.add_parser("milestone", parents=[common], help="マイルストーンの予定日・実績日を記録する / set a milestone",
                      description="日付に空文字（\"\"）を指定すると消去します。両方とも空にするとマイルストーンを削除します。")
    p.add_argument("system", metavar="SYSTEM")
    p.add_argument("kind", metavar="KIND", choices=MILESTONES, help="、".join(MILESTONES))
    p.add_argument("--planned", metavar="DATE", help="予定日")
    p.add_argument("--actual", metavar="DATE", help="実績日（完了した日）")
    p.set_defaults(func=cmd_milestone)

    register_changes(ss, common)
    register_progress(ss, common)

    p = ss.add_parser(
        "export", parents=[common], help="システムと連携を CSV か Excel ブックに書き出す / export CSV or xlsx",
        description="システム（マイルストーンを含む）と連携を、Excel で開ける CSV（UTF-8 BOM 付き）に書き出します。"
        "-o FILE.xlsx なら1つのブック（シート システム・連携、コードは文字列、区分などは選択式）に書き出します。"
        "表計算ソフトで編集するならブックをお勧めします。編集して fitgap systems import で取り込めます。",
    )
    p.add_argument("--systems", metavar="FILE", type=output_text, help="システムの CSV（既定 exports/systems.csv）")
    p.add_argument("--links", metavar="FILE", type=output_text, help="連携の CSV（既定 exports/links.csv）")
    p.add_argument("-o", "--output", metavar="FILE.xlsx", type=output_text,
                   help="CSV の代わりに Excel ブック（シート システム・連携）に書き出す。表計算ソフトで編集するならこちら")
    p.set_defaults(func=cmd_export)

    p = ss.add_parser(
        "import", parents=[common], help="CSV からシステムと連携を取り込む / import CSV",
        description="システムは名前で、連携は提供元と利用側の組で照合し、追加・更新します。先に全行を検査し、"
        "問題（存在しないシステム、自分自身への連携、日付でない値、足りない列など）が1つでもあれば行ごとに示して何も保存しません。"
        "UTF-8 と Shift_JIS の CSV と、systems export -o で書き出したブック（.xlsx）を読めます。"
        "書き出した行には行キー（最後の列）があり、書き出し後にデータベースで変更されたシステム・連携の行は競合として示して"
        "取り込みません。行キーのないファイルでは、登録済みのシステム・連携を変える行がすべて競合です。"
        "--accept-older を付けるとファイルの内容で上書きします。",
    )
    p.add_argument("--systems", metavar="FILE", help="システムの CSV、または systems export -o のブック（.xlsx）")
    p.add_argument("--links", metavar="FILE", help="連携の CSV、または systems export -o のブック（.xlsx）")
    p.add_argument("--replace-links", action="store_true", help="連携の CSV にない連携を削除する")
    p.add_argument("--accept-older", action="store_true",
                   help="書き出し後に変更された行（競合）もファイルの内容で上書きする（--replace-links の削除も）")
    p.add_argument("--dry-run", action="store_true", help="何が変わるかを表示するだけで、何も書き込まない")
    p.set_defaults(func=cmd_import)


def _listed(items: list[str], shown: int = 20) -> list[str]:
    out = [f"  {line}" for line in items[:shown]]
    if len(items) > shown:
        out.append(f"  ほか {len(items) - shown}件")
    return out


def _date_arg(value: str | None) -> Any:
    return UNSET if value is None else parse_date_input(value)


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.replace("、", ",").split(",") if c.strip())


def _left(v: systems.SystemView, today: date) -> str:
    """Days left to its date, unless the system has cut over already (then nothing is overdue): the
    standing rule's wording (domain.standing)."""
    return system_label(deadline=v.deadline, planned=v.planned_cutover, actual=v.actual_cutover, today=today)


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    views = systems.list_systems(db=ctx.database())
    today = ctx.config.today
    rows = [
        [v.name + (" ※" if v.typical else ""), v.kind.value, ",".join(v.operations), v.vendor or "",
         format_date(v.planned_cutover), format_date(v.actual_cutover), format_date(v.deadline),
         v.deadline_basis.value if v.kind != SystemKind.EXTERNAL else "—",
         _left(v, today), len(v.providers), len(v.consumers)]
        for v in views
    ]
    ctx.print(render_table(["システム", "区分", "業務", "ベンダ", "移行予定日", "移行実施日", "期限・必要日", "根拠",
                            "残り・移行日", "提供元", "利用側"], rows, right=[9, 10]))
    needed = [v for v in views if v.deadline_basis == DeadlineBasis.NEEDED_BY and v.kind != SystemKind.EXTERNAL]
    if needed:
        ctx.print("必要日: 20業務以外のシステム（関連システム・共通機能）には法定の期限がなく、連携する標準化対象システムの"
                  "移行日（なければ期限）のうち最も早い日までに連携の改修を終える必要があります。")
        for v in needed:
            ctx.print(f"  {v.name}: {v.deadline_reason}")
    if any(v.typical for v in views):
        ctx.print("※ 典型例（要確認）: fitgap init が登録した典型的なシステムです。実態に合わせて確認してください。")
    return 0


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    v = systems.get_system(db=ctx.database(), key=args.system)
    today = ctx.config.today
    ctx.print(
        f"システム: {v.name}{'（典型例・要確認）' if v.typical else ''}",
        f"区分: {v.kind.value}    ベンダ: {v.vendor or '—'}    業務: {','.join(v.operations) or '—'}",
        f"移行予定日: {format_date(v.planned_cutover)}    移行実施日: {format_date(v.actual_cutover)}",
        (f"期限: {format_date(v.deadline)}（{v.deadline_kind.value}）" if v.deadline_basis == DeadlineBasis.LEGAL
         else f"{'必要日' if v.deadline_basis == DeadlineBasis.NEEDED_BY else '期限（手動設定）'}: "
         f"{format_date(v.deadline)}" + (f"（{v.deadline_reason}）" if v.deadline_reason else ""))
        + (f"  {_left(v, today)}" if v.deadline else ""),
        f"必要とするシステム（提供元）: {'、'.join(v.providers) or 'なし'}",
        f"このシステムを必要とするシステム（利用側）: {'、'.join(v.consumers) or 'なし'}",
    )
    if v.note:
        ctx.print(f"備考: {v.note}")
    ms = {m.kind: m for m in v.milestones}
    ctx.print(render_table(
        ["マイルストーン", "予定日", "実績日"],
        [[k.value, format_date(ms[k].planned) if k in ms else "—", format_date(ms[k].actual) if k in ms else "—"]
         for k in MilestoneKind],
    ))
    return 0


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    systems.add_system(db=ctx.database(), user=ctx.config.user, name=args.name, kind=SystemKind(args.kind),
                       vendor=args.vendor, operations=_codes(args.operations), note=args.note)
    ctx.print(f"システム「{args.name.strip()}」を追加しました。")
    return 0


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    v = systems.update_system(
        db=ctx.database(), user=ctx.config.user, system=args.system,
        name=UNSET if args.name is None else args.name,
        vendor=UNSET if args.vendor is None else args.vendor,
        kind=UNSET if args.kind is None else SystemKind(args.kind),
        operations=UNSET if args.operations is None else _codes(args.operations),
        planned_cutover=_date_arg(args.planned), actual_cutover=_date_arg(args.actual),
        deadline_kind=UNSET if args.deadline_kind is None else DeadlineKind(args.deadline_kind),
        deadline=_date_arg(args.deadline), note=UNSET if args.note is None else args.note,
        deadline_reason=UNSET if args.reason is None else reason_text(args.reason, args.detail),
        typical=False if args.confirm else UNSET,
    )
    ctx.print(f"「{v.name}」を更新しました。移行予定日 {format_date(v.planned_cutover)}、期限 {format_date(v.deadline)}",
              *v.change_sync.lines())
    return 0


def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    name = systems.delete_system(db=ctx.database(), user=ctx.config.user, system=args.system)
    ctx.print(f"システム「{name}」を連携・改修項目・マイルストーンとともに削除しました。")
    return 0


def cmd_links(args: argparse.Namespace, ctx: Context) -> int:
    links = systems.list_links(db=ctx.database())
    ctx.print(render_table(
        ["提供元", "利用側", "データ", "方式", "暫定連携", "典型例", "注意"],
        [[lk.provider, lk.consumer, lk.data, lk.method.value, "あり" if lk.interim_interface else "なし",
          "要確認" if lk.typical else "", lk.flag] for lk in links],
    ))
    flagged = sum(1 for lk in links if lk.flag)
    if flagged:
        ctx.print(f"標準の連携ではない連携 {flagged}件: 標準準拠システムは、標準仕様書の連携機能（データ要件・連携要件）で"
                  "連携します。DB共有や、関連システムから標準準拠システムへの独自の連携は見直しが必要です。")
    return 0


def cmd_link(args: argparse.Namespace, ctx: Context) -> int:
    saved = systems.set_link(
        db=ctx.database(), user=ctx.config.user, provider=args.provider, consumer=args.consumer,
        data=UNSET if args.data is None else args.data,
        method=UNSET if args.method is None else LinkMethod(args.method),
        interim_interface=UNSET if args.interim is None else args.interim,
        typical=False if args.confirm else UNSET,
    )
    ctx.print(f"連携 {args.provider} → {args.consumer} を{'追加' if saved.added else '更新'}しました。",
              *saved.change_sync.lines())
    return 0


def cmd_unlink(args: argparse.Namespace, ctx: Context) -> int:
    note = systems.remove_link(db=ctx.database(), user=ctx.config.user, provider=args.provider,
                               consumer=args.consumer)
    ctx.print(f"連携 {args.provider} → {args.consumer} を削除しました。{note}")
    return 0


def cmd_milestone(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.database()
    current = {m.kind: m for m in systems.get_system(db=db, key=args.system).milestones}.get(MilestoneKind(args.kind))
    planned = current.planned if current and args.planned is None else parse_date_input(args.planned)
    actual = current.actual if current and args.actual is None else parse_date_input(args.actual)
    systems.set_milestone(db=db, user=ctx.config.user, system=args.system, kind=MilestoneKind(args.kind),
                          planned=planned, actual=actual)
    ctx.print(f"{args.system}: {args.kind} 予定 {format_date(planned)}、実績 {format_date(actual)}")
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.database()
    if args.output:
        out = Path(args.output)
        n, m = systems_csv.export_workbook(db=db, path=out)
        ctx.print(f"システム {n}件と連携 {m}件をブックに書き出しました: {out}",
                  f"取り込み: fitgap systems import --systems {out} --links {out}")
        return 0
    systems_path = Path(args.systems) if args.systems else ctx.config.exports_dir / "systems.csv"
    links_path = Path(args.links) if args.links else ctx.config.exports_dir / "links.csv"
    n = systems_csv.export_systems_csv(db=db, path=systems_path)
    m = systems_csv.export_links_csv(db=db, path=links_path)
    ctx.print(f"システム {n}件を書き出しました: {systems_path}", f"連携 {m}件を書き出しました: {links_path}")
    return 0


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    result = systems_csv.import_csv(
        db=ctx.database(), user=ctx.config.user,
        systems_path=Path(args.systems) if args.systems else None,
        links_path=Path(args.links) if args.links else None,
        replace_links=args.replace_links, accept_older=args.accept_older, dry_run=args.dry_run,
    )
    trial = "[試行] " if result.dry_run else ""
    for label, report in (("システム", result.systems), ("連携", result.links)):
        if report is None:
            continue
        held = [c for c in report.conflicts if not c.applied]
        ctx.print(f"{trial}{label}（{report.source_file}）: 追加 {len(report.added)}件、更新 {len(report.updated)}件、"
                  f"変更なし {report.unchanged}件" + (f"、削除 {len(report.removed)}件" if report.removed else "")
                  + (f"、競合 {len(held)}件（取り込んでいません）" if held else "")
                  + (f"、古い内容で上書き {report.accepted_older}件（--accept-older）" if report.accepted_older else "")
                  + (f"、取り込めない行 {len(report.refused)}件" if report.refused else "")
                  + ("（保存していません）" if not result.saved else ""))
        ctx.print(*[f"  {n}" for n in report.notices])
        ctx.print(*_listed([f"競合 {c}" for c in report.conflicts]))
        ctx.print(*_listed([f"取り込めない行 {p}" for p in report.refused]))
        if report.stripped_chars:
            ctx.print(f"  名前・備考から制御文字・見えない文字を {report.stripped_chars:,} 個取り除きました。")
    held_back = [c for r in result.reports for c in r.conflicts if not c.applied]
    if not result.saved:
        refused = sum(len(r.refused) for r in result.reports)
        what = "、".join(t for t in (f"競合 {len(held_back)}件" if held_back else "",
                                     f"取り込めない行 {refused}件" if refused else "") if t)
        done = "試行のため何も書き込んでいません" if result.dry_run else "何も保存していません"
        raise InvalidInputError(f"取り込める行がありません（{what}）。{done}。",
                                STALE_HINT if held_back else "行キーと名前の列を書き出したときのままにしてください。")
    if held_back:
        ctx.print(f"対処: {STALE_HINT}")
    if result.changes_removed:
        ctx.print(f"削除した連携の改修項目 {result.changes_removed}件も削除しました。")
    ctx.print(*change_sync.ChangeSync(result.changes_added, result.changes_unneeded).lines())
    if result.dry_run:
        ctx.print("--dry-run のため何も保存していません。")
    return 0
