"""The workbook guard: how fast hostile files are refused, and what the guard adds to an ordinary import.

1. Every file of the hostile corpus (tests/data/hostile/make_hostile.py) is given to the spec importer;
   the time to refusal is printed as a ratio to reading the small sound control workbook.
2. A sound 30,000-row requirement workbook: the guard's own time as a ratio to reading the workbook
   (target: the guard adds under 10 %).

Run: .venv/bin/python benchmarks/bench_workbook_guard.py
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from fitgap.errors import InvalidInputError
from fitgap.importers.spec_file import read_spec_file
from fitgap.importers.workbook_guard import check_workbook

ROOT = Path(__file__).resolve().parents[1]


def _timed(fn: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _refusal(path: Path) -> Callable[[], None]:
    def run() -> None:
        try:
            read_spec_file(path)
        except InvalidInputError:
            return
        raise SystemExit(f"{path.name} was NOT refused")

    return run


def _big_workbook(path: Path, rows: int) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("機能要件")
    ws.append(["機能ID", "機能名称", "機能要件", "実装区分"])
    for i in range(rows):
        ws.append([f"001{i:04d}", f"機能{i}", f"住民記録の要件 {i}：異動届を受け付け、住民票を更新できること。" * 2,
                   "実装必須機能" if i % 3 else "標準オプション機能"])
    wb.save(path)
    return path


def main() -> None:
    spec = importlib.util.spec_from_file_location("make_hostile", ROOT / "tests" / "data" / "hostile" / "make_hostile.py")
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = maker.make_all(Path(tmp) / "hostile")
        control = corpus.pop("ordinary.xlsx")
        base = _timed(lambda: read_spec_file(control))
        print(f"reading the sound control workbook: {base * 1000:.1f} ms (= 1.0)")
        worst = 0.0
        for name, path in sorted(corpus.items()):
            t = _timed(_refusal(path))
            worst = max(worst, t / base)
            print(f"  refused {name:<28} {t * 1000:8.1f} ms  {t / base:6.2f}x")
        print(f"slowest refusal: {worst:.2f}x the control read")
        big = _big_workbook(Path(tmp) / "big.xlsx", 30_000)
        guard = _timed(lambda: check_workbook(big))
        read = _timed(lambda: read_spec_file(big), repeats=1)
        print(f"30,000-row workbook ({big.stat().st_size / 1e6:.1f} MB): read {read:.2f} s, guard {guard * 1000:.0f} ms "
              f"= {guard / read:.1%} of the read (target < 10 %)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
