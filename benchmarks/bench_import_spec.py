"""import-spec of a generated 30,000-row official-style workbook, as a ratio to the bare minimum.

Baseline, measured in the same run: reading the same workbook with the fastest reader available
(python-calamine if installed, else openpyxl read-only, values only) plus a bare sqlite3 executemany of
the same rows into the same schema. fitgap's time is the whole `import_spec` service call: header
detection, merged cells, ID/class normalisation, validation, version diff, the transaction, audit.

Targets: ratio ≤ 1.5, peak memory (RSS of a separate process doing only the import) ≤ 300 MB.
Run: .venv/bin/python benchmarks/bench_import_spec.py [ROWS]
"""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter

from fitgap.config import sqlite_url
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.services.specs_import import import_spec

CODES = ("006", "005", "007", "008", "009")  # 選挙人名簿管理 and its sub-codes: room for 30,000 7-digit IDs
KUBUN = ("実装必須機能", "標準オプション機能", "実装不可機能", "【経過措置】標準オプション機能")
COLS = ["spec_version_id", "operation_code", "current", "req_id", "kind", "kubun", "transitional",
        "category", "name", "text", "text_hash", "source_file", "source_sheet", "source_row"]


def write_workbook(path: Path, rows: int, *, revised: bool = False) -> None:
    """Official style: title and legend rows, a two-row header with merged cells, merged 大分類 blocks."""
    wb = xlsxwriter.Workbook(str(path))
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


def fastest_rows(path: Path) -> Iterator[tuple[object, ...]]:
    try:
        from python_calamine import CalamineWorkbook  # type: ignore[import-not-found]
    except ImportError:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            yield from wb["機能要件"].iter_rows(min_row=6, values_only=True)
        finally:
            wb.close()
        return
    yield from (tuple(r) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_name("機能要件").to_python()[5:])


def reader_name() -> str:
    try:
        import python_calamine  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return "openpyxl read-only"
    return "python-calamine"


def baseline(path: Path, db_file: Path) -> tuple[float, float]:
    init_database(url=sqlite_url(db_file), user="bench")
    con = sqlite3.connect(db_file)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    t0, c0 = time.perf_counter(), time.process_time()
    params = [(1, "006", True, str(v[0]), "機能", v[5], False, "", v[3], v[4], "", path.name, "機能要件", i)
              for i, v in enumerate(fastest_rows(path), 6)]
    with con:
        spec_id = con.execute("INSERT INTO spec (operation_code, title) VALUES ('006', 'x') RETURNING id").fetchone()[0]
        vid = con.execute("INSERT INTO spec_version (spec_id, label, seq, imported_at, demo, bundled) "
                          "VALUES (?, 'bench', 1, ?, 0, 0) RETURNING id",
                          (spec_id, datetime.now(UTC).isoformat())).fetchone()[0]
        con.executemany(f"INSERT INTO requirement ({', '.join(COLS)}) VALUES ({', '.join('?' * len(COLS))})",
                        [(vid, *p[1:]) for p in params])
    elapsed = (time.perf_counter() - t0, time.process_time() - c0)
    con.close()
    return elapsed


def ours(path: Path, db_file: Path, *, label: str = "第9.0版") -> tuple[float, float]:
    url = sqlite_url(db_file)
    if not db_file.exists():
        init_database(url=url, user="bench")
    db = open_db(url=url)
    t0, c0 = time.perf_counter(), time.process_time()
    rep = import_spec(db=db, path=path, user="bench", version=label)
    elapsed = (time.perf_counter() - t0, time.process_time() - c0)
    db.dispose()
    assert rep.written and not rep.problems, rep.problems[:3]
    return elapsed


def assess_all(db_file: Path) -> None:
    con = sqlite3.connect(db_file)
    with con:
        con.execute("INSERT INTO assessment (operation_code, kind, req_id, status, note, needs_review, archived, revision) "
                    "SELECT operation_code, kind, req_id, '適合', '', 0, 0, 0 FROM requirement "
                    "WHERE operation_code = '006' AND current = 1")
    con.close()


def child(path: str, db_file: str) -> None:
    """Only the import, in a fresh process: its peak RSS is the import's memory footprint."""
    ours(Path(path), Path(db_file))
    status = Path("/proc/self/status")
    if status.exists():  # VmHWM: this process image's peak RSS (ru_maxrss can carry the parent's over exec)
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
        print(int(line.split()[1]) / 1024)
        return
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024)


def main(rows: int = 30_000, repeats: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "senkyo_v9.0.xlsx"
        write_workbook(book, rows)
        base_t, ours_t = [], []
        for i in range(repeats):
            base_t.append(baseline(book, Path(tmp) / f"base{i}.db"))
            ours_t.append(ours(book, Path(tmp) / f"ours{i}.db"))
        # a revised version on top of the first, with every requirement assessed: diff and carry-over included
        revised = Path(tmp) / "senkyo_v9.1.xlsx"
        write_workbook(revised, rows, revised=True)
        assess_all(Path(tmp) / "ours0.db")
        revised_t = ours(revised, Path(tmp) / "ours0.db", label="第9.1版")
        mem = subprocess.run([sys.executable, __file__, "--child", str(book), str(Path(tmp) / "mem.db")],
                             capture_output=True, text=True, check=True).stdout.strip()
    (bw, bc), (ow, oc) = (min(t[0] for t in base_t), min(t[1] for t in base_t)), (
        min(t[0] for t in ours_t), min(t[1] for t in ours_t))
    print(f"import-spec of {rows} rows (best of {repeats}): fitgap {ow:.2f} s wall / {oc:.2f} s CPU; baseline "
          f"({reader_name()} + bare sqlite3 executemany) {bw:.2f} s wall / {bc:.2f} s CPU")
    print(f"ratio fitgap / baseline = {ow / bw:.2f} wall, {oc / bc:.2f} CPU  (target ≤ 1.5)")
    print(f"revised version over {rows} assessed requirements: fitgap {revised_t[0]:.2f} s wall, "
          f"ratio to the same baseline = {revised_t[0] / bw:.2f} wall, {revised_t[1] / bc:.2f} CPU")
    print(f"peak memory of the import process: {float(mem):.0f} MB  (target ≤ 300 MB)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 30_000)
