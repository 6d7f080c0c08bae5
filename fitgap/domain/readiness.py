"""Readiness verdicts per operation: pure rules that both decide and explain.

Each rule has a level (赤 or 黄), a sentence a manager can read, and a test over the facts of one
operation. The verdict is the worst level among the rules that apply; 緑 when none does. The report
prints the same sentences, so the rules written in it are exactly the rules that decided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# Within this many days of the deadline, open work becomes pressing (red instead of amber).
PRESSING_DAYS = 180
# Within this many days of the deadline, the review should be complete.
REVIEW_DUE_DAYS = 365
# With at most PRESSING_DAYS left, a review below this share is red.
REVIEW_MIN_PCT = 80


class Verdict(StrEnum):
    RED = "赤"
    AMBER = "黄"
    GREEN = "緑"

    @property
    def rank(self) -> int:
        """0 is the worst: sorts red first."""
        return {"赤": 0, "黄": 1, "緑": 2}[self.value]

    @property
    def meaning(self) -> str:
        return {
            "赤": "期限に間に合わないおそれが高い。すぐに対策が必要",
            "黄": "注意。期限までに解消すべき課題がある",
            "緑": "順調。判定ルールに当てはまる課題はない",
        }[self.value]


@dataclass(frozen=True)
class OperationFacts:
    """What the rules look at for one operation (counts are of current requirements)."""

    deadline: date
    days_left: int | None  # None once migrated (no countdown for history)
    requirements: int = 0
    reviewed: int = 0
    must_gaps_undecided: int = 0  # 実装必須 × ギャップ without a disposition (or 要検討)
    reverse_gaps: int = 0  # 実装不可 × 適合
    options_undecided: int = 0
    needs_review: int = 0  # 要再確認
    vendor_impossible: int = 0  # answers 対応不可
    vendor_late: int = 0  # answers landing after the deadline (期限後対応 without a date included)
    has_systems: bool = False
    cutover: date | None = None  # the last cut-over of the operation's systems (None: not planned)
    migrated: bool = False  # every system of the operation has cut over
    providers_late: int = 0  # providers cutting over after this operation's deadline
    consumer_first: int = 0  # own systems planned before a provider, without an interim interface
    custom_undecided: int = 0  # 独自機能 outside the spec (or 要廃止) without a disposition (or 要検討)
    custom_unchecked: int = 0  # 独自機能 not yet compared with the spec
    post_cutover_open: int = 0  # 移行後の経過措置 not done yet
    post_cutover_overdue: int = 0  # of which past their planned date
    vendor_after_passed: int = 0  # 期限後対応 answers whose planned date has passed (or was never given)
    data_blockers: int = 0  # データ要件: 必須・実装類型○ items 未保持 with no plan, or 移行不可 (domain.data_items)
    bpr_overdue: int = 0  # 業務見直し items past their due date and not 実施済 (domain.bpr.is_overdue), each once

    @property
    def reviewed_pct(self) -> float:
        return 100.0 * self.reviewed / self.requirements if self.requirements else 0.0


@dataclass(frozen=True)
class Rule:
    code: str
    level: Verdict
    text: str
    applies: Callable[[OperationFacts], bool]

    @property
    def line(self) -> str:
        return f"{self.code}【{self.level.value}】{self.text}"


def _open(f: OperationFacts) -> bool:
    return not f.migrated


def _left(f: OperationFacts) -> int:
    return f.days_left if f.days_left is not None else 1 << 30


def _pressing(f: OperationFacts) -> bool:
    return not f.migrated and _left(f) <= PRESSING_DAYS


RULES: tuple[Rule, ...] = (
    Rule("R1", Verdict.RED, "期限を過ぎても移行が完了していない",
         lambda f: _open(f) and _left(f) < 0),
    Rule("R2", Verdict.RED, "移行予定日が期限より後",
         lambda f: _open(f) and f.cutover is not None and f.cutover > f.deadline),
    Rule("R3", Verdict.RED, f"期限まで{PRESSING_DAYS}日以内で、対応方針の決まっていない実装必須ギャップがある",
         lambda f: _pressing(f) and f.must_gaps_undecided > 0),
    Rule("R4", Verdict.RED, "ベンダの回答で、対応予定日が期限より後のもの（「期限後対応」で予定日未定を含む）がある",
         lambda f: _open(f) and f.vendor_late > 0),
    Rule("R5", Verdict.RED, "データの提供元システムの移行が、この業務の期限より後になっている（日程の矛盾）",
         lambda f: _open(f) and f.providers_late > 0),
    Rule("R6", Verdict.RED, f"期限まで{PRESSING_DAYS}日以内で、確認率が{REVIEW_MIN_PCT}%未満",
         lambda f: _pressing(f) and f.requirements > 0 and f.reviewed_pct < REVIEW_MIN_PCT),
    Rule("R7", Verdict.AMBER, "要件一覧が取り込まれていない（データなし）",
         lambda f: _open(f) and f.requirements == 0),
    Rule("R8", Verdict.AMBER, "対応方針の決まっていない実装必須ギャップがある",
         lambda f: _open(f) and f.must_gaps_undecided > 0),
    Rule("R9", Verdict.AMBER, "逆ギャップ（実装不可機能に現行が適合＝廃止が必要）が残っている",
         lambda f: _open(f) and f.reverse_gaps > 0),
    Rule("R10", Verdict.AMBER, "ベンダの回答に「対応不可」がある",
         lambda f: _open(f) and f.vendor_impossible > 0),
    Rule("R11", Verdict.AMBER, f"期限まで{REVIEW_DUE_DAYS}日以内で、未確認の要件が残っている",
         lambda f: _open(f) and _left(f) <= REVIEW_DUE_DAYS and f.requirements > 0 and f.reviewed < f.requirements),
    Rule("R12", Verdict.AMBER, "標準オプション機能の採否が決まっていないものがある",
         lambda f: _open(f) and f.options_undecided > 0),
    Rule("R13", Verdict.AMBER, "仕様書の改版で要再確認の項目がある",
         lambda f: _open(f) and f.needs_review > 0),
    Rule("R14", Verdict.AMBER, "移行予定日が決まっていない（システム未登録を含む）",
         lambda f: _open(f) and f.cutover is None),
    Rule("R15", Verdict.AMBER, "暫定連携なしで、データの提供元より先に移行する予定になっている（日程の矛盾）",
         lambda f: _open(f) and f.consumer_first > 0),
    Rule("R16", Verdict.RED, f"期限まで{PRESSING_DAYS}日以内で、対応方針の決まっていない独自機能（標準外・要廃止の現行機能）がある",
         lambda f: _pressing(f) and f.custom_undecided > 0),
    Rule("R17", Verdict.AMBER, "対応方針の決まっていない独自機能（標準外・要廃止の現行機能）がある",
         lambda f: _open(f) and f.custom_undecided > 0),
    Rule("R18", Verdict.AMBER, "標準仕様書と照合していない現行機能がある（独自機能の棚卸しが途中）",
         lambda f: _open(f) and f.custom_unchecked > 0),
    # after cut-over: what remains of a migrated operation (and of one still moving)
    Rule("R19", Verdict.RED, "移行後の経過措置で、実装予定日を過ぎて完了していないものがある",
         lambda f: f.post_cutover_overdue > 0),
    Rule("R20", Verdict.AMBER, "移行後の経過措置（移行後にベンダが実装する機能）が残っている",
         lambda f: f.post_cutover_open > f.post_cutover_overdue),
    Rule("R21", Verdict.AMBER, "移行済みだが、期限後対応の回答で対応予定日を過ぎたもの（予定日未定を含む）がある"
         "（実装を確かめるか、移行後の経過措置として記録する）",
         lambda f: f.migrated and f.vendor_after_passed > 0),
    Rule("R22", Verdict.RED, f"期限まで{PRESSING_DAYS}日以内で、データ移行の阻害要因（必須の項目が未保持で移行方法が未定、"
         "またはベンダが移行不可）がある",
         lambda f: _pressing(f) and f.data_blockers > 0),
    Rule("R23", Verdict.AMBER, "データ移行の阻害要因（必須の項目が未保持で移行方法が未定、またはベンダが移行不可）がある",
         lambda f: _open(f) and f.data_blockers > 0),
    # a change of work (例規改正, 様式, 窓口手順 …) past its own due date: late work that the system cannot
    # make up for; pressing when the operation's date is near (an 例規改正 needs a council session)
    Rule("R24", Verdict.RED, f"期限まで{PRESSING_DAYS}日以内で、期日を過ぎて実施済でない業務見直し（業務フロー・例規・様式など）がある",
         lambda f: _pressing(f) and f.bpr_overdue > 0),
    Rule("R25", Verdict.AMBER, "期日を過ぎて実施済でない業務見直し（業務フロー・例規・様式など）がある",
         lambda f: _open(f) and f.bpr_overdue > 0),
)


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reasons: tuple[Rule, ...]  # the rules that applied, worst first

    @property
    def reason_lines(self) -> list[str]:
        return [r.line for r in self.reasons]


def judge(facts: OperationFacts, rules: tuple[Rule, ...] = RULES) -> Judgement:
    """The verdict of one operation and the rules that led to it."""
    applied = tuple(sorted((r for r in rules if r.applies(facts)), key=lambda r: r.level.rank))
    verdict = applied[0].level if applied else Verdict.GREEN
    return Judgement(verdict, applied)


def rule_lines(rules: tuple[Rule, ...] = RULES) -> list[str]:
    """The rules as the report prints them, with the green rule last."""
    lines = [r.line for r in rules]
    lines.append(f"【{Verdict.GREEN.value}】上のどのルールにも当てはまらない（移行済みの業務は、移行後に残ったもの"
                 "＝R19–R21 だけで判定）")
    return lines
