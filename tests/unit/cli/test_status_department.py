"""``fitgap status --department NAME`` ("my items"): the status table of the requirements whose assessment
names the 担当課 and of the 独自機能 it owns, on the operations where it has any, and a line with its
業務見直し (open, overdue, done: the counts of ``fitgap bpr list``); the quick read and the full open agree."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa

from fitgap.domain.enums import Disposition, Status
from fitgap.domain.models import Assessment
from fitgap.services import assessment, bpr, status
from fitgap.services.database import open_db
from fitgap.services.items import ItemKey

TODAY = date(2026, 11, 23)
JUKI = "001"


def _assign(db_url: str) -> int:
    db = open_db(url=db_url)
    key = lambda i: ItemKey.of(JUKI, "機能", i)  # noqa: E731
    res = assessment.update_items(db=db, user="t", keys=[key("1.1.1-必須")], status=Status.GAP,
                                  disposition=Disposition.BPR, note="窓口の手順を変える")
    assessment.update_items(db=db, user="t", keys=[key("1.1.2-必須")], status=Status.FIT)
    assessment.update_items(db=db, user="t", keys=[key("1.1.3-必須")], status=Status.GAP, note="未定")
    with db.write() as s:  # the 担当課 of each requirement, as the assignment command records it
        for req, dept in (("1.1.1-必須", "市民課"), ("1.1.2-必須", "市民課"), ("1.1.3-必須", "税務課")):
            s.execute(sa.update(Assessment).where(Assessment.operation_code == JUKI, Assessment.req_id == req)
                      .values(department=dept))
    assert res.bpr is not None
    [item] = res.bpr.created
    bpr.update_items(db=db, user="t", ids=[item], today=TODAY, values={"department": "市民課", "due": "2026-10-01"})
    db.dispose()
    return item


def _row(out: str, code: str) -> list[str]:
    line = next(ln for ln in out.splitlines() if ln.startswith(code + " "))
    return line.split()


def test_my_items_are_the_departments_own(cli: Callable, db_url: str) -> None:
    assert cli("init").code == 0
    _assign(db_url)
    mine = cli("status", "--department", "市民課")
    assert mine.code == 0, mine.err
    assert "担当課: 市民課" in mine.out
    row = _row(mine.out, JUKI)
    assert row[3:6] == ["2", "100%", "1"]  # 要件 (its own two), 確認率, 要対応 (the one 実装必須 gap)
    assert [ln.split()[0] for ln in mine.out.splitlines() if re.match(r"\d{3} ", ln)] == [JUKI]  # only where it has any
    # one source: the overview read for the department (quick read and full open alike)
    db = open_db(url=db_url)
    full = status.get_overview(db=db, today=TODAY, department="市民課")
    quick = status.quick_overview(url=db_url, today=TODAY, department="市民課")  # SQLite's alone (None on PostgreSQL)
    assert (quick is not None) == db_url.startswith("sqlite")
    for ov in (full, quick) if quick is not None else (full,):
        o = next(o for o in ov.operations if o.code == JUKI)
        assert (o.requirements, o.reviewed, o.fit, o.gap, o.must_gaps) == (2, 2, 1, 1, 1)
        assert sum(x.requirements for x in ov.operations) == 2
    tax = next(o for o in status.get_overview(db=db, today=TODAY, department="税務課").operations if o.code == JUKI)
    assert (tax.requirements, tax.gap) == (1, 1)
    whole = next(o for o in status.get_overview(db=db, today=TODAY).operations if o.code == JUKI)
    assert whole.requirements > 100  # without --department, every requirement as before

    # its 業務見直し: the counts of fitgap bpr list --department
    line = next(ln for ln in mine.out.splitlines() if ln.startswith("市民課の業務見直し:"))
    assert "未完了 1（うち期限超過 1）、実施済 0" in line
    listed = cli("bpr", "list", "--department", "市民課")
    assert "  市民課: 未完了 1（うち期限超過 1）、実施済 0" in listed.out.splitlines()
    [c] = bpr.counts_by_department(bpr.list_items(db=db, today=TODAY, flt=bpr.BprFilter(department="市民課")))
    assert full.bpr_of("市民課") == c
    db.dispose()


def test_a_department_without_assignments_is_said_with_the_ones_there_are(cli: Callable, db_url: str) -> None:
    assert cli("init").code == 0
    _assign(db_url)
    res = cli("status", "--department", "福祉課")
    assert res.code == 0
    assert "担当課「福祉課」に割り当てた要件・独自機能・業務見直しはありません。" in res.out
    assert "割り当てのある担当課: 市民課、税務課" in res.out
    # a name with a quote is a name, never SQL
    odd = cli("status", "--department", "市民課' OR '1'='1")
    assert odd.code == 0 and "に割り当てた要件・独自機能・業務見直しはありません" in odd.out
    assert cli("status", "--department", " ").code != 0
