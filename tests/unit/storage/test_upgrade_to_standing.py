"""Schema 8 → 9: an older database keeps its deadlines — a 個別設定 one reads as set by hand and survives
init, the 特定移行支援 ones written by init as the official list's flags — and every view reads the rule."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

FIXTURE = Path(__file__).parents[2] / "data" / "upgrade" / "schema3.db"


def _status(cli, db: Path) -> dict[str, list[str]]:
    rows = {}
    for line in cli("status", "--all", db=db).out.splitlines():
        if re.match(r"^\d{3}\s", line):
            cells = re.split(r"\s{2,}", line.strip())
            rows[cells[0]] = cells[-4:]
    return rows


def test_an_older_database_keeps_a_hand_set_deadline_and_reads_the_flags(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FITGAP_TODAY", "2026-12-07")
    db = tmp_path / "old.db"
    shutil.copy(FIXTURE, db)
    con = sqlite3.connect(db)
    con.execute("UPDATE operation SET deadline = '2028-03-31', deadline_kind = '個別設定' WHERE code = '003'")
    con.commit()
    con.close()
    rows = _status(cli, db)
    assert rows["003"][1:3] == ["2028-03-31", "個別設定（手動設定）"]
    assert rows["001"][1:3] == ["2031-03-31", "特定移行支援（公表一覧）"]
    assert rows["004"][1:3] == ["2026-03-31", "原則（令和7年度末）"]
    assert rows["014"][1] == "2031-03-31"  # the common part follows the taxes it serves
    r = cli("init", "--municipality", "札幌市", db=db)
    assert r.code == 0 and "手動で設定した期限はそのままです: 戸籍" in r.out
    assert _status(cli, db)["003"][1] == "2028-03-31"
    con = sqlite3.connect(db)
    try:
        assert int(con.execute("SELECT value FROM fitgap_meta WHERE key = 'schema_version'").fetchone()[0]) >= 9
        assert con.execute("SELECT deadline_source, tokutei_flag FROM operation WHERE code = '003'").fetchone() == (
            "手動設定", 0)
    finally:
        con.close()
