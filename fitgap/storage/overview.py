"""The overview's reads (status, the home screen, readiness): a few grouped queries, no rows loaded.

The queries are plain SQL that SQLite and PostgreSQL both run, so the same text serves a session
(:func:`fitgap.storage.db.session_rows`) and a bare sqlite3 connection (:mod:`fitgap.storage.quick`), which
lets ``fitgap status`` and the workbench's first screen answer before SQLAlchemy is loaded. This module
imports no database library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fitgap.domain.custom import CustomDisposition
from fitgap.domain.enums import DeadlineKind, Disposition, Kubun, Status, SystemKind
from fitgap.domain.post_cutover import MeasureCounts, MeasureRecord, count_measures
from fitgap.domain.standing import DeadlineSource, OperationInput, SystemInput

# Runs one query and returns its rows as tuples.
Rows = Callable[[str], Sequence[Sequence[Any]]]

FORBIDDEN = Kubun.FORBIDDEN.value
UNDECIDED = CustomDisposition.UNDECIDED.value


@dataclass(frozen=True, slots=True)
class CountRow:
    operation_code: str
    kubun: Kubun
    status: Status
    disposition: Disposition | None
    needs_review: bool
    count: int


@dataclass(frozen=True, slots=True)
class OperationRow:
    code: str
    order: int
    name: str
    short_name: str
    group: str
    cross_cutting: bool
    deadline: date
    deadline_kind: DeadlineKind
    deadline_source: DeadlineSource = DeadlineSource.DEFAULT
    deadline_reason: str = ""
    in_scope: bool = True
    serves: tuple[str, ...] = ()

    @property
    def standing_input(self) -> OperationInput:
        return OperationInput(code=self.code, name=self.name, deadline=self.deadline, kind=self.deadline_kind,
                              source=self.deadline_source, reason=self.deadline_reason,
                              cross_cutting=self.cross_cutting, serves=self.serves, in_scope=self.in_scope)


@dataclass(frozen=True, slots=True)
class VersionRow:
    operation_code: str
    label: str
    demo: bool


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _opt_date(value: Any) -> date | None:
    return None if value is None or value == "" else _date(value)


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(c for c in (text or "").split(",") if c)


def operations(rows: Rows) -> list[OperationRow]:
    """Every operation in the catalogue's order."""
    return [OperationRow(str(code), int(order), name, short, group, bool(cross), _date(deadline), DeadlineKind(kind),
                         DeadlineSource(source), reason or "", bool(in_scope), _codes(serves))
            for code, order, name, short, group, cross, deadline, kind, source, reason, in_scope, serves in rows(
                'SELECT code, "order", name, short_name, "group", cross_cutting, deadline, deadline_kind, '
                'deadline_source, deadline_reason, in_scope, serves FROM operation ORDER BY "order"')]


OFFICIAL_AS_OF_KEY = "deadline.official_as_of"  # the date of the official 特定移行支援 list the flags are from


def official_as_of(rows: Rows) -> str:
    found = rows(f"SELECT value FROM setting WHERE key = '{OFFICIAL_AS_OF_KEY}'")
    return str(found[0][0]) if found else ""


def systems(rows: Rows) -> list[SystemInput]:
    """Every system with its operations and dates, as the standing rule reads them."""
    ops: dict[int, list[str]] = {}
    for sid, code in rows("SELECT system_id, operation_code FROM system_operation ORDER BY operation_code"):
        ops.setdefault(int(sid), []).append(str(code))
    return [SystemInput(id=int(sid), name=str(name), kind=SystemKind(kind), operations=tuple(ops.get(int(sid), ())),
                        deadline_kind=DeadlineKind(dkind), deadline=_opt_date(deadline), reason=reason or "",
                        planned=_opt_date(planned), actual=_opt_date(actual))
            for sid, name, kind, dkind, deadline, reason, planned, actual in rows(
                "SELECT id, name, kind, deadline_kind, deadline, deadline_reason, planned_cutover, actual_cutover "
                "FROM system ORDER BY id")]


def municipality(rows: Rows) -> tuple[str, str, str | None] | None:
    """(prefecture, name, kind) of the municipality, if recorded."""
    found = rows("SELECT prefecture, name, kind FROM municipality ORDER BY id LIMIT 1")
    return (str(found[0][0]), str(found[0][1]), found[0][2]) if found else None


def current_versions(rows: Rows) -> dict[str, VersionRow]:
    """The latest version (highest seq) of every operation that has one."""
    latest: dict[str, tuple[int, VersionRow]] = {}
    for code, seq, label, demo in rows(
        "SELECT s.operation_code, v.seq, v.label, v.demo FROM spec_version v JOIN spec s ON s.id = v.spec_id"
    ):
        if code not in latest or int(seq) > latest[code][0]:
            latest[str(code)] = (int(seq), VersionRow(str(code), str(label), bool(demo)))
    return {code: row for code, (_seq, row) in latest.items()}


def literal(text: str) -> str:
    """A text as an SQL string literal (SQLite and PostgreSQL alike): the row runner takes no parameters."""
    return "'" + text.replace("\x00", "").replace("'", "''") + "'"


def count_by_class_and_status(rows: Rows, *, department: str | None = None) -> list[CountRow]:
    """Current requirements counted by operation × class × status × disposition × 要再確認.

    A requirement with no assessment row counts as 未確認. With ``department``, only the requirements whose
    assessment names that 担当課 (``fitgap status --department``).
    """
    mine = f" AND a.department = {literal(department)}" if department is not None else ""
    found = rows(
        f"SELECT r.operation_code, r.kubun, coalesce(a.status, '{Status.UNCHECKED.value}'), a.disposition, "
        "coalesce(a.needs_review, false), count(*) "
        "FROM requirement r LEFT OUTER JOIN assessment a "
        "ON a.operation_code = r.operation_code AND a.kind = r.kind AND a.req_id = r.req_id "
        f"WHERE r.current = true{mine} GROUP BY 1, 2, 3, 4, 5"
    )
    return [CountRow(str(code), Kubun(kubun), Status(st), Disposition(disp) if disp else None, bool(nr), int(n))
            for code, kubun, st, disp, nr, n in found]


OPTION = Kubun.OPTION.value
STANDARD_ANSWER = "標準で対応"
# the functions waiting for a 標準オプション: mapped only to current 標準オプション requirements, none of them
# adopted (assessment 適合 or ギャップ) and answered 標準で対応 by a vendor (domain.custom.is_option_pending)
OPTION_PENDING_IDS = f"""
SELECT cm.function_id FROM current_function_mapping cm
JOIN requirement r ON r.operation_code = cm.operation_code AND r.kind = cm.kind AND r.req_id = cm.req_id
                  AND r.current = true
LEFT OUTER JOIN assessment a ON a.operation_code = cm.operation_code AND a.kind = cm.kind AND a.req_id = cm.req_id
GROUP BY cm.function_id
HAVING sum(CASE WHEN r.kubun <> '{OPTION}' THEN 1 ELSE 0 END) = 0
   AND sum(CASE WHEN a.status IN ('適合', 'ギャップ') AND EXISTS (
             SELECT 1 FROM vendor_answer va WHERE va.operation_code = cm.operation_code AND va.kind = cm.kind
               AND va.req_id = cm.req_id AND va.superseded = false AND va.answer = '{STANDARD_ANSWER}')
           THEN 1 ELSE 0 END) = 0
"""

CUSTOM_STATES = ("total", "in_spec", "outside", "reverse", "undecided", "unchecked", "demo")

# Per operation, how many current functions are in each state. The mappings are counted once per function
# (two grouped subqueries) rather than probed per state: in_spec = mapped to a requirement; outside = marked
# 標準外 and mapped to nothing; reverse = mapped to a current 実装不可 requirement (要廃止); undecided = outside
# or reverse without a disposition (or 要検討); unchecked = neither marked nor mapped.
_CUSTOM_SUMMARY = f"""
SELECT f.operation_code, count(*),
  coalesce(sum(CASE WHEN m.n IS NOT NULL THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN f.outside_spec = true AND m.n IS NULL THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN x.n IS NOT NULL THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN (f.outside_spec = true AND m.n IS NULL OR x.n IS NOT NULL)
                     AND (f.disposition IS NULL OR f.disposition = '{UNDECIDED}')
                     OR f.id IN ({OPTION_PENDING_IDS}) THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN f.outside_spec = false AND m.n IS NULL THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN f.demo = true THEN 1 ELSE 0 END), 0)
FROM current_function f
LEFT OUTER JOIN (SELECT function_id, count(*) AS n FROM current_function_mapping GROUP BY function_id) m
  ON m.function_id = f.id
LEFT OUTER JOIN (SELECT cm.function_id, count(*) AS n FROM current_function_mapping cm
                 JOIN requirement r ON r.operation_code = cm.operation_code AND r.kind = cm.kind
                                   AND r.req_id = cm.req_id
                 WHERE r.current = true AND r.kubun = '{FORBIDDEN}' GROUP BY cm.function_id) x
  ON x.function_id = f.id
{{where}}GROUP BY f.operation_code
"""


def custom_summary_by_operation(rows: Rows, *, department: str | None = None) -> dict[str, dict[str, int]]:
    """Per operation: total, in_spec, outside, reverse, undecided, unchecked, demo (see the query above); with
    ``department``, of the functions whose decision that 担当課 owns (owner_department)."""
    where = f"WHERE f.owner_department = {literal(department)}\n" if department is not None else ""
    return {str(code): dict(zip(CUSTOM_STATES, (int(v or 0) for v in counts), strict=True))
            for code, *counts in rows(_CUSTOM_SUMMARY.replace("{where}", where))}


@dataclass(frozen=True, slots=True)
class BprRecord:
    """What the counts of a 業務見直し item need (the rule: domain.bpr)."""

    operation_code: str
    department: str
    due: date | None
    status: str


def bpr_records(rows: Rows) -> list[BprRecord]:
    """Every 業務見直し item: its operation, 担当課, due date and status."""
    return [BprRecord(str(code), str(dept or ""), _opt_date(due), str(st))
            for code, dept, due, st in rows("SELECT operation_code, department, due, status FROM bpr_item")]


def assigned_departments(rows: Rows) -> list[str]:
    """Every 担当課 named by an assessment, a current function or a 業務見直し item."""
    return sorted({str(d) for (d,) in rows(
        "SELECT department FROM assessment WHERE department <> '' UNION "
        "SELECT owner_department FROM current_function WHERE owner_department <> '' UNION "
        "SELECT department FROM bpr_item WHERE department <> ''")})


def custom_dispositions_by_operation(rows: Rows) -> list[tuple[str, str, int]]:
    """(operation, disposition, how many functions) for every disposition that is set."""
    return [(str(op), str(d), int(n)) for op, d, n in rows(
        "SELECT operation_code, disposition, count(*) FROM current_function WHERE disposition IS NOT NULL "
        "GROUP BY operation_code, disposition ORDER BY operation_code, disposition")]


def post_cutover_counts(rows: Rows, *, today: date) -> dict[str, MeasureCounts]:
    """移行後の経過措置 per operation: open, overdue, open without a 届出 (the rule: domain.post_cutover)."""
    by_op: dict[str, list[MeasureRecord]] = {}
    for code, planned, notified, done in rows(
            "SELECT operation_code, planned, notified_on, done_on FROM post_cutover_measure"):
        by_op.setdefault(str(code), []).append(
            MeasureRecord(planned=_opt_date(planned), notified_on=_opt_date(notified), done_on=_opt_date(done)))
    return {code: count_measures(records, today=today) for code, records in by_op.items()}
