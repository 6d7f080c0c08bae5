"""Plain, immutable data the graph is built from: systems, their milestones and their data links.

Built by the services from domain rows (see ``fitgap.graph.build``) so that the analyses never touch a
database session and can be tested on small hand-made graphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fitgap.domain.enums import DeadlineBasis, DeadlineKind, LinkMethod, MilestoneKind, SystemKind

_STANDARD = SystemKind.STANDARD  # a module constant: reading an enum member off its class is slow


@dataclass(frozen=True, slots=True)
class MilestonePoint:
    kind: MilestoneKind
    planned: date | None = None
    actual: date | None = None

    @property
    def done(self) -> bool:
        return self.actual is not None


@dataclass(frozen=True, slots=True)
class SystemNode:
    """One system as the analyses see it. ``deadline`` is the effective deadline (see build)."""

    id: int
    name: str
    kind: SystemKind = SystemKind.STANDARD
    vendor: str | None = None
    operations: tuple[str, ...] = ()
    planned_cutover: date | None = None
    actual_cutover: date | None = None
    deadline_kind: DeadlineKind = DeadlineKind.FY2025
    deadline: date | None = None
    milestones: tuple[MilestonePoint, ...] = ()
    typical: bool = False
    note: str = ""
    deadline_basis: DeadlineBasis = DeadlineBasis.LEGAL
    deadline_reason: str = ""  # why this date (「住民記録システムの移行予定 2027-01-05 に合わせる」)
    follows_links: bool = False  # no date of its own: needed by the systems it exchanges data with

    @property
    def converts(self) -> bool:
        """Moves to a standard-conforming system (the 20 operations and the cross-cutting standards);
        related systems (関連システム) are changed in place and external ones are not touched."""
        return self.kind is _STANDARD or self.kind == _STANDARD

    @property
    def done(self) -> bool:
        """Cut over already (an actual date is recorded)."""
        return self.actual_cutover is not None

    @property
    def cutover(self) -> date | None:
        """The date that counts: the actual cut-over when done, else the planned one."""
        return self.actual_cutover or self.planned_cutover

    @property
    def migrates(self) -> bool:
        """External systems (e.g. the national 中間サーバー) are not migrated by the municipality."""
        return self.kind != SystemKind.EXTERNAL


@dataclass(frozen=True, slots=True)
class Link:
    """A directed data link: ``provider`` → ``consumer`` (system ids)."""

    provider: int
    consumer: int
    data: tuple[str, ...] = ()
    method: LinkMethod = LinkMethod.FILE
    interim_interface: bool = False
    typical: bool = False
