"""業務見直し where it shows outside the workbench: the readiness workbook's sheet 業務見直し and the HTML
section (per 担当課: open, overdue, done, then the open items, overdue first), each overdue item once among the
阻害要因 with its 担当課, and rules R24/R25 counting it against the verdict; the counts agree with
``fitgap bpr list``; without any item the sheet and the section say so in one line."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
from sqlmodel import select

from fitgap.domain.bpr import BprStatus
from fitgap.domain.enums import Disposition, Status
from fitgap.domain.models import BprItem
from fitgap.domain.readiness import OperationFacts, judge
from fitgap.reports.readiness_html import render_readiness_html
from fitgap.reports.readiness_model import BPR_NONE, BlockingKind
from fitgap.reports.readiness_xlsx import write_readiness_xlsx
from fitgap.services import assessment, bpr, readiness
from fitgap.services.database import open_db
from fitgap.services.items import ItemKey

TODAY = date(2026, 11, 23)  # the tests' FITGAP_TODAY
JUKI = "001"
GAPS = ("1.1.1-必須", "1.1.2-必須", "1.1.3-必須")  # one 例規改正 answers the three


def _decide(db, ids, disposition=Disposition.BPR) -> list[int]:
    keys = [ItemKey.of(JUKI, "機能", i) for i in ids]
    res = assessment.update_items(db=db, user="t", keys=keys, status=Status.GAP, disposition=disposition,
                                  note="窓口の手順を変える")
    assert res.bpr is not None
    return res.bpr.created


def _register(db) -> dict[str, int]:
    """Three gaps under one overdue item of 市民課, one item done (税務課), one open without a 担当課."""
    [late] = _decide(db, GAPS)
    bpr.update_items(db=db, user="t", ids=[late], today=TODAY,
                     values={"department": "市民課", "person": "山田", "due": "2026-10-01", "changes": "例規,様式",
                             "title": "転入届の窓口手順と規則の改正"})
    [done] = _decide(db, ["1.1.4-必須"], Disposition.OPERATION)
    bpr.update_items(db=db, user="t", ids=[done], today=TODAY, values={"department": "税務課", "status": "実施済"})
    [open_] = _decide(db, ["1.1.5-必須"])
    bpr.update_items(db=db, user="t", ids=[open_], today=TODAY, values={"due": "2027-03-31"})
    return {"late": late, "done": done, "open": open_}


def test_an_overdue_item_blocks_once_with_its_department(db) -> None:
    ids = _register(db)
    report = readiness.build_report(db=db, today=TODAY)
    blocking = [b for b in report.blocking if b.kind == BlockingKind.BPR_OVERDUE]
    assert len(blocking) == 1  # the item, not its three gaps
    b = blocking[0]
    assert (b.operation_code, b.ref, b.title, b.due) == (JUKI, f"業務見直し #{ids['late']}", "転入届の窓口手順と規則の改正",
                                                         date(2026, 10, 1))
    assert "担当課 市民課（担当者 山田）" in b.detail and "53日超過" in b.detail and "対象 3件" in b.detail
    assert report.totals.blocking[BlockingKind.BPR_OVERDUE] == 1
    juki = next(o for o in report.operations if o.code == JUKI)
    assert any(r.startswith("R24【赤】") for r in juki.reasons) and juki.verdict.value == "赤"
    assert [ln.id for ln in report.bpr_open] == [ids["late"], ids["open"]]  # overdue first, the done one left out
    # the item done, nothing blocks and neither rule applies
    bpr.update_items(db=db, user="t", ids=[ids["late"]], values={"status": "実施済"}, today=TODAY)
    after = readiness.build_report(db=db, today=TODAY)
    assert not [b for b in after.blocking if b.kind == BlockingKind.BPR_OVERDUE]
    assert not any(r.startswith(("R24", "R25")) for o in after.operations for r in o.reasons)


def test_rules_r24_red_when_pressing_r25_amber_otherwise() -> None:
    facts = OperationFacts(deadline=date(2031, 3, 31), days_left=900, requirements=10, reviewed=10, has_systems=True,
                           cutover=date(2031, 1, 4), bpr_overdue=1)
    assert [r.code for r in judge(facts).reasons] == ["R25"]
    pressing = OperationFacts(deadline=date(2027, 3, 31), days_left=120, requirements=10, reviewed=10,
                              has_systems=True, cutover=date(2027, 1, 4), bpr_overdue=2)
    assert [r.code for r in judge(pressing).reasons] == ["R24", "R25"]
    migrated = OperationFacts(deadline=date(2026, 3, 31), days_left=None, migrated=True, bpr_overdue=1)
    assert not judge(migrated).reasons


def _cli_counts(out: str) -> dict[str, tuple[int, int, int]]:
    """「  市民課: 未完了 1（うち期限超過 1）、実施済 0」 of ``fitgap bpr list``, by 担当課."""
    found = re.findall(r"^  (\S+): 未完了 (\d+)（うち期限超過 (\d+)）、実施済 (\d+)$", out, flags=re.M)
    return {d: (int(o), int(late), int(done)) for d, o, late, done in found}


def test_every_surface_counts_the_register_alike(cli: Callable, db_url: str, tmp_path: Path) -> None:
    assert cli("init").code == 0
    db = open_db(url=db_url)
    ids = _register(db)
    listed = cli("bpr", "list")
    assert listed.code == 0
    expected = {"市民課": (1, 1, 0), "税務課": (0, 0, 1), "（担当課未定）": (1, 0, 0)}
    assert _cli_counts(listed.out) == expected
    assert {c.department or "（担当課未定）": (c.open, c.overdue, c.done)
            for c in bpr.counts_by_department(bpr.list_items(db=db, today=TODAY))} == expected

    report = readiness.build_report(db=db, today=TODAY)
    ws = openpyxl.load_workbook(write_readiness_xlsx(report, tmp_path / "r.xlsx"), read_only=True)["業務見直し"]
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert rows[0][:4] == ("担当課", "未完了", "うち期限超過", "実施済")
    sheet = {r[0]: tuple(r[1:4]) for r in rows[1:5]}
    assert sheet == {**expected, "計": (2, 1, 1)}
    head = next(i for i, r in enumerate(rows) if r[0] == "ID")
    assert rows[head] == ("ID", "業務", "件名", "見直す内容", "担当課", "担当者", "期日", "状況", "超過日数", "対象数")
    listed_rows = rows[head + 1:]
    assert [r[0] for r in listed_rows] == [f"#{ids['late']}", f"#{ids['open']}"]
    assert listed_rows[0][2:] == ("転入届の窓口手順と規則の改正", "例規・様式", "市民課", "山田", "2026-10-01",
                                  BprStatus.NOT_STARTED.value, 53, 3)
    blocking = [r for r in openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)["阻害要因"].iter_rows(values_only=True)
                if r[0] == BlockingKind.BPR_OVERDUE]
    assert len(blocking) == 1 and "担当課 市民課" in blocking[0][5]

    html = render_readiness_html(report)
    section = html[html.index('<section id="bpr">'):]
    section = section[:section.index("</section>")]
    got = {}
    for dept, body in re.findall(r'<tr class="bpr-dept" data-dept="([^"]*)"[^>]*>(.*?)</tr>', section, flags=re.S):
        figures = dict(re.findall(r'data-k="(\w+)">(\d+)<', body))
        got[dept or "（担当課未定）"] = (int(figures["open"]), int(figures["overdue"]), int(figures["done"]))
    assert got == {**expected, "計": (2, 1, 1)}
    assert re.findall(r'<tr class="bpr-item" data-id="(\d+)"', section) == [str(ids["late"]), str(ids["open"])]
    blocks = html[html.index('<section id="blocking"'):html.index('<section id="schedule"')]
    assert blocks.count("業務見直し #") == 1 and "担当課 市民課" in blocks


def test_without_any_item_one_line(db, tmp_path: Path) -> None:
    report = readiness.build_report(db=db, today=TODAY)
    assert report.bpr == [] and report.bpr_open == []
    ws = openpyxl.load_workbook(write_readiness_xlsx(report, tmp_path / "r.xlsx"), read_only=True)["業務見直し"]
    assert [r for r in ws.iter_rows(values_only=True)] == [(BPR_NONE,)]
    assert f'<p class="nodata">{BPR_NONE}</p>' in render_readiness_html(report)
    with db.read() as s:
        assert not list(s.exec(select(BprItem)))
