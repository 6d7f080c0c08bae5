"""An import killed midway leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fitgap.domain.enums import Status
from fitgap.domain.models import Assessment
from fitgap.services.specs_import import import_spec
from fitgap.storage.db import Database
from tests.conftest import dump_database
from tests.spec_books import V2_FUNCTIONS, Item, write_official_workbook


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_import_killed_before_commit_leaves_database_unchanged(db: Database, db_path: Path, tmp_path: Path) -> None:
    import_spec(db=db, path=write_official_workbook(tmp_path / "v2.xlsx"), user="tester", version="第2.0版")
    with db.write() as s:
        s.add(Assessment(operation_code="001", req_id="0010002", status=Status.FIT,
                         assessed_at=datetime(2026, 5, 1, tzinfo=UTC)))
    db.dispose()
    many = [*V2_FUNCTIONS, *(Item(11000 + i, "住民記録", "追加", f"要件{i}", f"追加の要件 {i}。", "必須")
                             for i in range(3000))]
    v3 = write_official_workbook(tmp_path / "v3.xlsx", functions=many)
    before = dump_database(db_path)

    env = dict(os.environ, FITGAP_FAULT_PAUSE_BEFORE_COMMIT="60")
    proc = subprocess.Popen(
        [sys.executable, "-m", "fitgap", "--db", str(db_path), "import-spec", str(v3), "--version", "第3.0版"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        assert proc.stderr is not None
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if "書き込み" in line or not line:
                break
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(1.5)  # inside the write transaction (rows inserted, commit held back)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert dump_database(db_path) == before
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()
    # and the same import, not interrupted, then lands completely
    rep = subprocess.run(
        [sys.executable, "-m", "fitgap", "--db", str(db_path), "import-spec", str(v3), "--version", "第3.0版"],
        capture_output=True, text=True, env=dict(os.environ), timeout=120,
    )
    assert rep.returncode == 0, rep.stderr
    assert "取り込みました" in rep.stdout
