"""Reading the cells of an .xlsx/.xlsm workbook, after the guard has looked at it: python-calamine.

calamine (a Rust reader) parses the shared strings and the sheets several times faster than openpyxl and
reports merged ranges, so a 30,000-row requirement list reads in a fraction of a second. What the importers
get is the same as openpyxl's read-only, values-only reading gave them:

- rows from row 1 and cells from column A (calamine starts a sheet at its first used column);
- ``None`` for an empty cell, ``int`` for a whole number (``10001``, as Excel writes it), ``float`` otherwise;
- ``datetime`` for a date cell (calamine gives ``date`` when the time is 00:00), ``time`` / ``timedelta``
  for times and durations; strings and booleans as they are;
- error values as their code (``#N/A``, ``#NAME?``): python-calamine turns them into empty strings, so
  the few sheets that hold any (a byte test of the part) have their error cells read from the XML here;
- merged ranges as ``(min_col, min_row, max_col, max_row)``, 1-based.

The workbook is only read, never written. Damaged parts that the guard's scan cannot see are refused with
an :class:`InvalidInputError` like every other unreadable file.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from fitgap.errors import InvalidInputError
from fitgap.importers.workbook_guard import check_workbook

MergedRange = tuple[int, int, int, int]  # (min_col, min_row, max_col, max_row), 1-based
_INT_LIMIT = float(2**53)
_DATE = date
_DATETIME = datetime
_ERROR_MARK = b't="e"'
_CELL_RE = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_VALUE_RE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def broken(path: Path, exc: BaseException) -> InvalidInputError:
    """The refusal for a workbook whose parts cannot be parsed although the guard let it through."""
    return InvalidInputError(
        f"{path.name} の読み込み中にファイルの破損を見つけました ({type(exc).__name__})。",
        "Excel で開いて保存し直すか、元のファイルを再取得してください。",
    )


def _value(v: Any) -> Any:
    """One calamine value that is not a non-empty string, as openpyxl gave it."""
    t = type(v)
    if t is str:
        return None  # an empty cell
    if t is float:
        return int(v) if v.is_integer() and -_INT_LIMIT < v < _INT_LIMIT else v
    if t is _DATE:
        return _DATETIME(v.year, v.month, v.day)
    return v


def _values(row: Sequence[Any], pad: int) -> list[Any]:
    """One row of calamine values as openpyxl gave them (see the module docstring)."""
    out: list[Any] = [v if type(v) is str and v else _value(v) for v in row]  # text, the most cells, as it is
    return [None] * pad + out if pad else out


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the archive, from xl/workbook.xml and its relationships."""
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        if target:
            parts[sheet.get("name", "")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            )
    return parts


def _contains(archive: zipfile.ZipFile, part: str, needle: bytes) -> bool:
    """Whether a part holds ``needle``, streamed in chunks (a sheet part can be tens of megabytes)."""
    tail = b""
    with archive.open(part) as fh:
        while chunk := fh.read(1 << 20):
            if needle in tail + chunk[: len(needle)] or needle in chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


def _error_cells(data: bytes) -> dict[tuple[int, int], str]:
    """(row0, col0) → error code of every cell of type "e" in one sheet part."""
    out: dict[tuple[int, int], str] = {}
    for m in _CELL_RE.finditer(data):
        attrs = m.group(1)
        if _ERROR_MARK not in attrs:
            continue
        ref, value = _REF_RE.search(attrs), _VALUE_RE.search(m.group(2) or b"")
        if ref and value:
            out[(int(ref.group(2)) - 1, _col_index(ref.group(1)))] = value.group(1).decode("utf-8", "replace")
    return out


class Workbook:
    """An open workbook: sheet names in workbook order, each sheet's rows and merged ranges."""

    def __init__(self, path: Path) -> None:
        # python-calamine is loaded only where a workbook is read
        from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

        self.path = path
        try:
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                self._book = CalamineWorkbook.from_path(str(path))
            else:  # a workbook under another name (book.xls, a download without its extension): by its content
                with path.open("rb") as fh:
                    self._book = CalamineWorkbook.from_filelike(fh)
            meta = self._book.sheets_metadata
        except (CalamineError, OSError, ValueError) as exc:
            raise InvalidInputError(
                f"{path.name} を Excel ブックとして開けません ({type(exc).__name__})。ファイルは変更していません。",
                "ファイルが壊れている可能性があります。Excel で開いて .xlsx で保存し直すか、元のファイルを再取得してください。",
            ) from None
        self.sheetnames: list[str] = [m.name for m in meta]
        self._tables = {m.name for m in meta if m.typ == SheetTypeEnum.WorkSheet}
        self._visible = {m.name for m in meta if m.visible == SheetVisibleEnum.Visible}
        self._sheets: dict[str, Any] = {}
        self._parts: dict[str, str] | None = None

    def is_visible(self, name: str) -> bool:
        """Shown to the user (not hidden or very hidden)."""
        return name in self._visible

    def is_table(self, name: str) -> bool:
        """A worksheet with cells (not a chart sheet, dialog or macro sheet)."""
        return name in self._tables

    def _sheet(self, name: str) -> Any:
        from python_calamine import CalamineError

        sheet = self._sheets.get(name)
        if sheet is None:
            try:
                sheet = self._sheets[name] = self._book.get_sheet_by_name(name)
            except (CalamineError, OSError, ValueError) as exc:
                raise broken(self.path, exc) from None
        return sheet

    def rows(self, name: str) -> Iterator[list[Any]]:
        """Every row from row 1 to the last with a value; each from column A."""
        sheet = self._sheet(name)
        start = sheet.start
        if start is None:  # an empty sheet
            return
        pad = start[1]  # calamine's rows start at the first used column (but at row 1)
        errors: dict[int, list[tuple[int, str]]] = {}
        for (er, ec), code in self._errors(name).items():
            errors.setdefault(er, []).append((ec, code))
        for r, row in enumerate(sheet.iter_rows()):
            values = _values(row, pad)
            if errors and r in errors:
                for ec, code in errors[r]:
                    if ec < len(values):
                        values[ec] = code
            yield values

    def _errors(self, name: str) -> dict[tuple[int, int], str]:
        """The error cells of a sheet (calamine reads them as empty); {} for the usual sheet without any."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                if self._parts is None:
                    self._parts = _sheet_parts(archive)
                part = self._parts.get(name)
                if part is None:
                    return {}
                if not _contains(archive, part, _ERROR_MARK):
                    return {}
                data = archive.read(part)
        except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError) as exc:
            raise broken(self.path, exc) from None
        return _error_cells(data)

    def merged_ranges(self, name: str) -> list[MergedRange]:
        ranges = self._sheet(name).merged_cell_ranges or []
        return sorted({(c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in ranges})

    def close(self) -> None:
        self._sheets.clear()
        self._book.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workbook(path: Path, *, uncalculated_formulas: bool = False) -> Workbook:
    """Guard the file, then open it for reading values only (the file is never written).

    Every importer of Excel files opens them through here, so each gets the same refusals and messages.
    ``uncalculated_formulas`` as in :func:`check_workbook`.
    """
    return open_workbook_counting(path, uncalculated_formulas=uncalculated_formulas)[0]


def open_workbook_counting(path: Path, *, uncalculated_formulas: bool = False) -> tuple[Workbook, int]:
    """:func:`open_workbook`, and how many formulas without a saved result the guard let through."""
    uncalculated = check_workbook(path, uncalculated_formulas=uncalculated_formulas)
    return Workbook(path), uncalculated
