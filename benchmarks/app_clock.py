"""What the in-app benchmarks (one measurement per child process, through FitGapApp with Pilot) share:
the app on a database file, and the clock of an action.

The cost of an action is the CPU time of the process from the key until the screen is redrawn (Pilot's
idle waiting for frames is not work of the app), after a garbage collection so that one left over from
earlier work is not counted; the median of the repeats. Wall times are kept for reference.
"""

from __future__ import annotations

import gc
import time
from statistics import median
from typing import Any


def bench_app(db_path: str) -> Any:
    """The workbench on that database, as a user opens it, without animations or blinking."""
    from datetime import date

    from fitgap.config import sqlite_url
    from fitgap.services.catalog import ensure_initialised
    from fitgap.tui.app import FitGapApp

    db = ensure_initialised(url=sqlite_url(db_path), user="bench")
    app = FitGapApp(db=db, user="bench", today=date(2026, 11, 23), blink=False)
    app.animation_level = "none"
    return app


class Clock:
    """``with clock:`` around one action; ``store`` puts its medians (ms) into ``out`` under a name."""

    def __init__(self, out: dict[str, float]) -> None:
        self.out = out
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
        self.out[f"{name}_ms"] = 1000 * median(self.cpu[skip:])
        self.out[f"{name}_wall_ms"] = 1000 * median(self.wall[skip:])
