"""`fitgap init` killed with SIGKILL at any point leaves the old state or the new one, never between."""

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import dump_database


def _state(path):
    """None when there is no fitgap data yet, else the dump; and the integrity check's verdict."""
    if not path.exists() or path.stat().st_size == 0:
        return None, "ok"
    con = sqlite3.connect(path)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    dump = dump_database(path)
    return (dump if "fitgap_meta" in dump else None), integrity


def _run_init(db, args, *, pause, kill_after=None):
    """Run init and SIGKILL it after ``kill_after`` seconds, or (None) while it holds its commit open."""
    env = {**os.environ, "FITGAP_USER": "t", "FITGAP_FAULT_PAUSE_BEFORE_COMMIT": str(pause)}
    proc = subprocess.Popen([sys.executable, "-m", "fitgap", "--db", str(db), "init", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if kill_after is not None:
        time.sleep(kill_after)
    else:
        ready, _, _ = select.select([proc.stderr], [], [], 30)
        line = proc.stderr.readline() if ready else ""
        assert "holding the commit" in line, f"init never reached its commit: {line!r}"
        assert proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()


@pytest.mark.slow
def test_kill_during_first_init_leaves_no_half_database(tmp_path):
    db = tmp_path / "new.db"
    _run_init(db, [], pause=30)  # killed while the transaction is open, its pages written to the WAL
    dump, integrity = _state(db)
    assert integrity == "ok"
    assert dump is None  # nothing committed: as if init never ran
    subprocess.run([sys.executable, "-m", "fitgap", "--db", str(db), "init"], check=True,
                   env={**os.environ, "FITGAP_USER": "t"}, stdout=subprocess.DEVNULL)
    dump, _ = _state(db)
    assert dump is not None and len(dump["operation"]) == 23


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0.3, 0.8, 1.5, 2.5])
def test_kill_during_municipality_change_keeps_old_or_new(tmp_path, kill_after):
    db = tmp_path / "f.db"
    env = {**os.environ, "FITGAP_USER": "t"}

    def init(name):
        subprocess.run([sys.executable, "-m", "fitgap", "--db", str(db), "init", "-m", name], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        return _state(db)[0]

    def essence(dump):
        municipality = sorted(row for row in dump["municipality"])
        return dump["operation"], [m[1:5] for m in municipality]

    new = essence(init("札幌市"))
    old = essence(init("函館市"))
    assert old != new
    _run_init(db, ["-m", "札幌市"], pause=1.0, kill_after=kill_after)
    after, integrity = _state(db)
    assert integrity == "ok"
    assert essence(after) in (old, new)
