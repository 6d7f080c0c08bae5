"""Start-up of the commands users run, whole processes through the real entry point.

- ``fitgap --version`` (target ≤ 0.15 s) and ``fitgap --help``, next to ``python -c 'import sqlite3'``;
- ``fitgap status`` on 30,000 demo requirements (target ≤ 0.5 s), next to a bare sqlite3 script that
  computes the same per-operation counts (no fitgap code).
Run: .venv/bin/python benchmarks/bench_start.py [N]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from harness import FITGAP, PYTHON, cpu, heading, judge, med, pair, run

BARE_STATUS = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
rows = con.execute(
    "SELECT o.code, o.name, count(r.id), sum(a.status IS NOT NULL AND a.status != '未確認'), "
    "sum(a.status = 'ギャップ'), sum(a.status = 'ギャップ' AND r.kubun = '実装必須機能'), "
    "sum(a.needs_review) FROM operation o LEFT JOIN requirement r ON r.operation_code = o.code AND r.current "
    "LEFT JOIN assessment a ON a.operation_code = r.operation_code AND a.kind = r.kind AND a.req_id = r.req_id "
    "GROUP BY o.code ORDER BY o.\\"order\\"").fetchall()
for row in rows:
    print(*row)
"""


def main(n: int = 30_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        run([FITGAP, "--db", db, "demo", "--requirements", str(n), "--seed", "1"])
        heading(f"fitgap start-up ({n:,} demo requirements)")
        ok = True
        ours, bare = pair(lambda: run([FITGAP, "--version"]), lambda: run([PYTHON, "-c", "import sqlite3"]))
        ok &= judge("fitgap --version", med(ours), 0.15, " s",
                    detail=f"(CPU {cpu(ours):.2f} s; python -c 'import sqlite3' {med(bare):.3f} s, ratio "
                    f"{med(ours) / med(bare):.1f})")
        ours, bare = pair(lambda: run([FITGAP, "--help"]), lambda: run([PYTHON, "-c", "import sqlite3"]))
        print(f"  fitgap --help: {med(ours):.2f} s, CPU {cpu(ours):.2f} s (python -c 'import sqlite3' {med(bare):.3f} s)")
        ours, bare = pair(lambda: run([FITGAP, "--db", db, "status"]), lambda: run([PYTHON, "-c", BARE_STATUS, db]))
        ok &= judge(f"fitgap status on {n:,}", med(ours), 0.5, " s",
                    detail=f"(CPU {cpu(ours):.2f} s; bare sqlite3 aggregate script {med(bare):.3f} s, ratio "
                    f"{med(ours) / med(bare):.1f})")
    print(f"  all targets {'met' if ok else 'NOT MET'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30_000)
