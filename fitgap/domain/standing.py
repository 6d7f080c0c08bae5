"""Where each operation and each system stands after the deadline: one rule, read by every view.

The rule (docs/deadlines.md 「移行の状態と期限」 table says the same in Japanese):

- **State**: 移行済 (an actual cut-over date), 移行予定 (a planned date), 未定. An operation is 移行済 when
  every system that carries it is, 移行予定 when each has a date, else 未定.
- **The date it answers to** (期限): a date set by hand on the operation or on one of its systems wins
  (特定移行支援 / 個別設定, with its reason); else the official 特定移行支援 list's flag for this body
  (2031-03-31); else the general deadline 2026-03-31. A common part (税務共通, 共通機能) that is neither set
  nor flagged answers to the earliest date of the operations it serves.
- A migrated operation is never overdue: its cut-over date shows, and where that came after its date,
  期限後移行 N日 as history. Days left or overdue only for what is not migrated, against its own date.

Pure: plain data in, plain data out; the overview (without SQLAlchemy), the graph and the reports all
call :func:`standings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from fitgap.domain.calendar import FY2025_END, FY2030_END
from fitgap.domain.enums import DeadlineKind, SystemKind
from fitgap.errors import InvalidInputError


class DeadlineSource(StrEnum):
    """Where an operation's stored deadline comes from (column operation.deadline_source)."""

    DEFAULT = "原則"  # the general deadline, 令和7年度末
    OFFICIAL = "公表一覧"  # the official 特定移行支援 list's flag for this body
    MANUAL = "手動設定"  # set by hand: never overwritten by init or a newer official list


class DeadlineReason(StrEnum):
    """Why a 特定移行支援 (or other) date was set: the reasons a 移行計画 gives."""

    VENDOR = "ベンダリソース不足"
    CUSTOM_BUILT = "個別開発"
    MAINFRAME = "メインフレーム"
    OTHER = "その他"


REASONS = tuple(r.value for r in DeadlineReason)
SETTABLE_KINDS = (DeadlineKind.TOKUTEI.value, DeadlineKind.CUSTOM.value)  # the kinds a user sets by hand


def reason_text(reason: str, detail: str = "") -> str:
    """The stored reason: one of the 移行計画's reasons, with an optional detail (「その他：…」)."""
    r = reason.strip()
    if r not in REASONS:
        raise InvalidInputError(f"理由 {reason!r} は選べません。", f"次のどれかを指定してください: {'、'.join(REASONS)}")
    d = " ".join(detail.split())
    return f"{r}：{d}" if d else r



class MigrationState(StrEnum):
    MIGRATED = "移行済"
    PLANNED = "移行予定"
    UNDATED = "未定"


# Prefectures run these two of the 20 operations (and the 共通機能 where the official list flags them).
PREFECTURE_OPERATIONS = ("020", "021")
PREFECTURE_KIND = "都道府県"


@dataclass(frozen=True, slots=True)
class OperationInput:
    """An operation as stored: its own deadline (by source) and, for a common part, what it serves."""

    code: str
    name: str
    deadline: date
    kind: DeadlineKind = DeadlineKind.FY2025
    source: DeadlineSource = DeadlineSource.DEFAULT
    reason: str = ""
    cross_cutting: bool = False
    serves: tuple[str, ...] = ()  # a common part: the operations it serves (empty: every operation)
    in_scope: bool = True  # False: not run by this body (a prefecture runs 2 of the 20)


@dataclass(frozen=True, slots=True)
class SystemInput:
    """A system as stored: its own deadline (when set by hand) and its dates."""

    id: int
    name: str
    kind: SystemKind = SystemKind.STANDARD
    operations: tuple[str, ...] = ()
    deadline_kind: DeadlineKind = DeadlineKind.FY2025
    deadline: date | None = None
    reason: str = ""
    planned: date | None = None
    actual: date | None = None

    @property
    def own_date(self) -> date | None:
        """A date set by hand on the system (特定移行支援 without a date means the end of FY2030)."""
        if self.deadline is not None:
            return self.deadline
        if self.deadline_kind == DeadlineKind.TOKUTEI:
            return FY2030_END
        return None

    @property
    def migrates(self) -> bool:
        return self.kind != SystemKind.EXTERNAL

    @property
    def state(self) -> MigrationState:
        if self.actual is not None:
            return MigrationState.MIGRATED
        if self.planned is not None:
            return MigrationState.PLANNED
        return MigrationState.UNDATED


@dataclass(frozen=True, slots=True)
class Due:
    """The date something answers to, its kind and where it comes from, in words."""

    date: date
    kind: DeadlineKind
    source: str  # 「特定移行支援（公表一覧 2025-12）」「特定移行支援（手動設定）」「原則（令和7年度末）」…
    reason: str = ""  # the 移行計画's reason for a date set by hand
    manual: bool = False

    @property
    def label(self) -> str:
        """The source with its reason: 「特定移行支援（手動設定）・ベンダリソース不足」."""
        return f"{self.source}・{self.reason}" if self.reason else self.source


@dataclass(frozen=True, slots=True)
class Standing:
    """Where one operation or system stands on ``today``."""

    due: Due
    state: MigrationState
    cutover: date | None  # migrated: the (last) actual cut-over; planned: the last planned date; else None
    today: date

    @property
    def migrated(self) -> bool:
        return self.state == MigrationState.MIGRATED

    @property
    def days_left(self) -> int | None:
        """Days to its date, negative when overdue; None once migrated (no countdown for history)."""
        return None if self.migrated else (self.due.date - self.today).days

    @property
    def overdue(self) -> bool:
        return not self.migrated and self.today > self.due.date

    @property
    def late_days(self) -> int:
        """Migrated after its date (history) or planned after it: by how many days; else 0."""
        if self.cutover is None:
            return 0
        return max(0, (self.cutover - self.due.date).days)

    @property
    def tone(self) -> str:
        """How a view colours it: done (migrated, neutral), overdue, soon (≤ 180 days), open."""
        if self.migrated:
            return "done"
        n = self.days_left or 0
        if n < 0:
            return "overdue"
        return "soon" if n <= 180 else "open"

    @property
    def label(self) -> str:
        """One phrase for a table cell: 「移行済 2026-01-05」「移行済 2026-05-01（期限後移行 31日）」
        「期限超過 251日」「本日期限」「残り 30日」."""
        if self.migrated:
            assert self.cutover is not None
            after = f"（期限後移行 {self.late_days}日）" if self.late_days else ""
            return f"移行済 {self.cutover.isoformat()}{after}"
        n = self.days_left or 0
        if n < 0:
            return f"期限超過 {-n}日"
        if n == 0:
            return "本日期限"
        return f"残り {n}日"


@dataclass(frozen=True)
class Standings:
    """Every operation's and every system's standing, from one call of the rule."""

    operations: Mapping[str, Standing]
    systems: Mapping[int, Standing]
    in_scope: frozenset[str] = field(default_factory=frozenset)  # the operations this body runs


def _stored_due(op: OperationInput, official_as_of: str) -> Due:
    if op.source == DeadlineSource.MANUAL:
        return Due(op.deadline, op.kind, f"{op.kind.value}（手動設定）", op.reason, manual=True)
    if op.source == DeadlineSource.OFFICIAL:
        as_of = f" {official_as_of}" if official_as_of else ""
        return Due(op.deadline, op.kind, f"{DeadlineKind.TOKUTEI.value}（公表一覧{as_of}）")
    return Due(FY2025_END, DeadlineKind.FY2025, "原則（令和7年度末）")


def _system_own_due(s: SystemInput) -> Due | None:
    when = s.own_date
    if when is None:
        return None
    kind = s.deadline_kind if s.deadline_kind != DeadlineKind.FY2025 else DeadlineKind.CUSTOM
    return Due(when, kind, f"{kind.value}（手動設定・{s.name}）", s.reason, manual=True)


def operation_dues(ops: Iterable[OperationInput], systems: Iterable[SystemInput], *,
                   official_as_of: str = "") -> dict[str, Due]:
    """The date each operation answers to (see the module's rule)."""
    ops = list(ops)
    systems = [s for s in systems if s.migrates]
    by_op: dict[str, list[SystemInput]] = {}
    for s in systems:
        for code in s.operations:
            by_op.setdefault(code, []).append(s)
    out: dict[str, Due] = {}

    def due_of(op: OperationInput) -> Due | None:
        stored = _stored_due(op, official_as_of)
        if stored.manual:
            return stored
        own = [d for s in by_op.get(op.code, ()) if (d := _system_own_due(s)) is not None]
        if own:
            return max(own, key=lambda d: d.date)
        if op.cross_cutting and op.source == DeadlineSource.DEFAULT:
            return None  # follows the operations it serves: decided below
        return stored

    for op in ops:
        found = due_of(op)
        if found is not None:
            out[op.code] = found
    served_pool = {op.code: op for op in ops if not op.cross_cutting and op.in_scope}
    for op in ops:
        if op.code in out:
            continue
        served = [out[c] for c in (op.serves or tuple(served_pool)) if c in served_pool and c in out]
        if served:
            first = min(served, key=lambda d: d.date)
            names = [served_pool[c].name for c in (op.serves or tuple(served_pool))
                     if c in served_pool and c in out and out[c].date == first.date]
            who = names[0] if len(names) == 1 else f"{names[0]}ほか"
            out[op.code] = Due(first.date, first.kind, f"{who}の期限に合わせる")
        else:
            out[op.code] = _stored_due(op, official_as_of)
    return out


def system_due(s: SystemInput, dues: Mapping[str, Due]) -> Due | None:
    """The date a system answers to: its own, else the earliest of its operations' dates; None for a
    system of no operation (a 関連システム follows its links instead: see graph.needed_by)."""
    own = _system_own_due(s)
    if own is not None:
        return own
    mine = [dues[c] for c in s.operations if c in dues]
    if not mine:
        return None
    first = min(mine, key=lambda d: d.date)
    return Due(first.date, first.kind, first.source, first.reason)


def _standing(due: Due, members: list[SystemInput], today: date) -> Standing:
    if not members:
        return Standing(due, MigrationState.UNDATED, None, today)
    if all(s.actual is not None for s in members):
        return Standing(due, MigrationState.MIGRATED, max(s.actual for s in members if s.actual), today)
    dates = [s.actual or s.planned for s in members]
    if all(d is not None for d in dates):
        return Standing(due, MigrationState.PLANNED, max(d for d in dates if d), today)
    return Standing(due, MigrationState.UNDATED, None, today)


def standings(ops: Iterable[OperationInput], systems: Iterable[SystemInput], *, today: date,
              official_as_of: str = "") -> Standings:
    """Every operation's and every migrating system's standing on ``today``."""
    ops = list(ops)
    systems = [s for s in systems if s.migrates]
    dues = operation_dues(ops, systems, official_as_of=official_as_of)
    by_op: dict[str, list[SystemInput]] = {}
    for s in systems:
        for code in s.operations:
            by_op.setdefault(code, []).append(s)
    op_standings = {op.code: _standing(dues[op.code], by_op.get(op.code, []), today) for op in ops}
    sys_standings = {}
    for s in systems:
        due = system_due(s, dues)
        if due is not None:
            sys_standings[s.id] = _standing(due, [s], today)
    return Standings(op_standings, sys_standings, frozenset(op.code for op in ops if op.in_scope))


def system_label(*, deadline: date | None, planned: date | None, actual: date | None, today: date) -> str:
    """The phrase of one system's standing against its date (the same wording as an operation's):
    「移行済 2026-01-05」「移行済 …（期限後移行 N日）」「期限超過 N日」「残り N日」; 「—」 without a date."""
    si = SystemInput(0, "", planned=planned, actual=actual)
    if deadline is None:
        return f"{MigrationState.MIGRATED.value} {actual.isoformat()}" if actual else "—"
    return _standing(Due(deadline, DeadlineKind.CUSTOM, ""), [si], today).label


def prefecture_scope(codes: Iterable[str], *, common_flagged: bool, common_codes: Iterable[str]) -> set[str]:
    """The operations a prefecture runs: 児童扶養手当 and 生活保護, and the 共通機能 where flagged."""
    common = set(common_codes)
    return {c for c in codes if c in PREFECTURE_OPERATIONS or (common_flagged and c in common)}
