"""Vendor gap sheets with 30,000 demo requirements: export and import, as ratios to bare library calls.

- export: fitgap's whole export (query, view model, protected workbook with validations, conditional
  formatting, hidden keys and metadata) ÷ a bare xlsxwriter constant_memory write of the same cells
  (one sheet per operation, the same values, no styles). Target ≤ 1.5.
- import: reading a workbook with 30,000 answers (every row checked and matched by key) ÷ a bare openpyxl
  read_only, values_only read of all sheets of the same file. Target ≤ 2.0. The full service import
  (checks against the database and one transaction inserting 30,000 answers) is printed too.
Both sides run in the same process on the same data; the best of ``repeats`` runs counts.
Run: .venv/bin/python benchmarks/bench_vendor.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import sqlalchemy as sa
import xlsxwriter

from fitgap.config import sqlite_url
from fitgap.domain.enums import VendorAnswerKind
from fitgap.domain.models import VendorAnswer
from fitgap.importers.vendor_sheet import read_vendor_sheet
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.services.demo import generate_demo
from fitgap.services.vendors import export_vendor_sheet, import_vendor_sheet
from fitgap.storage import sheet_items, vendors
from fitgap.storage.db import Database


def best_of_pair(ours: Callable[[], object], bare: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Best time of each, run alternately so that a busy machine slows both alike."""
    t_ours, t_bare = [], []
    for _ in range(repeats):
        for fn, times in ((ours, t_ours), (bare, t_bare)):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return min(t_ours), min(t_bare)


def bare_xlsxwriter(db: Database, path: Path) -> None:
    """The same cells with nothing else: ID, class, name, text, status, note, 4 empty answers, key."""
    with db.read() as s:
        rows = sheet_items.sheet_items(session=s, operation_codes=[f"{i:03d}" for i in range(1, 29)], scope="all")
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheets: dict[str, object] = {}
    counters: dict[str, int] = {}
    for r in rows:
        ws = sheets.get(r.operation_code)
        if ws is None:
            ws = sheets[r.operation_code] = wb.add_worksheet(r.operation_code)
            counters[r.operation_code] = 2
        n = counters[r.operation_code]
        for c, v in enumerate((r.req_id, r.kubun.value, r.name, r.text, r.status.value, r.note)):
            ws.write_string(n, c, v)  # type: ignore[attr-defined]
        ws.write_string(n, 10, f"{r.operation_code}|{r.kind.value}|{r.req_id}|{r.text_hash}")  # type: ignore[attr-defined]
        counters[r.operation_code] = n + 1
    wb.close()


def bare_read(path: Path) -> int:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            n += 1
    wb.close()
    return n


def answer_everything(db: Database, vendor: str) -> None:
    """Give the vendor an answer for every item so that a re-export carries 30,000 filled-in rows."""
    kinds = list(VendorAnswerKind)
    with db.write() as s:
        v = vendors.get_or_create_vendor(session=s, name=vendor)
        rows = sheet_items.sheet_items(session=s, operation_codes=[f"{i:03d}" for i in range(1, 29)], scope="all")
        vendors.insert_answers(session=s, rows=[{
            "vendor_id": v.id, "operation_code": r.operation_code, "kind": r.kind.value, "req_id": r.req_id,
            "answer": kinds[i % 5].value,
            "planned_date": date(2027, 1 + i % 12, 1) if i % 3 == 0 else None,
            "cost_kyen": float(i % 700) if i % 2 else None, "comment": f"回答 {i}", "export_id": None,
            "text_hash": r.text_hash, "received_at": datetime.now(UTC), "superseded": False,
        } for i, r in enumerate(rows)])


def main(n: int = 30_000, repeats: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url = sqlite_url(root / "bench.db")
        init_database(url=url, user="bench")
        db = open_db(url=url)
        generate_demo(db=db, total=n, seed=1, user="bench")

        ours, bare = best_of_pair(
            lambda: export_vendor_sheet(db=db, user="bench", vendor="A社", exports_dir=root / "out",
                                        path=root / "ours.xlsx"),
            lambda: bare_xlsxwriter(db, root / "bare.xlsx"), repeats)
        print(f"export {n:,} items: fitgap {ours:.2f} s, bare xlsxwriter constant_memory {bare:.2f} s, "
              f"ratio {ours / bare:.2f} (target ≤ 1.5)")

        answer_everything(db, "B社")
        filled = export_vendor_sheet(db=db, user="bench", vendor="B社", exports_dir=root / "out",
                                     path=root / "answered.xlsx").path
        with db.write() as s:  # the answers now live only in the workbook
            s.execute(sa.delete(VendorAnswer.__table__))  # type: ignore[attr-defined]
        result = read_vendor_sheet(filled)
        assert len(result.answers) == n and not result.problems, (len(result.answers), result.problems[:3])
        ours_r, bare_r = best_of_pair(lambda: read_vendor_sheet(filled), lambda: bare_read(filled), repeats)
        print(f"import {n:,} answers (read and check): fitgap {ours_r:.2f} s, bare openpyxl read_only {bare_r:.2f} s, "
              f"ratio {ours_r / bare_r:.2f} (target ≤ 2.0)")
        t0 = time.perf_counter()
        rep = import_vendor_sheet(db=db, user="bench", path=filled, report_dir=root / "out")
        full = time.perf_counter() - t0
        assert rep.applied == n, rep.applied
        t0 = time.perf_counter()
        again = import_vendor_sheet(db=db, user="bench", path=filled, report_dir=root / "out")
        second = time.perf_counter() - t0
        assert again.applied == 0 and again.unchanged == n
        print(f"import {n:,} answers into the database (one transaction): {full:.2f} s, ratio {full / bare_r:.2f}; "
              f"the same file again (nothing changes): {second:.2f} s")
        db.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30_000)
