"""Importing spec versions: one transaction, assessments carried over, never lost."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import select

from fitgap.config import bundled_dir
from fitgap.domain.enums import Kubun, Status
from fitgap.domain.models import Assessment, AuditEvent, Requirement, SpecVersion
from fitgap.domain.records import SpecVersionInfo
from fitgap.domain.spec_diff import Change
from fitgap.errors import InvalidInputError
from fitgap.importers.canonical import read_canonical, write_canonical
from fitgap.services.specs_import import BadRowsError, import_spec
from fitgap.storage.db import Database
from tests.conftest import dump_database
from tests.spec_books import V1_FUNCTIONS, V2_FUNCTIONS, Item, write_official_workbook

BUNDLED = bundled_dir("standard_specs") / "001_juminkiroku_v1.0.csv"


def _assess(db: Database, req_id: str, status: Status = Status.FIT, code: str = "001") -> None:
    with db.write() as s:
        s.add(Assessment(operation_code=code, req_id=req_id, status=status, note="現行で対応",
                         assessed_by="tester", assessed_at=datetime(2026, 5, 1, tzinfo=UTC)))


def _assessments(db: Database) -> dict[str, Assessment]:
    with db.read() as s:
        return {a.req_id: a for a in s.exec(select(Assessment))}


def _revised_bundled_list(tmp_path: Path) -> Path:
    """第1.1版 of the bundled list: one text change, one class change, one removal, one addition."""
    lst = read_canonical(BUNDLED)
    reqs = list(lst.requirements)
    reqs[0] = replace(reqs[0], text=reqs[0].text + "\n・在留カード番号")
    reqs[1] = replace(reqs[1], kubun=Kubun.OPTION)
    removed = reqs.pop(2)
    reqs.append(replace(reqs[3], req_id="99.9.9-必須", name="新しい要件", text="新たに追加された要件。"))
    out = tmp_path / "001_juminkiroku_v1.1.csv"
    write_canonical(out, SpecVersionInfo(operation_code="001", label="第1.1版", title=lst.info.title), reqs)
    assert removed.req_id not in {r.req_id for r in reqs}
    return out


def test_revision_of_the_bundled_list_carries_every_assessment(db: Database, tmp_path: Path) -> None:
    v1 = read_canonical(BUNDLED).requirements
    unchanged, text_changed, class_changed, removed = v1[5].req_id, v1[0].req_id, v1[1].req_id, v1[2].req_id
    for req_id in (unchanged, text_changed, class_changed, removed):
        _assess(db, req_id)
    report = import_spec(db=db, path=_revised_bundled_list(tmp_path), user="tester")
    assert report.written and report.previous_label == "第1.0版" and report.version_label == "第1.1版"
    assert report.counts == {Change.ADDED: 1, Change.REMOVED: 1, Change.TEXT_CHANGED: 1,
                             Change.CLASS_CHANGED: 1, Change.NOTES_CHANGED: 0, Change.UNCHANGED: 194}
    after = _assessments(db)
    with db.read() as s:
        v1_id = s.exec(select(SpecVersion.id).where(SpecVersion.label == "第1.0版")).one()
        current = {r.req_id: r for r in s.exec(select(Requirement).where(Requirement.current == True))}  # noqa: E712
        old_text = s.exec(select(Requirement.text).where(Requirement.spec_version_id == v1_id,
                                                          Requirement.req_id == text_changed)).one()
    assert (after[unchanged].needs_review, after[unchanged].archived, after[unchanged].status) == (False, False, Status.FIT)
    for req_id in (text_changed, class_changed):
        assert after[req_id].needs_review and after[req_id].basis_version_id == v1_id
        assert after[req_id].status is Status.FIT and after[req_id].note == "現行で対応"
    assert after[removed].archived and after[removed].status is Status.FIT  # archived, never deleted
    assert "99.9.9-必須" not in after  # added: 未確認
    assert len(current) == 197
    # old and new text both available for a side-by-side diff
    assert current[text_changed].text == old_text + "\n・在留カード番号"


def test_importing_the_same_file_twice_changes_nothing(db: Database, tmp_path: Path, db_path: Path) -> None:
    path = write_official_workbook(tmp_path / "住民記録_第2.0版.xlsx")
    first = import_spec(db=db, path=path, user="tester")
    assert first.version_label == "第2.0版" and first.written
    before = dump_database(db_path)
    again = import_spec(db=db, path=path, user="tester")
    assert again.already_imported and not again.written
    assert dump_database(db_path) == before


def test_dry_run_reports_and_writes_nothing(db: Database, tmp_path: Path, db_path: Path) -> None:
    _assess(db, "1.1.1-必須")
    before = dump_database(db_path)
    report = import_spec(db=db, path=write_official_workbook(tmp_path / "v2.xlsx"), user="tester",
                         version="第2.0版", dry_run=True)
    assert report.counts[Change.ADDED] == 9 and report.counts[Change.REMOVED] == 197
    assert report.carried("archive") == 1 and not report.written
    assert dump_database(db_path) == before


def test_bad_rows_block_the_import_or_are_skipped_and_listed(db: Database, tmp_path: Path, db_path: Path) -> None:
    items = [*V2_FUNCTIONS, Item(10002, "住民記録", "x", "重複", "重複した行。", "必須"),
             Item(10009, "住民記録", "x", "謎", "区分が読めない。", "たぶん")]
    path = write_official_workbook(tmp_path / "bad.xlsx", functions=items)
    before = dump_database(db_path)
    with pytest.raises(BadRowsError) as exc:
        import_spec(db=db, path=path, user="tester", version="第2.0版")
    assert len(exc.value.problems) == 2 and "--skip-bad-rows" in (exc.value.hint or "")
    assert "0010002" in exc.value.message and "0010009" in exc.value.message
    assert dump_database(db_path) == before

    report = import_spec(db=db, path=path, user="tester", version="第2.0版", skip_bad_rows=True)
    assert report.written and report.requirements == len(V2_FUNCTIONS) + 2
    assert report.problems_file == tmp_path / "bad_取込エラー.csv"
    lines = report.problems_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "シート,行,内容,対処" and len(lines) == 3


def test_operation_is_inferred_from_id_prefix_and_a_mismatch_refused(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "機能要件"
    ws.append(["機能ID", "機能名称", "機能要件", "実装区分"])
    ws.append([230265, "資格異動", "資格を異動できること。", "実装必須機能"])
    wb.save(tmp_path / "kaigo_v6.0.xlsx")
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, path=tmp_path / "kaigo_v6.0.xlsx", user="tester", operation="001")
    assert "023" in exc.value.message and "0230265" in exc.value.message
    report = import_spec(db=db, path=tmp_path / "kaigo_v6.0.xlsx", user="tester", published=date(2025, 3, 31))
    assert (report.operation_code, report.version_label) == ("023", "第6.0版")
    with db.read() as s:
        v = s.exec(select(SpecVersion).where(SpecVersion.label == "第6.0版")).one()
    assert v.published_on == date(2025, 3, 31) and v.source_file == "kaigo_v6.0.xlsx"


def test_section_numbers_need_an_operation_and_a_version(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text("機能ID,機能要件,実装区分\n1.1.5,除票を管理すること。,実装すべき機能\n", encoding="cp932")
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, path=path, user="tester", version="第0.9版")
    assert "--operation" in (exc.value.hint or "")
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, path=path, user="tester", operation="002")
    assert "--version" in (exc.value.hint or "")
    assert import_spec(db=db, path=path, user="tester", operation="印鑑登録", version="第0.9版").written


def test_same_label_with_other_content_is_refused(db: Database, tmp_path: Path) -> None:
    import_spec(db=db, path=write_official_workbook(tmp_path / "a.xlsx"), user="tester", version="第2.0版")
    other = write_official_workbook(tmp_path / "b.xlsx", functions=V2_FUNCTIONS)
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, path=other, user="tester", version="第2.0版")
    assert "すでに取り込まれています" in exc.value.message


def test_removed_then_restored_requirement_gets_its_assessment_back(db: Database, tmp_path: Path) -> None:
    import_spec(db=db, path=write_official_workbook(tmp_path / "v2.xlsx"), user="tester", version="第2.0版")
    _assess(db, "0010006", Status.GAP)
    import_spec(db=db, path=write_official_workbook(tmp_path / "v3.xlsx", functions=V2_FUNCTIONS), user="tester",
                version="第3.0版")
    assert _assessments(db)["0010006"].archived
    v4 = [*V1_FUNCTIONS, Item(10009, "住民記録", "異動", "新規", "新しい要件。", "必須")]
    import_spec(db=db, path=write_official_workbook(tmp_path / "v4.xlsx", functions=v4), user="tester",
                version="第4.0版")
    back = _assessments(db)["0010006"]
    assert not back.archived and back.needs_review and back.status is Status.GAP


def test_audit_records_the_import_and_each_carried_assessment(db: Database, tmp_path: Path) -> None:
    import_spec(db=db, path=write_official_workbook(tmp_path / "v2.xlsx"), user="tester", version="第2.0版")
    _assess(db, "0010002")
    _assess(db, "0010006")
    import_spec(db=db, path=write_official_workbook(tmp_path / "v3.xlsx", functions=V2_FUNCTIONS), user="yamada",
                version="第3.0版")
    with db.read() as s:
        events = list(s.exec(select(AuditEvent).where(AuditEvent.user == "yamada")))
    assert {(e.action, e.entity_key) for e in events} == {
        ("spec.import", "001:第3.0版"),
        ("spec.import.review", "001:機能:0010002"),
        ("spec.import.archive", "001:機能:0010006"),
    }
    assert len({e.batch for e in events}) == 1


def test_importing_the_bundled_list_itself_changes_nothing(db: Database, db_path: Path) -> None:
    before = dump_database(db_path)
    report = import_spec(db=db, path=BUNDLED, user="tester")
    assert report.already_imported and report.version_label == "第1.0版"
    assert dump_database(db_path) == before
