"""fitgap backup / restore: consistent copies while others write, refusals, and the safety copy."""

import os
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from fitgap.config import sqlite_url
from fitgap.errors import DatabaseBusyError, InvalidInputError
from fitgap.services import maintenance
from tests.conftest import dump_database, file_digest

WRITER = textwrap.dedent("""
    import sys, uuid, datetime
    import sqlalchemy as sa
    from fitgap.services.database import open_db
    from fitgap.storage.audit import AUDIT_TABLE
    db = open_db(url=sys.argv[1])
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=float(sys.argv[2]))
    first = True
    while first or datetime.datetime.now() < deadline:
        batch = str(uuid.uuid4())
        with db.write() as s:
            now = datetime.datetime.now(datetime.UTC)
            s.execute(sa.insert(AUDIT_TABLE), [dict(at=now, user="w", batch=batch, action="test.write",
                      entity="x", entity_key=str(i), field=None, old_value=None, new_value=str(i))
                      for i in range(50)])
        if first:
            print("writing", flush=True)
            first = False
    print("done")
""")


def _batches(path):
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return dict(con.execute("SELECT batch, COUNT(*) FROM audit_event WHERE action='test.write' GROUP BY batch"))
    finally:
        con.close()


@pytest.mark.slow
def test_backup_while_another_process_writes_is_consistent(db, db_url, db_path, tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, db_url, "4"], stdout=subprocess.PIPE,
                            env={**os.environ})
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"writing\n"
        copies = []
        for i in range(4):
            copies.append(maintenance.backup(url=db_url, exports_dir=tmp_path, output=tmp_path / f"b{i}.db"))
            time.sleep(0.3)
    finally:
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0 and b"done" in out  # the writer was never blocked into an error
    seen = []
    for c in copies:
        batches = _batches(c.path)
        assert batches and set(batches.values()) == {50}  # whole transactions only, never half of one
        seen.append(len(batches))
    assert seen == sorted(seen) and seen[0] < len(_batches(db_path))


def test_backup_default_location_and_contents(db, db_url, db_path, tmp_path):
    exports = tmp_path / "exports"
    result = maintenance.backup(url=db_url, exports_dir=exports)
    assert result.path.parent == exports / "backups"
    assert result.path.name.startswith("fitgap-fitgap-") and result.path.suffix == ".db"
    assert dump_database(result.path)["requirement"] == dump_database(db_path)["requirement"]
    assert result.rows["requirement"] == 197
    con = sqlite3.connect(result.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    con.close()


def test_backups_in_the_same_second_get_their_own_names(db, db_url, tmp_path, monkeypatch):
    fixed = tmp_path / "fixed"
    monkeypatch.setattr(maintenance, "default_backup_path", lambda **_: fixed / "backups" / "fitgap-same.db")
    first = maintenance.backup(url=db_url, exports_dir=fixed).path
    second = maintenance.backup(url=db_url, exports_dir=fixed).path
    assert (first.name, second.name) == ("fitgap-same.db", "fitgap-same-2.db")
    folder = tmp_path / "folder"  # -o FOLDER: the default name in it, as unique
    folder.mkdir()
    names = [maintenance.backup(url=db_url, exports_dir=fixed, output=folder).path.name for _ in range(2)]
    assert names == ["fitgap-same.db", "fitgap-same-2.db"]


def test_backup_never_overwrites(db, db_url, tmp_path):
    target = tmp_path / "exists.db"
    target.write_bytes(b"keep me")
    with pytest.raises(InvalidInputError, match="上書きはしません"):
        maintenance.backup(url=db_url, exports_dir=tmp_path, output=target)
    assert target.read_bytes() == b"keep me"


def _set_note(path, text):
    con = sqlite3.connect(path)
    con.execute("UPDATE setting SET value=? WHERE key='probe'", (text,)) if con.execute(
        "SELECT 1 FROM setting WHERE key='probe'").fetchone() else con.execute(
        "INSERT INTO setting (key, value) VALUES ('probe', ?)", (text,))
    con.commit()
    con.close()


def _probe(path):
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT value FROM setting WHERE key='probe'").fetchone()[0]
    finally:
        con.close()


def test_restore_brings_back_the_backup_and_keeps_a_safety_copy(db, db_url, db_path, tmp_path):
    _set_note(db_path, "before")
    b = maintenance.backup(url=db_url, exports_dir=tmp_path, output=tmp_path / "b.db")
    _set_note(db_path, "after")
    result = maintenance.restore(url=db_url, backup_file=b.path, exports_dir=tmp_path / "exports", user="tester")
    assert _probe(db_path) == "before"
    assert _probe(result.safety_copy) == "after"  # what was replaced can be brought back
    assert result.same_database
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    who = con.execute("SELECT user, new_value FROM audit_event WHERE action='maintenance.restore'").fetchall()
    con.close()
    assert who == [("tester", "b.db")]


@pytest.mark.parametrize("content", [
    b"just some text, not a database" * 100,
    b"PK\x03\x04" + b"\x00" * 4000,
])
def test_restore_refuses_a_file_that_is_not_a_backup(db, db_url, db_path, tmp_path, content):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(content)
    before = file_digest(db_path)
    with pytest.raises(InvalidInputError, match="バックアップではありません"):
        maintenance.restore(url=db_url, backup_file=bogus, exports_dir=tmp_path, user="t")
    assert file_digest(db_path) == before


def test_restore_refuses_another_applications_sqlite_file(db, db_url, db_path, tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()
    before = dump_database(db_path)
    with pytest.raises(InvalidInputError, match="fitgap_meta"):
        maintenance.restore(url=db_url, backup_file=other, exports_dir=tmp_path, user="t")
    assert dump_database(db_path) == before


def test_restore_refuses_a_corrupt_backup(db, db_url, db_path, tmp_path):
    b = maintenance.backup(url=db_url, exports_dir=tmp_path, output=tmp_path / "b.db")
    data = bytearray(b.path.read_bytes())
    data[8192:40960] = b"\xff" * (40960 - 8192)  # smash pages in the middle
    b.path.write_bytes(bytes(data))
    before = dump_database(db_path)
    with pytest.raises(InvalidInputError, match="壊れ"):
        maintenance.restore(url=db_url, backup_file=b.path, exports_dir=tmp_path, user="t")
    assert dump_database(db_path) == before


def test_restore_refuses_while_someone_holds_the_database(db, db_url, db_path, tmp_path):
    b = maintenance.backup(url=db_url, exports_dir=tmp_path, output=tmp_path / "b.db")
    _set_note(db_path, "mine")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN")
    other.execute("SELECT COUNT(*) FROM requirement").fetchone()  # an open read transaction
    try:
        with pytest.raises(DatabaseBusyError, match="使用中"):
            maintenance.restore(url=db_url, backup_file=b.path, exports_dir=tmp_path, user="t")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _probe(db_path) == "mine"


def test_cli_backup_and_restore(cli, tmp_path, db_path):
    cli("init")
    r = cli("backup", "-o", str(tmp_path / "x.db"))
    assert r.code == 0 and "x.db" in r.out and " restore " in r.out and "--db" in r.out
    r = cli("restore", str(tmp_path / "x.db"))
    assert r.code == 0 and "復元しました" in r.out and "before-restore" in r.out
    r = cli("restore", str(tmp_path / "missing.db"))
    assert r.code != 0 and "見つかりません" in r.err
    assert sqlite_url(db_path)
