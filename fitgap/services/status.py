"""The status overview: per operation, how far the review is and what it found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from fitgap.domain.bpr import DepartmentCounts, counts_by_department, is_overdue
from fitgap.domain.data_items import DataCounts
from fitgap.domain.enums import DeadlineKind, Kubun, Severity, Status
from fitgap.domain.rules import severity
from fitgap.domain.standing import Due, MigrationState, Standing, operation_dues, standings
from fitgap.storage import data_overview, overview, quick

if TYPE_CHECKING:
    from fitgap.storage.db import Database


@dataclass
class OperationSummary:
    code: str
    order: int
    name: str
    short_name: str
    group: str
    cross_cutting: bool
    standing: Standing  # state and the date it answers to: the one rule (domain.standing)
    in_scope: bool = True  # run by this body (a prefecture runs 2 of the 20)
    serves: tuple[str, ...] = ()  # a common part: the operations it serves
    version_label: str | None = None
    demo: bool = False
    requirements: int = 0
    reviewed: int = 0
    fit: int = 0
    gap: int = 0
    not_applicable: int = 0
    must_gaps: int = 0  # 要対応: 実装必須 × ギャップ
    option_gaps: int = 0
    reverse_gaps: int = 0  # 要廃止: 実装不可 × 適合
    option_undecided: int = 0  # 要判断
    needs_review: int = 0  # 要再確認
    custom_functions: int = 0  # 独自機能: current functions in the inventory
    custom_outside: int = 0  # 標準外
    custom_reverse: int = 0  # matching a 実装不可 requirement (要廃止)
    custom_undecided: int = 0  # 標準外・要廃止 without a disposition (or 要検討)
    custom_unchecked: int = 0  # not yet compared with the spec
    post_cutover_open: int = 0  # 移行後の経過措置 not done yet (domain.post_cutover)
    post_cutover_overdue: int = 0  # of which past their planned date
    post_cutover_not_notified: int = 0  # of which no 届出 to デジタル庁 recorded

    @property
    def reviewed_pct(self) -> float:
        return 100.0 * self.reviewed / self.requirements if self.requirements else 0.0

    @property
    def deadline(self) -> date:
        return self.standing.due.date

    @property
    def deadline_kind(self) -> DeadlineKind:
        return self.standing.due.kind

    @property
    def days_left(self) -> int | None:
        """None once migrated: no countdown for history."""
        return self.standing.days_left


@dataclass
class Overview:
    municipality: str | None
    today: date
    operations: list[OperationSummary]  # every operation this body runs, the 20 then the common parts
    municipality_kind: str | None = None
    # データ要件 of every operation with a 基本データリスト, in 政令順 (storage.data_overview: the one count)
    data: dict[str, DataCounts] = field(default_factory=dict)
    # with a 担当課 (fitgap status --department): the requirements and functions counted are only its own
    department: str | None = None
    departments: list[str] = field(default_factory=list)  # every 担当課 named anywhere (with ``department``)
    bpr: list[DepartmentCounts] = field(default_factory=list)  # 業務見直し per 担当課 (domain.bpr: the one count)

    def bpr_of(self, department: str) -> DepartmentCounts:
        """The 業務見直し of one 担当課 (zeros when it has none)."""
        return next((c for c in self.bpr if c.department == department), DepartmentCounts(department))

    @property
    def demo(self) -> bool:
        return any(o.demo for o in self.operations)

    @property
    def main(self) -> list[OperationSummary]:
        """The operations of the 20 this body runs (2 for a prefecture): what every count of operations counts."""
        return [o for o in self.operations if not o.cross_cutting]

    @property
    def common(self) -> list[OperationSummary]:
        """The common parts (税務共通, 共通機能) this body runs, shown with the operations they serve."""
        return [o for o in self.operations if o.cross_cutting]

    def total(self, attr: str) -> int:
        return sum(int(getattr(o, attr)) for o in self.operations)


def get_overview(*, db: Database, today: date, department: str | None = None) -> Overview:
    from fitgap.storage.db import session_rows  # loads SQLAlchemy: quick_overview is the way without it

    with db.read() as session:
        return read_overview(session_rows(session), today=today, department=department)


def quick_overview(*, url: str, today: date, department: str | None = None) -> Overview | None:
    """The overview read straight from an SQLite file that needs nothing done before it is read, without
    loading SQLAlchemy (``fitgap status``, the workbench's first screen); None otherwise: then open the
    database as usual and call :func:`get_overview`."""
    return quick.read(url, lambda rows: read_overview(rows, today=today, department=department))


def read_overview(rows: overview.Rows, *, today: date, department: str | None = None) -> Overview:
    """The overview from the grouped queries of :mod:`fitgap.storage.overview`, all on one transaction.

    With ``department`` (a 担当課, ``fitgap status --department``), the requirement counts are of the
    requirements whose assessment names it and the 独自機能 counts of the functions it owns; the dates,
    states and データ要件 are the operations' own."""
    all_ops = overview.operations(rows)
    muni = overview.municipality(rows)
    stand = standings([op.standing_input for op in all_ops], overview.systems(rows), today=today,
                      official_as_of=overview.official_as_of(rows))
    ops = [op for op in all_ops if op.in_scope]
    versions = overview.current_versions(rows)
    counts = overview.count_by_class_and_status(rows, department=department)
    inventory = overview.custom_summary_by_operation(rows, department=department)
    measures = overview.post_cutover_counts(rows, today=today)
    summaries: dict[str, OperationSummary] = {}
    for op in ops:
        v = versions.get(op.code)
        summaries[op.code] = OperationSummary(
            code=op.code, order=op.order, name=op.name, short_name=op.short_name, group=op.group,
            cross_cutting=op.cross_cutting, standing=stand.operations[op.code], in_scope=op.in_scope,
            serves=op.serves, version_label=v.label if v else None,
            demo=bool(v and v.demo),
        )
    for row in counts:
        s = summaries.get(row.operation_code)
        if s is None:
            continue
        n = row.count
        s.requirements += n
        if row.status != Status.UNCHECKED:
            s.reviewed += n
        if row.status == Status.FIT:
            s.fit += n
        elif row.status == Status.GAP:
            s.gap += n
            if row.kubun == Kubun.OPTION:
                s.option_gaps += n
        elif row.status == Status.NOT_APPLICABLE:
            s.not_applicable += n
        sev = severity(row.kubun, row.status, row.disposition)
        if sev == Severity.MUST_CLOSE:
            s.must_gaps += n
        elif sev == Severity.MUST_REMOVE:
            s.reverse_gaps += n
        elif sev == Severity.DECIDE:
            s.option_undecided += n
        if row.needs_review:
            s.needs_review += n
    for code, c in inventory.items():
        s = summaries.get(code)
        if s is not None:
            s.custom_functions, s.custom_outside, s.custom_reverse = c["total"], c["outside"], c["reverse"]
            s.custom_undecided, s.custom_unchecked = c["undecided"], c["unchecked"]
    for code, m in measures.items():
        s = summaries.get(code)
        if s is not None:
            s.post_cutover_open, s.post_cutover_overdue, s.post_cutover_not_notified = m.open, m.overdue, m.not_notified
    label = (muni[1] if muni[0] == muni[1] else f"{muni[0]} {muni[1]}") if muni else None
    bpr = counts_by_department((b.department, b.status, is_overdue(b.due, b.status, today))
                               for b in overview.bpr_records(rows))
    return Overview(municipality=label, today=today, operations=sorted(summaries.values(), key=lambda s: s.order),
                    municipality_kind=muni[2] if muni else None, data=data_overview.counts_by_operation(rows),
                    department=department, bpr=bpr,
                    departments=overview.assigned_departments(rows) if department is not None else [])


def headline(ov: Overview) -> str:
    """One line of where the body stands, over the operations it runs (the 20, or 2 for a prefecture):
    the same figures on every surface (status, the home screen, the readiness report)."""
    main = ov.main
    counts = {state: sum(o.standing.state == state for o in main) for state in MigrationState}
    overdue = sum(o.standing.overdue for o in main)
    parts = [f"{state.value} {counts[state]}" for state in MigrationState]
    return f"業務 {len(main)}: {'・'.join(parts)}（うち期限超過 {overdue}）"


def post_cutover_line(ov: Overview) -> str | None:
    """The 移行後の経過措置 still open, in one line (None when none is): the same figures as the readiness
    report's rules R19/R20 and the list of measures."""
    n = ov.total("post_cutover_open")
    if not n:
        return None
    return (f"移行後の経過措置: 未完了 {n} 件（うち期限超過 {ov.total('post_cutover_overdue')} 件、"
            f"届出未了 {ov.total('post_cutover_not_notified')} 件）")


def bpr_line(c: DepartmentCounts) -> str:
    """A 担当課's 業務見直し in words, as ``fitgap bpr list`` counts them."""
    return f"未完了 {c.open}（うち期限超過 {c.overdue}）、実施済 {c.done}"


def dues(rows: overview.Rows) -> dict[str, Due]:
    """The date every operation answers to (the standing rule) from the overview's reads, for the surfaces
    that show a deadline without the rest of the overview (vendor sheets, an item's vendor answers)."""
    return operation_dues([op.standing_input for op in overview.operations(rows)], overview.systems(rows),
                          official_as_of=overview.official_as_of(rows))
