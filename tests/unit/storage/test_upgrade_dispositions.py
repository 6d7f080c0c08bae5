"""Schema 12 → 13: old disposition words become today's, said once by the next command."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fitgap.config import sqlite_url
from fitgap.services.catalog import init_database
from tests.conftest import CliResult


def _as_schema_12_with_old_words(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        for table in ("bpr_link", "bpr_item"):
            con.execute(f"DROP TABLE {table}")
        # (the new columns stay: SQLite cannot drop a column with a foreign key; the step adds only missing
        # ones, which the upgrade from the schema 3 file in test_char_index exercises)
        con.execute("INSERT INTO assessment (operation_code, kind, req_id, status, disposition, note, needs_review,"
                    " archived, revision, disposition_detail, department, person) VALUES ('001', '機能', '1.1.1-必須',"
                    " 'ギャップ', 'EUC', 'EUC で帳票', 0, 0, 1, '', '', '')")
        con.execute("INSERT INTO assessment (operation_code, kind, req_id, status, disposition, note, needs_review,"
                    " archived, revision, disposition_detail, department, person) VALUES ('001', '機能', '1.1.2-必須',"
                    " 'ギャップ', 'ベンダ対応待ち', '', 0, 0, 1, '', '', '')")
        con.execute("UPDATE fitgap_meta SET value = '12' WHERE key = 'schema_version'")
        con.commit()
    finally:
        con.close()


def test_old_words_are_read_as_todays_and_the_count_is_said_once(tmp_path: Path, cli) -> None:
    path = tmp_path / "old.db"
    init_database(url=sqlite_url(path), user="u")
    _as_schema_12_with_old_words(path)
    r: CliResult = cli("custom", "list", db=path)
    first = r.err
    r2 = cli("custom", "list", db=path)
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT req_id, disposition, disposition_detail FROM assessment ORDER BY req_id").fetchall()
        assert con.execute("SELECT COUNT(*) FROM bpr_item").fetchone() == (0,)
    finally:
        con.close()
    assert rows == [("1.1.1-必須", "共通機能で対応", "EUC"), ("1.1.2-必須", "ベンダ要協議", "")]
    assert "2 件を読み替えました" in first and "EUC → 共通機能で対応" in first
    assert "読み替え" not in r2.err
