"""The readiness view model: figures per operation, blocking items, totals, "no data yet", and the command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from fitgap.domain.enums import Disposition, Kubun, Status, VendorAnswerKind
from fitgap.domain.models import Assessment, Requirement, Vendor, VendorAnswer
from fitgap.domain.readiness import Verdict
from fitgap.reports.readiness_model import NO_DATA, BlockingKind, ReadinessReport
from fitgap.services import readiness, status, systems
from fitgap.storage.db import Database

TODAY = date(2025, 11, 23)
JUKI = "001"


def _requirements(db: Database, kubun: Kubun, n: int) -> list[str]:
    with db.read() as s:
        rows = s.exec(
            select(Requirement.req_id).where(Requirement.operation_code == JUKI, Requirement.current == True,  # noqa: E712
                                             Requirement.kubun == kubun).order_by(Requirement.req_id)
        ).all()
    assert len(rows) >= n
    return list(rows[:n])


def _assess(db: Database, items: list[tuple[str, Status, Disposition | None]]) -> None:
    with db.write() as s:
        s.execute(sa.insert(Assessment.__table__), [  # type: ignore[attr-defined]
            {"operation_code": JUKI, "req_id": rid, "status": st, "disposition": disp, "note": "",
             "assessed_by": "tester", "assessed_at": datetime(2025, 11, 1, tzinfo=UTC), "needs_review": False,
             "archived": False, "revision": 1}
            for rid, st, disp in items
        ])


def _answers(db: Database, rows: list[tuple[str, VendorAnswerKind, date | None]]) -> None:
    with db.write() as s:
        vendor = Vendor(name="デモベンダ")
        s.add(vendor)
        s.flush()
        s.execute(sa.insert(VendorAnswer.__table__), [  # type: ignore[attr-defined]
            {"vendor_id": vendor.id, "operation_code": JUKI, "req_id": rid, "answer": ans, "planned_date": planned,
             "comment": "=SUM(A1)", "received_at": datetime(2025, 11, 10, tzinfo=UTC), "superseded": False}
            for rid, ans, planned in rows
        ])


def _report(db: Database) -> ReadinessReport:
    return readiness.build_report(db=db, today=TODAY, now=datetime(2025, 11, 23, 9, 0, tzinfo=UTC))


def _op(report: ReadinessReport, code: str = JUKI):
    return next(o for o in report.operations if o.code == code)


def test_fresh_database_lists_the_operations_and_says_what_has_no_data(db: Database) -> None:
    report = _report(db)
    assert len([o for o in report.operations if not o.code.startswith("03")]) >= 20
    juki = _op(report)
    assert juki.requirements == 197  # the bundled 住民記録 第1.0版
    assert juki.reviewed == 0 and juki.reviewed_pct == 0.0 and juki.fit_rate is None
    assert juki.vendor is None
    assert any("ベンダ回答" in n and NO_DATA in n for n in report.notes)
    assert any("移行予定日" in n and NO_DATA in n for n in report.notes)
    others = [o for o in report.operations if o.code != JUKI and o.requirements == 0]
    assert others and all(o.verdict == Verdict.AMBER for o in others)
    assert report.spec_versions[0].operation == "住民基本台帳"
    assert report.totals.requirements == 197
    assert report.demo is False


def test_figures_agree_with_the_status_overview_and_blocking_items_are_listed(db: Database) -> None:
    must = _requirements(db, Kubun.MUST, 6)
    forbidden = _requirements(db, Kubun.FORBIDDEN, 2)
    _assess(db, [
        (must[0], Status.GAP, None), (must[1], Status.GAP, Disposition.UNDECIDED), (must[2], Status.GAP, Disposition.EUC),
        (must[3], Status.FIT, None), (must[4], Status.NOT_APPLICABLE, None), (must[5], Status.FIT, None),
        (forbidden[0], Status.FIT, None), (forbidden[1], Status.NOT_APPLICABLE, None),
    ])
    report = _report(db)
    juki = _op(report)
    summary = next(s for s in status.get_overview(db=db, today=TODAY).operations if s.code == JUKI)
    assert (juki.reviewed, juki.fit, juki.gap) == (summary.reviewed, summary.fit, summary.gap) == (8, 3, 3)
    assert juki.fit_rate == 50.0
    assert juki.gaps_by_class == {"必須": 3, "オプション": 0, "不可": 0}
    assert juki.gaps_by_disposition["未設定"] == 1
    assert juki.gaps_by_disposition["要検討"] == 1
    assert juki.gaps_by_disposition["共通機能で対応"] == 1
    assert sum(juki.gaps_by_disposition.values()) == juki.gap
    assert juki.must_gaps == 3 and juki.must_gaps_undecided == 2 and juki.reverse_gaps == 1
    blocking = {(b.kind, b.ref) for b in report.blocking if b.operation_code == JUKI}
    assert blocking == {
        (BlockingKind.MUST_GAP, f"機能 {must[0]}"), (BlockingKind.MUST_GAP, f"機能 {must[1]}"),
        (BlockingKind.REVERSE_GAP, f"機能 {forbidden[0]}"),
    }
    assert report.totals.blocking[BlockingKind.MUST_GAP] == 2
    assert juki.verdict == Verdict.RED  # 128 days left with undecided 実装必須 gaps
    assert any(line.startswith("R3") for line in juki.reasons)


def test_vendor_answers_after_the_deadline_block_and_count(db: Database) -> None:
    must = _requirements(db, Kubun.MUST, 4)
    _assess(db, [(rid, Status.GAP, Disposition.VENDOR) for rid in must])
    _answers(db, [
        (must[0], VendorAnswerKind.AFTER_DEADLINE, date(2026, 9, 30)),
        (must[1], VendorAnswerKind.AFTER_DEADLINE, None),
        (must[2], VendorAnswerKind.IMPOSSIBLE, None),
    ])
    report = _report(db)
    v = _op(report).vendor
    assert v is not None
    assert (v.answers, v.after_deadline, v.after_deadline_late, v.impossible, v.unanswered) == (3, 2, 2, 1, 1)
    late = [b for b in report.blocking if b.kind == BlockingKind.VENDOR_LATE]
    assert {b.ref for b in late} == {f"機能 {must[0]}", f"機能 {must[1]}"}
    assert _op(report).verdict == Verdict.RED
    assert any(line.startswith("R4") for line in _op(report).reasons)
    other = _op(report, "024")
    assert other.vendor is not None and other.vendor.answers == 0  # vendor data exists: zero, not データなし
    assert not any("ベンダ回答" in n for n in report.notes)
    assert len(report.answers) == 3


def test_cut_over_after_the_deadline_and_what_an_operation_waits_for(db: Database) -> None:
    systems.update_system(db=db, user="tester", system="住民記録システム", planned_cutover=date(2026, 6, 1))
    systems.update_system(db=db, user="tester", system="国民健康保険システム", planned_cutover=date(2026, 1, 4))
    report = _report(db)
    juki = _op(report)
    assert juki.cutover == date(2026, 6, 1)
    assert juki.margin_days == (date(2026, 3, 31) - date(2026, 6, 1)).days
    assert juki.verdict == Verdict.RED and any(line.startswith("R2") for line in juki.reasons)
    kokuho = _op(report, "024")
    assert "住民記録システム" in kokuho.waits_for
    conflicts = [b for b in report.blocking if b.kind == BlockingKind.CONFLICT]
    assert any(b.ref == "住民記録システム → 国民健康保険システム" and b.operation_code == "024" for b in conflicts)
    rows = {r.system: r for r in report.schedule}
    assert rows["住民記録システム"].cutover == date(2026, 6, 1)
    assert report.months[0] == date(2025, 4, 1) and report.months[-1] == date(2027, 3, 1)
    assert len(report.months) % 12 == 0


def test_output_paths_default_to_exports_with_the_date(tmp_path: Path) -> None:
    paths = readiness.output_paths(fmt="both", output=None, exports_dir=tmp_path / "exports", today=TODAY)
    assert [p.name for p in paths] == ["readiness_2025-11-23.xlsx", "readiness_2025-11-23.html"]
    assert readiness.output_paths(fmt="both", output=tmp_path / "r.xlsx", exports_dir=tmp_path, today=TODAY) == [
        tmp_path / "r.xlsx", tmp_path / "r.html"]
    assert readiness.output_paths(fmt="html", output=tmp_path / "x.html", exports_dir=tmp_path, today=TODAY) == [
        tmp_path / "x.html"]
    assert readiness.output_paths(fmt="xlsx", output=tmp_path, exports_dir=tmp_path / "e", today=TODAY) == [
        tmp_path / "readiness_2025-11-23.xlsx"]


def test_cli_writes_both_files_under_exports_and_says_where(cli: Callable, db: Database, db_path: Path,
                                                            tmp_path: Path) -> None:
    result = cli("report", "readiness")
    assert result.code == 0, result.err
    exports = tmp_path / "exports"
    files = sorted(p.name for p in exports.iterdir())
    assert files == ["readiness_2026-11-23.html", "readiness_2026-11-23.xlsx"]
    for name in files:
        assert str(exports / name) in result.out


def test_cli_rejects_an_unknown_format(cli: Callable, db: Database) -> None:
    result = cli("report", "readiness", "--format", "pdf")
    assert result.code != 0


def test_schedule_months_stay_near_today_and_cover_late_deadlines(db: Database) -> None:
    systems.update_system(db=db, user="tester", system="戸籍情報システム", actual_cutover=date(2019, 5, 7))
    systems.update_system(db=db, user="tester", system="国民年金システム", planned_cutover=date(2029, 12, 1))
    report = _report(db)
    assert report.months[0] == date(2024, 4, 1)  # the fiscal year before today's, not 2019
    assert report.months[-1] == date(2030, 3, 1)  # up to the latest cut-over's fiscal year
    rows = {r.system: r for r in report.schedule}
    assert rows["戸籍情報システム"].done and rows["戸籍情報システム"].risk == "完了"


def test_a_must_gap_left_to_an_option_is_open_until_the_option_is_adopted(db: Database) -> None:
    """A 必須 gap decided 標準オプションで対応 counts among the undecided (and the 阻害要因) until the option it
    names is marked 適合: the workbench detail says the same (未採用 — 採用されるまで未決)."""
    from fitgap.services.assessment import update_items
    from fitgap.services.items import ItemKey, get_item_detail

    must = _requirements(db, Kubun.MUST, 1)[0]
    option = _requirements(db, Kubun.OPTION, 1)[0]
    gap = ItemKey.of(JUKI, "機能", must)
    done = update_items(db=db, user="t", keys=[gap], status=Status.GAP, disposition=Disposition.OPTION,
                        note="オプションで", detail=option)  # a bare ID is stored as 機能:ID
    assert done.changed == [gap]
    assert get_item_detail(db=db, key=gap).disposition_detail == f"機能:{option}"
    juki = _op(_report(db))
    assert juki.must_gaps_undecided == 1
    assert any(b.ref == f"機能 {must}" for b in _report(db).blocking if b.operation_code == JUKI)
    update_items(db=db, user="t", keys=[ItemKey.of(JUKI, "機能", option)], status=Status.FIT)
    assert _op(_report(db)).must_gaps_undecided == 0
    assert not any(b.ref == f"機能 {must}" for b in _report(db).blocking if b.operation_code == JUKI)
