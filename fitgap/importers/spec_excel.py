"""Reading the official 機能・帳票要件 Excel workbooks (.xlsx/.xlsm) in read-only (streaming) mode."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl.utils.cell import range_boundaries

from fitgap.errors import InvalidInputError
from fitgap.importers.mapping_profile import MappingProfile
from fitgap.importers.spec_header import Row
from fitgap.importers.spec_result import SkippedSheet, SpecParseResult
from fitgap.importers.spec_sheet import SheetReader
from fitgap.importers.workbook_guard import open_workbook

_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_NO_FILL: frozenset[int] = frozenset()


def _merged_ranges(archive: zipfile.ZipFile, member: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges (min_col, min_row, max_col, max_row) of one sheet, read straight from its XML.

    Read-only worksheets do not expose merged cells; <mergeCells> sits after <sheetData>, so a byte scan
    of the part is far cheaper than a second XML parse.
    """
    out: list[tuple[int, int, int, int]] = []
    with archive.open(member) as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            if b"mergeCell" in data:
                for m in _MERGE_RE.finditer(data):
                    ref = m.group(1).decode()
                    bounds = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
                    out.append(tuple(int(b or 0) for b in bounds))  # type: ignore[arg-type]
            tail = data[-200:]
    return sorted(set(out))


def _filled_rows(ws: Any, merges: list[tuple[int, int, int, int]]) -> Iterator[Row]:
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
    for row_no, values in enumerate(ws.iter_rows(values_only=True), 1):
        if row_no in anchor_rows:
            for c in anchor_rows[row_no]:
                anchors[(row_no, c)] = values[c] if c < len(values) else None
        fills = by_row.pop(row_no, None)
        if not fills:
            yield row_no, values, _NO_FILL
            continue
        width = max(len(values), *(c + 1 for c, _, _ in fills))
        row = list(values) + [None] * (width - len(values))
        filled = set()
        for c, ar, ac in fills:
            row[c] = anchors.get((ar, ac))
            filled.add(c)
        yield row_no, row, frozenset(filled)


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
    wb = open_workbook(path)  # hostile or broken files are refused before openpyxl parses anything
    try:
        archive: zipfile.ZipFile = wb._archive
        for ws in wb.worksheets:
            mapping = profile.for_sheet(ws.title) if profile else None
            if profile is not None and mapping is None:
                result.skipped_sheets.append(SkippedSheet(ws.title, "プロファイルの対象外"))
                continue
            member = getattr(ws, "_worksheet_path", None)
            if not isinstance(member, str):  # chartsheets and the like
                result.skipped_sheets.append(SkippedSheet(ws.title, "表ではないシート"))
                continue
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # some writers store wrong <dimension>s
            rows = _filled_rows(ws, _merged_ranges(archive, member))
            headers = reader.read(ws.title, rows, mapping)
            if headers is not None:
                seen_headers[ws.title] = headers
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ParseError) as exc:
        raise InvalidInputError(
            f"{path.name} の読み込み中にファイルの破損を見つけました ({type(exc).__name__})。",
            "Excel で開いて保存し直すか、元のファイルを再取得してください。",
        ) from None
    finally:
        wb.close()
    return result, seen_headers
