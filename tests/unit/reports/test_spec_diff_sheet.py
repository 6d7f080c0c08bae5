"""The spec-diff workbook's 差分 column reads like the 新 本文 beside it."""

from __future__ import annotations

from openpyxl.cell.rich_text import CellRichText, TextBlock

from fitgap.reports.spec_diff import rich_diff


def _plain(cell: CellRichText | str, *, deleted: bool = True) -> str:
    if isinstance(cell, str):
        return cell
    return "".join(b if isinstance(b, str) else b.text for b in cell
                   if deleted or isinstance(b, str) or not b.font.strike)


def test_the_diff_keeps_line_breaks_and_full_width_brackets_and_leaves_an_unchanged_name_out() -> None:
    old = "住民票（写し）を\n交付できること。"
    new = "住民票（写し）を\n交付し、在留カード番号を保持できること。"
    cell = rich_diff(old, new, old_name="住民票の交付", new_name="住民票の交付")
    assert _plain(cell, deleted=False) == new  # the new text as written, marks aside
    inserted = [b.text for b in cell if isinstance(b, TextBlock) and b.font.u == "single"]
    assert inserted == ["し、在留カード番号を保持"]


def test_a_width_or_space_difference_alone_is_no_mark_and_a_changed_name_comes_first() -> None:
    cell = rich_diff("住民票(写し)を交付", "住民票（写し）を交付", old_name="交付", new_name="証明書の交付")
    assert isinstance(cell, CellRichText)
    text = _plain(cell, deleted=False)
    assert text.startswith("【名称】") and text.endswith("\n住民票（写し）を交付")
    marked = [b.text for b in cell if isinstance(b, TextBlock)]
    assert marked == ["証明書の"]  # only the name changed; （ for ( is the same character to the comparison
