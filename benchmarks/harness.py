"""What every benchmark here does the same way: whole processes, medians, targets judged.

- A measurement is one whole process started through the real entry point (``.venv/bin/fitgap …``) or,
  for a baseline, a bare Python script that uses no fitgap code; its wall time is from the start of the
  process to its exit, its memory the process's own peak RSS (``wait4``).
- Each figure is the median of at least 5 runs; ours and the baseline run alternately, so that a busy
  machine slows both alike, and ratios are taken between figures of the same run.
- Every target is printed with ``met`` or ``NOT MET``, judged on wall time (what users feel); the CPU
  time of the same processes is printed beside it, since on a shared machine the load inflates wall times.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import median

FITGAP = str(Path(sys.executable).with_name("fitgap"))  # the console script users run
PYTHON = sys.executable
RUNS = 5


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float  # user + system time of the process: what a busy shared machine does not inflate
    peak_mb: float
    stdout: str


def run(cmd: Sequence[str], *, env: dict[str, str] | None = None, cwd: str | None = None) -> Run:
    """One whole process: wall time from spawn to exit and its own peak RSS; fails on a non-zero exit."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env={**os.environ, **(env or {})}, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read()[-3000:]}")
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read())


def measure(cmd: Sequence[str], *, env: dict[str, str] | None = None, prepare: Callable[[], None] | None = None,
            runs: int = RUNS) -> list[Run]:
    out = []
    for _ in range(runs):
        if prepare is not None:
            prepare()
        out.append(run(cmd, env=env))
    return out


def pair(ours: Callable[[], Run], bare: Callable[[], Run], runs: int = RUNS) -> tuple[list[Run], list[Run]]:
    """Ours and the baseline, alternately, ``runs`` times each."""
    a, b = [], []
    for _ in range(runs):
        a.append(ours())
        b.append(bare())
    return a, b


def med(runs: Sequence[Run], what: str = "wall_s") -> float:
    return median(getattr(r, what) for r in runs)


def cpu(runs: Sequence[Run]) -> float:
    return med(runs, "cpu_s")


def judge(label: str, value: float, target: float, unit: str = "", *, detail: str = "") -> bool:
    ok = value <= target
    shown = f"{value:.2f}{unit}"
    print(f"  {label}: {shown} (target ≤ {target:g}{unit}) {'met' if ok else 'NOT MET'}{'  ' + detail if detail else ''}")
    return ok


def heading(text: str) -> None:
    print(f"\n{text}")
    print(f"  (whole processes, medians of {RUNS} runs; machine load {os.getloadavg()[0]:.1f})")
