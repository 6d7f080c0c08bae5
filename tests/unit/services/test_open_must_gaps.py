"""Open 実装必須 gaps are counted per requirement (operation, kind, ID): a 機能 and a 帳票 may share an ID.

The figure has one home (storage.systems.open_must_gaps_by_operation); the systems screen's rows, their
risk text and `fitgap schedule` all show it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from fitgap.domain.enums import Kubun, RequirementKind, Status
from fitgap.domain.models import Assessment, Requirement
from fitgap.services import schedule
from fitgap.storage import systems
from fitgap.storage.db import Database

JUKI = "住民記録システム"
AT = datetime(2025, 9, 1, tzinfo=UTC)


def _forms_sharing_ids(db: Database) -> tuple[str, str]:
    """Two current 実装必須 機能 of 001, each with a 帳票 of the same ID in the same spec version."""
    with db.read() as s:
        reqs = list(s.exec(select(Requirement).where(Requirement.operation_code == "001", Requirement.current,
                                                     Requirement.kubun == Kubun.MUST).limit(2)))
    first, second = reqs
    with db.write() as s:
        for r in reqs:
            s.add(Requirement(spec_version_id=r.spec_version_id, operation_code="001", req_id=r.req_id,
                              kind=RequirementKind.FORM, kubun=Kubun.MUST, name=f"帳票 {r.req_id}",
                              text_hash="form", doc_order=r.doc_order))
    return first.req_id, second.req_id


def _assess(db: Database, *marks: tuple[RequirementKind, str, Status]) -> None:
    with db.write() as s:
        for kind, req_id, status in marks:
            s.add(Assessment(operation_code="001", kind=kind, req_id=req_id, status=status, assessed_at=AT))


def test_a_function_gap_and_a_form_fit_with_one_id_count_one(db: Database) -> None:
    shared, _ = _forms_sharing_ids(db)
    _assess(db, (RequirementKind.FUNCTION, shared, Status.GAP), (RequirementKind.FORM, shared, Status.FIT))
    with db.read() as s:
        assert systems.open_must_gaps_by_operation(session=s) == {"001": 1}


def test_every_surface_shows_gaps_by_kind_and_id(db: Database, cli, monkeypatch) -> None:
    shared, other = _forms_sharing_ids(db)
    # 機能 shared: gap, 帳票 shared: fit → 1; 帳票 other: gap, 機能 other: never judged → 1; total 2 (not 4).
    _assess(db, (RequirementKind.FUNCTION, shared, Status.GAP), (RequirementKind.FORM, shared, Status.FIT),
            (RequirementKind.FORM, other, Status.GAP))
    with db.read() as s:
        assert systems.open_must_gaps_by_operation(session=s) == {"001": 2}

    view = schedule.get_schedule(db=db, today=datetime(2025, 12, 1).date())
    risk = next(r for r in view.risks if view.graph.name(r.system) == JUKI)
    assert risk.open_must_gaps == 2
    row = next(r for r in schedule.system_rows(view) if r.name == JUKI)  # the systems screen's rows
    assert row.risk is not None and row.risk.open_must_gaps == 2
    assert any("実装必須ギャップ 2件" in reason for reason in row.risk.reasons)

    monkeypatch.setenv("FITGAP_TODAY", "2025-12-01")
    out = cli("schedule")
    assert out.code == 0
    line = next(line for line in out.out.splitlines() if JUKI in line and "実装必須ギャップ" in line)
    assert "実装必須ギャップ 2件" in line and "実装必須ギャップ 4件" not in line
