"""The preview of a bulk change: how many items will change, how many will not and why, and the choice
to apply to the rest, to write the missing notes first, or to cancel."""

from __future__ import annotations

from fitgap.services.assessment import BulkPlan
from fitgap.tui.widgets.pickers import ChoiceModal

APPLY, WRITE_NOTE = "apply", "note"


def preview_text(plan: BulkPlan, *, label: str, selected: int, note_for: str) -> str:
    lines = [f"{label}（選択 {selected:,}件）", f"変更する: {len(plan.changes):,}件"]
    if plan.made_gap:
        lines.append(f"  うちギャップにする: {len(plan.made_gap):,}件（ギャップでなかった要件）")
    if plan.cleared_dispositions:
        lines.append(f"  うち対応方針が消える: {len(plan.cleared_dispositions):,}件（ギャップでなくなるため）")
    if plan.kept:
        lines.append(f"変更しない: {plan.kept:,}件")
    for n, why in ((len(plan.need_note), f"メモが必要（{note_for}にはメモ（理由）が必要）"),
                   (len(plan.unchanged), "すでにその値"),
                   (len(plan.conflicts), "選択したあとに他の利用者が変更"),
                   (len(plan.not_gap), "ギャップではない（方針なしはギャップにだけ）")):
        if n:
            lines.append(f"  {why}: {n:,}件")
    return "\n".join(lines)


def bulk_preview(plan: BulkPlan, *, label: str, selected: int, note_for: str) -> ChoiceModal[str]:
    """Always the same three choices under the same numbers — 1 apply to the rest, 2 write the missing
    notes and apply to all, 3 cancel (esc too) — a choice that does not apply here is shown greyed out."""
    rest = f"（メモのない {len(plan.need_note):,}件はそのまま）" if plan.need_note else ""
    apply = (f"{len(plan.changes):,}件に適用する{rest}" if plan.changes
             else "適用する（いま変更できる要件はありません）")
    total = len(plan.changes) + len(plan.need_note)
    note = (f"メモを書いて {total:,}件に適用する（メモのない {len(plan.need_note):,}件に同じメモ）" if plan.need_note
            else "メモを書いて適用する（メモが足りない要件はありません）")
    disabled = {i for i, off in enumerate((not plan.changes, not plan.need_note)) if off}
    return ChoiceModal(title="一括変更の確認", choices=[(apply, APPLY), (note, WRITE_NOTE), ("取消（何も変えない）", "")],
                       hint=preview_text(plan, label=label, selected=selected, note_for=note_for), disabled=disabled)
