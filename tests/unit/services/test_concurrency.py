"""Two processes marking the same operation at once, on SQLite and on PostgreSQL: no crash reaches the user,
no update is lost, and an edit based on what a colleague has since changed is reported as a conflict."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import sqlalchemy as sa

from fitgap.services import items
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db

KEYS = 25
ROUNDS = 25

WORKER = textwrap.dedent("""
    import json, pathlib, sys, time
    from fitgap.services import assessment, items
    from fitgap.services.database import open_db
    url, who, barrier, n_keys, rounds = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    db = open_db(url=url)
    flt = items.ItemFilter(operation_code="001")
    keys = items.item_keys(db=db, flt=flt)[:n_keys]
    changed, conflicts, conflict_keys = {}, 0, 0
    def shown():  # what the screen shows: the page of rows with their revisions
        rows = items.list_items(db=db, flt=flt, offset=0, limit=n_keys)
        return {r.key: r.revision for r in rows}
    seen = shown()  # round 0: both load the screen, then both save with what they saw
    (barrier / f"ready-{who}").write_text("ready")  # a barrier: nobody saves before both have read
    while len(list(barrier.glob("ready-*"))) < 2:
        if (barrier / "abort").exists():
            sys.exit("the other worker did not start")
        time.sleep(0.001)
    for r in range(rounds):
        if r:
            seen = shown()
        res = assessment.update_items(db=db, user=who, keys=keys, note=f"{who}-{r}",
                                      expected_revisions={k: seen[k] for k in keys})
        for k in res.changed:
            changed[str(k)] = changed.get(str(k), 0) + 1
        conflicts += len(res.conflicts)
        if r == 0:
            conflict_keys = len(res.conflicts)
    print(json.dumps({"changed": changed, "conflicts": conflicts, "round0_conflicts": conflict_keys}))
""")


def _run_pair(url: str, barrier: Path) -> list[dict]:
    """Both workers read the screen, wait at a barrier (a ready file each), then save: they always overlap
    however slowly either starts, and nothing waits on the clock."""
    barrier.mkdir()
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, url, who, str(barrier), str(KEYS), str(ROUNDS)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for who in ("佐藤", "鈴木")
    ]
    out = []
    try:
        for p in procs:
            stdout, stderr = p.communicate(timeout=300)
            assert p.returncode == 0, stderr.decode()
            assert b"Traceback" not in stderr and b"\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc" not in stderr  # no エラー
            out.append(json.loads(stdout))
    finally:
        (barrier / "abort").write_text("")  # a worker still waiting for one that failed gives up
        for q in procs:
            if q.poll() is None:
                q.kill()
                q.wait()
    return out


def test_two_writers_on_the_same_operation(backend_url, tmp_path):
    init_database(url=backend_url, user="tester")
    a, b = _run_pair(backend_url, tmp_path / "barrier")
    # round 0: both saved with the same revisions; one saved each item, the other was told of a conflict
    assert a["round0_conflicts"] + b["round0_conflicts"] == KEYS
    assert a["conflicts"] + b["conflicts"] >= KEYS
    db = open_db(url=backend_url)
    try:
        flt = items.ItemFilter(operation_code="001")
        rows = {str(r.key): r for r in items.list_items(db=db, flt=flt, offset=0, limit=KEYS)}
        with db.read() as s:
            events = s.execute(sa.text(
                "SELECT entity_key, old_value, new_value FROM audit_event "
                "WHERE action = 'assessment.update' AND field = 'note' ORDER BY id")).all()
    finally:
        db.dispose()
    assert len(rows) == KEYS
    for key, row in rows.items():
        saved = a["changed"].get(key, 0) + b["changed"].get(key, 0)
        assert saved >= ROUNDS  # each round someone's edit of the item went through
        assert row.revision == saved  # every successful save counted exactly once: none lost
        chain = [(old, new) for k, old, new in events if k == key]
        assert len(chain) == saved
        # each save started from the value the previous one left: nobody overwrote an edit unseen
        assert all(chain[i][0] == chain[i - 1][1] for i in range(1, len(chain)))
        assert chain[-1][1] == row.note
