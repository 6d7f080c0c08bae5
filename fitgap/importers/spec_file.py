"""Reading a requirement list file of any accepted kind (.xlsx/.xlsm/.csv/.tsv/.txt)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fitgap.errors import InvalidInputError
from fitgap.importers.mapping_profile import PROFILE_HINT, MappingProfile
from fitgap.importers.spec_csv import read_spec_csv
from fitgap.importers.spec_excel import read_spec_excel
from fitgap.importers.spec_result import SpecParseResult
from fitgap.importers.workbook_guard import format_suffix

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


class NoRequirementsFoundError(InvalidInputError):
    """No sheet of the file has a recognisable requirement header."""


def read_spec_file(
    path: Path,
    *,
    profile: MappingProfile | None = None,
    id_digits: int = 7,
    progress: Callable[[int], None] | None = None,
) -> SpecParseResult:
    """Parse a requirement list into requirements, problems and skipped sheets. Never writes anything.

    Raises InvalidInputError when the file cannot be read at all, and NoRequirementsFoundError (listing
    the headers of each sheet) when no sheet looks like a requirement list.
    """
    suffix = format_suffix(path)
    if suffix in EXCEL_SUFFIXES:
        result, headers = read_spec_excel(path, profile=profile, id_digits=id_digits, progress=progress)
    elif suffix in CSV_SUFFIXES:
        result, headers = read_spec_csv(path, profile=profile, id_digits=id_digits, progress=progress)
    elif suffix == ".xls":
        raise InvalidInputError(
            f"{path.name} は古い Excel 形式 (.xls) です。",
            "Excel で開いて「Excel ブック (*.xlsx)」として保存し直してください。",
        )
    else:
        raise InvalidInputError(
            f"{path.name}: 読み込めるのは .xlsx / .xlsm / .csv です。",
            "要件一覧の Excel ブックか CSV を指定してください。",
        )
    if not result.sheets_read and not result.problems:
        raise NoRequirementsFoundError(_nothing_found(path, result, headers), PROFILE_HINT)
    return result


def _nothing_found(path: Path, result: SpecParseResult, headers: dict[str, tuple[str, ...]]) -> str:
    lines = [f"{path.name} に要件一覧のシートが見つかりません。各シートの見出し:"]
    for sheet in result.skipped_sheets:
        found = headers.get(sheet.name, sheet.headers)
        shown = "、".join(found) if found else f"({sheet.reason})"
        lines.append(f"  {sheet.name}: {shown}")
    lines.append("機能ID (帳票ID・要件ID) と 機能要件 (要件・機能名称) の列が必要です。")
    return "\n".join(lines)
