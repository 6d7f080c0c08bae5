"""Commands: backup, restore, check, audit, migrate-db."""

from __future__ import annotations

import argparse
from pathlib import Path

from fitgap.cli.context import Context
from fitgap.cli.parser import date_value
from fitgap.cli.paths import output_path, output_text
from fitgap.cli.table import render_table
from fitgap.config import sqlite_url
from fitgap.services import audit_export, maintenance, migration
from fitgap.services.command_line import command_line


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "backup", parents=[common], help="データベースのバックアップを取る（作業中でも可）",
        description="データベースの一貫したコピーを SQLite ファイルとして保存します。他の利用者が作業中でも取れます"
        "（SQLite はオンラインバックアップ、PostgreSQL は1つのスナップショットから全行をコピー）。"
        "既定の保存先は exports/backups/fitgap-<名前>-<日時>.db です（環境変数 FITGAP_EXPORTS で変更可）。",
    )
    p.add_argument("-o", "--output", metavar="PATH", type=output_text,
                   help="保存先のファイル、またはフォルダ（末尾が / ならそのフォルダの中に既定の名前で保存。フォルダはあるものに限る）")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore", parents=[common], help="バックアップから復元する",
        description="fitgap backup で作ったファイルでデータベースの内容を置き換えます。fitgap のバックアップでない"
        "ファイルや壊れたファイルは断ります。置き換える前に、現在の内容を exports/backups/before-restore-*.db に"
        "保存します。他の利用者が使用中のときは復元しません。",
    )
    p.add_argument("path", type=Path, metavar="PATH", help="バックアップファイル（.db）")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "check", parents=[common], help="データベースの健全性を検査する",
        description="ファイルの整合性（SQLite の integrity_check）、参照の整合性（外部キー）、スキーマの版と構成、"
        "孤立した行を検査し、結果を表示します。何も変更しません。問題があれば終了コード 1 を返します。",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "audit", parents=[common], help="変更履歴（監査ログ）を Excel/CSV に書き出す",
        description="だれが・いつ・何を・変更前・変更後 を1行ずつ、古い順に書き出します。",
    )
    p.add_argument("-o", "--output", type=output_path, metavar="FILE.xlsx|csv", required=True, help="書き出すファイル")
    p.add_argument("--since", type=date_value, metavar="DATE", help="この日（YYYY-MM-DD）以降の変更だけ")
    p.add_argument("--until", type=date_value, metavar="DATE", help="この日（YYYY-MM-DD）までの変更だけ")
    p.add_argument("--by", dest="by_user", metavar="NAME", help="この利用者の変更だけ")
    p.add_argument("--force", action="store_true", help="-o のファイルがすでにあれば上書きする")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser(
        "migrate-db", parents=[common], help="データベース全体を別のデータベースへコピーする（SQLite ⇄ PostgreSQL）",
        description="--db のデータベースの全行を --to のデータベース（PostgreSQL の URL か SQLite のファイル）へ"
        "1つのトランザクションでコピーし、表ごとの件数とチェックサムで確かめます。コピー先は空でなければなりません。"
        "例: fitgap migrate-db --to postgresql+psycopg://user@host/fitgap",
    )
    p.add_argument("--to", required=True, metavar="URL", help="コピー先（SQLAlchemy の URL かファイルパス）")
    p.set_defaults(func=cmd_migrate)



def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    result = maintenance.backup(url=ctx.config.database_url, exports_dir=ctx.config.exports_dir, output=args.output)
    ctx.print(f"バックアップを保存しました: {result.path}（{_size(result.size)}）",
              f"確認結果 {result.rows.get('assessment', 0):,} 件、要件 {result.rows.get('requirement', 0):,} 件、"
              f"変更履歴 {result.rows.get('audit_event', 0):,} 件を含みます。")
    if result.salvaged is not None:
        ctx.print(*maintenance.salvage_lines(result.salvaged),
                  f"コピーを確かめるには: {command_line('check', url=sqlite_url(result.path), with_db=True)}")
    ctx.print(f"戻すには: {ctx.command('restore', result.path, with_db=True)}")
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    result = maintenance.restore(url=ctx.config.database_url, backup_file=args.path,
                                 exports_dir=ctx.config.exports_dir, user=ctx.config.user)
    taken = f"（{result.backup_at} に取得）" if result.backup_at else ""
    ctx.print(f"{result.restored_from} から復元しました{taken}。",
              f"復元前の内容は {result.safety_copy} に保存しました。元に戻すには: {ctx.command('restore', result.safety_copy, with_db=True)}")
    if not result.same_database:
        ctx.print("注意: 別のデータベースのバックアップでした（データベース ID が違います）。")
    if result.upgraded_from is not None:
        ctx.print(f"古い版（スキーマ版 {result.upgraded_from}）のバックアップだったため、現在の版に更新しました。")
    return 0


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    report = maintenance.check(url=ctx.config.database_url, exports_dir=ctx.config.exports_dir)
    ctx.print(f"データベース: {report.database}")
    rows = []
    for r in report.results:
        verdict = "検査できず" if r.skipped else ("問題あり" if r.problems else ("注意" if r.warnings else "問題なし"))
        rows.append((r.title, verdict))
    ctx.print(render_table(["検査", "結果"], rows))
    for r in report.results:
        for line in [*r.problems, *r.warnings, *([r.skipped] if r.skipped else [])]:
            ctx.print(f"- {r.title}: {line}")
    if report.ok:
        ctx.print("問題は見つかりませんでした。")
        return 0
    ctx.print(report.advice)
    return 1


def cmd_audit(args: argparse.Namespace, ctx: Context) -> int:
    result = audit_export.export_audit(db=ctx.database(), output=args.output, since=args.since, until=args.until,
                                       user=args.by_user, overwrite=args.force)
    ctx.print(f"変更履歴 {result.rows:,} 件を {result.path} に書き出しました。")
    return 0


def cmd_migrate(args: argparse.Namespace, ctx: Context) -> int:
    result = migration.migrate(source_url=ctx.config.database_url, target=args.to, user=ctx.config.user,
                               progress=lambda table, n: ctx.progress(n, n, f"{table}"))
    ctx.print(f"{result.source} の全データを {result.target} へコピーしました。")
    ctx.print(render_table(["表", "件数", "チェックサム"],
                           [(t, f"{d.rows:,}", d.checksum[:12]) for t, d in result.tables.items()], right=[1]))
    ctx.print(f"件数とチェックサムはすべて一致しました（{len(result.tables)} 表、計 {result.total_rows:,} 行）。")
    return 0
