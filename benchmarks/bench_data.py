"""データ要件: fitgap data import of a 5,000-item list and fitgap data profile of a 1,000,000-row extract.

- import: ``fitgap --db DB data import BOOK.xlsx`` (tests.data_books.many_items: 5,000 items over 20 group sheets
  and 50 code lists, in the 項目定義書 layout) on a fresh copy of a database made by ``fitgap init``; the
  baseline is a bare script that reads every sheet of the same workbook with python-calamine (as fitgap
  does) and inserts nothing. Target: ≤ 5 s wall (a list is imported once per version; users wait for it).
  The ratio to the bare read is printed for reference only: at 5,000 rows it is mostly fitgap's start-up
  (SQLAlchemy, the schema check), which ``fitgap data status`` in the same run shows.
- profile: ``fitgap --db DB data profile EXTRACT.csv`` of a UTF-8 extract with 10 columns matched to items of
  the generated 印鑑登録 list (X IDs, Ｎ names with some half-width spaces and 外字候補, DATE with some bad
  dates, a coded 9, 9V, X codes; a few percent of empties), against a bare script that reads the same file
  with the csv module and counts its rows, in the same run. Targets: ratio ≤ 4 (each value goes through
  up to 8 checks; most run in C per batch), and peak memory at N rows ≤ 1.25 × peak memory at N/10 rows
  (the extract is streamed: memory does not grow with it).
Run: .venv/bin/python benchmarks/bench_data.py [ROWS [ITEMS [RUNS]]]   (default 1000000 5000 5)
"""

from __future__ import annotations

import csv
import random
import shutil
import sys
import tempfile
from pathlib import Path

import python_calamine  # noqa: F401  (required: the import baseline reads with it, as fitgap does)
from harness import FITGAP, PYTHON, cpu, heading, judge, med, pair, run

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.data_books import many_items, sample_book, write_book

BARE_READ_BOOK = """
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
n = sum(len(wb.get_sheet_by_name(s).to_python()) for s in wb.sheet_names)
print(n)
"""

BARE_READ_CSV = """
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as fh:
    n = sum(1 for _ in csv.reader(fh))
print(n)
"""

HEADER = ["00200001", "00200002", "氏名", "登録年月日", "登録状態", "手数料", "00200008", "00200102", "交付方法", "性別"]
SURNAMES = ["山田", "佐藤", "鈴木", "髙橋", "田中", "渡邊", "伊藤", "山本", "中村", "小林", "𠮷田", "斎藤"]
GIVEN = ["太郎", "花子", "一郎", "美咲", "健太", "さくら", "翔", "陽菜", "\ue000子", "大輔"]


def write_extract(path: Path, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        batch = []
        for n in range(rows):
            sep = " " if n % 50 == 0 else "　"
            date = f"{1930 + n % 90:04d}-{1 + n % 12:02d}-{1 + n % 28:02d}" if n % 200 else "2023-02-30"
            batch.append((f"{n:015d}", f"{rnd.randrange(10**14):015d}",
                          f"{rnd.choice(SURNAMES)}{sep}{rnd.choice(GIVEN)}" if n % 40 else "",
                          date, str(1 + n % 3 if n % 500 else 9), f"{rnd.randrange(100000)}.{n % 100:02d}",
                          "131016" if n % 1000 else "1310160", date, str(1 + n % 3), str(n % 3)))
            if len(batch) == 10_000:
                w.writerows(batch)
                batch = []
        w.writerows(batch)


def main(rows: int = 1_000_000, items: int = 5000, runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        template = root / "template.db"
        run([FITGAP, "--db", str(template), "init"])
        work = root / "work.db"

        def fresh() -> str:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work}{suffix}").unlink(missing_ok=True)
            shutil.copy(template, work)
            return str(work)

        # ---- import of a large list
        book = write_book(many_items(items), root / "many.xlsx")
        heading(f"fitgap data import of a {items:,}-item 基本データリスト")
        a, b = pair(lambda: run([FITGAP, "--db", fresh(), "data", "import", str(book)]),
                    lambda: run([PYTHON, "-c", BARE_READ_BOOK, str(book)]), runs)
        print(f"  fitgap data import {med(a):.2f} s wall, {cpu(a):.2f} s CPU, peak {med(a, 'peak_mb'):.0f} MB; "
              f"baseline (python-calamine read of every sheet) {med(b):.2f} s wall, {cpu(b):.2f} s CPU")
        start = [run([FITGAP, "--db", str(template), "data", "status"]) for _ in range(3)]
        judge("fitgap data import wall time", med(a), 5, " s",
              detail=f"(ratio to the bare read {med(a) / med(b):.1f}, CPU ratio {cpu(a) / cpu(b):.1f}, for reference; "
              f"start-up alone (fitgap data status) {med(start):.2f} s wall, {cpu(start):.2f} s CPU)")

        # ---- profiling an extract
        db = fresh()
        run([FITGAP, "--db", db, "data", "import", str(write_book(sample_book(), root / "inkan.xlsx"))])
        big, small = root / "extract.csv", root / "extract_small.csv"
        write_extract(big, rows)
        write_extract(small, max(rows // 10, 1))
        size = big.stat().st_size / 1048576
        heading(f"fitgap data profile of a {rows:,}-row extract ({len(HEADER)} columns, {size:,.0f} MB, UTF-8)")
        a, b = pair(lambda: run([FITGAP, "--db", db, "data", "profile", str(big), "--operation", "002"]),
                    lambda: run([PYTHON, "-c", BARE_READ_CSV, str(big)]), runs)
        assert f"{rows:,} 行" in a[0].stdout, a[0].stdout[:500]
        print(f"  fitgap data profile {med(a):.2f} s wall, {cpu(a):.2f} s CPU, peak {med(a, 'peak_mb'):.0f} MB; "
              f"baseline (csv-module read) {med(b):.2f} s wall, {cpu(b):.2f} s CPU, peak {med(b, 'peak_mb'):.0f} MB")
        print(f"  throughput {rows / med(a):,.0f} rows/s ({rows * len(HEADER) / med(a):,.0f} values/s)")
        judge("ratio fitgap / baseline", med(a) / med(b), 4, detail=f"(CPU ratio {cpu(a) / cpu(b):.2f})")
        s = [run([FITGAP, "--db", db, "data", "profile", str(small), "--operation", "002"]) for _ in range(3)]
        judge(f"peak memory {rows:,} rows / {max(rows // 10, 1):,} rows", med(a, "peak_mb") / med(s, "peak_mb"), 1.25,
              detail=f"({med(a, 'peak_mb'):.0f} MB / {med(s, 'peak_mb'):.0f} MB: streamed)")


if __name__ == "__main__":
    args = [int(x) for x in sys.argv[1:4]]
    main(*args)
