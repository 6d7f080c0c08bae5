"""A process killed with SIGKILL during a bulk mark, an import or an export leaves the database as it was
before the action or as it is after it, never in between; SQLite's integrity check passes."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.spec_books import V2_FUNCTIONS, write_official_workbook

PAUSE = 2.5  # FITGAP_FAULT_PAUSE_BEFORE_COMMIT: the write transaction stays open this long before commit

BULK_MARK = textwrap.dedent("""
    import sys
    from fitgap.domain.enums import Status
    from fitgap.services import assessment, items
    from fitgap.services.database import open_db
    db = open_db(url=sys.argv[1])
    keys = items.item_keys(db=db, flt=items.ItemFilter(operation_code="001"))
    print("start", flush=True)
    assessment.update_items(db=db, user="bulk", keys=keys, status=Status.FIT, note="一括")
    print("done", flush=True)
""")

CLI = textwrap.dedent("""
    import sys
    from fitgap.cli.main import main
    print("start", flush=True)
    raise SystemExit(main(sys.argv[1:]))
""")


def _essence(path: Path) -> dict[str, object]:
    """What a user would check, independent of clock and random ids; and the integrity verdict."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        q = {
            "assessments": "SELECT operation_code, req_id, status, note, revision FROM assessment ORDER BY 1, 2",
            "versions": "SELECT label, seq FROM spec_version ORDER BY spec_id, seq",
            "requirements": "SELECT spec_version_id, req_id, current FROM requirement ORDER BY 1, 2",
            "audit": "SELECT action, entity_key, field, old_value, new_value FROM audit_event ORDER BY id",
            "exports": "SELECT purpose, scope FROM vendor_export ORDER BY created_at",
            "vendors": "SELECT name FROM vendor ORDER BY name",
        }
        return {k: con.execute(sql).fetchall() for k, sql in q.items()}
    finally:
        con.close()


def _run(args: list[str], *, kill_after: float | None, pause: float = PAUSE) -> int | None:
    env = {**os.environ, "FITGAP_USER": "t"}
    if kill_after is not None:
        env["FITGAP_FAULT_PAUSE_BEFORE_COMMIT"] = str(pause)
    proc = subprocess.Popen([sys.executable, "-c", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdout is not None and proc.stdout.readline() == b"start\n"
    if kill_after is None:
        proc.communicate(timeout=120)
        return proc.returncode
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return None


def _scenario(db_path: Path, tmp_path: Path, action: list[str], kill_after: float) -> None:
    before = _essence(db_path)
    reference = tmp_path / "reference.db"
    con, ref = sqlite3.connect(db_path), sqlite3.connect(reference)
    con.backup(ref)
    con.close()
    ref.close()
    same = {str(db_path): str(reference), f"sqlite:///{db_path}": f"sqlite:///{reference}"}
    swap = [same.get(a, a) for a in action]
    assert _run(swap, kill_after=None) == 0
    after = _essence(reference)
    assert after != before  # the action does change something
    _run(action, kill_after=kill_after)
    state = _essence(db_path)  # also asserts integrity_check == ok
    assert state in (before, after)
    if kill_after < PAUSE:
        assert state == before  # killed while the transaction was open: nothing of it remains


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0.05, 1.0, 2.0])
def test_kill_during_bulk_mark(db, db_path, tmp_path, kill_after):
    db.dispose()
    _scenario(db_path, tmp_path, [BULK_MARK, f"sqlite:///{db_path}"], kill_after)


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0.3, 2.0])
def test_kill_during_import(db, db_path, tmp_path, kill_after):
    db.dispose()
    book = write_official_workbook(tmp_path / "住民記録_第2.0版.xlsx", functions=V2_FUNCTIONS, label="第2.0版")
    _scenario(db_path, tmp_path, [CLI, "--db", str(db_path), "import-spec", str(book), "--operation", "001"],
              kill_after)


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0.3, 2.0])
def test_kill_during_export(db, db_path, tmp_path, kill_after):
    db.dispose()
    out = tmp_path / "out"
    out.mkdir()
    _scenario(db_path, tmp_path, [CLI, "--db", str(db_path), "export", "vendor", "--vendor", "株式会社テスト",
                                  "--operation", "001", "-o", str(out / "sheet.xlsx")], kill_after)
