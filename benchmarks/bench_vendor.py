"""Vendor gap sheets with 30,000 (and 100,000) demo requirements: export and import, whole processes.

- export: ``fitgap export vendor`` through the real entry point (query, view model, protected workbook
  with validations, conditional formatting, hidden keys and metadata) against a bare script in its own
  process, with no fitgap code: one sqlite3 query of the same rows (assessments joined on their whole key,
  as fitgap joins them) and an xlsxwriter constant_memory write of the same cells (one sheet per
  operation, no styles); each export overwrites the previous run's file (``--force``). Targets: time ratio ≤ 1.5 at 30,000; peak
  memory within 2x of the bare script's at 30,000 and at 100,000.
- import: ``fitgap import vendor --dry-run`` of a workbook with 30,000 answers (every row read, checked
  and matched by key) against a bare python-calamine read of all its sheets in its own process (target
  ≤ 2.0); the full import (one transaction inserting 30,000 answers) is printed too.
Medians of 5 runs, ours and the baseline alternately.
Run: .venv/bin/python benchmarks/bench_vendor.py [N [BIG]]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from harness import FITGAP, PYTHON, cpu, heading, judge, med, pair, run

if TYPE_CHECKING:
    from fitgap.storage.db import Database

# No fitgap, SQLAlchemy or SQLModel at module level: a child process's peak RSS (wait4) includes the pages
# of the parent it was forked from, so this process must stay small while the exports are measured, or
# every figure gets the parent's ~55 MB as its floor. They are imported for the import part only.

BARE_EXPORT = """
import sqlite3, sys
import xlsxwriter
con = sqlite3.connect(sys.argv[1])
rows = con.execute(
    "SELECT r.operation_code, r.req_id, r.kubun, r.name, r.text, coalesce(a.status, '未確認'), "
    "coalesce(a.note, ''), r.text_hash FROM requirement r JOIN operation o ON o.code = r.operation_code "
    "LEFT JOIN assessment a ON a.operation_code = r.operation_code AND a.kind = r.kind AND a.req_id = r.req_id "
    "WHERE r.current ORDER BY o.\\"order\\", r.req_id")
wb = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
ws, code, n = None, None, 0
for op, *values, th in rows:
    if op != code:
        ws, code, n = wb.add_worksheet(op), op, 2
    for c, v in enumerate(values):
        ws.write_string(n, c, v or "")
    ws.write_string(n, 10, f"{op}|{values[0]}|{th}")
    n += 1
wb.close()
"""

BARE_READ = """
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
n = sum(1 for name in wb.sheet_names for _row in wb.get_sheet_by_name(name).iter_rows())
print(n)
"""


def answer_everything(db: Database, vendor: str) -> None:
    """Give the vendor an answer for every item so that a re-export carries 30,000 filled-in rows."""
    from fitgap.domain.enums import VendorAnswerKind
    from fitgap.storage import sheet_items, vendors

    kinds = list(VendorAnswerKind)
    with db.write() as s:
        v = vendors.get_or_create_vendor(session=s, name=vendor)
        rows = sheet_items.sheet_items(session=s, operation_codes=[f"{i:03d}" for i in range(1, 29)], scope="all")
        vendors.insert_answers(session=s, rows=[{
            "vendor_id": v.id, "operation_code": r.operation_code, "req_id": r.req_id, "answer": kinds[i % 5].value,
            "planned_date": date(2027, 1 + i % 12, 1) if i % 3 == 0 else None,
            "cost_kyen": float(i % 700) if i % 2 else None, "comment": f"回答 {i}", "export_id": None,
            "text_hash": r.text_hash, "received_at": datetime.now(UTC), "superseded": False,
        } for i, r in enumerate(rows)])


def _demo(path: Path, n: int) -> None:
    run([FITGAP, "--db", str(path), "demo", "--requirements", str(n), "--seed", "1"])


def main(n: int = 30_000, big: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        dbs = {n: root / "bench.db", big: root / "big.db"}
        for size, path in dbs.items():
            _demo(path, size)
        heading(f"fitgap export vendor of {n:,} items")
        db = str(dbs[n])
        ours, bare = pair(lambda: run([FITGAP, "--db", db, "export", "vendor", "--vendor", "A社", "-o",
                                       str(root / "ours.xlsx"), "--force"]),
                          lambda: run([PYTHON, "-c", BARE_EXPORT, db, str(root / "bare.xlsx")]))
        print(f"  fitgap {med(ours):.2f} s wall, {cpu(ours):.2f} s CPU, {med(ours, 'peak_mb'):.0f} MB; bare "
              f"sqlite3 + xlsxwriter constant_memory {med(bare):.2f} s wall, {cpu(bare):.2f} s CPU, "
              f"{med(bare, 'peak_mb'):.0f} MB")
        judge("time ratio", med(ours) / med(bare), 1.5, detail=f"(CPU ratio {cpu(ours) / cpu(bare):.2f})")
        judge(f"peak memory ratio at {n:,}", med(ours, "peak_mb") / med(bare, "peak_mb"), 2.0)
        db_big = str(dbs[big])
        ours_b, bare_b = pair(lambda: run([FITGAP, "--db", db_big, "export", "vendor", "--vendor", "A社", "-o",
                                           str(root / "ours_big.xlsx"), "--force"]),
                              lambda: run([PYTHON, "-c", BARE_EXPORT, db_big, str(root / "bare_big.xlsx")]), runs=3)
        print(f"  {big:,} items: fitgap {med(ours_b, 'peak_mb'):.0f} MB ({med(ours_b):.2f} s), bare "
              f"{med(bare_b, 'peak_mb'):.0f} MB ({med(bare_b):.2f} s); growth from {n:,}: fitgap "
              f"{med(ours_b, 'peak_mb') - med(ours, 'peak_mb'):+.0f} MB, bare "
              f"{med(bare_b, 'peak_mb') - med(bare, 'peak_mb'):+.0f} MB")
        judge(f"peak memory ratio at {big:,}", med(ours_b, "peak_mb") / med(bare_b, "peak_mb"), 2.0)

        heading(f"fitgap import vendor of {n:,} answers")
        import sqlalchemy as sa

        from fitgap.config import sqlite_url
        from fitgap.domain.models import VendorAnswer
        from fitgap.services.database import open_db

        url = sqlite_url(dbs[n])
        handle = open_db(url=url)
        answer_everything(handle, "B社")
        handle.dispose()
        filled = root / "answered.xlsx"
        run([FITGAP, "--db", db, "export", "vendor", "--vendor", "B社", "-o", str(filled)])
        handle = open_db(url=url)
        with handle.write() as s:  # the answers now live only in the workbook
            s.execute(sa.delete(VendorAnswer.__table__))  # type: ignore[attr-defined]
        handle.dispose()
        ours_r, bare_r = pair(lambda: run([FITGAP, "--db", db, "import", "vendor", str(filled), "--dry-run"]),
                              lambda: run([PYTHON, "-c", BARE_READ, str(filled)]))
        print(f"  fitgap import vendor --dry-run {med(ours_r):.2f} s wall, {cpu(ours_r):.2f} s CPU; bare "
              f"python-calamine read {med(bare_r):.2f} s wall, {cpu(bare_r):.2f} s CPU")
        judge("read-and-check ratio", med(ours_r) / med(bare_r), 2.0, detail=f"(CPU ratio {cpu(ours_r) / cpu(bare_r):.2f})")
        shutil.copy(dbs[n], root / "before_import.db")
        full = run([FITGAP, "--db", db, "import", "vendor", str(filled)])
        print(f"  the full import (one transaction, {n:,} answers): {full.wall_s:.2f} s wall, {full.cpu_s:.2f} s CPU")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
