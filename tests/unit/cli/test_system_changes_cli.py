"""What a user sees from `fitgap init --municipality 札幌市`, `systems list`, `systems changes|change`,
`systems changes-export|changes-import`, and the 改修 parts of `schedule`, `schedule --slip` and the readiness
report: items only where the municipality must act, unknown dates named once instead of late items, links
that are not standard interfaces flagged, untouched items the rule no longer asks for removed and counted."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from fitgap.services import change_sync, system_graph
from fitgap.services.database import open_db
from fitgap.storage import changes as change_store
from tests.answer_books import header_map
from tests.conftest import dump_database

JUKI = "住民記録システム"
FUKUSHI = "福祉総合システム"


@pytest.fixture
def sapporo(cli, monkeypatch):
    monkeypatch.setenv("FITGAP_TODAY", "2026-12-01")
    r = cli("init", "--municipality", "札幌市")
    assert r.code == 0 and "改修項目" not in r.out  # no dates yet: nothing to act on is known
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
    assert r.code == 1 and re.search(r"^反映\s+0$", r.out, re.M) and "概算費用「たくさん」は数値ではありません" in r.out
    assert (tmp_path / "p.csv").exists()
    ws.cell(row=3, column=cols["概算費用（千円）"]).value = 300
    wb.save(tmp_path / "返送2.xlsx")
    r = sapporo("systems", "changes-import", str(tmp_path / "返送2.xlsx"), "--dry-run")
    assert re.search(r"^変わる予定\s+1$", r.out, re.M) and "状況 未着手 → 調査中" in r.out and "何も保存していません" in r.out
    r = sapporo("systems", "changes-import", str(tmp_path / "返送2.xlsx"))
    assert re.search(r"^反映\s+1$", r.out, re.M)
    assert "調査中" in sapporo("systems", "changes", "--vendor", "株式会社福祉").out
    r = sapporo("import", "vendor", str(tmp_path / "返送2.xlsx"))
    assert r.code != 0 and "改修一覧です" in r.err and "changes-import" in r.err


def _sheet(path: Path, name: str) -> list[tuple]:
    return [row for row in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]


def test_a_nearly_done_body_gets_no_flood_of_late_items_and_its_undated_systems_named_once(
        cli, monkeypatch, tmp_path: Path) -> None:
    """Issue 22, repro 8: 大多喜町 with one actual cut-over date; the other systems have no date yet."""
    monkeypatch.setenv("FITGAP_TODAY", "2026-12-07")
    assert cli("init", "--municipality", "大多喜町").code == 0
    r = cli("systems", "set", JUKI, "--actual", "2026-01-05")
    assert r.code == 0 and "改修項目" not in r.out
    listed = cli("systems", "changes").out
    assert "改修項目はありません。" in listed and listed.count("日程未定のシステム 21件") == 1
    schedule = cli("schedule").out
    section = schedule.split("■ 改修の遅れ")[1].split("■ 期限リスク")[0]
    assert "ありません（改修項目 0件" in section
    assert section.count("日程未定のシステム 21件") == 1 and section.count("個人住民税システム") == 1
    out = tmp_path / "rep"
    assert cli("report", "readiness", "-o", str(out)).code == 0
    blocking = _sheet(out.with_suffix(".xlsx"), "阻害要因")
    assert not [row for row in blocking if "連携の改修の遅れ" in row]
    sheet = _sheet(out.with_suffix(".xlsx"), "連携の改修")
    named = [row[0] for row in sheet if row[0] and "個人住民税システム" in str(row[0])]
    assert len(named) == 1 and str(named[0]).count("個人住民税システム") == 1  # once, in one line
    assert any(str(row[0]).startswith("日程未定のシステム 21件") for row in sheet)
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert html.count("日程未定のシステム（21件）") == 1 and "連携の改修の遅れ" not in html.split('id="changes"')[1]


def test_a_related_link_gets_an_item_two_standard_systems_on_one_date_none(sapporo) -> None:
    r = sapporo("systems", "set", "戸籍情報システム", "--planned", "2027-01-04")
    assert r.code == 0 and "改修項目" not in r.out
    r = sapporo("systems", "set", "戸籍附票システム", "--planned", "2027-01-04")
    assert r.code == 0 and "改修項目" not in r.out  # moving together: no item
    assert "改修項目はありません。" in sapporo("systems", "changes").out
    sapporo("systems", "add", FUKUSHI, "--kind", "関連システム")
    r = sapporo("systems", "link", JUKI, FUKUSHI, "--data", "宛名")
    assert "連携の改修項目 1件を「未着手」で作成しました。" in r.out
    r = sapporo("systems", "set", "戸籍附票システム", "--planned", "2027-03-01")
    assert "連携の改修項目 1件を「未着手」で作成しました。" in r.out  # now they move on different days
    listed = sapporo("systems", "changes").out
    row = next(line for line in listed.splitlines() if line.startswith("戸籍情報システム → 戸籍附票システム"))
    assert "暫定連携（1/2）" in row and "2027-01-04" in row
    assert "戸籍情報システム → 戸籍附票システム: 暫定連携 2027-01-04 まで → 本連携 2027-03-01 まで" in listed
    related = next(line for line in listed.splitlines() if line.startswith(f"{JUKI} → {FUKUSHI}"))
    assert "改修" in related and "必要日を過ぎて" not in related  # 住民記録 has no date: not late
    r = sapporo("systems", "change", "戸籍情報システム", "戸籍附票システム", "--actual", "2027-01-03")
    assert "暫定連携を 2027-01-03 に完了として記録し、本連携の段階にしました" in r.out
    row = next(line for line in sapporo("systems", "changes").out.splitlines()
               if line.startswith("戸籍情報システム → 戸籍附票システム"))
    assert "本連携（2/2）" in row and "2027-03-01" in row


def test_links_that_are_not_standard_interfaces_are_flagged(sapporo, tmp_path: Path) -> None:
    sapporo("systems", "add", FUKUSHI, "--kind", "関連システム")
    sapporo("systems", "link", FUKUSHI, "介護保険システム", "--data", "世帯")
    sapporo("systems", "link", JUKI, "介護保険システム", "--method", "DB共有")
    links = sapporo("systems", "links").out
    line = next(x for x in links.splitlines() if x.startswith(FUKUSHI))
    assert "標準の連携ではない（関連システムから）" in line
    line = next(x for x in links.splitlines() if x.startswith(JUKI) and "介護保険システム" in x)
    assert "標準の連携ではない（DB共有）" in line and "標準の連携ではない連携 2件" in links
    listed = sapporo("systems", "changes").out
    assert "標準の連携ではない（関連システムから）" in listed
    out = tmp_path / "rep"
    assert sapporo("report", "readiness", "-o", str(out)).code == 0
    sheet = _sheet(out.with_suffix(".xlsx"), "連携の改修")
    assert any(row[0] and str(row[0]).startswith("標準の連携ではない連携 2件") for row in sheet)
    flagged = _sheet(out.with_suffix(".xlsx"), "標準外の連携")  # the list, on a sheet of its own
    assert (JUKI, "介護保険システム", "DB共有", "標準の連携ではない（DB共有）") in [
        (row[0], row[1], row[3], row[4]) for row in flagged]
    assert "標準の連携ではない連携（2件）" in out.with_suffix(".html").read_text(encoding="utf-8")


def test_init_removes_untouched_seeded_items_and_keeps_touched_ones(sapporo, db_url: str) -> None:
    """A database from the release that seeded an item for each typical link (all 未着手)."""
    db = open_db(url=db_url)
    try:
        with db.write() as session:
            sg = system_graph.load_graph_in(session)
            change_store.insert_changes(session=session,
                                        rows=[change_sync.default_row(sg, pair) for pair in sorted(sg.links)])
    finally:
        db.dispose()
    r = sapporo("systems", "change", JUKI, "国民健康保険システム", "--status", "調査中")
    assert r.code == 0
    r = sapporo("init", "--municipality", "札幌市")
    assert r.code == 0
    assert "不要になった未着手の改修項目 52件を削除しました（誰も編集していないもの）。" in r.out
    listed = sapporo("systems", "changes").out
    kept = next(line for line in listed.splitlines() if line.startswith(f"{JUKI} → 国民健康保険システム"))
    assert "調査中" in kept and "日程未定（要否未定）" in kept
    assert "削除はしていません" in listed
    sapporo("systems", "set", "国民健康保険システム", "--planned", "2027-01-04")
    sapporo("systems", "set", JUKI, "--planned", "2027-01-04")
    kept = next(line for line in sapporo("systems", "changes").out.splitlines()
                if line.startswith(f"{JUKI} → 国民健康保険システム"))
    assert "不要か確認（同じ日に移行）" in kept  # kept, never silently deleted
    assert "不要になった" not in sapporo("init", "--municipality", "札幌市").out
