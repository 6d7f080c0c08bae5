"""The workbench on demo data: startup, opening the list, moving, marking, filtering, memory.

Targets (issue 4):
- start to the first interactive screen ≤ 1.0 s (shown next to a bare Textual app started the same way);
- opening the requirement list, moving and marking cost the same at 30,000 requirements as at 300
  (ratio 30,000 / 300 ≤ 1.5, measured in the same run);
- one filter keystroke over 30,000 requirements ≤ 50 ms (also as a ratio to a bare SQL count of the
  same filter through sqlite3);
- peak memory ≤ 300 MB.

Each measurement runs in its own process (`--child …`), so start-up and memory are those of one session.
The cost of an action is the CPU time of the process from the key (or call) until the screen is redrawn:
Pilot's own waiting for the next frame (~25 ms of idle wall time per step) is not work of the app, so wall
times are printed only for reference.
Run: .venv/bin/python benchmarks/bench_tui.py [SMALL LARGE]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

REPEATS = 7
SIZE = (120, 36)


# ---- children (one measurement per process) --------------------------------------------------------


def child_baseline() -> dict[str, float]:
    """A bare Textual app with one widget, started headless: the floor for start-up."""
    t0 = time.perf_counter()
    import asyncio

    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello")

    async def run() -> float:
        async with Bare().run_test(size=SIZE) as pilot:
            await pilot.pause()
            return time.perf_counter() - t0

    return {"startup_s": asyncio.run(run())}


def _app(db_path: str):  # type: ignore[no-untyped-def]
    from datetime import date

    from fitgap.config import sqlite_url
    from fitgap.services.catalog import ensure_initialised
    from fitgap.tui.app import FitGapApp

    db = ensure_initialised(url=sqlite_url(db_path), user="bench")
    app = FitGapApp(db=db, user="bench", today=date(2026, 11, 23), blink=False)
    app.animation_level = "none"
    return app


def child_startup(db_path: str) -> dict[str, float]:
    """From the first import to the home screen showing the 20 operations and taking keys."""
    t0 = time.perf_counter()
    import asyncio

    app = _app(db_path)

    async def run() -> float:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#operations")
            assert table.row_count >= 20  # type: ignore[attr-defined]
            return time.perf_counter() - t0

    return {"startup_s": asyncio.run(run())}


def child_session(db_path: str) -> dict[str, float]:
    """Open the list (one operation, and all), move, mark, filter; then the peak memory of the process."""
    import asyncio
    import gc
    import resource
    from dataclasses import replace

    from fitgap.services.items import ItemFilter, prepare_search
    from fitgap.tui.screens.requirements import RequirementsScreen

    app = _app(db_path)
    out: dict[str, float] = {}

    class Clock:
        def __init__(self) -> None:
            self.cpu: list[float] = []
            self.wall: list[float] = []

        def __enter__(self) -> Clock:
            gc.collect()  # a collection left over from earlier work is not this action's cost
            self._c, self._w = time.process_time(), time.perf_counter()
            return self

        def __exit__(self, *_exc: object) -> None:
            self.cpu.append(time.process_time() - self._c)
            self.wall.append(time.perf_counter() - self._w)

        def store(self, name: str, skip: int = 0) -> None:
            out[f"{name}_ms"] = 1000 * median(self.cpu[skip:])
            out[f"{name}_wall_ms"] = 1000 * median(self.wall[skip:])

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()  # the search index is brought up to date at start
            prepare_search(db=app.workspace.db)
            for scope, code in (("op", "001"), ("all", None)):
                clock = Clock()
                for _ in range(REPEATS + 1):
                    with clock:
                        app.open_requirements(code)
                        await pilot.pause()
                    app.pop_screen()
                    await pilot.pause()
                clock.store(f"open_{scope}", skip=1)
            for scope, code in (("op", "001"), ("all", None)):
                app.open_requirements(code)
                await pilot.pause()
                # one operation: within the first rows (no scrolling, as with 15 rows at 300); all: with scrolling
                span = 10 if scope == "op" else 30
                moves = Clock()
                for i in range(120):
                    with moves:
                        await pilot.press("down" if (i // span) % 2 == 0 else "up")
                moves.store(f"move_{scope}")
                marks = Clock()
                for i in range(20):
                    with marks:
                        await pilot.press("1" if i % 2 == 0 else "0")
                marks.store(f"mark_{scope}")
                app.pop_screen()
                await pilot.pause()
            app.open_requirements(None)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, RequirementsScreen)
            for text in ("住", "住民", "住民票", "住民票の"):
                clock = Clock()
                for _ in range(REPEATS):
                    screen.set_filter(replace(screen.flt, text=text[:-1]))
                    await pilot.pause()
                    with clock:  # the keystroke that adds the last character, once the debounce has fired
                        screen.set_filter(replace(screen.flt, text=text))
                        await pilot.pause()
                clock.store(f"filter_{text}")
                out[f"filter_{text}_rows"] = screen.table.row_count
            screen.set_filter(ItemFilter())
            await pilot.pause()

    asyncio.run(run())
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def child_sql(db_path: str) -> dict[str, float]:
    """The bare SQL count of each search filter (sqlite3, no fitgap): the floor of a filter keystroke."""
    import sqlite3

    from fitgap.storage.search_index import TABLE, match_expression

    con = sqlite3.connect(db_path)
    out: dict[str, float] = {}
    for text in ("住", "住民", "住民票", "住民票の"):
        if len(text) >= 3:
            sql = (f"SELECT count(*) FROM requirement WHERE current = 1 AND id IN "
                   f"(SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?)")
            params: tuple[str, ...] = (match_expression([text]),)
        else:
            sql = ("SELECT count(*) FROM requirement WHERE current = 1 AND "
                   "(req_id LIKE ? OR name LIKE ? OR text LIKE ?)")
            params = (f"%{text}%",) * 3
        con.execute(sql, params).fetchone()
        times = []
        for _ in range(REPEATS):
            t = time.perf_counter()
            con.execute(sql, params).fetchone()
            times.append(time.perf_counter() - t)
        out[f"filter_{text}_ms"] = 1000 * median(times)
    con.close()
    return out


CHILDREN = {"baseline": child_baseline, "startup": child_startup, "session": child_session, "sql": child_sql}


# ---- parent ---------------------------------------------------------------------------------------


def _run_child(kind: str, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", kind, *args], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _demo(path: Path, n: int) -> None:
    from fitgap.config import sqlite_url
    from fitgap.services.catalog import init_database
    from fitgap.services.database import open_db
    from fitgap.services.demo import generate_demo
    from fitgap.services.items import prepare_search

    url = sqlite_url(path)
    init_database(url=url, user="bench")
    db = open_db(url=url)
    generate_demo(db=db, total=n, seed=7, user="bench")
    prepare_search(db=db)
    db.dispose()


def main(small: int = 300, large: int = 30_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = {small: Path(tmp) / "small.db", large: Path(tmp) / "large.db"}
        for n, p in paths.items():
            _demo(p, n)
        bare = min(_run_child("baseline")["startup_s"] for _ in range(3))
        start = min(_run_child("startup", str(paths[large]))["startup_s"] for _ in range(3))
        s = _run_child("session", str(paths[small]))
        big = _run_child("session", str(paths[large]))
        sql = _run_child("sql", str(paths[large]))

    print(f"fitgap workbench benchmark: demo data, {small:,} vs {large:,} requirements, terminal {SIZE[0]}×{SIZE[1]}")
    print(f"start-up to the home screen ({large:,}): {start:.2f} s   (target ≤ 1.0 s; bare Textual app {bare:.2f} s, "
          f"ratio {start / bare:.2f})")
    print(f"CPU time per action   {'':14}{small:>10,}{large:>10,}   ratio (target ≤ 1.5)   wall {small:,} / {large:,}")
    for key, label in (("open_op", "open one operation's list"), ("move_op", "move one row (one operation)"),
                       ("mark_op", "mark and move on (one operation)"), ("open_all", "open all requirements"),
                       ("move_all", "move one row (all)"), ("mark_all", "mark and move on (all)")):
        a, b = s[f"{key}_ms"], big[f"{key}_ms"]
        print(f"  {label:34}{a:8.1f}ms{b:8.1f}ms   {b / a:5.2f}{'':17}{s[key + '_wall_ms']:6.0f} / "
              f"{big[key + '_wall_ms']:.0f} ms")
    print(f"one filter keystroke over {large:,} (all operations; CPU, target ≤ 50 ms), vs bare SQL count:")
    for text in ("住", "住民", "住民票", "住民票の"):
        ms, base = big[f"filter_{text}_ms"], sql[f"filter_{text}_ms"]
        rows = int(big[f"filter_{text}_rows"])
        print(f"  「{text}」{'':{8 - 2 * len(text)}}{rows:>6,} rows {ms:7.1f} ms   bare count {base:6.1f} ms   "
              f"ratio {ms / base:5.1f}   (wall {big[f'filter_{text}_wall_ms']:.0f} ms)")
    print(f"peak memory ({large:,}): {big['peak_rss_mb']:.0f} MB (target ≤ 300 MB); ({small:,}): "
          f"{s['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        result = CHILDREN[sys.argv[2]](*sys.argv[3:])
        print(json.dumps(result))
    else:
        main(*(int(a) for a in sys.argv[1:3]))
