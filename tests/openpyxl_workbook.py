"""The reader fitgap used before python-calamine (openpyxl read-only, values only), as a reference.

Same interface as :class:`fitgap.importers.workbook_reader.Workbook`; the tests read every test workbook
with both and compare the rows and the databases the imports leave.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from fitgap.importers.workbook_guard import check_workbook
from fitgap.importers.workbook_reader import MergedRange

_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


class OpenpyxlWorkbook:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._wb = load_workbook(path, read_only=True, data_only=True)
        self.sheetnames: list[str] = list(self._wb.sheetnames)

    def is_table(self, name: str) -> bool:
        return isinstance(getattr(self._wb[name], "_worksheet_path", None), str)

    def rows(self, name: str) -> Iterator[Any]:
        ws = self._wb[name]
        ws.reset_dimensions()
        yield from ws.iter_rows(values_only=True)

    def merged_ranges(self, name: str) -> list[MergedRange]:
        archive: zipfile.ZipFile = self._wb._archive
        out: list[MergedRange] = []
        with archive.open(self._wb[name]._worksheet_path) as fh:
            tail = b""
            while chunk := fh.read(1 << 20):
                data = tail + chunk
                for m in _MERGE_RE.finditer(data):
                    ref = m.group(1).decode()
                    bounds = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
                    out.append(tuple(int(b or 0) for b in bounds))  # type: ignore[arg-type]
                tail = data[-200:]
        return sorted(set(out))

    def close(self) -> None:
        self._wb.close()

    def __enter__(self) -> OpenpyxlWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_openpyxl_workbook(path: Path, *, uncalculated_formulas: bool = False) -> OpenpyxlWorkbook:
    check_workbook(path, uncalculated_formulas=uncalculated_formulas)
    return OpenpyxlWorkbook(path)


def open_openpyxl_workbook_counting(path: Path, *, uncalculated_formulas: bool = False) -> tuple[OpenpyxlWorkbook, int]:
    uncalculated = check_workbook(path, uncalculated_formulas=uncalculated_formulas)
    return OpenpyxlWorkbook(path), uncalculated


def trimmed(rows: Iterator[Any]) -> list[tuple[Any, ...]]:
    """Rows without trailing empty cells and trailing empty rows: what both readers must agree on."""
    out = []
    for row in rows:
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        out.append(tuple(values))
    while out and not out[-1]:
        out.pop()
    return out


class ComparingWorkbook:
    """Reads with calamine and with openpyxl and fails on the first difference (FITGAP_COMPARE_READERS=1)."""

    def __init__(self, fast: Any, reference: OpenpyxlWorkbook) -> None:
        self._fast, self._ref = fast, reference
        self.sheetnames = fast.sheetnames
        assert fast.sheetnames == reference.sheetnames, (fast.sheetnames, reference.sheetnames)

    def is_table(self, name: str) -> bool:
        assert self._fast.is_table(name) == self._ref.is_table(name), name
        return bool(self._fast.is_table(name))

    def rows(self, name: str) -> Iterator[Any]:
        fast = list(self._fast.rows(name))
        ref = trimmed(self._ref.rows(name))
        assert trimmed(iter(fast)) == ref, f"{self._fast.path.name} / {name}: the readers differ"
        yield from fast

    def merged_ranges(self, name: str) -> list[MergedRange]:
        fast = self._fast.merged_ranges(name)
        assert fast == self._ref.merged_ranges(name), name
        return list(fast)

    def close(self) -> None:
        self._fast.close()
        self._ref.close()

    def __enter__(self) -> ComparingWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
