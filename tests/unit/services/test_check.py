"""fitgap check: a healthy database passes; each kind of damage is reported in plain words."""

import sqlite3

from fitgap.services import maintenance
from fitgap.storage.schema import SCHEMA_VERSION


def _sql(path, *statements, fk=True):
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA foreign_keys = {'ON' if fk else 'OFF'}")
    for s in statements:
        con.execute(s)
    con.commit()
    con.close()


def _problems(report):
    return {r.title: r.problems for r in report.results if r.problems}


def test_fresh_database_is_healthy(db, db_url):
    report = maintenance.check(url=db_url)
    assert report.ok, _problems(report)
    titles = [r.title for r in report.results]
    assert titles[-4:] == ["スキーマ（表の構成と版）", "参照の整合性（外部キー）", "孤立した行・版の印", "復元の記録"]


def test_row_pointing_at_a_missing_operation(db, db_url, db_path):
    _sql(db_path, "INSERT INTO assessment (operation_code, kind, req_id, status, note, needs_review, archived, revision)"
         " VALUES ('999', '機能', '9990001', '適合', '', 0, 0, 0)", fk=False)
    report = maintenance.check(url=db_url)
    assert not report.ok
    fk = _problems(report)["参照の整合性（外部キー）"]
    assert any("assessment" in p and "operation" in p and "1 行" in p for p in fk)


def test_assessment_without_any_requirement_is_an_orphan(db, db_url, db_path):
    _sql(db_path, "INSERT INTO assessment (operation_code, kind, req_id, status, note, needs_review, archived, revision)"
         " VALUES ('001', '機能', '0019999', '適合', '', 0, 0, 0)")
    problems = _problems(maintenance.check(url=db_url))["孤立した行・版の印"]
    assert any("確認結果が 1 件" in p and "001:機能:0019999" in p for p in problems)


def test_current_flag_on_an_old_version(db, db_url, db_path):
    _sql(db_path, "UPDATE requirement SET current = 0 WHERE req_id IN (SELECT req_id FROM requirement LIMIT 3)")
    problems = _problems(maintenance.check(url=db_url))["孤立した行・版の印"]
    assert problems == ["業務 001: 3 件の要件で「現在の版」の印が最新の版と一致しません。"]


def test_newer_schema_and_missing_table(db, db_url, db_path):
    _sql(db_path, "DROP TABLE saved_view")
    problems = _problems(maintenance.check(url=db_url))
    assert problems["スキーマ（表の構成と版）"] == ["表 saved_view がありません。"]
    _sql(db_path, f"UPDATE fitgap_meta SET value='{SCHEMA_VERSION + 1}' WHERE key='schema_version'")
    problems = _problems(maintenance.check(url=db_url))
    assert "より新しい" in problems["スキーマ（表の構成と版）"][0]


def test_corrupt_file_is_reported_not_crashed(db, db_url, db_path):
    db.dispose()
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(db_path.read_bytes())
    data[20480:81920] = b"\x13" * (81920 - 20480)
    db_path.write_bytes(bytes(data))
    report = maintenance.check(url=db_url)
    assert not report.ok
    assert "ファイルの整合性（integrity_check）" in _problems(report)


def test_text_file_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello" * 100)
    report = maintenance.check(url=f"sqlite:///{path}")
    assert _problems(report)["ファイルの形式"] == ["notes.db は SQLite データベースではありません（先頭の印が違います）。"]


def test_cli_check_exit_codes(cli, db_path):
    cli("init")
    r = cli("check")
    assert r.code == 0 and "問題は見つかりませんでした" in r.out
    _sql(db_path, "INSERT INTO assessment (operation_code, kind, req_id, status, note, needs_review, archived, revision)"
         " VALUES ('001', '機能', '0019999', '適合', '', 0, 0, 0)")
    r = cli("check")
    assert r.code == 1 and "問題あり" in r.out and "001:機能:0019999" in r.out


def test_check_on_each_backend_finds_an_orphan(backend_url):
    import sqlalchemy as sa

    from fitgap.services.catalog import init_database
    from fitgap.storage.db import create_engine

    init_database(url=backend_url, user="t")
    assert maintenance.check(url=backend_url).ok
    engine = create_engine(backend_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO assessment (operation_code, kind, req_id, status, note, needs_review, archived,"
                             " revision) VALUES ('001', '機能', '0019999', '適合', '', false, false, 0)"))
    engine.dispose()
    problems = _problems(maintenance.check(url=backend_url))
    assert list(problems) == ["孤立した行・版の印"] and "001:機能:0019999" in problems["孤立した行・版の印"][0]
