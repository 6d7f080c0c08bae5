"""Backup and restore repeat any number of times on both backends; a restore and its audit event land in
one transaction (also when the process is killed), and `fitgap check` notices a restore without its record."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
import sqlalchemy as sa

from fitgap.services import maintenance
from fitgap.services.catalog import init_database
from fitgap.storage import sqlite_backup
from fitgap.storage.db import create_engine


def _scalar(url, sql):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def _set_probe(url, value):
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM setting WHERE key = 'probe'"))
            conn.execute(sa.text("INSERT INTO setting (key, value) VALUES ('probe', :v)"), {"v": value})
    finally:
        engine.dispose()


def _problems(report):
    return {r.title: r.problems for r in report.results if r.problems}


def test_backup_and_restore_repeat_on_each_backend(backend_url, tmp_path):
    init_database(url=backend_url, user="t")
    exports = tmp_path / "exports"
    for i in range(3):
        _set_probe(backend_url, f"state {i}")
        b = maintenance.backup(url=backend_url, exports_dir=exports, output=tmp_path / f"b{i}.db")
        _set_probe(backend_url, "changed")
        maintenance.restore(url=backend_url, backup_file=b.path, exports_dir=exports, user="tester")
        assert _scalar(backend_url, "SELECT value FROM setting WHERE key = 'probe'") == f"state {i}"
        assert _scalar(backend_url, "SELECT COUNT(*) FROM fitgap_meta WHERE key LIKE 'backup_%'") == 0
        report = maintenance.check(url=backend_url)
        assert report.ok, _problems(report)
    # every restore is in the audit log (the last restore brought back a log holding the earlier two)
    assert _scalar(backend_url, "SELECT COUNT(*) FROM audit_event WHERE action = 'maintenance.restore'") == 3
    final = maintenance.backup(url=backend_url, exports_dir=exports, output=tmp_path / "final.db")
    assert final.path.exists()


def test_check_notices_content_restored_without_a_record(db, db_url, db_path, tmp_path):
    b = maintenance.backup(url=db_url, exports_dir=tmp_path, output=tmp_path / "b.db")
    db.dispose()
    sqlite_backup.restore_into(backup=b.path, target=db_path)  # what a restore killed after the swap left
    problems = _problems(maintenance.check(url=db_url))
    assert "復元の記録" in problems and "バックアップのまま" in problems["復元の記録"][0]


def test_check_notices_a_restore_record_without_its_audit_event(db, db_url, db_path, tmp_path):
    b = maintenance.backup(url=db_url, exports_dir=tmp_path, output=tmp_path / "b.db")
    maintenance.restore(url=db_url, backup_file=b.path, exports_dir=tmp_path, user="tester")
    con = sqlite3.connect(db_path)
    con.execute("DELETE FROM audit_event WHERE action = 'maintenance.restore'")
    con.commit()
    con.close()
    problems = _problems(maintenance.check(url=db_url))
    assert "復元の記録" in problems and "変更履歴がありません" in problems["復元の記録"][0]


RESTORE = textwrap.dedent("""
    import sys
    from fitgap.cli.main import main
    print("start", flush=True)
    raise SystemExit(main(sys.argv[1:]))
""")


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", ["while-committing", 0.0, 0.15, 0.3, 0.5, 0.8, 1.2])
def test_killed_restore_leaves_the_data_as_it_was_or_restored_with_its_audit_event(db, db_url, db_path, tmp_path,
                                                                                   kill_after):
    # a database with enough rows that the restore takes a while
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO setting (key, value) VALUES ('probe', 'old')"))
    b = maintenance.backup(url=db_url, exports_dir=tmp_path, output=tmp_path / "b.db")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE setting SET value = 'new' WHERE key = 'probe'"))
        conn.execute(sa.text("INSERT INTO audit_event (at, user, batch, action, entity, entity_key) "
                             "SELECT '2026-01-01', 'w', 'x' || value, 'test.fill', 'x', value FROM "
                             "(WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n "
                             "WHERE value < 60000) SELECT value FROM n)"))
    engine.dispose()
    db.dispose()
    env = {**os.environ, "FITGAP_EXPORTS": str(tmp_path / "exports")}
    if kill_after == "while-committing":
        env["FITGAP_FAULT_PAUSE_BEFORE_COMMIT"] = "1.0"
    proc = subprocess.Popen([sys.executable, "-c", RESTORE, "--db", str(db_path), "restore", str(b.path)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"start\n"
    if kill_after == "while-committing":  # the restore's record is being written
        assert proc.stderr is not None and b"holding the commit" in proc.stderr.readline()
    else:
        time.sleep(float(kill_after))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    probe = _scalar(db_url, "SELECT value FROM setting WHERE key = 'probe'")
    events = _scalar(db_url, "SELECT COUNT(*) FROM audit_event WHERE action = 'maintenance.restore'")
    assert (probe, events) in (("new", 0), ("old", 1))
    report = maintenance.check(url=db_url)
    assert report.ok, _problems(report)
