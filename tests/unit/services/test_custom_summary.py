"""The words of a 独自機能 change, shared by the CLI and the workbench: every refusal, conflict and side
effect is said, the first ones by name and the rest counted; a pasteable command says how to delete a
system left without functions."""

from __future__ import annotations

from types import SimpleNamespace

from fitgap.services.command_line import command_line
from fitgap.services.custom import CustomConflict, CustomUpdateResult, FunctionKey
from fitgap.services.custom_summary import update_summary


def test_every_conflict_and_side_effect_is_said_and_the_rest_counted() -> None:
    keys = [FunctionKey("001", f"F{i:02d}") for i in range(8)]
    r = CustomUpdateResult(
        changed=keys[:1], unchanged=keys[1:2],
        conflicts=[CustomConflict(k, 1, SimpleNamespace(verdict="標準外")) for k in keys[2:8]],  # type: ignore[arg-type]
        rejected=[(keys[1], "対応付ける要件がありません")], removed_mappings=2,
        left_systems=["窓口案内"], added_systems=["証明書コンビニ交付"],
    )
    lines = update_summary(r, shown=3, command=lambda *a: command_line(*a, url="sqlite:///other.db"))
    text = "\n".join(lines)
    assert lines[0] == "変更 1 件、変更なし 1 件、競合 6 件、却下 1 件"
    assert "却下 001:F01: 対応付ける要件がありません" in text
    assert sum("競合 " in line for line in lines[1:]) == 3 and "… 他 3 件" in text  # 6 conflicts, 3 named
    assert "標準外にしたため外した対応付け: 2 件" in text
    assert "「証明書コンビニ交付」を関連システムとして追加しました" in text
    assert "fitgap --db other.db systems delete 窓口案内" in text
