"""One wording for what a 独自機能 change did (set, map, undo, redo), for the CLI and the workbench alike:
the counts, then every refusal, conflict and side effect, the first ``shown`` of each listed and the rest
counted. The CLI prints the lines; the workbench shows them in its notice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fitgap.services.custom import CustomUpdateResult


def _listed(items: Sequence[str], shown: int) -> list[str]:
    more = [f"  … 他 {len(items) - shown:,} 件"] if len(items) > shown else []
    return [f"  {line}" for line in items[:shown]] + more


def update_summary(r: CustomUpdateResult, *, shown: int, command: Callable[..., str]) -> list[str]:
    """``command(*args)`` makes a pasteable ``fitgap …`` command line (with --db when it is not the default)."""
    lines = [f"変更 {len(r.changed):,} 件、変更なし {len(r.unchanged):,} 件"
             + (f"、競合 {len(r.conflicts):,} 件" if r.conflicts else "")
             + (f"、却下 {len(r.rejected):,} 件" if r.rejected else "")]
    lines += _listed([f"却下 {key}: {why}" for key, why in r.rejected], shown)
    lines += _listed([f"競合 {c.key}: ほかの利用者が変更していたため、そのままです（現在 {c.current.verdict}）"
                      for c in r.conflicts], shown)
    if r.cleared_dispositions:
        lines.append(f"  標準内になったため対応方針を消去: {len(r.cleared_dispositions):,} 件")
    if r.removed_mappings:
        lines.append(f"  標準外にしたため外した対応付け: {r.removed_mappings:,} 件")
    lines += _listed([f"注意: 実装不可の要件 {k} の確認結果が適合ではありません（現行機能があるので適合＝要廃止です）"
                      for k in r.mismatches], shown)
    lines += [f"  独自施策システム「{name}」を関連システムとして追加しました（依存関係図に連携があります）。"
              for name in r.added_systems]
    lines += [f"  独自施策システム「{name}」を移行先にする機能はなくなりましたが、システムは残しています"
              f"（不要なら {command('systems', 'delete', name)} で削除してください）。" for name in r.left_systems]
    return lines
