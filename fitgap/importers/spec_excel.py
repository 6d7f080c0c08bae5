"""Reading the official 機能・帳票要件 Excel workbooks (.xlsx/.xlsm): rows and merged ranges to the row logic."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from fitgap.importers.mapping_profile import MappingProfile
from fitgap.importers.spec_header import Row
from fitgap.importers.spec_result import SkippedSheet, SpecParseResult
from fitgap.importers.spec_sheet import SheetReader
from fitgap.importers.workbook_reader import MergedRange, open_workbook

_NO_FILL: frozenset[int] = frozenset()


def _filled_rows(source: Iterable[Sequence[object]], merges: list[MergedRange]) -> Iterator[Row]:
    """Rows as (row number, values, filled columns): merged cells carry the value of their top-left cell."""
    by_row: dict[int, list[tuple[int, int, int]]] = {}  # row → (col0, anchor row, anchor col0)
    anchors: dict[tuple[int, int], object] = {}
    anchor_rows: dict[int, list[int]] = {}
    for min_col, min_row, max_col, max_row in merges:
        anchor_rows.setdefault(min_row, []).append(min_col - 1)
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col):
                    by_row.setdefault(r, []).append((c - 1, min_row, min_col - 1))
    # per row: its fills, the columns they fill (one frozenset per distinct set) and the width they need
    shared: dict[frozenset[int], frozenset[int]] = {}
    plan: dict[int, tuple[list[tuple[int, int, int]], frozenset[int], int]] = {}
    for r, fills in by_row.items():
        cols = frozenset(c for c, _, _ in fills)
        plan[r] = (fills, shared.setdefault(cols, cols), max(cols) + 1)
    del by_row
    for row_no, values in enumerate(source, 1):
        if row_no in anchor_rows:
            for c in anchor_rows[row_no]:
                anchors[(row_no, c)] = values[c] if c < len(values) else None
        fill = plan.pop(row_no, None)
        if fill is None:
            yield row_no, values, _NO_FILL
            continue
        fills, filled, width = fill
        row = list(values)
        if len(row) < width:
            row += [None] * (width - len(row))
        for c, ar, ac in fills:
            row[c] = anchors.get((ar, ac))
        yield row_no, row, filled


def read_spec_excel(
    path: Path,
    *,
    profile: MappingProfile | None = None,
    id_digits: int = 7,
    progress: Callable[[int], None] | None = None,
) -> tuple[SpecParseResult, dict[str, tuple[str, ...]]]:
    """Read every requirement sheet of a workbook. Also returns the headers seen on sheets without requirements."""
    result = SpecParseResult(source_file=path.name)
    reader = SheetReader(result, path.name, id_digits=profile.id_digits if profile else id_digits, progress=progress)
    seen_headers: dict[str, tuple[str, ...]] = {}
    with open_workbook(path) as wb:  # hostile or broken files are refused before anything is parsed
        for name in wb.sheetnames:
            mapping = profile.for_sheet(name) if profile else None
            if profile is not None and mapping is None:
                result.skipped_sheets.append(SkippedSheet(name, "プロファイルの対象外"))
                continue
            if not wb.is_table(name):  # chartsheets and the like
                result.skipped_sheets.append(SkippedSheet(name, "表ではないシート"))
                continue
            rows = _filled_rows(wb.rows(name), wb.merged_ranges(name))
            headers = reader.read(name, rows, mapping)
            if headers is not None:
                seen_headers[name] = headers
    return result, seen_headers
