"""What a user sees from the graph, schedule and systems commands."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import dump_database

JUKI = "住民記録システム"


@pytest.fixture
def initialised(cli):
    assert cli("init").code == 0
    return cli


def test_init_reports_the_typical_systems_once(cli) -> None:
    first = cli("init")
    assert "典型的なシステム 23件" in first.out
    second = cli("init")
    assert "典型的なシステム" not in second.out and "変更はありません" in second.out


def test_graph_json_to_stdout_and_dot_to_a_file(initialised, tmp_path: Path) -> None:
    r = initialised("graph", "--format", "json")
    assert r.code == 0
    doc = json.loads(r.out)
    assert len(doc["systems"]) == 23 and len(doc["links"]) == 53
    out = tmp_path / "deps" / "graph.dot"
    r = initialised("graph", "-f", "dot", "-o", str(out))  # a folder that is not there is not made
    assert r.code == 2 and f"書き出し先のフォルダ {out.parent} がありません" in r.err and not out.parent.exists()
    out.parent.mkdir()
    r = initialised("graph", "-f", "dot", "-o", str(out))
    assert r.code == 0 and str(out) in r.out
    assert out.read_text(encoding="utf-8").startswith("digraph fitgap {")
    for fmt, head in (("mermaid", "flowchart LR"), ("graphml", "<?xml")):
        assert initialised("graph", "--format", fmt).out.startswith(head)


def test_graph_rejects_an_unknown_format(initialised) -> None:
    r = initialised("graph", "--format", "png")
    assert r.code == 2 and "png" in r.err


def test_schedule_shows_waves_conflicts_and_risks(initialised, monkeypatch) -> None:
    monkeypatch.setenv("FITGAP_TODAY", "2025-10-01")
    assert initialised("systems", "set", JUKI, "--planned", "2026-01-05").code == 0
    assert initialised("systems", "set", "個人住民税システム", "--planned", "2025/12/1").code == 0
    r = initialised("schedule")
    assert r.code == 0
    assert "基準日: 2025-10-01 (R7年度)" in r.out
    assert "■ 移行順（ウェーブ）" in r.out and "■ 循環している依存関係" in r.out
    conflict = next(line for line in r.out.splitlines() if line.startswith("提供元より先に移行"))
    assert JUKI in conflict and "個人住民税システム" in conflict and "35日" in conflict
    risk = next(line for line in r.out.splitlines() if JUKI in line and "残り 181日" in line)
    assert "2026-01-05 (R7年度)" in risk and "2026-03-31 (R7年度)" in risk


def test_schedule_slip_lists_systems_put_at_risk(initialised, monkeypatch) -> None:
    monkeypatch.setenv("FITGAP_TODAY", "2025-10-01")
    initialised("systems", "set", "国民健康保険システム", "--planned", "2026-02-01")
    r = initialised("schedule", "--slip", "住民記録", "2026-04-20")
    assert r.code == 0
    assert "期限 2026-03-31 (R7年度) を 20日 超えます" in r.out
    row = next(line for line in r.out.splitlines() if line.startswith("国民健康保険システム"))
    assert "78日" in row


def test_systems_export_edit_import_round_trip(initialised, tmp_path: Path) -> None:
    s_path, l_path = tmp_path / "s.csv", tmp_path / "l.csv"
    r = initialised("systems", "export", "--systems", str(s_path), "--links", str(l_path))
    assert r.code == 0 and "システム 23件" in r.out and "連携 53件" in r.out
    rows = list(csv.reader(s_path.open(encoding="utf-8-sig")))
    header = rows[0]
    juki = next(row for row in rows if row[0] == JUKI)
    juki[header.index("移行予定日")] = "2026/2/1"
    with s_path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    r = initialised("systems", "import", "--systems", str(s_path), "--links", str(l_path))
    assert r.code == 0
    assert "更新 1件" in r.out and "変更なし 22件" in r.out and "変更なし 53件" in r.out
    assert "2026-02-01 (R7年度)" in initialised("systems", "show", JUKI).out


def test_systems_import_dry_run_says_what_the_import_would_do_and_saves_nothing(initialised, db_path: Path,
                                                                                tmp_path: Path) -> None:
    s_path, l_path = tmp_path / "s.csv", tmp_path / "l.csv"
    assert initialised("systems", "export", "--systems", str(s_path), "--links", str(l_path)).code == 0
    rows = list(csv.reader(s_path.open(encoding="utf-8-sig")))
    header = rows[0]
    next(row for row in rows if row[0] == JUKI)[header.index("移行予定日")] = "2026/2/1"
    with s_path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    before = dump_database(db_path)
    trial = initialised("systems", "import", "--systems", str(s_path), "--links", str(l_path), "--dry-run")
    assert trial.code == 0
    assert dump_database(db_path) == before  # the same transaction, rolled back
    assert "--dry-run のため何も保存していません。" in trial.out
    real = initialised("systems", "import", "--systems", str(s_path), "--links", str(l_path))
    assert real.code == 0 and "2026-02-01 (R7年度)" in initialised("systems", "show", JUKI).out
    # the same lines as the import itself, marked as a trial
    said = [line.removeprefix("[試行] ") for line in trial.out.splitlines() if "dry-run" not in line]
    assert said == real.out.splitlines()
    assert "[試行] システム（s.csv）: 追加 0件、更新 1件、変更なし 22件" in trial.out

    # a file of nothing to take fails in a dry run as the import would: a conflict, then refused rows
    assert initialised("systems", "set", JUKI, "--planned", "2026-03-01").code == 0  # changed since the export
    stale = initialised("systems", "import", "--systems", str(s_path), "--dry-run")
    assert stale.code != 0 and stale.code == initialised("systems", "import", "--systems", str(s_path)).code
    assert "競合 1件" in stale.err and "試行のため何も書き込んでいません" in stale.err
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["提供元", "利用側", "データ", "方式", "暫定連携"], [JUKI, "架空システム", "宛名", "API", "なし"]])
    refused = initialised("systems", "import", "--links", str(bad), "--dry-run")
    assert refused.code != 0 and "架空システム" in refused.err
    assert refused.code == initialised("systems", "import", "--links", str(bad)).code


def test_systems_import_with_bad_rows_prints_each_row_and_saves_nothing(initialised, db_path: Path,
                                                                         tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["提供元", "利用側", "データ", "方式", "暫定連携"])
        w.writerow([JUKI, "架空システム", "宛名", "API", "なし"])
        w.writerow([JUKI, JUKI, "宛名", "API", "なし"])
    before = dump_database(db_path)
    r = initialised("systems", "import", "--links", str(path))
    assert r.code != 0
    assert "エラー:" in r.err and "対処:" in r.err
    assert "2行目" in r.err and "架空システム" in r.err and "3行目" in r.err and "自分自身" in r.err
    assert dump_database(db_path) == before


def test_systems_set_with_a_bad_date_fails_cleanly(initialised, db_path: Path) -> None:
    before = dump_database(db_path)
    r = initialised("systems", "set", JUKI, "--planned", "2026-02-30")
    assert r.code != 0 and "存在しない日付" in r.err
    assert dump_database(db_path) == before


def test_link_milestone_and_list(initialised) -> None:
    assert initialised("systems", "add", "独自施策システム", "--kind", "関連システム").code == 0
    r = initialised("systems", "link", "子ども・子育て支援システム", "独自施策システム", "--data", "世帯", "--interim")
    assert r.code == 0 and "追加" in r.out
    links = initialised("systems", "links").out
    row = next(line for line in links.splitlines() if "独自施策システム" in line)
    assert "あり" in row and "要確認" not in row
    assert initialised("systems", "milestone", "独自施策システム", "契約", "--planned", "2025-08-01").code == 0
    shown = initialised("systems", "show", "独自施策システム").out
    assert "契約" in shown and "2025-08-01 (R7年度)" in shown
    assert "子ども・子育て支援システム" in shown
    listing = initialised("systems", "list").out
    assert "独自施策システム" in listing and "※ 典型例" in listing


@pytest.mark.parametrize("command", [["graph"], ["schedule"], ["systems", "import"], ["systems", "export"]])
def test_help(cli, command) -> None:
    r = cli(*command, "--help")
    assert r.code == 0 and "--db" in r.out
