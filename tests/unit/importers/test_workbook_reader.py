"""The calamine reader gives the importers what openpyxl gave them: the same rows, the same database.

Every workbook the importer tests build can also be compared reader against reader with
FITGAP_COMPARE_READERS=1 (tests/conftest.py); here a corpus of the kinds fitgap reads is compared always.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from fitgap.config import sqlite_url
from fitgap.domain.answer_sheet import H_ANSWER, H_COMMENT, H_COST, H_PLANNED
from fitgap.errors import InvalidInputError
from fitgap.importers import answer_workbook, spec_excel
from fitgap.importers.workbook_reader import open_workbook
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.services.demo import generate_demo
from fitgap.services.specs_import import import_spec
from fitgap.services.vendors import export_vendor_sheet, import_vendor_sheet
from tests.answer_books import data_sheet, edit_book, set_answer
from tests.conftest import dump_database
from tests.openpyxl_workbook import open_openpyxl_workbook, open_openpyxl_workbook_counting, trimmed
from tests.spec_books import V2_FUNCTIONS, write_official_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from bench_import_spec import write_workbook as write_bench_workbook

# columns that hold the wall clock or a random id: the only ones two imports may differ in
VOLATILE = ("imported_at", "at", "set_at", "assessed_at", "updated_at", "created_at", "received_at", "batch",
            "export_id", "value")


def _odd_cells(path: Path) -> Path:
    """Data far from A1, dates with and without a time, times, durations, floats, booleans, errors."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "値"
    ws["C5"] = "右下から始まる表"
    ws["D7"], ws["E7"], ws["F7"] = 1.5, datetime(2026, 12, 25), datetime(2026, 12, 25, 10, 30)
    ws["D8"], ws["F8"], ws["G8"], ws["H8"] = True, time(10, 30), 1500, timedelta(hours=30)
    ws["C9"], ws["D9"], ws["E9"] = "#N/A", "#DIV/0!", "=1+1"
    ws["C10"], ws["D10"] = "全角　空白と\n改行", -0.25
    ws.merge_cells("C12:E13")
    ws["C12"] = "結合"
    wb.create_sheet("空")
    wb.save(path)
    return path


def _vendor_book(tmp_path: Path) -> Path:
    from fitgap.reports.answer_workbook import write_book
    from tests.answer_books import sample_vendor_data

    exported = write_book(sample_vendor_data(), tmp_path / "vendor.xlsx")

    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        set_answer(ws, "0010001", **{H_ANSWER: "標準で対応", H_COMMENT: "#NAME?"})
        set_answer(ws, "0010002", **{H_ANSWER: "期限後対応", H_PLANNED: datetime(2027, 3, 31), H_COST: 1200.5})

    return edit_book(exported, tmp_path / "back.xlsx", edit)


CORPUS: dict[str, Callable[[Path], Path]] = {
    "official_v1": lambda d: write_official_workbook(d / "v1.xlsx"),
    "official_v2": lambda d: write_official_workbook(d / "v2.xlsx", functions=V2_FUNCTIONS, label="第2.0版"),
    "generated_xlsxwriter": lambda d: (write_bench_workbook(d / "gen.xlsx", 300), d / "gen.xlsx")[1],
    "odd_cells": lambda d: _odd_cells(d / "odd.xlsx"),
    "vendor_answers": _vendor_book,
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_same_rows_and_merged_ranges_as_openpyxl(name: str, tmp_path: Path) -> None:
    path = CORPUS[name](tmp_path)
    with open_workbook(path, uncalculated_formulas=True) as fast, \
            open_openpyxl_workbook(path, uncalculated_formulas=True) as ref:
        assert fast.sheetnames == ref.sheetnames
        for sheet in fast.sheetnames:
            assert fast.is_table(sheet) == ref.is_table(sheet)
            assert trimmed(fast.rows(sheet)) == trimmed(ref.rows(sheet)), sheet
            assert fast.merged_ranges(sheet) == ref.merged_ranges(sheet), sheet


def test_values_are_typed_as_the_row_logic_expects(tmp_path: Path) -> None:
    with open_workbook(_odd_cells(tmp_path / "odd.xlsx"), uncalculated_formulas=True) as wb:
        rows = list(wb.rows("値"))
        assert list(wb.rows("空")) == []
        assert wb.merged_ranges("値") == [(3, 12, 5, 13)]
    assert len(rows) == 12 and rows[4][:3] == [None, None, "右下から始まる表"]
    assert rows[6][3:6] == [1.5, datetime(2026, 12, 25), datetime(2026, 12, 25, 10, 30)]
    assert type(rows[6][4]) is datetime
    assert rows[7][3:8] == [True, None, time(10, 30), 1500, timedelta(hours=30)] and type(rows[7][6]) is int
    assert rows[8][2:5] == ["#N/A", "#DIV/0!", None]  # error codes kept; a formula never calculated is empty
    assert rows[9][2:4] == ["全角　空白と\n改行", -0.25]


def _import_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                      run: Callable[[Any], None], prepare: Callable[[Any], None] | None = None,
                      ) -> dict[str, list[tuple[Any, ...]]]:
    """``run`` on two identical databases, once per reader; the two files must hold the same rows."""
    first = tmp_path / "calamine.db"
    init_database(url=sqlite_url(first), user="tester")
    if prepare is not None:
        db = open_db(url=sqlite_url(first))
        prepare(db)
        db.dispose()
    second = tmp_path / "openpyxl.db"
    shutil.copy(first, second)
    db = open_db(url=sqlite_url(first))
    run(db)
    db.dispose()
    with monkeypatch.context() as m:
        m.setattr(spec_excel, "open_workbook", open_openpyxl_workbook)
        m.setattr(answer_workbook, "open_workbook_counting", open_openpyxl_workbook_counting)
        db = open_db(url=sqlite_url(second))
        run(db)
        db.dispose()
    fast, ref = dump_database(first, skip_columns=VOLATILE), dump_database(second, skip_columns=VOLATILE)
    assert fast == ref
    return fast


def test_spec_imports_leave_the_same_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    v1 = write_official_workbook(tmp_path / "住民記録_第1.0版.xlsx")
    v2 = write_official_workbook(tmp_path / "住民記録_第2.0版.xlsx", functions=V2_FUNCTIONS, label="第2.0版")
    gen = tmp_path / "選挙_第9.0版.xlsx"
    write_bench_workbook(gen, 2_000)

    def run(db: Any) -> None:
        import_spec(db=db, path=v1, user="tester", version="第3.0版")
        import_spec(db=db, path=v2, user="tester", version="第4.0版")  # a revision: 要再確認, archived items
        import_spec(db=db, path=gen, user="tester")

    dump = _import_both_ways(monkeypatch, tmp_path, run)
    assert len(dump["requirement"]) > 2_000 and len(dump["spec_version"]) >= 3


def test_vendor_answers_leave_the_same_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    holder: dict[str, Path] = {}

    def prepare(db: Any) -> None:
        generate_demo(db=db, total=80, seed=7, user="tester")
        res = export_vendor_sheet(db=db, user="tester", vendor="A社", exports_dir=tmp_path / "exports",
                                  operation_keys=["001"])
        with db.read() as session:
            ids = sorted(session.execute(sa.text(
                "SELECT req_id FROM requirement WHERE operation_code = '001' AND current")).scalars())[:3]

        def edit(wb: Any) -> None:
            ws = data_sheet(wb, "001")
            set_answer(ws, ids[0], **{H_ANSWER: "標準で対応", H_COST: 12})
            set_answer(ws, ids[1], **{H_ANSWER: "期限後対応", H_PLANNED: datetime(2027, 6, 30), H_COST: 99.5})
            set_answer(ws, ids[2], **{H_ANSWER: "対応不可", H_COMMENT: "#N/A"})

        holder["book"] = edit_book(res.path, tmp_path / "back.xlsx", edit)

    def run(db: Any) -> None:
        import_vendor_sheet(db=db, user="tester", path=holder["book"], report_dir=tmp_path / "reports")

    dump = _import_both_ways(monkeypatch, tmp_path, run, prepare)
    assert len(dump["vendor_answer"]) == 2  # the third, with an error value, is a problem in both


def test_a_damaged_sheet_is_refused_cleanly(tmp_path: Path) -> None:
    import zipfile

    good = write_official_workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet4.xml":
                data = data.replace(b"</sheetData>", b"<row><c r=")  # cut inside a tag
            dst.writestr(info, data)
    with pytest.raises(InvalidInputError) as err:
        spec_excel.read_spec_excel(bad)
    assert "bad.xlsx" in err.value.message


def test_reading_never_writes_the_file(tmp_path: Path) -> None:
    path = write_official_workbook(tmp_path / "v1.xlsx")
    before = path.read_bytes()
    spec_excel.read_spec_excel(path)
    assert path.read_bytes() == before
