"""The workbench's 端末が小さすぎます screen: says the minimum (100×30) and is wrapped so that no line starts
with a closing bracket or a 。 on a small terminal (80×24 and smaller)."""

from __future__ import annotations

import pytest

from fitgap.domain.text import display_width
from fitgap.tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, message


@pytest.mark.parametrize(("width", "height"), [(80, 24), (99, 30), (60, 20), (30, 10)])
def test_the_message_fits_and_breaks_its_lines_well(width: int, height: int) -> None:
    text = message(width, height)
    assert f"{MIN_WIDTH}×{MIN_HEIGHT}" in text.replace("\n", "") and f"{width}×{height}" in text.replace("\n", "")
    for line in text.splitlines():
        assert display_width(line) <= width - 6
        assert not line.startswith(("）", "。", "、", "）。")), text


def test_at_80x24_each_sentence_is_a_line_of_its_own() -> None:
    assert message(80, 24).splitlines() == [
        "端末が小さすぎます（いま 80×24）。",
        "作業画面には 100×30（幅 100 桁・高さ 30 行）以上が必要です。",
        "ウィンドウを広げるか、文字を小さくしてください。",
        "広げると元の画面に戻ります。",
        "ctrl+q で終了",
    ]
