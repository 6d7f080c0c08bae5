"""Bulk loading of 30,000 demo requirements: ``fitgap demo`` as a whole process against a bare sqlite3 load.

- ours: ``fitgap --db DB demo --requirements N --seed 1`` through the real entry point on a database made
  by ``fitgap init`` beforehand (a fresh copy for each run): start-up, generating the requirement lists,
  text hashes, assessments and the demo inventory, and writing them in one transaction with their audit
  events;
- baseline: a bare script (no fitgap code) in its own process that inserts exactly the rows that run
  added, table by table, with sqlite3 executemany in one transaction into a fresh copy of the same
  database; it gets its rows ready-made (read from a pickle, which is timed).
Target: ratio ≤ 2.0. Medians of 5 runs, ours and the baseline alternately.
Run: .venv/bin/python benchmarks/bench_load.py [N]
"""

from __future__ import annotations

import pickle
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from harness import FITGAP, PYTHON, cpu, heading, judge, med, pair, run

BARE = """
import pickle, sqlite3, sys
with open(sys.argv[1], "rb") as fh:
    tables = pickle.load(fh)
con = sqlite3.connect(sys.argv[2])
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=NORMAL")
with con:
    for name, (cols, rows) in tables.items():
        con.executemany(f'INSERT INTO "{name}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})', rows)
"""


def added_rows(before: Path, after: Path) -> dict[str, tuple[list[str], list[tuple[object, ...]]]]:
    """Per table, the rows ``after`` has beyond ``before`` (by rowid; the search index tables excluded)."""
    old = sqlite3.connect(before)
    new = sqlite3.connect(after)
    out = {}
    for (name,) in new.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%' "
                               "AND name NOT LIKE 'requirement_fts%' AND name NOT LIKE 'requirement_chars%'"):
        last = old.execute(f'SELECT coalesce(max(rowid), 0) FROM "{name}"').fetchone()[0]
        cur = new.execute(f'SELECT * FROM "{name}" WHERE rowid > ?', (last,))
        rows = cur.fetchall()
        if rows:
            out[name] = ([f'"{d[0]}"' for d in cur.description], rows)
    old.close()
    new.close()
    return out


def main(n: int = 30_000) -> None:
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

        demo = [FITGAP, "--db", str(work), "demo", "--requirements", str(n), "--seed", "1"]
        fresh()
        run(demo)  # once, to know the rows the baseline inserts
        tables = added_rows(template, work)
        rows = root / "rows.pickle"
        rows.write_bytes(pickle.dumps(tables))
        counts = ", ".join(f"{name} {len(r):,}" for name, (_, r) in tables.items())

        def ours():  # type: ignore[no-untyped-def]
            fresh()
            return run(demo)

        def bare():  # type: ignore[no-untyped-def]
            return run([PYTHON, "-c", BARE, str(rows), fresh()])

        heading(f"fitgap demo --requirements {n:,} (rows added: {counts})")
        a, b = pair(ours, bare)
        print(f"  fitgap demo {med(a):.2f} s wall, {cpu(a):.2f} s CPU; bare sqlite3 executemany of the same rows "
              f"{med(b):.2f} s wall, {cpu(b):.2f} s CPU")
        judge("ratio fitgap / baseline", med(a) / med(b), 2.0, detail=f"(CPU ratio {cpu(a) / cpu(b):.2f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30_000)
