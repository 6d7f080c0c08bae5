"""What a user sees from `fitgap init --municipality 札幌市`, `systems list`, `systems changes|change`,
`systems changes-export|changes-import`, and the 改修 parts of `schedule` and `schedule --slip`."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.answer_books import header_map
from tests.conftest import dump_database

JUKI = "住民記録システム"
FUKUSHI = "福祉総合システム"


@pytest.fixture
def sapporo(cli, monkeypatch):
    monkeypatch.setenv("FITGAP_TODAY", "2026-12-01")
    r = cli("init", "--municipality", "札幌市")
    assert r.code == 0 and "改修項目 53件を「未着手」で作成しました" in r.out
    return cli


def test_cross_cutting_and_related_systems_get_needed_by_dates_not_fy2025(sapporo) -> None:
    assert sapporo("systems", "add", FUKUSHI, "--kind", "関連システム").code == 0
    out = sapporo("systems", "list").out
    toshu = next(line for line in out.splitlines() if line.startswith("統合収納・滞納システム"))
    assert "2031-03-31" in toshu and "期限超過" not in toshu  # the date of 014, which follows the taxes
    tax_common = next(line for line in sapporo("status", "--all").out.splitlines() if line.startswith("014"))
    assert "2031-03-31" in tax_common and "期限超過" not in tax_common
    lone = next(line for line in out.splitlines() if line.startswith(FUKUSHI))
    assert "2026-03-31" not in lone and "—" in lone
    schedule = sapporo("schedule").out
    risk_line = next(line for line in schedule.splitlines() if FUKUSHI in line and line.startswith(("中", "高", "低")))
    assert risk_line.startswith("中") and "必要日が未定" in risk_line
    sapporo("systems", "link", JUKI, FUKUSHI, "--data", "宛名")
    sapporo("systems", "set", JUKI, "--planned", "2027-01-05")
    show = sapporo("systems", "show", FUKUSHI).out
    assert "必要日: 2027-01-05 (R8年度)（住民記録システムの移行予定 2027-01-05 に合わせる）" in show


def test_change_list_edit_and_schedule_conflict(sapporo) -> None:
    sapporo("systems", "add", FUKUSHI, "--kind", "関連システム", "--vendor", "株式会社福祉")
    sapporo("systems", "link", JUKI, FUKUSHI, "--data", "宛名")
    sapporo("systems", "set", JUKI, "--planned", "2027-01-05")
    r = sapporo("systems", "change", JUKI, FUKUSHI, "--status", "改修中", "--planned", "2027-02-01", "--cost", "900",
                "--interim", "CSV を変換")
    assert r.code == 0 and "状況 改修中" in r.out
    listed = sapporo("systems", "changes", "--system", FUKUSHI).out
    assert "改修予定が必要日より後 27日" in listed and "株式会社福祉" in listed and "900" in listed
    schedule = sapporo("schedule").out
    section = schedule.split("■ 改修の遅れ")[1].split("■ 期限リスク")[0]
    assert f"{JUKI} → {FUKUSHI}" in section and "27日" in section
    slip = sapporo("schedule", "--slip", JUKI, "2027-03-01").out
    moved = slip.split("■ 改修項目への影響")[1]
    assert FUKUSHI in moved and "2027-01-05 (R8年度)" in moved and "2027-03-01 (R8年度)" in moved
    assert "間に合う" in moved
    done = sapporo("systems", "change", JUKI, FUKUSHI, "--actual", "2027-01-04")
    assert "完了日を入れたので状況を「完了」にしました。" in done.out


def test_bad_change_input_exits_non_zero_and_changes_nothing(sapporo, db_path: Path) -> None:
    before = dump_database(db_path)
    for args in (("--cost", "-1"), ("--planned", "来月"), ("--status", "改修中", "--actual", "2027-01-01")):
        r = sapporo("systems", "change", JUKI, "国民健康保険システム", *args)
        assert r.code != 0 and "エラー:" in r.err and "対処:" in r.err, args
    r = sapporo("systems", "change", "中間サーバー", JUKI, "--status", "調査中")
    assert r.code != 0 and "連携はありません" in r.err
    r = sapporo("systems", "change", JUKI, "国民健康保険システム")
    assert r.code != 0 and "変更する項目がありません" in r.err
    assert dump_database(db_path) == before


def test_workbook_round_trip_from_the_command_line(sapporo, tmp_path: Path) -> None:
    sapporo("systems", "add", FUKUSHI, "--kind", "関連システム", "--vendor", "株式会社福祉")
    sapporo("systems", "link", JUKI, FUKUSHI, "--data", "宛名")
    out = tmp_path / "改修.xlsx"
    r = sapporo("systems", "changes-export", "--vendor", "株式会社福祉", "-o", str(out))
    assert r.code == 0 and "改修一覧 1件を書き出しました" in r.out
    wb = openpyxl.load_workbook(out)
    ws = wb["改修一覧"]
    cols = header_map(ws)
    ws.cell(row=3, column=cols["状況"]).value = "調査中"
    ws.cell(row=3, column=cols["概算費用（千円）"]).value = "たくさん"
    wb.save(tmp_path / "返送.xlsx")
    r = sapporo("systems", "changes-import", str(tmp_path / "返送.xlsx"), "--problems", str(tmp_path / "p.csv"))
    assert r.code == 1 and "反映 0件" in r.out and "概算費用「たくさん」は 0 以上の数値ではありません" in r.out
    assert (tmp_path / "p.csv").exists()
    ws.cell(row=3, column=cols["概算費用（千円）"]).value = 300
    wb.save(tmp_path / "返送2.xlsx")
    r = sapporo("systems", "changes-import", str(tmp_path / "返送2.xlsx"), "--dry-run")
    assert "変わる予定 1件" in r.out and "状況 未着手 → 調査中" in r.out and "何も保存していません" in r.out
    r = sapporo("systems", "changes-import", str(tmp_path / "返送2.xlsx"))
    assert "反映 1件" in r.out
    assert "調査中" in sapporo("systems", "changes", "--vendor", "株式会社福祉").out
    r = sapporo("import", "vendor", str(tmp_path / "返送2.xlsx"))
    assert r.code != 0 and "改修一覧です" in r.err and "changes-import" in r.err
