"""The 独自機能 screen: 5,000 current functions mapped against 30,000 requirements.

Targets (issue 17: "the screen stays as fast as the requirement list, same ratio targets"):
- opening the screen, moving and marking (o: 標準外 on/off, a write and a redraw) cost the same with
  5,000 functions over 30,000 requirements as with 50 over 300 (ratio large / small ≤ 1.5, same run);
- at the large size, each action costs no more than the same action on the requirement list of the same
  database (ratio 独自機能 / requirement list ≤ 1.5, same run).

Each measurement runs in its own process (`--child …`) through the real app (FitGapApp with Pilot), as
bench_tui does; the cost of an action is the CPU time of the process from the key until the screen is
redrawn (Pilot's idle waiting for frames is not work of the app), median of REPEATS. Wall times are
printed for reference.
Run: .venv/bin/python benchmarks/bench_custom.py [SMALL_REQ SMALL_FN LARGE_REQ LARGE_FN]
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from app_clock import Clock, bench_app
from harness import judge

REPEATS = 7
SIZE = (120, 36)
RATIO_TARGET = 1.5


def child_session(db_path: str, which: str) -> dict[str, float]:
    """Open the screen (custom or requirements), move, mark; CPU and wall medians."""
    import asyncio

    from fitgap.tui.screens.custom import CustomScreen

    app = bench_app(db_path)
    out: dict[str, float] = {}

    def open_screen() -> None:
        if which == "custom":
            app.push_screen(CustomScreen())
        else:
            app.open_requirements(None)

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            clock = Clock(out)
            for _ in range(REPEATS + 1):
                with clock:
                    open_screen()
                    await pilot.pause()
                app.pop_screen()
                await pilot.pause()
            clock.store("open", skip=1)
            open_screen()
            await pilot.pause()
            moves = Clock(out)
            for i in range(60):
                with moves:
                    await pilot.press("down" if (i // 30) % 2 == 0 else "up")
            moves.store("move")
            marks = Clock(out)
            for i in range(REPEATS * 2):
                with marks:  # 標準外 on / off (custom); 適合 / 未確認 (requirements): a write and a redraw
                    await pilot.press("o" if which == "custom" else ("1" if i % 2 == 0 else "0"))
                    await pilot.pause()
                if which != "custom":
                    await pilot.press("up")
            marks.store("mark")

    asyncio.run(run())
    return out


CHILDREN = {"session": child_session}


def _run_child(*args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{args} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _database(path: Path, requirements: int, functions: int) -> None:
    from fitgap.config import sqlite_url
    from fitgap.domain.custom import CustomDisposition, FunctionKind, FunctionRecord
    from fitgap.services.catalog import init_database
    from fitgap.services.custom_import import import_functions
    from fitgap.services.database import open_db
    from fitgap.services.demo import generate_demo
    from fitgap.services.items import prepare_search
    from fitgap.storage import custom, operations

    url = sqlite_url(path)
    init_database(url=url, user="bench")
    db = open_db(url=url)
    generate_demo(db=db, total=requirements, seed=7, user="bench")
    prepare_search(db=db)
    rng = random.Random(17)
    with db.read() as session:
        ops = [o.code for o in operations.list_operations(session=session, include_cross_cutting=False)]
        reqs = {op: custom.current_requirement_keys(session=session, operation_code=op) for op in ops}
    records = []
    for i in range(functions):
        op = ops[i % len(ops)]
        roll = rng.random()
        mapped: tuple[tuple[str, str], ...] = ()
        outside, disposition, note = False, None, ""
        if roll < 0.5:
            mapped = tuple((k, r) for k, r, _u in rng.sample(reqs[op], rng.choice((1, 2))))
        elif roll < 0.85:
            outside = True
            disposition = rng.choice([*CustomDisposition, None])
            note = "理由" if disposition else ""
        records.append(FunctionRecord(operation_code=op, code=f"B-{i:05d}", name=f"現行機能 {i}", kind=FunctionKind.SCREEN,
                                      mapped=mapped,
                                      outside_spec=outside, disposition=disposition, note=note))
    result = import_functions(db=db, user="bench", records=records)
    assert len(result.added) == functions
    db.dispose()


def main(small_req: int = 300, small_fn: int = 50, large_req: int = 30_000, large_fn: int = 5_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small.db", Path(tmp) / "large.db"
        _database(small, small_req, small_fn)
        _database(large, large_req, large_fn)
        c_small = _run_child("session", str(small), "custom")
        c_large = _run_child("session", str(large), "custom")
        r_large = _run_child("session", str(large), "requirements")

    print(f"fitgap 独自機能 screen benchmark: {small_fn:,} functions / {small_req:,} requirements vs "
          f"{large_fn:,} / {large_req:,}, terminal {SIZE[0]}×{SIZE[1]}, CPU per action (median of {REPEATS})")
    for key, label in (("open", "open the screen"), ("move", "move one row"), ("mark", "mark (write + redraw)")):
        a, b, base = c_small[f"{key}_ms"], c_large[f"{key}_ms"], r_large[f"{key}_ms"]
        print(f"  {label}: {a:.1f} ms small, {b:.1f} ms large, requirement list (large) {base:.1f} ms;"
              f" wall {c_small[key + '_wall_ms']:.0f} / {c_large[key + '_wall_ms']:.0f} ms"
              f" (list {r_large[key + '_wall_ms']:.0f} ms)")
        judge(f"  {label}, large / small", b / a, RATIO_TARGET)
        judge(f"  {label}, 独自機能 / requirement list", b / base, RATIO_TARGET)

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(CHILDREN[sys.argv[2]](*sys.argv[3:])))
    else:
        main(*(int(a) for a in sys.argv[1:5]))
