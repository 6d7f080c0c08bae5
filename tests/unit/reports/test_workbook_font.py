"""Every workbook fitgap writes is in one font, Arial 10 (reports.workbook_font), never openpyxl's Calibri.

The demo database writes each kind of workbook through the CLI (readiness, vendor, review, 改修, systems,
独自機能 inventory and its vendor variant, データ項目 for vendors, audit log, spec-diff) and a problem report;
each is opened again: no cell's font is Calibri (every font named is Arial), and neither the styles nor the
theme (which a chart's text follows) name Calibri.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from fitgap.cli.main import main
from fitgap.config import sqlite_url
from fitgap.domain.answer_sheet import SheetProblem
from fitgap.domain.spec_diff import SpecDiff
from fitgap.reports.problem_report import write_problem_report
from fitgap.reports.spec_diff import DiffSheetData, write_spec_diff_workbook
from fitgap.reports.workbook_font import FONT_NAME

KINDS = ("readiness", "vendor", "review", "changes", "systems", "inventory", "custom_vendor", "data_vendor",
         "audit", "problems", "spec_diff")


def _run(url: str, *args: str) -> None:
    assert main(["--db", url, *args]) == 0, f"fitgap {' '.join(args)} failed"


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    folder = tmp_path_factory.mktemp("fonts")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FITGAP_USER", "tester")
        mp.setenv("FITGAP_EXPORTS", str(folder / "exports"))
        for var in ("FITGAP_DB", "FITGAP_DATABASE_URL"):
            mp.delenv(var, raising=False)
        url = sqlite_url(folder / "demo.db")
        out = {kind: folder / f"{kind}.xlsx" for kind in KINDS}
        _run(url, "demo", "--requirements", "200", "--seed", "5")
        _run(url, "report", "readiness", "-o", str(out["readiness"]))
        _run(url, "export", "vendor", "--vendor", "V", "--operation", "001", "-o", str(out["vendor"]))
        _run(url, "export", "review", "--operation", "001", "-o", str(out["review"]))
        _run(url, "systems", "changes-export", "-o", str(out["changes"]))
        _run(url, "systems", "export", "-o", str(out["systems"]))
        _run(url, "custom", "export", "--operation", "001", "-o", str(out["inventory"]))
        _run(url, "custom", "export", "--vendor", "V", "--operation", "001", "-o", str(out["custom_vendor"]))
        _run(url, "data", "export", "vendor", "--vendor", "V", "-o", str(out["data_vendor"]))
        _run(url, "audit", "-o", str(out["audit"]))
        yield out


def test_every_workbook_is_in_arial(books: dict[str, Path], tmp_path: Path) -> None:
    books = {**books, "problems": write_problem_report(
        [SheetProblem(sheet="001", row=3, key="0010001", message="問題", hint="直してください")],
        tmp_path / "problems.xlsx", source="vendor.xlsx")}
    books["spec_diff"] = write_spec_diff_workbook(
        DiffSheetData(operation="001", from_label="第1.0版", to_label="第2.0版", diff=SpecDiff()),
        tmp_path / "spec_diff.xlsx")
    for kind in KINDS:
        path = books[kind]
        with zipfile.ZipFile(path) as z:
            for part in ("xl/styles.xml", "xl/theme/theme1.xml"):
                if part in z.namelist():
                    assert b"Calibri" not in z.read(part), f"{kind}: {part} names Calibri"
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    name = cell.font.name if cell.font is not None else None
                    assert name == FONT_NAME, f"{kind} {ws.title}!{cell.coordinate}: {name} {cell.font.sz}"
