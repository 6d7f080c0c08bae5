"""How data items (データ要件) look wherever the workbench shows them: the verdict's style, and the lines a
requirement's detail gives the data items of its 機能ID."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from fitgap.domain.data_items import DataVerdict
from fitgap.services.data_items import DataRow

VERDICT_STYLE = {
    DataVerdict.UNCHECKED: "muted",
    DataVerdict.REVIEW: "warn",
    DataVerdict.BLOCKER: "must",
    DataVerdict.TODO: "warn",
    DataVerdict.READY: "good",
    DataVerdict.NOT_APPLICABLE: "info",
}

STYLE_VARS = {"must": "bold $text-error", "warn": "$text-warning", "good": "$text-success", "muted": "$text-muted",
              "info": "$text-secondary"}


def _muted(text: str) -> Content:
    return Content.styled(text, "$text-muted")


def function_data_lines(rows: Sequence[DataRow], *, limit: int = 12) -> list[Content]:
    """The data items a requirement (機能ID) is named by, for the requirement's detail: the blocking ones
    first and said so in red."""
    if not rows:
        return []
    blockers = [r for r in rows if r.verdict == DataVerdict.BLOCKER]
    lines: list[Content] = [Content.styled(f"■ データ項目（{len(rows)}件）", "bold $text-accent")]
    if blockers:
        lines.append(Content.styled(f"データ要件の阻害 {len(blockers)}件: この機能に必要なデータ項目が移行できません。",
                                    "bold $text-error"))
    shown = sorted(rows, key=lambda r: (r.verdict != DataVerdict.BLOCKER, r.item_id))
    for r in shown[:limit]:
        verdict = (r.verdict.value, STYLE_VARS[VERDICT_STYLE[r.verdict]])
        reason = f"（{r.blocker_reason}）" if r.blocker_reason else ""
        lines.append(Content.assemble(f"{r.item_id} {r.name}　", verdict, reason))
    if len(rows) > limit:
        lines.append(_muted(f"ほか {len(rows) - limit}件（すべてはデータ要件の画面で: ctrl+p「開く: データ要件」）"))
    return lines
