"""Reading requirement lists saved as CSV: UTF-8 (with or without BOM) or Shift_JIS (CP932)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from fitgap.errors import InvalidInputError
from fitgap.importers.limits import csv_rows, read_input_bytes
from fitgap.importers.mapping_profile import MappingProfile
from fitgap.importers.spec_header import Row
from fitgap.importers.spec_result import SkippedSheet, SpecParseResult
from fitgap.importers.spec_sheet import SheetReader

_NO_FILL: frozenset[int] = frozenset()


def decode_csv_bytes(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not) first, then CP932 (Excel's 'CSV' on Japanese Windows)."""
    if b"\x00" in data[:4096]:
        raise InvalidInputError(
            f"{name} はテキストの CSV ではありません (UTF-16 またはバイナリ)。",
            "Excel で「CSV UTF-8 (コンマ区切り)」か「CSV (コンマ区切り)」で保存し直してください。",
        )
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInputError(
        f"{name} の文字コードを判別できません (UTF-8 でも Shift_JIS でもありません)。",
        "Excel で「CSV UTF-8 (コンマ区切り)」として保存し直してください。",
    )


def _rows(text: str, name: str) -> Iterator[Row]:
    sample = text[:8192]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    for row_no, values in enumerate(csv_rows(text, name=name, delimiter=delimiter), 1):
        yield row_no, values, _NO_FILL


def read_spec_csv(
    path: Path,
    *,
    profile: MappingProfile | None = None,
    id_digits: int = 7,
    progress: Callable[[int], None] | None = None,
) -> tuple[SpecParseResult, dict[str, tuple[str, ...]]]:
    """Read a CSV requirement list as one sheet named after the file."""
    data = read_input_bytes(path)  # refused by its size before it is read
    text = decode_csv_bytes(data, path.name)
    result = SpecParseResult(source_file=path.name)
    sheet = path.stem
    mapping = profile.for_sheet(sheet) if profile else None
    seen: dict[str, tuple[str, ...]] = {}
    if profile is not None and mapping is None:
        result.skipped_sheets.append(SkippedSheet(sheet, "プロファイルの対象外 (CSV には sheet = \"*\" を指定)"))
        return result, seen
    reader = SheetReader(result, path.name, id_digits=profile.id_digits if profile else id_digits, progress=progress)
    try:
        headers = reader.read(sheet, _rows(text, path.name), mapping)
    except csv.Error as exc:
        raise InvalidInputError(
            f"{path.name} を CSV として読めません ({exc})。", "引用符 (\") の対応が崩れていないか確かめてください。"
        ) from None
    if headers is not None:
        seen[sheet] = headers
    return result, seen
