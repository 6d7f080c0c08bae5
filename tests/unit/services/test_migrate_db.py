"""fitgap migrate-db: a whole database copied SQLite ⇄ PostgreSQL, verified, refusing non-empty targets."""

import sqlite3

import pytest

from fitgap.config import sqlite_url
from fitgap.domain.enums import Status
from fitgap.errors import InvalidInputError
from fitgap.services import assessment, items, maintenance, migration
from fitgap.services.database import open_db
from fitgap.services.demo import generate_demo
from fitgap.storage import transfer
from tests.conftest import dump_database

SKIP_TABLES = ("audit_event", "fitgap_meta")


def _filled(db):
    generate_demo(db=db, total=300, seed=3, user="tester")
    keys = items.item_keys(db=db, flt=items.ItemFilter(operation_code="001"))[:5]
    assessment.update_items(db=db, user="佐藤", keys=keys, status=Status.FIT, note="=確認済み")
    return keys


def _essence(path):
    """Every row of every table, except the migration's own audit event and bookkeeping meta rows."""
    dump = {t: rows for t, rows in dump_database(path).items() if not t.startswith("requirement_fts")}
    con = sqlite3.connect(path)
    dump["audit_event"] = sorted(con.execute(
        "SELECT at, user, batch, action, entity_key, field, old_value, new_value FROM audit_event "
        "WHERE action <> 'maintenance.migrate'").fetchall())
    dump["fitgap_meta"] = sorted(con.execute(
        "SELECT key, value FROM fitgap_meta WHERE key NOT LIKE 'search%'").fetchall())
    con.close()
    return dump


def test_sqlite_to_sqlite_copy_is_identical_and_searchable(db, db_path, tmp_path):
    _filled(db)
    target = tmp_path / "copy.db"
    result = migration.migrate(source_url=sqlite_url(db_path), target=str(target), user="tester")
    assert result.tables["requirement"].rows == 300 + 197
    assert _essence(target) == _essence(db_path)
    copy = open_db(url=sqlite_url(target))
    try:
        word = items.list_items(db=db, flt=items.ItemFilter(), offset=0, limit=1)[0].name[:4]
        flt = items.ItemFilter(text=word)
        assert items.count_items(db=copy, flt=flt) == items.count_items(db=db, flt=flt) > 0
    finally:
        copy.dispose()


def test_non_empty_target_is_refused_and_left_alone(db, db_path, tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (t TEXT)")
    con.execute("INSERT INTO notes VALUES ('keep')")
    con.commit()
    con.close()
    before = dump_database(other)
    with pytest.raises(InvalidInputError, match="空ではありません"):
        migration.migrate(source_url=sqlite_url(db_path), target=str(other), user="t")
    assert dump_database(other) == before


def test_a_difference_found_by_verification_undoes_the_copy(db, db_path, tmp_path, monkeypatch):
    real = transfer.digests

    def tampered(conn):
        out = real(conn)
        out["requirement"] = transfer.TableDigest(out["requirement"].rows - 1, out["requirement"].checksum)
        return out

    monkeypatch.setattr(transfer, "digests", tampered)
    target = tmp_path / "copy.db"
    with pytest.raises(migration.VerificationError, match="requirement"):
        migration.migrate(source_url=sqlite_url(db_path), target=str(target), user="t")
    assert not target.exists()


@pytest.mark.postgres
def test_sqlite_to_postgres_and_back(db, db_path, tmp_path, postgres_url):
    keys = _filled(db)
    result = migration.migrate(source_url=sqlite_url(db_path), target=postgres_url, user="tester")
    con = sqlite3.connect(db_path)
    assert result.total_rows == sum(con.execute(f'SELECT COUNT(*) FROM "{t.name}"').fetchone()[0]
                                    for t in transfer.fitgap_tables())
    con.close()
    pg = open_db(url=postgres_url)
    try:
        assert items.get_item(db=pg, key=keys[0]).note == "=確認済み"
        # new rows get fresh ids after the copied ones (sequences continued)
        after = assessment.update_items(db=pg, user="鈴木", keys=keys[:2], status=Status.GAP)
        assert after.changed == keys[:2]
        assessment.undo(db=pg, user="鈴木", batch=after.batch)
    finally:
        pg.dispose()
    with pytest.raises(InvalidInputError, match="空ではありません"):
        migration.migrate(source_url=sqlite_url(db_path), target=postgres_url, user="t")
    back = tmp_path / "back.db"
    migration.migrate(source_url=postgres_url, target=str(back), user="tester")
    mine, theirs = _essence(db_path), _essence(back)
    assert any(r[1] == "鈴木" for r in theirs.pop("audit_event"))  # the change made on the server came back
    assert [r for r in mine.pop("audit_event")]
    # the server round trip changed revisions and who assessed, not what was assessed
    assert [(r[1], r[2], r[3], r[5]) for r in theirs.pop("assessment")] == \
        [(r[1], r[2], r[3], r[5]) for r in mine.pop("assessment")]
    assert theirs == mine


@pytest.mark.postgres
def test_backup_and_restore_on_postgres(postgres_url, tmp_path):
    from fitgap.services.catalog import init_database

    init_database(url=postgres_url, user="tester")
    pg = open_db(url=postgres_url)
    try:
        generate_demo(db=pg, total=100, seed=1, user="tester")
        key = items.item_keys(db=pg, flt=items.ItemFilter())[0]
        assessment.update_items(db=pg, user="t", keys=[key], note="backed up")
        b = maintenance.backup(url=postgres_url, exports_dir=tmp_path)
        assert b.rows["requirement"] == 297
        assessment.update_items(db=pg, user="t", keys=[key], note="changed later")
    finally:
        pg.dispose()
    assert maintenance.check(url=postgres_url).ok
    result = maintenance.restore(url=postgres_url, backup_file=b.path, exports_dir=tmp_path, user="t")
    pg = open_db(url=postgres_url)
    try:
        assert items.get_item(db=pg, key=key).note == "backed up"
    finally:
        pg.dispose()
    con = sqlite3.connect(result.safety_copy)
    assert con.execute("SELECT note FROM assessment WHERE req_id=?", (key.req_id,)).fetchone()[0] == "changed later"
    con.close()


def test_cli_migrate_db_reports_the_verified_tables(cli, tmp_path):
    cli("init")
    r = cli("migrate-db", "--to", str(tmp_path / "copy.db"))
    assert r.code == 0 and "一致しました" in r.out and "requirement" in r.out
    r = cli("migrate-db", "--to", str(tmp_path / "copy.db"))
    assert r.code != 0 and "空ではありません" in r.err
