"""共同利用: fitgap group compare of 8 bodies × 30,000 requirements, against a bare sqlite3 read of the same rows.

The bodies: one database made by ``fitgap init`` and ``fitgap demo --requirements N`` (20 operations), copied
8 times; each copy then has a different share of its assessments changed with sqlite3 (status flipped, a
decision changed) so that the bodies disagree on a few percent of the items, and two bodies are moved to
another version label of one operation (not compared there).

- ours: ``fitgap group compare GROUP.toml`` — every item of every body side by side (about 9 lines per item
  to stdout, captured to a file) and the figures; ``--issues-only`` is measured beside it.
- baseline: a bare script that opens the 8 files read-only with sqlite3 and fetches the same rows (current
  requirements left-joined with their assessments and systems, in (operation, kind, ID) order), printing
  only the count; in the same run, alternately.
Targets: wall time ≤ 10 s for the full listing (a group's meeting prepares it once; users wait for it),
ratio to the bare read ≤ 8 for --issues-only (the comparison's own cost beside reading; printing 270,000
lines is not the comparison), and peak memory at N requirements ≤ 1.25 × peak memory at N/10 (streamed:
memory does not grow with the bodies' size).
Run: .venv/bin/python benchmarks/bench_group.py [REQUIREMENTS [BODIES [RUNS]]]   (default 30000 8 5)
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from harness import FITGAP, PYTHON, cpu, heading, judge, med, pair, run

BARE_READ = """
import sqlite3, sys
n = 0
for path in sys.argv[1:]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    for row in con.execute('''
        SELECT r.operation_code, r.kind, r.req_id, r.kubun, r.name, coalesce(a.status, '未確認'), a.disposition,
               coalesce(a.disposition_detail, ''), s.name, coalesce(a.note, '')
        FROM requirement r
        LEFT OUTER JOIN assessment a ON a.operation_code = r.operation_code AND a.kind = r.kind AND a.req_id = r.req_id
        LEFT OUTER JOIN system s ON s.id = a.target_system_id
        WHERE r.current = 1 ORDER BY r.operation_code, r.kind, r.req_id'''):
        n += 1
    con.close()
print(n)
"""


def make_group(root: Path, requirements: int, bodies: int) -> tuple[Path, list[Path]]:
    template = root / "template.db"
    run([FITGAP, "--db", str(template), "init"])
    run([FITGAP, "--db", str(template), "demo", "--requirements", str(requirements), "--seed", "1"])
    paths = []
    lines = []
    for i in range(bodies):
        path = root / f"body{i}.db"
        shutil.copy(template, path)
        con = sqlite3.connect(path)
        with con:  # each body its own few changes: some statuses flipped, some decisions changed
            con.execute("UPDATE assessment SET status = CASE status WHEN '適合' THEN 'ギャップ' ELSE '適合' END, "
                        "disposition = NULL, disposition_detail = '' WHERE status IN ('適合', 'ギャップ') "
                        f"AND id % 53 = {i}")
            con.execute("UPDATE assessment SET disposition = '運用で対応', disposition_detail = '' "
                        f"WHERE status = 'ギャップ' AND id % 41 = {i}")
            if i >= bodies - 2:  # two bodies on another version of one operation
                con.execute("UPDATE spec_version SET label = '第9.0版' WHERE id = (SELECT max(v.id) FROM spec_version v "
                            "JOIN spec s ON s.id = v.spec_id WHERE s.operation_code = '002')")
        con.close()
        paths.append(path)
        lines.append(f'[[body]]\nname = "団体{i + 1}"\ndb = "{path.name}"\n')
    group = root / "group.toml"
    group.write_text("\n".join(lines), encoding="utf-8")
    return group, paths


def main(requirements: int = 30_000, bodies: int = 8, runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "big").mkdir()
        (root / "small").mkdir()
        group, paths = make_group(root / "big", requirements, bodies)
        small_group, _ = make_group(root / "small", max(requirements // 10, 20), bodies)
        size = sum(p.stat().st_size for p in paths) / 1048576
        heading(f"fitgap group compare: {bodies} bodies × {requirements:,} requirements ({size:,.0f} MB of databases)")
        full, bare = pair(lambda: run([FITGAP, "group", "compare", str(group)]),
                          lambda: run([PYTHON, "-c", BARE_READ, *map(str, paths)]), runs)
        issues, bare2 = pair(lambda: run([FITGAP, "group", "compare", str(group), "--issues-only"]),
                             lambda: run([PYTHON, "-c", BARE_READ, *map(str, paths)]), runs)
        out = full[0].stdout
        assert "グループ計" in out, out[-2000:]
        print(f"  listing: {len(out.splitlines()):,} lines; {out.count('［不一致'):,} group issues")
        print(f"  fitgap group compare {med(full):.2f} s wall, {cpu(full):.2f} s CPU, peak {med(full, 'peak_mb'):.0f} MB; "
              f"--issues-only {med(issues):.2f} s wall, {cpu(issues):.2f} s CPU, peak {med(issues, 'peak_mb'):.0f} MB")
        print(f"  baseline (bare sqlite3 read of the same rows) {med(bare):.2f} s wall, {cpu(bare):.2f} s CPU, "
              f"peak {med(bare, 'peak_mb'):.0f} MB; {bare[0].stdout.strip()} rows")
        judge("fitgap group compare wall time (every item listed)", med(full), 10, " s",
              detail=f"(ratio to the bare read {med(full) / med(bare):.1f}, for reference)")
        judge("ratio --issues-only / bare read", med(issues) / med(bare2), 8,
              detail=f"(CPU ratio {cpu(issues) / cpu(bare2):.1f})")
        small = [run([FITGAP, "group", "compare", str(small_group)]) for _ in range(3)]
        judge(f"peak memory {requirements:,} / {max(requirements // 10, 20):,} requirements",
              med(full, "peak_mb") / med(small, "peak_mb"), 1.25,
              detail=f"({med(full, 'peak_mb'):.0f} MB / {med(small, 'peak_mb'):.0f} MB: streamed)")


if __name__ == "__main__":
    main(*[int(x) for x in sys.argv[1:4]])
