"""The temporary files fitgap writes beside a file before it renames them into place, and the sweep of
those a killed process left behind.

Every file appears whole or not at all: it is written as a hidden temporary file in the same folder
(``.name-XXXX.partial.xlsx`` for workbooks, reports and CSV, ``.name.db.partial`` for a backup,
``.name.db.restore-XXXX`` for the staging copy of a restore, each with SQLite's ``-journal``/``-wal``/``-shm``
beside it while it is written) and renamed when complete. A process killed in between (power cut, ``kill
-9``, a full disk that ends it) leaves the temporary file. The next write into the same folder removes
those older than a day (a younger one may belong to a write still under way), and ``fitgap check`` lists
them. Usable from every layer: it knows file names and ages, nothing else.
"""

from __future__ import annotations

import time
from pathlib import Path

MAX_AGE_SECONDS = 24 * 60 * 60
_MARKS = (".partial", ".restore-")


def is_leftover(name: str) -> bool:
    """Whether a file name is one of fitgap's temporary files (hidden, with a .partial or .restore- mark)."""
    return name.startswith(".") and any(m in name for m in _MARKS)


def leftovers(folder: Path, *, older_than: float = 0, now: float | None = None) -> list[tuple[Path, float]]:
    """fitgap's temporary files in ``folder`` (not below it) with their age in seconds, oldest first."""
    now = time.time() if now is None else now
    found: list[tuple[Path, float]] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for p in entries:
        if not is_leftover(p.name):
            continue
        try:
            age = now - p.stat().st_mtime
        except OSError:
            continue
        if age >= older_than and p.is_file():
            found.append((p, age))
    return sorted(found, key=lambda pa: -pa[1])


def sweep(folder: Path, *, now: float | None = None) -> int:
    """Remove fitgap's temporary files older than a day from ``folder``; how many were removed. Best effort:
    one that cannot be removed (another user's) stays, for ``fitgap check`` to list."""
    removed = 0
    for path, _age in leftovers(folder, older_than=MAX_AGE_SECONDS, now=now):
        try:
            path.unlink()
            removed += 1
        except OSError:
            continue
    return removed
