"""共同利用: several bodies sharing one system compare their Fit & Gap. The vocabulary and the one rule of what
makes an item a group issue; plain data, no database.

A group is a list of bodies (団体), each with its own fitgap database. An item (operation, kind, ID) is
compared only between bodies whose current spec version of the operation has the same label: like with like.
Among those, the item is a **group issue** when the bodies disagree:

- 状態: one says 適合 and another ギャップ;
- 対応方針: their gaps are decided differently (decisions still open — none or 要検討 — do not disagree);
- 標準オプション: their gaps are left to different 標準オプション requirements (disposition_detail).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from fitgap.domain.dispositions import Disposition
from fitgap.domain.enums import Status


@dataclass(frozen=True, slots=True)
class Body:
    """One body of the group: its name and where its database is (a SQLAlchemy URL)."""

    name: str
    url: str
    source: str  # the ``db`` value as the group file gives it, for messages


@dataclass(frozen=True, slots=True)
class Group:
    path: str  # the group file
    bodies: tuple[Body, ...]


class IssueKind(StrEnum):
    """How the bodies disagree on an item (the order the listings use)."""

    STATUS = "状態"
    DISPOSITION = "対応方針"
    OPTION = "標準オプション"


@dataclass(frozen=True, slots=True)
class Answer:
    """One body's assessment of one item (no row = 未確認)."""

    status: Status
    disposition: Disposition | None = None
    detail: str = ""  # what the decision names: the option (機能:ID) or the 共通機能
    system: str = ""  # the system that takes the work over, by name
    note: str = ""
    revision: int = field(default=0, compare=False)  # the assessment's revision as read (0: no assessment)

    @property
    def decided(self) -> Disposition | None:
        """The decision of a gap, when one is made (none and 要検討 are still open)."""
        if self.status != Status.GAP or self.disposition in (None, Disposition.UNDECIDED):
            return None
        return self.disposition

    def names(self) -> str:
        """What the decision names, as one text (the option, the 共通機能, the system)."""
        return " / ".join(p for p in (self.detail, self.system) if p)


def issue_kinds(answers: Sequence[Answer]) -> tuple[IssueKind, ...]:
    """How the answers of the bodies compared on one item disagree; empty when they agree."""
    kinds: list[IssueKind] = []
    statuses = {a.status for a in answers}
    if Status.FIT in statuses and Status.GAP in statuses:
        kinds.append(IssueKind.STATUS)
    decided = {a.decided for a in answers} - {None}
    if len(decided) > 1:
        kinds.append(IssueKind.DISPOSITION)
    options = {a.detail for a in answers if a.decided == Disposition.OPTION and a.detail}
    if len(options) > 1:
        kinds.append(IssueKind.OPTION)
    return tuple(kinds)


def disagreement_label(kinds: Sequence[IssueKind]) -> str:
    return "・".join(k.value for k in kinds)


@dataclass(slots=True)
class BodyFigures:
    """Where one body stands (all its current requirements), and how many group issues it is part of."""

    name: str
    requirements: int = 0
    reviewed: int = 0
    open_must_gaps: int = 0  # 実装必須 × ギャップ whose decision is open (storage.readiness.undecided_gap)
    options_undecided: int = 0  # 標準オプション without a decision (domain.rules.severity: 要判断)
    compared: int = 0  # items compared with at least one other body
    disagreements: int = 0  # of them, group issues

    @property
    def reviewed_pct(self) -> float:
        return 100.0 * self.reviewed / self.requirements if self.requirements else 0.0


@dataclass(slots=True)
class GroupFigures:
    bodies: list[BodyFigures]
    compared: int = 0  # items compared (each counted once for the group)
    disagreements: int = 0
    by_kind: dict[IssueKind, int] = field(default_factory=dict)
    not_compared: int = 0  # items of a body that no other body has on the same version

    @property
    def requirements(self) -> int:
        return sum(b.requirements for b in self.bodies)

    @property
    def reviewed(self) -> int:
        return sum(b.reviewed for b in self.bodies)

    @property
    def reviewed_pct(self) -> float:
        return 100.0 * self.reviewed / self.requirements if self.requirements else 0.0

    @property
    def open_must_gaps(self) -> int:
        return sum(b.open_must_gaps for b in self.bodies)

    @property
    def options_undecided(self) -> int:
        return sum(b.options_undecided for b in self.bodies)

