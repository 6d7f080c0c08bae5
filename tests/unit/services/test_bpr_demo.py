"""``fitgap demo`` makes a few 業務見直し items from its own gaps decided 業務見直し / 運用で対応 (some grouped,
most with a 担当課, one overdue, one done), marked demo and replaced — not added — on the next demo; items made
by users stay."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from fitgap.domain.bpr import BprStatus
from fitgap.domain.enums import Disposition, Status
from fitgap.domain.models import Assessment, BprItem, BprLink
from fitgap.services import bpr
from fitgap.services.demo import generate_demo

TODAY = date(2026, 11, 23)


def test_the_demo_has_a_register_replaced_on_the_next_demo(db) -> None:
    res = generate_demo(db=db, total=3000, seed=3, user="tester", today=TODAY)
    assert res.bpr_items == 6
    rows = bpr.list_items(db=db, today=TODAY)
    assert len(rows) == res.bpr_items and all(r.demo for r in rows)
    assert sum(r.overdue for r in rows) == 1 and sum(r.status == BprStatus.DONE for r in rows) == 1
    assert sum(bool(r.department) for r in rows) >= 3 and any(not r.department for r in rows)
    assert any(len(r.targets) > 1 for r in rows)  # grouped: one item answers several gaps
    with db.read() as s:
        for r in rows:
            for t in r.targets:
                if t.kind == bpr.FUNCTION_KIND:  # made by the demo inventory's decisions
                    continue
                a = s.exec(select(Assessment).where(Assessment.operation_code == t.operation_code,
                                                    Assessment.kind == t.kind, Assessment.req_id == t.ref)).one()
                assert a.status == Status.GAP and a.disposition in (Disposition.BPR, Disposition.OPERATION)
                assert a.department == r.department  # the requirement's 担当課 is the item's
    mine = bpr.add_item(db=db, user="tester", operation_code="001", title="手で作った項目", today=TODAY).created[0]

    again = generate_demo(db=db, total=3000, seed=3, user="tester", today=TODAY)
    with db.read() as s:
        items = list(s.exec(select(BprItem)))
        links = list(s.exec(select(BprLink)))
    assert sum(b.demo for b in items) == again.bpr_items == res.bpr_items  # replaced, not added
    assert [b.id for b in items if not b.demo] == [mine]
    assert {lk.bpr_id for lk in links} <= {b.id for b in items}


def test_the_items_of_the_demo_inventory_are_the_demos(db) -> None:
    """The demo inventory's decisions (業務見直し on 独自機能) make items too: marked demo, none overdue."""
    res = generate_demo(db=db, total=600, seed=3, user="tester", today=TODAY, inventory=True)
    rows = bpr.list_items(db=db, today=TODAY)
    functions = [r for r in rows if r.targets and all(t.kind == bpr.FUNCTION_KIND for t in r.targets)]
    assert functions and all(r.demo and not r.overdue for r in functions)
    assert len(rows) == res.bpr_items and sum(r.overdue for r in rows) == 1
