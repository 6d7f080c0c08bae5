"""The answer workbooks are written from rows streamed out of the database: same workbook, whole or not at all."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fitgap.domain.answer_sheet import META_SHEET
from fitgap.reports.answer_workbook import write_book
from tests.answer_books import sample_vendor_data


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path)
    out = {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb.worksheets}
    assert META_SHEET in out and len(out) >= 4  # cover, list, data sheets, metadata
    return out


def test_streamed_rows_give_the_same_workbook_as_a_list(tmp_path: Path) -> None:
    data = sample_vendor_data()
    listed = write_book(data, tmp_path / "listed.xlsx")
    streamed_parts = [dataclasses.replace(p, rows=iter(list(p.rows)), count=len(p.rows)) for p in data.parts]  # type: ignore[arg-type]
    streamed = write_book(dataclasses.replace(data, parts=streamed_parts), tmp_path / "streamed.xlsx")
    assert _cells(streamed) == _cells(listed)


def test_a_failure_while_rows_stream_leaves_no_half_workbook(tmp_path: Path) -> None:
    data = sample_vendor_data()
    target = tmp_path / "vendor.xlsx"
    target.write_bytes(b"the previous export")

    def failing(rows: list[Any]) -> Iterator[Any]:
        yield rows[0]
        raise RuntimeError("connection lost")

    parts = [dataclasses.replace(p, rows=failing(list(p.rows)), count=len(p.rows)) for p in data.parts]  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        write_book(dataclasses.replace(data, parts=parts), target)
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["vendor.xlsx"]
