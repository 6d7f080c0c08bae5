"""The readiness report as ready data: what the Excel and HTML writers print, already computed.

Built by ``fitgap.services.readiness``; the writers only format it. ``None`` in a figure means there is
no data for it yet and is printed as データなし.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from fitgap.domain.bpr import DepartmentCounts
from fitgap.domain.calendar import days_left_label, margin_label, reiwa_fy_label
from fitgap.domain.progress import PeerComparison
from fitgap.domain.readiness import Verdict
from fitgap.domain.standing import Standing

NO_DATA = "データなし"
OVERDUE_PLAN = "予定日超過"  # the planned cut-over date is past and no actual date is recorded

VERDICT_COLOURS = {Verdict.RED: "C00000", Verdict.AMBER: "E69F00", Verdict.GREEN: "2E8B57"}
RISK_FILLS = {"高": "E06666", "中": "F6B26B", "低": "93C47D", "完了": "B7B7B7", "": "9FC5E8"}
VERDICT_FILLS = {Verdict.RED: "F8D7DA", Verdict.AMBER: "FFF3CD", Verdict.GREEN: "D4EDDA"}


class BlockingKind:
    MUST_GAP = "実装必須ギャップ（対応方針なし）"
    REVERSE_GAP = "逆ギャップ（要廃止）"
    VENDOR_LATE = "期限後対応（期限超過）"
    CONFLICT = "日程の矛盾"
    CHANGE_LATE = "連携の改修の遅れ"
    DATA_BLOCKER = "データ移行の阻害（必須の項目）"  # データ要件: 必須・実装類型○ 未保持で移行方法なし、または移行不可
    BPR_OVERDUE = "業務見直しの期日超過"  # each item once, however many gaps it answers, with its 担当課
    ALL = (MUST_GAP, REVERSE_GAP, VENDOR_LATE, CONFLICT, CHANGE_LATE, DATA_BLOCKER, BPR_OVERDUE)


@dataclass(frozen=True)
class VendorFigures:
    answers: int = 0
    after_deadline: int = 0  # 期限後対応, or a planned date after the deadline
    after_deadline_late: int = 0  # landing after the operation's deadline (期限後対応 without a date included)
    impossible: int = 0
    unanswered: int = 0  # gaps waiting on the vendor with no answer


@dataclass(frozen=True)
class OperationReadiness:
    code: str
    order: int
    name: str
    group: str
    standing: Standing  # state and the date it answers to (domain.standing: the one rule)
    version_label: str | None
    requirements: int
    reviewed: int
    fit: int
    gap: int
    not_applicable: int
    gaps_by_class: dict[str, int]
    gaps_by_disposition: dict[str, int]
    must_gaps: int
    must_gaps_undecided: int
    reverse_gaps: int
    options_undecided: int
    needs_review: int
    vendor: VendorFigures | None  # None: no vendor answers or sheets in the database yet
    systems: tuple[str, ...]
    waits_for: tuple[str, ...]
    verdict: Verdict
    reasons: tuple[str, ...]  # every rule that applied, worst first (as printed in the rules list)
    demo: bool = False
    minor_rules: tuple[str, ...] = ()  # codes of the rules that applied below the verdict's level
    common: bool = False  # a common part (税務共通, 共通機能): not counted among the operations
    post_cutover_open: int = 0  # 移行後の経過措置 not done yet
    post_cutover_overdue: int = 0  # of which past their planned date

    @property
    def display_name(self) -> str:
        """The name as the report's tables print it: a common part says it is one (not counted)."""
        return f"{self.name}（共通部分）" if self.common else self.name

    @property
    def deadline(self) -> date:
        return self.standing.due.date

    @property
    def deadline_kind(self) -> str:
        return self.standing.due.kind.value

    @property
    def deadline_source(self) -> str:
        return self.standing.due.label

    @property
    def days_left(self) -> int | None:
        return self.standing.days_left

    @property
    def cutover(self) -> date | None:
        return self.standing.cutover

    @property
    def migrated(self) -> bool:
        return self.standing.migrated

    @property
    def state(self) -> str:
        return self.standing.state.value

    @property
    def decisive_reasons(self) -> tuple[str, ...]:
        """The rules at the verdict's own level (the ones that decided it)."""
        return self.reasons[: len(self.reasons) - len(self.minor_rules)]

    @property
    def reviewed_pct(self) -> float | None:
        return 100.0 * self.reviewed / self.requirements if self.requirements else None

    @property
    def fit_rate(self) -> float | None:
        """適合 / (適合 + ギャップ): of the reviewed items that apply, the share that already fit."""
        return 100.0 * self.fit / (self.fit + self.gap) if self.fit + self.gap else None

    @property
    def margin_days(self) -> int | None:
        """Days between the planned cut-over and the deadline; negative when after it."""
        return (self.deadline - self.cutover).days if self.cutover else None

    @property
    def margin_text(self) -> str:
        """The cut-over against the deadline in words: '期限まで N日' / '期限後 N日'."""
        return margin_text(self.cutover, self.deadline)

    def overdue_plan(self, today: date) -> bool:
        """The planned cut-over has passed and it has not happened (no actual date)."""
        return not self.migrated and self.cutover is not None and self.cutover < today


@dataclass(frozen=True)
class BlockingItem:
    kind: str  # one of BlockingKind
    operation_code: str
    operation: str
    ref: str  # 機能ID / 帳票ID, or "provider → consumer"
    title: str
    detail: str
    due: date | None = None


@dataclass(frozen=True)
class ScheduleRow:
    system: str
    operations: tuple[str, ...]
    vendor: str | None
    start: date | None  # first planned/actual milestone (bar start)
    cutover: date | None
    done: bool
    deadline: date | None
    risk: str  # 高 / 中 / 低 / 完了
    reasons: tuple[str, ...]
    typical: bool
    overdue: bool = False  # the planned cut-over is past and no actual date is recorded (予定日超過)


@dataclass(frozen=True)
class ChangeProgress:
    """改修 progress of one system: the items of its links, by status, against its needed-by date."""

    system: str
    kind: str
    needed_by: date | None
    basis: str  # 期限 / 必要日 / 手動設定
    reason: str
    total: int
    by_status: dict[str, int]
    late: int
    cost_kyen: float

    @property
    def done(self) -> int:
        return self.by_status.get("完了", 0)

    @property
    def done_pct(self) -> float | None:
        return 100.0 * self.done / self.total if self.total else None


@dataclass(frozen=True)
class ChangeLine:
    """One 改修 item, late ones first."""

    provider: str
    consumer: str
    change: str
    vendor: str
    status: str
    planned: date | None
    actual: date | None
    needed_by: date | None
    reason: str
    late: str  # "" or what is late (改修予定が必要日より後 / 必要日を過ぎて未完了)
    days_late: int | None
    interim: str
    cost_kyen: float | None
    typical: bool
    step: str = ""  # 改修 / 暫定連携（1/2） / 本連携（2/2）; "" when the rule does not ask for the item
    verdict: str = ""  # late, 完了, 不要か確認（…）, 日程未定（要否未定）
    steps: str = ""  # a two-step item: 「暫定連携 2026-01-05 済 → 本連携 2027-01-04 まで」
    flag: str = ""  # 「標準の連携ではない（DB共有）」


@dataclass(frozen=True)
class FlaggedLink:
    """A link into a standard system that is not a standard interface (DB共有, a 関連システム feeding it)."""

    provider: str
    consumer: str
    data: str
    method: str
    flag: str


@dataclass(frozen=True)
class AnswerLine:
    operation_code: str
    operation: str
    req_id: str
    name: str
    kubun: str
    vendor: str
    answer: str
    planned_date: date | None
    deadline: date
    late: bool  # lands after the deadline: a planned date after it, or 期限後対応 without a date
    cost_kyen: float | None
    comment: str
    received_at: datetime
    after_deadline: bool = False  # 期限後対応, or any planned date after the deadline


@dataclass(frozen=True)
class SpecVersionLine:
    operation: str
    label: str
    published_on: date | None
    imported_at: datetime
    source: str
    demo: bool
    bundled: bool
    effective_on: date | None = None  # 適用日: the day the version applies from (import-spec --effective)


@dataclass(frozen=True)
class CustomFigures:
    """独自機能 of one operation: the current functions and how far their decisions are."""

    operation_code: str
    operation: str
    functions: int
    in_spec: int
    outside: int
    reverse: int  # matching a 実装不可 requirement (要廃止)
    undecided: int  # 標準外・要廃止 without a disposition (or 要検討): counts against readiness
    unchecked: int  # not yet compared with the spec
    by_disposition: dict[str, int]


@dataclass(frozen=True)
class CustomLine:
    """An undecided current function, as the report lists it."""

    operation_code: str
    operation: str
    code: str
    name: str
    kind: str
    verdict: str
    department: str
    yearly_cost_kyen: float | None


@dataclass(frozen=True)
class PostCutoverLine:
    """One 移行後の経過措置 (a requirement the vendor implements after cut-over), as the report lists it."""

    operation_code: str
    operation: str
    req_id: str  # 「機能 0010001」
    name: str
    planned: date | None
    notified_on: date | None  # the 届出 to デジタル庁
    done_on: date | None
    overdue: bool  # past its planned date, not done (domain.post_cutover)
    status: str  # 「完了 2027-01-10」「期限超過 12日」「残り 30日」
    vendor: str
    note: str
    operation_state: str  # where the operation stands: 「移行済 2026-01-05」…


@dataclass(frozen=True)
class DataFigures:
    """データ要件 of one operation: the counts of ``fitgap data status`` (storage.data_overview), as they are."""

    operation_code: str
    operation: str
    version: str
    items: int
    assessed: int
    assessed_pct: float
    ready: int
    ready_pct: float
    blockers: int  # 必須未保持 (阻害)
    review: int  # 要再確認
    todo: int  # 要対応
    unmapped_items: int  # items with current codes not mapped to a standard code
    unmapped_codes: int
    gaiji_items: int  # items whose profile found 外字候補
    gaiji_chars: int  # distinct 外字候補 characters


@dataclass(frozen=True)
class DataItemLine:
    """One data item the report lists: a blocker, an item with unmapped codes, or one with 外字候補."""

    operation_code: str
    operation: str
    item_id: str
    name: str
    group: str
    condition: str  # データ出力条件 as users read it
    holding: str  # 保持状況, or 未確認
    reason: str = ""  # why it blocks
    code_list: str = ""
    mapped_codes: int = 0
    unmapped_codes: int = 0
    gaiji: tuple[tuple[str, int], ...] = ()  # (character, count), most frequent first
    functions: tuple[str, ...] = ()  # the 機能IDs it serves (標準仕様書関連箇所)

    @property
    def codes_text(self) -> str:
        return f"コード {self.code_list}: 未対応の現行コード {self.unmapped_codes}件（対応済 {self.mapped_codes}件）"

    @property
    def gaiji_text(self) -> str:
        """「𠮷（U+20BB7）×12、髙（U+9AD9）×3」: every character with its code point and count."""
        return "、".join(f"{ch}（U+{ord(ch):04X}）×{n:,}" for ch, n in self.gaiji)


@dataclass(frozen=True)
class BprLine:
    """One open 業務見直し item as the report lists it (overdue first)."""

    id: int
    operation_code: str
    operation: str
    title: str
    changes: str  # 「例規・様式」
    department: str
    person: str
    due: date | None
    status: str
    overdue: bool
    days_late: int
    targets: int  # the gaps and functions it answers

    @property
    def ref(self) -> str:
        return f"業務見直し #{self.id}"


BPR_NONE = "業務見直しの項目はありません（対応方針を 業務見直し・運用で対応 にすると作られます。fitgap bpr list）。"
BPR_NOTE = ("未完了＝実施済でない項目、期限超過＝期日を過ぎて実施済でない項目（シート「阻害要因」にも1件ずつ挙げ、"
            "判定ルール R24・R25 の対象）")


DATA_NONE = "基本データリスト（項目定義書）はまだ取り込まれていません（fitgap data import FILE で取り込みます）。"


@dataclass(frozen=True)
class Totals:
    operations: int
    requirements: int
    reviewed: int
    fit: int
    gap: int
    must_gaps: int
    must_gaps_undecided: int
    reverse_gaps: int
    options_undecided: int
    needs_review: int
    verdicts: dict[Verdict, int]
    blocking: dict[str, int]
    vendor: VendorFigures | None
    headline: str = ""  # where the body stands: the same line as fitgap status and the home screen

    @property
    def reviewed_pct(self) -> float | None:
        return 100.0 * self.reviewed / self.requirements if self.requirements else None

    @property
    def fit_rate(self) -> float | None:
        return 100.0 * self.fit / (self.fit + self.gap) if self.fit + self.gap else None


@dataclass(frozen=True)
class ReadinessReport:
    municipality: str | None
    today: date  # the date the figures are based on (基準日)
    generated_at: datetime
    database: str
    database_id: str | None
    demo: bool
    general_deadline: date
    operations: list[OperationReadiness]
    totals: Totals
    blocking: list[BlockingItem]
    schedule: list[ScheduleRow]
    months: list[date]  # first day of each fiscal month shown on the schedule
    answers: list[AnswerLine]
    spec_versions: list[SpecVersionLine]
    rules: list[str]
    last_assessed_at: datetime | None = None
    notes: list[str] = field(default_factory=list)  # what has no data yet, in words
    change_progress: list[ChangeProgress] = field(default_factory=list)  # per system, late ones first
    changes: list[ChangeLine] = field(default_factory=list)  # every 改修 item, late first
    changes_undated: list[str] = field(default_factory=list)  # standard systems without a date (日程未定), once
    flagged_links: list[FlaggedLink] = field(default_factory=list)  # not standard interfaces into standard systems
    custom: list[CustomFigures] = field(default_factory=list)  # 独自機能 per operation (empty: no inventory)
    custom_open: list[CustomLine] = field(default_factory=list)  # undecided current functions
    post_cutover: list[PostCutoverLine] = field(default_factory=list)  # 移行後の経過措置 (empty: none recorded)
    data: list[DataFigures] = field(default_factory=list)  # データ要件 per operation with a list (empty: none)
    data_blockers: list[DataItemLine] = field(default_factory=list)  # 必須未保持, each once
    data_unmapped: list[DataItemLine] = field(default_factory=list)  # items with unmapped current codes
    data_gaiji: list[DataItemLine] = field(default_factory=list)  # items whose profile found 外字候補
    bpr: list[DepartmentCounts] = field(default_factory=list)  # 業務見直し per 担当課 (empty: no item at all)
    bpr_open: list[BprLine] = field(default_factory=list)  # the items not 実施済, overdue first
    peers: PeerComparison | None = None  # the progress survey's comparison (None: no survey held)

    @property
    def bpr_totals(self) -> DepartmentCounts:
        """The 業務見直し of every 担当課 together."""
        return DepartmentCounts("計", sum(c.open for c in self.bpr), sum(c.overdue for c in self.bpr),
                                sum(c.done for c in self.bpr))

    @property
    def title(self) -> str:
        who = self.municipality or "（団体名未設定）"
        return f"標準化 移行準備状況報告書 — {who}"


# ---- formatting shared by the writers --------------------------------------------------------------


def pct(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.1f}%"


def day(value: date | None, empty: str = "未定") -> str:
    return value.isoformat() if value else empty


def days_left_text(deadline: date, today: date) -> str:
    return days_left_label(deadline, today)


def fy_label(month: date) -> str:
    return reiwa_fy_label(month)


def margin_text(planned: date | None, deadline: date | None) -> str:
    """'期限まで N日' / '期限当日' / '期限後 N日'; empty without both dates."""
    return margin_label(planned, deadline) if planned and deadline else ""


CUTOVER_MARK, DEADLINE_MARK, BEFORE_MARK, AFTER_MARK = "●", "◆", "◀", "▶"


def month_marks(row: ScheduleRow, months: list[date]) -> dict[int, str]:
    """The text of a system's month cells: ● its cut-over month, ◆ its deadline month, in date order
    when they share a month (●◆ = cut over before the deadline in that month, ◆● = after it). A date
    outside the shown months is put at the edge with ◀ or ▶ so that nothing is hidden."""
    marks: dict[int, list[tuple[date, str]]] = {}
    for d, mark in ((row.cutover, CUTOVER_MARK), (row.deadline, DEADLINE_MARK)):
        i = month_index(months, d)
        if i is None or d is None:
            continue
        key = date(d.year, d.month, 1)
        edge = BEFORE_MARK if key < months[0] else AFTER_MARK if key > months[-1] else ""
        marks.setdefault(i, []).append((d, edge + mark if edge == BEFORE_MARK else mark + edge))
    return {i: "".join(m for _d, m in sorted(items)) for i, items in marks.items()}


def month_index(months: list[date], d: date | None) -> int | None:
    """Index of the month a date falls in, clamped to the shown range; None for no date."""
    if d is None or not months:
        return None
    key = date(d.year, d.month, 1)
    if key < months[0]:
        return 0
    if key > months[-1]:
        return len(months) - 1
    return months.index(key)


def fiscal_months(first: date, last: date) -> list[date]:
    """First day of every month from April of ``first``'s fiscal year to March of ``last``'s."""
    fy_start = first.year if first.month >= 4 else first.year - 1
    fy_end = last.year if last.month >= 4 else last.year - 1
    out = []
    for fy in range(fy_start, fy_end + 1):
        for i in range(12):
            m = 4 + i
            out.append(date(fy + (m - 1) // 12, (m - 1) % 12 + 1, 1))
    return out


def bar_span(row: ScheduleRow, months: list[date]) -> tuple[int, int] | None:
    """First and last month index of a system's bar; None when it has no cut-over date."""
    end = month_index(months, row.cutover)
    if end is None:
        return None
    start = month_index(months, row.start)
    return (min(start, end) if start is not None else end), end


def bar_colour(row: ScheduleRow) -> str:
    return RISK_FILLS["完了" if row.done else row.risk if row.risk in RISK_FILLS else ""]
