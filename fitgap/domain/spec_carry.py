"""How assessments are carried to a new spec version. Pure: decides, never writes.

- unchanged: the assessment stays as it is;
- text or class changed: kept, marked 要再確認 (needs_review) with the version it was based on, so the old
  text stays available next to the new one;
- removed: archived with its assessment, never deleted;
- added: no assessment (未確認); an archived assessment of an ID that comes back is restored as 要再確認;
- an archived assessment of an item that is in the new version unchanged (a file added to a version later
  brings back what the first files lacked) is restored as it was; changed, it is restored as 要再確認.

Assessments are matched by (kind, ID).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from fitgap.domain.enums import Disposition, Status
from fitgap.domain.spec_diff import Change, SpecDiff


class AssessmentLike(Protocol):
    """What the plan reads of an assessment (an Assessment or a light row of one)."""

    @property
    def id(self) -> int | None: ...
    @property
    def req_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> Status: ...
    @property
    def disposition(self) -> Disposition | None: ...
    @property
    def note(self) -> str: ...
    @property
    def needs_review(self) -> bool: ...
    @property
    def basis_version_id(self) -> int | None: ...
    @property
    def archived(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class CarryStep:
    assessment_id: int
    kind: str
    req_id: str
    reason: str  # "review" | "archive" | "restore"
    needs_review: bool
    basis_version_id: int | None
    archived: bool
    old_needs_review: bool
    old_archived: bool

    def row(self) -> dict[str, object]:
        return {
            "b_id": self.assessment_id,
            "b_needs_review": self.needs_review,
            "b_basis_version_id": self.basis_version_id,
            "b_archived": self.archived,
        }


def _has_content(a: AssessmentLike) -> bool:
    return a.status != Status.UNCHECKED or bool((a.note or "").strip()) or a.disposition is not None


def plan_carry(
    diff: SpecDiff, assessments: Mapping[tuple[str, str], AssessmentLike], *, old_version_id: int | None
) -> list[CarryStep]:
    """``assessments`` by (kind, ID)."""
    steps: list[CarryStep] = []
    if not assessments:  # a first import: nothing to carry
        return steps
    for item in diff.items:
        a = assessments.get(item.key)
        if a is None or a.id is None:
            continue
        kind = item.kind
        basis = a.basis_version_id or old_version_id  # the version the assessment was made against
        changed = item.change in (Change.TEXT_CHANGED, Change.CLASS_CHANGED)
        if item.change is Change.REMOVED:
            if not a.archived:
                steps.append(CarryStep(a.id, kind, a.req_id, "archive", a.needs_review, basis, True,
                                       a.needs_review, a.archived))
        elif a.archived:
            if item.change is Change.ADDED:
                review = _has_content(a)
            else:
                review = a.needs_review or (changed and _has_content(a))
            steps.append(CarryStep(a.id, kind, a.req_id, "restore", review, a.basis_version_id if item.change is Change.ADDED else basis,
                                   False, a.needs_review, a.archived))
        elif changed and not a.needs_review and _has_content(a):
            steps.append(CarryStep(a.id, kind, a.req_id, "review", True, basis, False, a.needs_review, a.archived))
    return steps
