"""fitgap import-spec of a generated official-style workbook, whole process, against a bare baseline.

- ours: ``fitgap --db DB import-spec BOOK.xlsx`` through the real entry point on a database made by
  ``fitgap init`` beforehand (a fresh copy for each run): start-up, the guard, reading (python-calamine),
  header detection, merged cells, ID/class normalisation, validation, the version diff, the transaction
  and its audit events;
- baseline: a bare script (no fitgap code) in its own process that reads the same sheet with
  python-calamine and inserts the same rows into the same table with one sqlite3 executemany.
Targets: ratio ≤ 1.5 at 30,000 rows; the import's peak memory at 100,000 rows ≤ 300 MB.
Run: .venv/bin/python benchmarks/bench_import_spec.py [ROWS]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import python_calamine  # noqa: F401  (required: the baseline reads with it, as fitgap does)
import xlsxwriter
from harness import FITGAP, PYTHON, cpu, heading, judge, med, pair, run

CODES = ("006", "005", "007", "008", "009")  # 選挙人名簿管理 and its sub-codes: room for 30,000 7-digit IDs
KUBUN = ("実装必須機能", "標準オプション機能", "実装不可機能", "【経過措置】標準オプション機能")

BARE = """
import sqlite3, sys
from datetime import datetime, UTC
from python_calamine import CalamineWorkbook
book, db = sys.argv[1], sys.argv[2]
rows = CalamineWorkbook.from_path(book).get_sheet_by_name("機能要件").to_python()[5:]
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=NORMAL")
cols = ["spec_version_id", "operation_code", "current", "req_id", "kind", "kubun", "transitional", "category",
        "name", "text", "text_hash", "reason", "remarks", "doc_order", "id_sort", "source_file", "source_sheet",
        "source_row"]
with con:
    spec = con.execute("INSERT INTO spec (operation_code, title) VALUES ('006', 'x') RETURNING id").fetchone()[0]
    vid = con.execute("INSERT INTO spec_version (spec_id, label, seq, imported_at, demo, bundled) "
                      "VALUES (?, 'bench', 1, ?, 0, 0) RETURNING id", (spec, datetime.now(UTC).isoformat())).fetchone()[0]
    con.executemany(f"INSERT INTO requirement ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [(vid, "006", True, str(v[0]), "機能", v[5], False, "", v[3], v[4], "", v[6], v[7] if len(v) > 7 else "",
                      i, str(v[0]), "book.xlsx", "機能要件", i) for i, v in enumerate(rows, 6)])
"""


def write_workbook(path: Path, rows: int, *, revised: bool = False) -> None:
    """Official style: title and legend rows, a two-row header with merged cells, merged 大分類 blocks."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.add_worksheet("表紙").write(2, 1, "選挙人名簿管理システム標準仕様書 機能・帳票要件一覧 第9.0版")
    ws = wb.add_worksheet("機能要件")
    ws.write(0, 0, "■機能要件一覧")
    ws.write(1, 0, "※実装区分：実装必須機能／標準オプション機能／実装不可機能")
    for col, title in enumerate(["機能ID", None, None, "機能名称", "機能要件", "実装区分", "要件の考え方・理由", "備考"]):
        if title:
            ws.merge_range(3, col, 4, col, title)
    ws.merge_range(3, 1, 3, 2, "分類")
    ws.write(4, 1, "大分類")
    ws.write(4, 2, "中分類")
    per_code = -(-rows // len(CODES))
    r = 5
    for n in range(rows):
        code, serial = CODES[n // per_code], n % per_code + 1
        if n % 50 == 0:
            ws.merge_range(r, 1, r + min(49, rows - n - 1), 1, f"大分類{n // 50}") if rows - n > 1 else ws.write(
                r, 1, f"大分類{n // 50}")
        ws.write_number(r, 0, int(f"{code}{serial:04d}"))  # a number: Excel dropped the leading zeros
        ws.write(r, 2, f"中分類{n // 10}")
        ws.write(r, 3, f"機能{n}")
        extra = "（一括で）" if revised and n % 10 == 0 else ""  # the revision changes every 10th text
        ws.write(r, 4, f"選挙人名簿について、項目{n}を{extra}管理できること。\n※登録・修正・削除の履歴を保持すること。")
        ws.write(r, 5, KUBUN[(n + (1 if revised and n % 25 == 0 else 0)) % len(KUBUN)])
        ws.write(r, 6, "法令に基づくため。")
        r += 1
    wb.close()


def main(rows: int = 30_000, big: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        book = root / "senkyo_第9.0版.xlsx"
        write_workbook(book, rows)
        template = root / "template.db"
        run([FITGAP, "--db", str(template), "init"])
        work = root / "work.db"

        def fresh() -> str:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work}{suffix}").unlink(missing_ok=True)
            shutil.copy(template, work)
            return str(work)

        def ours():  # type: ignore[no-untyped-def]
            db = fresh()
            return run([FITGAP, "--db", db, "import-spec", str(book)])

        def bare():  # type: ignore[no-untyped-def]
            db = fresh()
            return run([PYTHON, "-c", BARE, str(book), db])

        heading(f"fitgap import-spec of a {rows:,}-row workbook")
        a, b = pair(ours, bare)
        print(f"  fitgap import-spec {med(a):.2f} s wall, {cpu(a):.2f} s CPU; baseline (python-calamine read + "
              f"sqlite3 executemany) {med(b):.2f} s wall, {cpu(b):.2f} s CPU")
        judge("ratio fitgap / baseline", med(a) / med(b), 1.5, detail=f"(CPU ratio {cpu(a) / cpu(b):.2f})")

        # a revised version over the first, every requirement assessed: diff and carry-over included
        revised = root / "senkyo_第9.1版.xlsx"
        write_workbook(revised, rows, revised=True)
        db = fresh()
        run([FITGAP, "--db", db, "import-spec", str(book)])
        import sqlite3

        con = sqlite3.connect(db)
        with con:
            con.execute("INSERT INTO assessment (operation_code, kind, req_id, status, note, needs_review, archived, revision) "
                        "SELECT operation_code, kind, req_id, '適合', '', 0, 0, 0 FROM requirement "
                        "WHERE operation_code = '006' AND current = 1")
        con.close()
        shutil.copy(db, root / "assessed.db")
        times = []
        for _ in range(5):
            shutil.copy(root / "assessed.db", db)
            times.append(run([FITGAP, "--db", db, "import-spec", str(revised)]).wall_s)
        times.sort()
        print(f"  revised version over {rows:,} assessed requirements: {times[2]:.2f} s "
              f"(ratio to the baseline {times[2] / med(b):.2f}; for reference)")

        large = root / "senkyo_第9.5版.xlsx"
        write_workbook(large, big)
        peaks = []
        for _ in range(3):
            db = fresh()
            peaks.append(run([FITGAP, "--db", db, "import-spec", str(large)]).peak_mb)
        peaks.sort()
        judge(f"peak memory of fitgap import-spec, {big:,} rows", peaks[1], 300, " MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30_000)
