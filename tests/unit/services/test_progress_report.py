"""The monthly progress report: one row per system and operation, the latest figure up to the month, the same
values in the workbook and in the CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fitgap.services import progress
from fitgap.services.catalog import init_database
from fitgap.storage.db import Database
from tests.conftest import CliResult

TODAY = date(2026, 3, 10)


@pytest.fixture
def body(db: Database) -> Database:
    init_database(url=db.url, user="tester", municipality="田原本町")
    progress.set_system_progress(db=db, user="u", system="住民記録システム", steps=30, today=TODAY, month="2026-01")
    progress.set_system_progress(db=db, user="u", system="住民記録システム", steps=34, today=TODAY, month="2026-03",
                                 delay_reason="=帳票の確認待ち")
    progress.set_system_progress(db=db, user="u", system="戸籍附票システム", steps=40, today=TODAY, month="2026-02")
    return db


def test_each_system_shows_its_latest_figure_up_to_the_month(body: Database) -> None:
    rows = {r.system: r for r in progress.monthly_report(db=body, today=TODAY).rows}
    juki = rows["住民記録システム"]
    assert (juki.operation_code, juki.steps, juki.state, juki.entered_month, juki.delay_reason) == (
        "001", 34, "作業中", "2026-03", "=帳票の確認待ち")
    assert (rows["戸籍附票システム"].steps, rows["戸籍附票システム"].state) == (40, "完了")
    assert rows["印鑑登録システム"].state == "未入力" and rows["印鑑登録システム"].steps is None
    february = {r.system: r for r in progress.monthly_report(db=body, today=TODAY, month="2026-02").rows}
    assert (february["住民記録システム"].steps, february["住民記録システム"].entered_month) == (30, "2026-01")


def test_the_workbook_and_the_csv_hold_the_same_rows(body: Database, tmp_path: Path) -> None:
    report, paths = progress.write_monthly_report(db=body, today=TODAY, output=tmp_path / "p")
    assert [p.name for p in paths] == ["p.xlsx", "p.csv"]
    with paths[1].open(encoding="utf-8-sig", newline="") as fh:
        from_csv = list(csv.reader(fh))
    ws = openpyxl.load_workbook(paths[0])["進捗"]
    from_xlsx = [["" if v is None else (v.date().isoformat() if hasattr(v, "date") else str(v)) for v in row]
                 for row in ws.iter_rows(values_only=True)]
    assert from_csv[0] == from_xlsx[0][:10] and len(from_csv) == len(report.rows) + 1
    juki = next(r for r in from_csv if r[2] == "住民記録システム")
    assert juki[:7] == ["001", "住民基本台帳", "住民記録システム", "34", "85%", "作業中", "2026-03"]
    assert juki[9] == "'=帳票の確認待ち"  # text a spreadsheet would evaluate stays text
    assert next(r for r in from_xlsx if r[2] == "住民記録システム")[:7] == juki[:7]
    assert ws["J1"].value == "遅延の理由" and any(c.value == "=帳票の確認待ち" and c.data_type == "s"
                                                  for row in ws.iter_rows() for c in row)


def test_the_cli_writes_both_files(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    assert cli("init", "--municipality", "札幌市").code == 0
    r = cli("report", "progress", "-o", str(tmp_path))
    assert r.code == 0 and "progress_2026-11.xlsx" in r.out and "progress_2026-11.csv" in r.out
    assert "未入力" in r.out
    again = cli("report", "progress", "-o", str(tmp_path / "progress_2026-11.csv"), "--format", "csv")
    assert again.code != 0 and "すでにあります" in again.err
