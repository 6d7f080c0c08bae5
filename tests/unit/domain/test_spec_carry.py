"""The pure rules for carrying assessments to a new spec version."""

from __future__ import annotations

from fitgap.domain.enums import Kubun, RequirementKind, Status
from fitgap.domain.models import Assessment
from fitgap.domain.records import RequirementRecord
from fitgap.domain.spec_carry import plan_carry
from fitgap.domain.spec_diff import Change, diff_versions


def _req(req_id: str, text: str = "本文", kubun: Kubun = Kubun.MUST) -> RequirementRecord:
    return RequirementRecord(req_id, kubun, "名", text)


def _a(id_: int, req_id: str, **kw: object) -> Assessment:
    return Assessment(id=id_, operation_code="001", req_id=req_id, **kw)  # type: ignore[arg-type]


def test_changed_items_need_review_against_the_version_they_were_assessed_on() -> None:
    old = [_req("A"), _req("B"), _req("C"), _req("D")]
    new = [_req("A", "新しい本文"), _req("B", kubun=Kubun.OPTION), _req("C"), _req("D", "別の本文")]
    assessments = {
        ("機能", "A"): _a(1, "A", status=Status.FIT, basis_version_id=3),
        ("機能", "B"): _a(2, "B", status=Status.GAP),
        ("機能", "C"): _a(3, "C", status=Status.FIT),
        ("機能", "D"): _a(4, "D", status=Status.UNCHECKED),  # nothing recorded yet: nothing to re-check
    }
    steps = {s.req_id: s for s in plan_carry(diff_versions(old, new), assessments, old_version_id=7)}
    assert set(steps) == {"A", "B"}
    assert (steps["A"].reason, steps["A"].needs_review, steps["A"].basis_version_id) == ("review", True, 3)
    assert steps["B"].basis_version_id == 7


def test_already_marked_items_are_left_alone_and_removed_ones_archived() -> None:
    old = [_req("A"), _req("B")]
    new = [_req("A", "変更")]
    assessments = {"A": _a(1, "A", status=Status.FIT, needs_review=True, basis_version_id=2),
                   ("機能", "B"): _a(2, "B", status=Status.UNCHECKED, note="メモ")}
    [step] = plan_carry(diff_versions(old, new), assessments, old_version_id=5)
    assert (step.req_id, step.reason, step.archived, step.basis_version_id) == ("B", "archive", True, 5)


def test_an_id_that_comes_back_restores_its_archived_assessment_for_review() -> None:
    assessments = {("機能", "A"): _a(1, "A", status=Status.GAP, archived=True, basis_version_id=4)}
    [step] = plan_carry(diff_versions([], [_req("A")]), assessments, old_version_id=9)
    assert (step.reason, step.archived, step.needs_review, step.basis_version_id) == ("restore", False, True, 4)


def _form(req_id: str, text: str = "本文") -> RequirementRecord:
    return RequirementRecord(req_id, Kubun.MUST, "帳票名", text, kind=RequirementKind.FORM)


def test_a_function_and_a_form_with_the_same_id_are_two_requirements() -> None:
    old = [_req("0010001"), _form("0010001")]
    new = [_req("0010001"), _form("0010001", "様式を変更")]
    diff = diff_versions(old, new)
    assert {(i.kind, i.req_id): i.change for i in diff.items} == {
        ("機能", "0010001"): Change.UNCHANGED, ("帳票", "0010001"): Change.TEXT_CHANGED}
    assessments = {("機能", "0010001"): _a(1, "0010001", status=Status.FIT),
                   ("帳票", "0010001"): _a(2, "0010001", kind=RequirementKind.FORM, status=Status.FIT)}
    [step] = plan_carry(diff, assessments, old_version_id=1)
    assert (step.assessment_id, step.kind, step.reason) == (2, "帳票", "review")


def test_reason_and_remarks_changes_are_shown_but_need_no_review() -> None:
    old = [RequirementRecord("A", Kubun.MUST, "名", "本文", reason="法令による", remarks="")]
    new = [RequirementRecord("A", Kubun.MUST, "名", "本文", reason="法令及び通知による", remarks="R8改正")]
    diff = diff_versions(old, new)
    [item] = diff.items
    assert item.change is Change.NOTES_CHANGED and item.notes_changed and not item.needs_review
    assert plan_carry(diff, {("機能", "A"): _a(1, "A", status=Status.FIT)}, old_version_id=1) == []


def test_an_unchanged_item_found_again_in_a_later_file_is_restored_as_it_was() -> None:
    """A version read from 機能要件 first archives what only its 帳票要件 file has; adding that file restores."""
    a = _a(1, "A", kind=RequirementKind.FORM, status=Status.FIT, archived=True, basis_version_id=4)
    [step] = plan_carry(diff_versions([_form("A")], [_form("A")]), {("帳票", "A"): a}, old_version_id=4)
    assert (step.reason, step.archived, step.needs_review) == ("restore", False, False)
    [step] = plan_carry(diff_versions([_form("A")], [_form("A", "変更")]), {("帳票", "A"): a}, old_version_id=4)
    assert (step.reason, step.archived, step.needs_review) == ("restore", False, True)
