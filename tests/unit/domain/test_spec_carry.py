"""The pure rules for carrying assessments to a new spec version."""

from __future__ import annotations

from fitgap.domain.enums import Kubun, Status
from fitgap.domain.models import Assessment
from fitgap.domain.records import RequirementRecord
from fitgap.domain.spec_carry import plan_carry
from fitgap.domain.spec_diff import diff_versions


def _req(req_id: str, text: str = "本文", kubun: Kubun = Kubun.MUST) -> RequirementRecord:
    return RequirementRecord(req_id, kubun, "名", text)


def _a(id_: int, req_id: str, **kw: object) -> Assessment:
    return Assessment(id=id_, operation_code="001", req_id=req_id, **kw)  # type: ignore[arg-type]


def test_changed_items_need_review_against_the_version_they_were_assessed_on() -> None:
    old = [_req("A"), _req("B"), _req("C"), _req("D")]
    new = [_req("A", "新しい本文"), _req("B", kubun=Kubun.OPTION), _req("C"), _req("D", "別の本文")]
    assessments = {
        "A": _a(1, "A", status=Status.FIT, basis_version_id=3),
        "B": _a(2, "B", status=Status.GAP),
        "C": _a(3, "C", status=Status.FIT),
        "D": _a(4, "D", status=Status.UNCHECKED),  # nothing recorded yet: nothing to re-check
    }
    steps = {s.req_id: s for s in plan_carry(diff_versions(old, new), assessments, old_version_id=7)}
    assert set(steps) == {"A", "B"}
    assert (steps["A"].reason, steps["A"].needs_review, steps["A"].basis_version_id) == ("review", True, 3)
    assert steps["B"].basis_version_id == 7


def test_already_marked_items_are_left_alone_and_removed_ones_archived() -> None:
    old = [_req("A"), _req("B")]
    new = [_req("A", "変更")]
    assessments = {"A": _a(1, "A", status=Status.FIT, needs_review=True, basis_version_id=2),
                   "B": _a(2, "B", status=Status.UNCHECKED, note="メモ")}
    [step] = plan_carry(diff_versions(old, new), assessments, old_version_id=5)
    assert (step.req_id, step.reason, step.archived, step.basis_version_id) == ("B", "archive", True, 5)


def test_an_id_that_comes_back_restores_its_archived_assessment_for_review() -> None:
    assessments = {"A": _a(1, "A", status=Status.GAP, archived=True, basis_version_id=4)}
    [step] = plan_carry(diff_versions([], [_req("A")]), assessments, old_version_id=9)
    assert (step.reason, step.archived, step.needs_review, step.basis_version_id) == ("restore", False, True, 4)
