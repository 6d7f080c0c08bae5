"""8 concurrent writers marking items, on SQLite and on PostgreSQL: throughput, longest wait, no lost updates.

Each writer is a separate process that, until the time is up, picks 5 items of the same operation at
random, reads them as a screen would (with their revisions) and saves a new note for them with
``update_items(expected_revisions=…)``. Items a colleague changed in between come back as conflicts and
are not written. Figures: saves per second, items changed per second, conflicts, the median and the
longest time one save took (the longest wait in the writers' queue), and the ratio of the 8-writer
throughput to a single writer's measured in the same run. Afterwards every item's revision must equal the
number of saves that changed it: nothing lost.

Run: .venv/bin/python benchmarks/bench_concurrency.py [--seconds 30] [--writers 8]
PostgreSQL is measured when FITGAP_BENCH_POSTGRES_URL or FITGAP_TEST_POSTGRES_URL names a server
(e.g. postgresql+psycopg://fitgap@127.0.0.1:5432/postgres); a fresh database is created and dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from fitgap.config import sqlite_url
from fitgap.services import items
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.services.demo import generate_demo

OPERATION = "001"
POOL = 200
BATCH = 5

WORKER = """
import json, random, sys, time
from fitgap.services import assessment, items
from fitgap.services.database import open_db
url, who, seconds, pool, operation, batch = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
db = open_db(url=url)
keys = items.item_keys(db=db, flt=items.ItemFilter(operation_code=operation))[:pool]
rng = random.Random(who)
changed, conflicts, waits, saves, n = {}, 0, [], 0, 0
print("ready", flush=True)
start_at = float(sys.stdin.readline())
while time.time() < start_at:
    time.sleep(0.001)
end = start_at + seconds
while time.time() < end:
    picked = rng.sample(keys, batch)
    seen = {k: items.get_item(db=db, key=k).revision for k in picked}
    n += 1
    t0 = time.perf_counter()
    res = assessment.update_items(db=db, user=who, keys=picked, note=f"{who}-{n}", expected_revisions=seen)
    waits.append(time.perf_counter() - t0)
    saves += 1
    for k in res.changed:
        changed[str(k)] = changed.get(str(k), 0) + 1
    conflicts += len(res.conflicts)
db.dispose()
print(json.dumps({"changed": changed, "conflicts": conflicts, "waits": waits, "saves": saves}))
"""


def _revisions(url: str) -> dict[str, int]:
    db = open_db(url=url)
    try:
        flt = items.ItemFilter(operation_code=OPERATION)
        return {str(r.key): r.revision for r in items.list_items(db=db, flt=flt, offset=0, limit=100_000)}
    finally:
        db.dispose()


def run(url: str, *, writers: int, seconds: float) -> dict[str, float]:
    before = _revisions(url)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, f"writer{i}", str(seconds), str(POOL),
                               OPERATION, str(BATCH)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i in range(writers)]
    for p in procs:  # every process has imported fitgap and connected before the clock starts
        assert p.stdout is not None and p.stdout.readline() == b"ready\n", "a writer failed to start"
    start_at = time.time() + 0.5
    for p in procs:
        assert p.stdin is not None
        p.stdin.write(f"{start_at}\n".encode())
        p.stdin.close()
    results = []
    for p in procs:
        assert p.stdout is not None and p.stderr is not None
        out, err = p.stdout.read(), p.stderr.read()  # read to the end first: a full pipe would block the writer
        p.wait(timeout=120)
        if p.returncode != 0:
            raise SystemExit(f"a writer failed:\n{err.decode()}")
        results.append(json.loads(out))
    after = _revisions(url)
    changed: Counter[str] = Counter()
    for r in results:
        changed.update(r["changed"])
    lost = [k for k in after if after[k] != before.get(k, 0) + changed.get(k, 0)]
    if lost:
        raise SystemExit(f"LOST UPDATES on {len(lost)} items, e.g. {lost[:5]}")
    waits = [w for r in results for w in r["waits"]]
    saves = sum(r["saves"] for r in results)
    return {
        "saves_per_s": saves / seconds,
        "items_per_s": sum(changed.values()) / seconds,
        "conflicts": sum(r["conflicts"] for r in results),
        "median_ms": statistics.median(waits) * 1000,
        "longest_ms": max(waits) * 1000,
        "saves": saves,
    }


def _prepare(url: str) -> None:
    init_database(url=url, user="bench")
    db = open_db(url=url)
    try:
        generate_demo(db=db, total=3000, seed=1, user="bench")
    finally:
        db.dispose()


@contextmanager
def _sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield sqlite_url(Path(tmp) / "bench.db")


@contextmanager
def _postgres(server: str) -> Iterator[str]:
    name = f"fitgap_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
    try:
        yield sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _line(label: str, r: dict[str, float]) -> str:
    return (f"  {label:<12} {r['saves_per_s']:8.1f} saves/s {r['items_per_s']:8.1f} items/s "
            f"{int(r['conflicts']):6d} conflicts  median {r['median_ms']:7.1f} ms  longest wait {r['longest_ms']:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the writers run (default 30)")
    parser.add_argument("--writers", type=int, default=8)
    args = parser.parse_args()
    baseline_s = max(3.0, args.seconds / 3)
    backends: list[tuple[str, object]] = [("SQLite", _sqlite())]
    server = os.environ.get("FITGAP_BENCH_POSTGRES_URL") or os.environ.get("FITGAP_TEST_POSTGRES_URL")
    if server:
        backends.append(("PostgreSQL", _postgres(server)))
    else:
        print("PostgreSQL: skipped (set FITGAP_BENCH_POSTGRES_URL or FITGAP_TEST_POSTGRES_URL)")
    for label, ctx in backends:
        with ctx as url:  # type: ignore[attr-defined]
            _prepare(url)
            one = run(url, writers=1, seconds=baseline_s)
            many = run(url, writers=args.writers, seconds=args.seconds)
        print(f"{label}: {args.writers} writers for {args.seconds:.0f} s, 1 writer for {baseline_s:.0f} s; "
              f"{POOL} items of operation {OPERATION}, {BATCH} per save; no lost updates")
        print(_line("1 writer", one))
        print(_line(f"{args.writers} writers", many))
        print(f"  ratio {args.writers} writers / 1 writer: {many['saves_per_s'] / one['saves_per_s']:.2f}x saves/s, "
              f"longest wait {many['longest_ms'] / max(one['longest_ms'], 1e-9):.1f}x")


if __name__ == "__main__":
    main()
