"""`fitgap report readiness` (xlsx + html) on 30,000 demo requirements, whole processes.

- ours: ``fitgap --db DB report readiness --format both`` through the real entry point (start-up, the
  figures of every operation, verdicts, blocking items, the schedule, every current vendor answer, the
  workbook with its charts and print setup, the HTML page);
- the target's reference: ``fitgap --db DB export vendor --scope all`` of the same 30,000 items, also a
  whole process (target: the report takes ≤ 1.0× the vendor sheet export);
- bare baseline (no fitgap code, for reference): a script in its own process that computes the
  per-operation counts with one sqlite3 query, lists the current vendor answers with another, and writes
  both into an xlsxwriter workbook and a plain HTML table.
The database gets a vendor answer for every gap (planned dates around the deadline) so that the report's
vendor and blocking parts are full. Medians of 5 runs, the three alternately.
Run: .venv/bin/python benchmarks/bench_report.py [N]
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from harness import FITGAP, PYTHON, RUNS, Run, cpu, heading, judge, med, run

from fitgap.config import sqlite_url
from fitgap.domain.enums import Status, VendorAnswerKind
from fitgap.domain.models import Assessment, Vendor, VendorAnswer
from fitgap.services.database import open_db

TODAY = "2025-11-23"
VENDOR = "ベンチマークベンダ"

BARE = """
import html, sqlite3, sys
import xlsxwriter
con = sqlite3.connect(sys.argv[1])
ops = con.execute(
    "SELECT o.code, o.name, count(r.id), sum(a.status IS NOT NULL AND a.status != '未確認'), "
    "sum(a.status = '適合'), sum(a.status = 'ギャップ'), sum(a.status = 'ギャップ' AND r.kubun = '実装必須機能'), "
    "sum(a.status = '適合' AND r.kubun = '実装不可機能'), sum(a.needs_review) "
    "FROM operation o LEFT JOIN requirement r ON r.operation_code = o.code AND r.current "
    "LEFT JOIN assessment a ON a.operation_code = r.operation_code AND a.kind = r.kind AND a.req_id = r.req_id "
    "GROUP BY o.code ORDER BY o.\\"order\\"").fetchall()
answers = con.execute(
    "SELECT va.operation_code, va.req_id, r.name, va.answer, coalesce(va.planned_date, ''), va.comment "
    "FROM vendor_answer va JOIN requirement r ON r.operation_code = va.operation_code AND r.kind = va.kind "
    "AND r.req_id = va.req_id AND r.current WHERE NOT va.superseded ORDER BY va.operation_code, va.req_id").fetchall()
wb = xlsxwriter.Workbook(sys.argv[2] + ".xlsx", {"constant_memory": True})
for title, rows in (("概要", ops), ("ベンダ回答", answers)):
    ws = wb.add_worksheet(title)
    for n, row in enumerate(rows):
        for c, v in enumerate(row):
            ws.write(n, c, v)
wb.close()
with open(sys.argv[2] + ".html", "w", encoding="utf-8") as fh:
    for rows in (ops, answers):
        fh.write("<table>")
        fh.writelines("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
        fh.write("</table>")
"""


def _add_vendor_answers(url: str) -> int:
    """One answer per gap from a benchmark vendor (a realistic mix of kinds and dates); setup, not timed."""
    rng = random.Random(11)
    a = Assessment.__table__  # type: ignore[attr-defined]
    db = open_db(url=url)
    try:
        with db.write() as session:
            vendor = Vendor(name=VENDOR)
            session.add(vendor)
            session.flush()
            gaps = session.execute(sa.select(a.c.operation_code, a.c.kind, a.c.req_id)
                                   .where(a.c.status == Status.GAP.value)).all()
            kinds = list(VendorAnswerKind)
            rows = [
                {"vendor_id": vendor.id, "operation_code": code, "kind": kind, "req_id": rid,
                 "answer": rng.choice(kinds), "comment": "ベンチマーク用の回答。",
                 "planned_date": date(2026, 3, 31) + timedelta(days=rng.randint(-200, 200))
                 if rng.random() < 0.8 else None,
                 "received_at": datetime(2025, 11, 1, tzinfo=UTC), "superseded": False}
                for code, kind, rid in gaps
            ]
            session.execute(sa.insert(VendorAnswer.__table__), rows)  # type: ignore[attr-defined]
    finally:
        db.dispose()
    return len(rows)


def main(n: int = 30_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = str(root / "bench.db")
        env = {"FITGAP_TODAY": TODAY, "FITGAP_USER": "bench", "FITGAP_EXPORTS": str(root / "exports")}
        run([FITGAP, "--db", db, "demo", "--requirements", str(n), "--seed", "7"], env=env)
        answers = _add_vendor_answers(sqlite_url(db))
        heading(f"fitgap report readiness (xlsx + html) of {n:,} requirements, {answers:,} vendor answers")
        ours: list[Run] = []
        vendor: list[Run] = []
        bare: list[Run] = []
        for i in range(RUNS):  # the three alternately, so that a busy machine slows them alike
            ours.append(run([FITGAP, "--db", db, "report", "readiness", "--format", "both",
                             "-o", str(root / f"report_{i}.xlsx")], env=env))
            vendor.append(run([FITGAP, "--db", db, "export", "vendor", "--vendor", VENDOR, "--scope", "all",
                               "-o", str(root / f"vendor_{i}.xlsx")], env=env))
            bare.append(run([PYTHON, "-c", BARE, db, str(root / f"bare_{i}")]))
        sizes = {p.suffix: p.stat().st_size for p in root.glob("report_0.*")}
        print(f"  fitgap report readiness {med(ours):.2f} s wall, {cpu(ours):.2f} s CPU, "
              f"{med(ours, 'peak_mb'):.0f} MB (xlsx {sizes.get('.xlsx', 0) / 1024:.0f} KiB, "
              f"html {sizes.get('.html', 0) / 1024:.0f} KiB)")
        print(f"  fitgap export vendor --scope all {med(vendor):.2f} s wall, {cpu(vendor):.2f} s CPU")
        print(f"  bare sqlite3 + xlsxwriter + HTML table {med(bare):.2f} s wall, {cpu(bare):.2f} s CPU "
              f"(ratio of the report to it {med(ours) / med(bare):.1f}; for reference)")
        judge("ratio report / vendor sheet export", med(ours) / med(vendor), 1.0,
              detail=f"(CPU ratio {cpu(ours) / cpu(vendor):.2f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30_000)
