"""``fitgap status --peers``: this body's progress in the survey beside its prefecture and the nation."""

from __future__ import annotations

from fitgap.cli.context import Context
from fitgap.cli.table import render_table


def print_peers(ctx: Context) -> int:
    from fitgap.domain.progress import PEER_COLUMNS, TOTAL_STEPS, month_label, peer_text, peer_values
    from fitgap.services import peers

    c = peers.comparison(db=ctx.database())
    if c is None:
        ctx.print(f"進捗状況調査が読み込まれていません（{ctx.command('init')} で同梱の調査を読み込みます）。")
        return 1
    month = month_label(c.month)
    ctx.print(f"進捗状況調査 {month}時点の比較: この団体・県・全国の値はすべて {month}時点、"
              f"入力値だけはその月の値です（{TOTAL_STEPS}手順のうち完了済み＋対象外の数）。")
    if not c.body:
        ctx.print(f"団体が未設定です（{ctx.command('init', '--municipality', '名前')}）。全国の分布だけを示します。")
    elif not c.in_survey:
        ctx.print(f"{c.body} はこの調査にありません。全国の分布だけを示します。")
    elif c.rows:
        first = c.rows[0].peers
        ctx.print(f"団体: {c.body}（{c.prefecture} {first.prefecture_bodies}団体、全国 {first.national_bodies}団体）")
        if first.body_class:
            ctx.print(f"同区分: 全国の{first.body_class}（{first.class_bodies}団体）")
    rows = [[peer_text(v, col) for v, col in zip(peer_values(r), PEER_COLUMNS, strict=True)] for r in c.rows]
    ctx.print(render_table(list(PEER_COLUMNS), rows, right=[1, 2, 3, 4, 5, 6, 7, 8, 10]))
    ctx.print(c.credit)
    return 0
