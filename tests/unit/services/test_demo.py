"""fitgap demo: deterministic synthetic data, marked as demo."""

import pytest

from fitgap.errors import FitGapError
from fitgap.services.demo import generate_demo
from fitgap.services.status import get_overview
from fitgap.storage import specs
from tests.conftest import dump_database


def test_demo_spreads_requirements_over_the_20_operations(db, today=None):
    from datetime import date

    result = generate_demo(db=db, total=2000, seed=7, user="t")
    assert result.requirements == 2000 and result.operations == 20
    ov = get_overview(db=db, today=date(2026, 11, 23))
    twenty = [o for o in ov.operations if not o.cross_cutting]
    assert all(o.requirements == 100 and o.demo for o in twenty)
    assert ov.demo
    with db.read() as s:
        assert specs.count_requirements(session=s, operation_code="023") == 100
        v = specs.current_version(session=s, operation_code="023")
        assert v is not None and v.demo and v.label == "デモ版"


def test_same_seed_gives_the_same_data(db, db_path, tmp_path):
    generate_demo(db=db, total=400, seed=3, user="t")
    skip = ("id", "imported_at", "at", "batch", "spec_version_id", "basis_version_id", "set_at", "value")
    first = dump_database(db_path, skip_columns=skip)
    generate_demo(db=db, total=400, seed=3, user="t")
    second = dump_database(db_path, skip_columns=skip)
    assert first["requirement"] == second["requirement"]
    assert first["assessment"] == second["assessment"]
    generate_demo(db=db, total=400, seed=4, user="t")
    assert dump_database(db_path, skip_columns=skip)["requirement"] != first["requirement"]


def test_ids_carry_the_operation_code(db):
    generate_demo(db=db, total=40, seed=1, user="t")
    with db.read() as s:
        from sqlmodel import select

        from fitgap.domain.models import Requirement

        ids = [r.req_id for r in s.exec(select(Requirement).where(Requirement.operation_code == "023"))]
    assert ids and all(i.startswith("023") and len(i) == 7 for i in ids)


def test_demo_refuses_a_database_with_imported_data(db):
    from datetime import UTC, datetime

    from fitgap.domain.records import SpecVersionInfo

    with db.write() as s:
        spec = specs.get_or_create_spec(session=s, operation_code="023", title="介護保険システム標準仕様書")
        specs.add_version(session=s, spec=spec, info=SpecVersionInfo("023", "第6.0版"),
                          imported_at=datetime.now(UTC), imported_by="t")
    with pytest.raises(FitGapError, match="実データ"):
        generate_demo(db=db, total=100, seed=1, user="t")


def test_demo_refuses_a_database_where_someone_marked_the_bundled_list(db, cli):
    from fitgap.domain.enums import Status
    from fitgap.services.assessment import update_items
    from fitgap.services.items import ItemKey, get_item

    key = ItemKey.of("001", "機能", "1.1.1-必須")
    update_items(db=db, user="alice", keys=[key], status=Status.GAP, note="窓口で手作業")
    result = cli("demo", "--requirements", "100")
    assert result.code != 0
    assert "エラー" in result.err and "利用者の作業" in result.err and "判定・メモ 1件" in result.err
    assert "対処" in result.err
    row = get_item(db=db, key=key)
    assert row.status == Status.GAP and row.note == "窓口で手作業"
    with db.read() as s:
        from sqlmodel import select

        from fitgap.domain.models import AuditEvent

        assert not list(s.exec(select(AuditEvent).where(AuditEvent.action == "demo.generate")))


def test_demo_refuses_after_someone_marked_its_own_data(db):
    from fitgap.domain.enums import Status
    from fitgap.services.assessment import update_items
    from fitgap.services.items import ItemKey

    generate_demo(db=db, total=100, seed=1, user="t")
    generate_demo(db=db, total=100, seed=2, user="t")  # demo over untouched demo data is fine
    update_items(db=db, user="alice", keys=[ItemKey.of("001", "機能", "0010001")], status=Status.FIT)
    with pytest.raises(FitGapError, match="利用者の作業"):
        generate_demo(db=db, total=100, seed=3, user="t")


def test_demo_refuses_after_a_system_edit(db):
    from fitgap.services import systems

    name = systems.list_systems(db=db)[0].name
    systems.update_system(db=db, user="alice", system=name, note="確認した")
    with pytest.raises(FitGapError, match="変更履歴 1件"):
        generate_demo(db=db, total=100, seed=3, user="t")


def test_the_demo_command_is_one_transaction_and_a_kill_leaves_nothing_half_made(tmp_path):
    """`fitgap demo` makes the lists and their inventory of current functions in one transaction: one commit,
    and a process killed while it holds that commit leaves the database as it was (no lists without their
    inventory)."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys

    from fitgap.cli.main import main

    path = tmp_path / "demo.db"
    assert main(["--db", str(path), "init"]) == 0
    env = {**os.environ, "FITGAP_FAULT_PAUSE_BEFORE_COMMIT": "0"}
    done = subprocess.run([sys.executable, "-m", "fitgap", "--db", str(tmp_path / "other.db"), "demo", "-n", "200"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("holding the commit") == 2  # the new database's init, then the demo: one each

    env["FITGAP_FAULT_PAUSE_BEFORE_COMMIT"] = "30"
    proc = subprocess.Popen([sys.executable, "-m", "fitgap", "--db", str(path), "demo", "-n", "200"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None and "holding the commit" in proc.stderr.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(path)
    try:
        demo_versions = con.execute("SELECT count(*) FROM spec_version WHERE demo = 1").fetchone()[0]
        functions = con.execute("SELECT count(*) FROM current_function").fetchone()[0]
        assert (demo_versions, functions) == (0, 0)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
