"""Bulk loading of 30,000 demo requirements, as a ratio to a bare sqlite3 executemany of the same rows.

fitgap's time includes turning the records into rows (text hashes); the baseline gets its tuples ready-made.

Target: ratio ≤ 2.0. Both are measured in the same run on fresh databases with the same schema.
Run: .venv/bin/python benchmarks/bench_load.py [N]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from fitgap.config import sqlite_url
from fitgap.domain.records import SpecVersionInfo
from fitgap.domain.text import text_hash
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.services.demo import demo_records
from fitgap.storage import specs


def main(n: int = 30_000, repeats: int = 3) -> None:
    codes = [f"{i:03d}" for i in (27, 28, 1, 4, 2, 6, 12, 10, 11, 13, 3, 17, 19, 20, 21, 22, 23, 24, 25, 26)]
    records = demo_records(total=n, seed=1, operation_codes=codes)
    ours, bare = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            url = sqlite_url(Path(tmp) / "a.db")
            init_database(url=url, user="bench")
            db = open_db(url=url)
            t0 = time.perf_counter()
            with db.write() as session:
                for code, recs in records.items():
                    spec = specs.get_or_create_spec(session=session, operation_code=code, title=code)
                    v = specs.add_version(session=session, spec=spec, info=SpecVersionInfo(code, "bench"),
                                          imported_at=datetime.now(UTC), imported_by="bench")
                    specs.insert_records(session=session, records=recs, spec_version_id=v.id or 0,
                                         operation_code=code)
            ours.append(time.perf_counter() - t0)
            db.dispose()

            # baseline: the same rows through a bare sqlite3 executemany into the same schema
            url2 = Path(tmp) / "b.db"
            init_database(url=sqlite_url(url2), user="bench")
            con = sqlite3.connect(url2)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            cols = ["spec_version_id", "operation_code", "current", "req_id", "kind", "kubun", "transitional",
                    "category", "name", "text", "text_hash", "source_file", "source_sheet", "source_row"]
            prepared = {
                code: [(0, code, True, r.req_id, r.kind.value, r.kubun.value, r.transitional, r.category, r.name,
                        r.text, text_hash(r.text), r.source_file, r.source_sheet, r.source_row) for r in recs]
                for code, recs in records.items()
            }
            t0 = time.perf_counter()
            with con:
                for code in records:
                    cur = con.execute(
                        "INSERT INTO spec (operation_code, title) VALUES (?, ?) "
                        "ON CONFLICT(operation_code) DO UPDATE SET title=excluded.title RETURNING id", (code, code))
                    spec_id = cur.fetchone()[0]
                    vid = con.execute(
                        "INSERT INTO spec_version (spec_id, label, seq, imported_at, demo, bundled) "
                        "VALUES (?, 'bench', 99, ?, 0, 0) RETURNING id", (spec_id, datetime.now(UTC).isoformat()),
                    ).fetchone()[0]
                    con.executemany(
                        f"INSERT INTO requirement ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        [(vid, *row[1:]) for row in prepared[code]],
                    )
            bare.append(time.perf_counter() - t0)
            con.close()
    o, b = min(ours), min(bare)
    print(f"bulk load of {n} requirements: fitgap {o:.3f} s, bare sqlite3 executemany {b:.3f} s")
    print(f"ratio fitgap / bare = {o / b:.2f}  (target ≤ 2.0)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30_000)
