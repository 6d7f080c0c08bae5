"""Command: data profile — counts per data item from an extract of the current data, never a record."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from fitgap.cli.context import Context
from fitgap.cli.table import render_table

if TYPE_CHECKING:
    from fitgap.services.data_profile import ItemProfile

MAX_SHOWN = 20
STORED = ("保存したのは項目ごとの件数と外字候補の文字（とその件数）、ファイル名と列名だけです。"
          "レコードや値は保存していません。")


def register(cs: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = cs.add_parser(
        "profile", parents=[common], help="現行データの抽出（CSV）をデータ項目ごとに数える / profile an extract",
        description="現行システムから抽出した CSV（UTF-8 か CP932、1行目が見出し）を1行ずつ読み、データ項目ごとに件数だけを"
        "記録します: 行数、空の値、最長の値と桁数・桁数超過、Ｎ（全角）の項目の半角、X（半角）の項目の全角、日付・時刻として"
        "読めない値、コード対応（なければ標準のコード一覧）にない値、外字候補（私用領域や JIS X 0213 にない文字。"
        "文字同定の対象）とその文字ごとの件数。レコードも値も保存しません（外字候補の文字そのものだけを保存します）。"
        "列は見出しが 8桁のデータ項目ID・データ項目名・ローマ字のどれかなら対応させ、そうでなければ --map の対応表で"
        "指定します。同じ項目をもう一度プロファイルすると前の結果を置き換えます。",
    )
    p.add_argument("file", metavar="EXTRACT.csv", type=Path, help="現行データの抽出（CSV、タブ区切りも可）")
    p.add_argument("--map", dest="mapping", metavar="FILE", type=Path,
                   help="列名とデータ項目IDの対応表（CSV: 列名,データ項目ID の行、または TOML: [columns] \"列名\" = \"ID\"）")
    p.add_argument("--operation", metavar="CODE", help="対応させる業務コード（例 031。既定: すべての業務）")
    p.set_defaults(func=cmd_profile)


def _gaiji(p: ItemProfile) -> str:
    return "、".join(f"{ch}(U+{ord(ch):04X})×{n:,}" for ch, n in p.gaiji)


def cmd_profile(args: argparse.Namespace, ctx: Context) -> int:
    from fitgap.services.data_profile import profile_extract

    def progress(done: int, total: int) -> None:
        if total >= 8 * 1024 * 1024:  # only a long read shows its progress
            ctx.progress(done * 100 // total, 100, f"{args.file.name} を読んでいます（%）")

    r = profile_extract(db=ctx.database(), user=ctx.config.user, path=args.file, mapping=args.mapping,
                        operation_code=args.operation, progress=progress)
    ctx.print(f"{r.file}（{r.encoding}）: {r.rows:,} 行、{len(r.items)} 項目をプロファイルしました"
              + (f"（前の結果 {r.replaced} 項目を置き換え）" if r.replaced else ""))
    rows = []
    for p in r.items:
        c = p.counts
        rows.append((p.item_id, p.name, p.column, p.data_type, f"{c.rows:,}",
                     f"{c.empty:,}" + ("（必須）" if p.required and c.empty else ""),
                     f"{c.max_length}/{p.length or '—'}", f"{c.over_length:,}",
                     f"{c.halfwidth_in_n:,}" if p.data_type == "Ｎ" else "—",
                     f"{c.fullwidth_in_x:,}" if p.data_type == "X" else "—",
                     f"{c.bad_dates:,}" if p.data_type in ("DATE", "YEAR", "TIME") else "—",
                     f"{c.outside_codes:,}" if p.code_check else "—",
                     f"{len(c.gaiji)}字 {sum(c.gaiji.values()):,}件" if c.gaiji else ""))
    ctx.print(render_table(["ID", "データ項目", "列", "型", "行", "空", "最長/桁数", "桁数超過", "Ｎに半角", "Xに全角",
                            "日付不正", "コード外", "外字候補"], rows, right=[4, 5, 6, 7, 8, 9, 10, 11], max_width=24))
    empty_required = [p for p in r.items if p.required and p.counts.empty]
    for p in empty_required[:MAX_SHOWN]:
        ctx.print(f"データ出力条件が必須の {p.item_id} {p.name} に空の値が {p.counts.empty:,} 行あります。")
    for p in [p for p in r.items if p.counts.outside_codes][:MAX_SHOWN]:
        basis = "コード対応の現行コード" if p.code_check == "対応表" else "標準のコード一覧"
        ctx.print(f"{p.item_id} {p.name}: {basis}にない値が {p.counts.outside_codes:,} 行あります"
                  f"（{ctx.command('data', 'codes', p.item_id)} で対応を記録できます）。")
    gaiji = [p for p in r.items if p.counts.gaiji]
    if gaiji:
        ctx.print("外字候補（文字同定の対象）:")
        for p in gaiji[:MAX_SHOWN]:
            ctx.print(f"  {p.item_id} {p.name}: {_gaiji(p)}")
    if r.ragged_rows:
        ctx.print(f"注意: 見出しと列の数が違う行が {r.ragged_rows:,} 行あります（足りない列は空として数えました）。")
    if r.unmatched:
        ctx.print(f"対応するデータ項目がない列 {len(r.unmatched)} 列（読んでいません）:")
        lines = [f"{u.index + 1}列目「{u.header}」: {u.reason}" for u in r.unmatched]
        ctx.print(*[f"  {line}" for line in lines[:MAX_SHOWN]])
        if len(lines) > MAX_SHOWN:
            ctx.print(f"  ほか {len(lines) - MAX_SHOWN} 列")
    if r.unused_mapping:
        ctx.print(f"注意: 対応表の列 {'、'.join(r.unused_mapping[:MAX_SHOWN])} は抽出にありません。")
    ctx.print(STORED)
    return 0
