"""データ移行 on every surface: one count (storage.data_overview) read by `fitgap data status`, `fitgap status`
(its quick read too), the readiness workbook and the HTML report, for a database with a 基本データリスト, a
blocker (必須 未保持), an unmapped code and a profile with 外字候補; a blocker is listed once among the 阻害要因
with its データ項目ID; without a list the sheet and the section say so in one line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fitgap.domain.models import DataProfile
from fitgap.domain.readiness import OperationFacts, judge
from fitgap.reports.readiness_html import render_readiness_html
from fitgap.reports.readiness_model import DATA_NONE, BlockingKind
from fitgap.reports.readiness_xlsx import write_readiness_xlsx
from fitgap.services import data_items, readiness, status
from fitgap.services.database import open_db
from tests.data_books import sample_book, write_book

TODAY = date(2026, 11, 23)
OP = "002"
BLOCKER = "00200002"  # 宛名番号: 必須, 実装類型○
UNMAPPED = "00200005"  # 登録状態: コード一覧 1
GAIJI = "00200003"  # 氏名
GAIJI_CHARS = {"\ue000": 2, "𠮷": 5}


def _filled(cli: Callable, db_url: str, tmp_path: Path) -> None:
    assert cli("init").code == 0
    book = write_book(sample_book(OP), tmp_path / "list.xlsx")
    assert cli("data", "import", str(book)).code == 0
    assert cli("data", "set", BLOCKER, "--holding", "未保持").code == 0
    assert cli("data", "set", "00200001", "--holding", "保持").code == 0
    assert cli("data", "codes", UNMAPPED, "1=1", "9=").code == 0
    with open_db(url=db_url).write() as s:  # what profiling an extract records (services.data_profile)
        s.add(DataProfile(item_id=GAIJI, operation_code=OP, source_file="extract.csv", column="氏名",
                          profiled_at=datetime(2026, 11, 1, tzinfo=UTC), rows=100, gaiji=json.dumps(GAIJI_CHARS)))


def _cli_row(out: str, start: str) -> list[str]:
    """The figures of an operation's row of the データ要件 table: 項目 … 外字候補 (the version may hold spaces)."""
    line = next(ln for ln in out.splitlines() if ln.startswith(start))
    return line.split()[-7:]


def _expected_cli(c: data_items.DataCounts) -> list[str]:
    return [str(c.items), f"{c.assessed_pct:.0f}%", f"{c.ready_pct:.0f}%", str(c.blockers), str(c.review),
            str(c.unmapped_items), str(c.gaiji_chars)]


def test_every_surface_shows_the_same_data_figures(cli: Callable, db_url: str, tmp_path: Path) -> None:
    _filled(cli, db_url, tmp_path)
    db = open_db(url=db_url)
    counts = data_items.counts_by_operation(db=db)
    c = counts[OP]
    assert (c.items, c.assessed, c.blockers, c.unmapped_items, c.unmapped_codes, c.gaiji_items, c.gaiji_chars) == \
        (12, 2, 1, 1, 1, 1, 2)
    # the list filtered by 判定 agrees with the count (one outcome per item: domain.data_items.item_outcome)
    rows = data_items.list_items(db=db, flt=data_items.DataFilter(operation_code=OP))
    assert [r.item_id for r in rows if r.verdict == "阻害"] == [BLOCKER]
    # fitgap status: the quick read (sqlite3 alone) and the full open give the counts of fitgap data status
    quick = status.quick_overview(url=db_url, today=TODAY)  # None on PostgreSQL: the quick read is SQLite's
    assert (quick is not None and quick.data == counts) if db_url.startswith("sqlite") else quick is None
    assert status.get_overview(db=db, today=TODAY).data == counts
    data_status = cli("data", "status")
    overview = cli("status")
    assert data_status.code == 0 and overview.code == 0
    assert _cli_row(data_status.out, OP) == _expected_cli(c)
    assert _cli_row(overview.out, f"印鑑登録（{OP}）") == _expected_cli(c)
    assert "データ要件（基本データリスト）" in overview.out

    report = readiness.build_report(db=db, today=TODAY)
    wb = load_workbook(write_readiness_xlsx(report, tmp_path / "r.xlsx"))
    assert "データ移行" in wb.sheetnames and "データ移行の項目" in wb.sheetnames
    sheet = wb["データ移行"]
    heads = [cell.value for cell in sheet[1]]
    figures = {r[0]: dict(zip(heads, r, strict=False)) for r in sheet.iter_rows(min_row=2, values_only=True)
               if r[0] in counts}
    assert list(figures) == list(counts)  # every operation with a list, in 政令順
    mine = figures[OP]
    assert (mine["項目"], mine["確認済"], mine["準備済"], mine["必須未保持"], mine["要再確認"], mine["要対応"],
            mine["コード未対応（項目）"], mine["未対応の現行コード"], mine["外字候補（項目）"], mine["外字候補（文字）"]) == \
        (c.items, c.assessed, c.ready, c.blockers, c.review, c.todo, c.unmapped_items, c.unmapped_codes, c.gaiji_items,
         c.gaiji_chars)
    assert mine["確認率"] * 100 == pytest.approx(c.assessed_pct) and mine["準備率"] * 100 == pytest.approx(c.ready_pct)
    items = wb["データ移行の項目"]
    assert [cell.value for cell in items[1]][:5] == ["種類", "業務コード", "業務", "データ項目ID", "データ項目"]
    listed = [r for r in items.iter_rows(min_row=2, values_only=True) if r[1] == OP]
    assert [(r[0], r[3]) for r in listed] == [("必須未保持（阻害）", BLOCKER), ("コード未対応", UNMAPPED), ("外字候補", GAIJI)]
    assert "未保持" in listed[0][8] and "未対応の現行コード 1件" in listed[1][8]
    assert listed[2][8] == "𠮷（U+20BB7）×5、\ue000（U+E000）×2"  # every character with its count, most first
    # 阻害要因: each data blocker once, by its データ項目ID, with the function it serves
    blocking = [r for r in wb["阻害要因"].iter_rows(min_row=2, values_only=True) if r[0] == BlockingKind.DATA_BLOCKER]
    assert [(r[1], r[3]) for r in blocking if r[1] == OP] == [(OP, f"データ {BLOCKER}")]
    assert len(blocking) == sum(x.blockers for x in counts.values())
    assert "関連する機能: 0020001" in blocking[0][5]
    assert report.totals.blocking[BlockingKind.DATA_BLOCKER] == len(blocking)

    html = render_readiness_html(report)
    row = re.search(rf'<tr class="data-op" data-code="{OP}">(.*?)</tr>', html, flags=re.S)
    assert row is not None
    cells = dict(re.findall(r'data-k="(\w+)">([^<]*)</td>', row.group(1)))
    assert cells == {"items": str(c.items), "assessed": f"{c.assessed} ({c.assessed_pct:.1f}%)",
                     "ready": f"{c.ready} ({c.ready_pct:.1f}%)", "blockers": str(c.blockers), "review": str(c.review),
                     "todo": str(c.todo), "unmapped": f"{c.unmapped_items} ({c.unmapped_codes})",
                     "gaiji": f"{c.gaiji_items} ({c.gaiji_chars})"}
    kinds = re.findall(r'<tr class="data-item" data-kind="(\w+)" data-id="(\d{8})">', html)
    assert [k for k in kinds if k[1].startswith(OP)] == [("blocker", BLOCKER), ("unmapped", UNMAPPED), ("gaiji", GAIJI)]
    assert "𠮷（U+20BB7）×5" in html
    assert html.count(f"データ {BLOCKER}") == 1  # once in 3. 阻害要因


def test_a_data_blocker_counts_against_readiness() -> None:
    facts = OperationFacts(deadline=date(2027, 3, 31), days_left=400, requirements=10, reviewed=10, has_systems=True,
                           cutover=date(2027, 1, 4), data_blockers=1)
    assert [r.code for r in judge(facts).reasons] == ["R23"]
    pressing = replace(facts, days_left=100)
    assert [r.code for r in judge(pressing).reasons] == ["R22", "R23"]
    assert judge(replace(facts, data_blockers=0)).reasons == ()


def test_without_a_list_the_sheet_and_the_section_say_so_in_one_line(cli: Callable, db_url: str,
                                                                      tmp_path: Path) -> None:
    assert cli("init").code == 0
    report = readiness.build_report(db=open_db(url=db_url), today=TODAY)
    bare = replace(report, data=[], data_blockers=[], data_unmapped=[], data_gaiji=[])  # whatever init bundled
    wb = load_workbook(write_readiness_xlsx(bare, tmp_path / "r.xlsx"))
    assert "データ移行の項目" not in wb.sheetnames
    assert [r for r in wb["データ移行"].iter_rows(values_only=True) if any(r)] == [(DATA_NONE,)]
    assert "fitgap data import" in DATA_NONE
    section = re.search(r'<section id="data">(.*?)</section>', render_readiness_html(bare), flags=re.S)
    assert section is not None
    assert "<table" not in section.group(1) and DATA_NONE in section.group(1)
