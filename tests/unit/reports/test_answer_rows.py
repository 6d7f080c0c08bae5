"""The data rows of an answer workbook are serialised in one go per row: the file must be the very one that
xlsxwriter's own cell-by-cell calls write, whatever the text holds."""

from __future__ import annotations

import dataclasses
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fitgap.reports import answer_workbook
from fitgap.reports.answer_workbook import write_book
from tests.answer_books import sample_vendor_data, vendor_item

AWKWARD = [
    "普通の本文",
    "　全角空白で始まる本文",
    "末尾に空白 ",
    "末尾に改行\n",
    "\t先頭タブ",
    "制御文字\x01と\x1fを含む",
    "_x0041_ のような文字列",
    "<r>リッチテキストに見える</r>",
    "A & B < C > D \"quoted\"",
    "=SUM(A1:A2)",
    "+1",
    "非文字\ufffeと\uffff",
    "長い本文" * 5000,  # beyond half the cell limit: xlsxwriter's own path measures it
    "改行を\n含む\n本文",
]


def _items() -> list[tuple[dict[str, Any], str]]:
    out = []
    for i, text in enumerate(AWKWARD):
        values, key = vendor_item(
            f"00100{i:02d}", text, name=text[:50], note=text if i % 2 else "",
            answer="標準で対応" if i % 3 == 0 else None, planned_date=date(2027, 3, 31) if i % 4 == 0 else None,
            cost_kyen=[None, 0.0, 12.5, 1234567.0, 3.0][i % 5], comment=text if i % 3 == 1 else "")
        out.append(({**values, "reason": text[:20]}, key))
    return out


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}  # core.xml: the time of writing


@pytest.mark.parametrize("items", [_items, lambda: list(sample_vendor_data().parts[0].rows)])
def test_rows_written_in_one_go_are_the_bytes_xlsxwriter_writes_cell_by_cell(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, items: object) -> None:
    data = sample_vendor_data()
    data = dataclasses.replace(data, parts=[dataclasses.replace(data.parts[0], rows=items()),  # type: ignore[operator]
                                            data.parts[1]])
    fast = _parts(write_book(data, tmp_path / "fast.xlsx"))
    monkeypatch.setattr(answer_workbook, "FAST_ROWS", False)
    reference = _parts(write_book(data, tmp_path / "reference.xlsx"))
    assert fast.keys() == reference.keys()
    for name in reference:
        assert fast[name] == reference[name], name
