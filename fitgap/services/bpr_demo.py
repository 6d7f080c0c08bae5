"""The demo's 業務見直し items, marked as demo and replaced on the next ``fitgap demo`` like the rest.

Made from the demo's own decisions: gaps decided 業務見直し or 運用で対応 of the operations with the most of them, up to three
grouped under one item per operation (as one 例規改正 answers several gaps), with 担当課 on most, one item overdue and one done. The
requirements an item answers get its 担当課, so that ``status --department`` and the review workbook per
担当課 have something to show. The items the demo inventory's decisions made (services.custom_import) are the
demo's too: marked demo, due within the year. Runs in the demo's one transaction: :func:`clear_demo_bpr` before
the demo's decisions are made (an earlier demo's item would be joined, not replaced), :func:`demo_bpr_in` after.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from fitgap.domain.bpr import BprStatus, Change
from fitgap.domain.enums import Disposition, Status
from fitgap.domain.models import Assessment, BprItem, BprLink, CurrentFunction, Operation

# (担当課, 担当者, what changes, status, due in days from today): one overdue, one done, the rest on their way
PLANS: tuple[tuple[str, str, tuple[Change, ...], BprStatus, int], ...] = (
    ("市民課", "山田", (Change.REGULATION, Change.FORM), BprStatus.CONSIDERING, -45),
    ("税務課", "佐藤", (Change.COUNTER,), BprStatus.DONE, 60),
    ("保険年金課", "", (Change.FLOW, Change.TRAINING), BprStatus.DECIDED, 90),
    ("", "", (Change.FLOW,), BprStatus.NOT_STARTED, 150),
    ("福祉課", "鈴木", (Change.NOTICE, Change.FORM), BprStatus.NOT_STARTED, 200),
    ("子育て支援課", "", (Change.COUNTER, Change.TRAINING), BprStatus.CONSIDERING, 240),
)
TITLES = {Change.REGULATION: "規則・要綱の改正", Change.FORM: "様式の見直し", Change.COUNTER: "窓口手順の見直し",
          Change.FLOW: "業務フローの見直し", Change.TRAINING: "職員研修", Change.NOTICE: "住民への周知"}
PER_ITEM = 3  # gaps one item answers at most
INVENTORY_DUE_DAYS = 300  # the items of the demo inventory's decisions: due within the year, none overdue
FUNCTION_KIND = "独自"  # services.bpr.FUNCTION_KIND


def clear_demo_bpr(session: Session) -> None:
    """Remove the demo's items and their links (items made by users stay)."""
    ids = [b.id for b in session.exec(select(BprItem).where(BprItem.demo == True)) if b.id]  # noqa: E712
    if ids:
        session.execute(sa.delete(BprLink).where(col(BprLink.bpr_id).in_(ids)))
        session.execute(sa.delete(BprItem).where(col(BprItem.id).in_(ids)))


def _adopt_inventory_items(session: Session, today: date) -> int:
    """Items whose every target is a demo current function become the demo's."""
    demo_functions = {(f.operation_code, f.code) for f in session.exec(
        select(CurrentFunction).where(CurrentFunction.demo == True))}  # noqa: E712
    targets: dict[int, list[tuple[str, str, str]]] = {}
    for lk in session.exec(select(BprLink)):
        targets.setdefault(lk.bpr_id, []).append((lk.operation_code, lk.kind, lk.ref))
    n = 0
    for item in session.exec(select(BprItem).where(BprItem.demo == False)):  # noqa: E712
        mine = targets.get(item.id or 0, [])
        if mine and all(k == FUNCTION_KIND and (op, ref) in demo_functions for op, k, ref in mine):
            item.demo, item.due = True, today + timedelta(days=INVENTORY_DUE_DAYS)
            session.add(item)
            n += 1
    return n


def demo_bpr_in(session: Session, *, user: str, today: date) -> int:
    """The demo's 業務見直し items (see the module); returns how many the register now has of the demo's."""
    adopted = _adopt_inventory_items(session, today)
    gaps: dict[str, list[tuple[str, str]]] = {}
    for code, kind, req in session.execute(
            sa.select(col(Assessment.operation_code), col(Assessment.kind), col(Assessment.req_id))
            .join(Operation, col(Operation.code) == col(Assessment.operation_code))
            .where(col(Assessment.status) == Status.GAP.value,
                   col(Assessment.disposition).in_([Disposition.BPR.value, Disposition.OPERATION.value]))
            .order_by(col(Operation.order), col(Assessment.kind), col(Assessment.req_id))):
        gaps.setdefault(str(code), []).append((str(kind), str(req)))
    names = {o.code: o.short_name for o in session.exec(select(Operation))}
    now = datetime.now(UTC)
    made = 0
    busiest = sorted(gaps.items(), key=lambda kv: -len(kv[1]))  # stable: 政令順 among equals
    for (code, targets), (dept, person, changes, status, days) in zip(busiest, PLANS, strict=False):
        due = today + timedelta(days=days)
        item = BprItem(operation_code=code, title=f"{names.get(code, code)} {'と'.join(TITLES[c] for c in changes)}",
                       changes=",".join(c.value for c in changes), department=dept, person=person, due=due,
                       status=status.value, done_on=today - timedelta(days=10) if status == BprStatus.DONE else None,
                       note="デモデータ（架空の業務見直し）", created_at=now, created_by=user, updated_at=now,
                       updated_by=user, revision=1, demo=True)
        session.add(item)
        session.flush()
        mine = targets[:PER_ITEM]
        session.add_all([BprLink(bpr_id=item.id or 0, operation_code=code, kind=k, ref=r) for k, r in mine])
        if dept:
            for k, r in mine:
                session.execute(sa.update(Assessment).where(col(Assessment.operation_code) == code,
                                                            col(Assessment.kind) == k, col(Assessment.req_id) == r)
                                .values(department=dept, person=person))
        made += 1
    session.flush()
    return made + adopted
