"""Vendor gap sheet round trip through the services: export, answer, import, history, refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from fitgap.config import sqlite_url
from fitgap.domain.answer_sheet import H_ANSWER, H_COMMENT, H_PLANNED, META_SHEET
from fitgap.domain.enums import VendorAnswerKind
from fitgap.domain.models import Requirement, VendorAnswer, VendorExport
from fitgap.errors import InvalidInputError
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.services.demo import generate_demo
from fitgap.services.vendors import export_vendor_sheet, import_vendor_sheet, vendor_answers_for_item
from fitgap.storage.db import Database
from tests.answer_books import data_sheet, edit_book, header_map, row_of, set_answer
from tests.conftest import dump_database


@pytest.fixture
def demo_db(db: Database) -> Database:
    generate_demo(db=db, total=80, seed=7, user="tester")
    return db


def _export(db: Database, tmp_path: Path, vendor: str = "A社", **kw: Any) -> Any:
    return export_vendor_sheet(db=db, user="tester", vendor=vendor, exports_dir=tmp_path / "exports",
                               operation_keys=["001"], **kw)


def _import(db: Database, path: Path, tmp_path: Path, **kw: Any) -> Any:
    return import_vendor_sheet(db=db, user="tester", path=path, report_dir=tmp_path / "reports", **kw)


def _rows(db: Database) -> list[VendorAnswer]:
    with db.read() as s:
        return list(s.exec(sa.select(VendorAnswer).order_by(VendorAnswer.id)).scalars())  # type: ignore[call-overload]


def _first_ids(db: Database, n: int) -> list[str]:
    with db.read() as s:
        stmt = sa.select(Requirement.req_id).where(Requirement.operation_code == "001", Requirement.current == True)  # noqa: E712
        return sorted(s.execute(stmt).scalars())[:n]


def test_export_records_the_export_and_writes_the_workbook(demo_db: Database, tmp_path: Path) -> None:
    res = _export(demo_db, tmp_path, answer_by=date(2026, 12, 25))
    assert res.path.exists() and res.path.parent == tmp_path / "exports" and res.demo
    assert "デモ" in res.path.name
    with demo_db.read() as s:
        export = s.get(VendorExport, res.export_id)
        db_id = s.execute(sa.text("SELECT value FROM fitgap_meta WHERE key='database_id'")).scalar()
    assert export is not None and export.purpose == "vendor" and export.answer_by == date(2026, 12, 25)
    wb = openpyxl.load_workbook(res.path)
    meta = {r[1]: r[2] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0] == "meta"}
    assert meta["export_id"] == res.export_id and meta["database_id"] == db_id and meta["vendor"] == "A社"


def test_round_trip_idempotent_and_history(demo_db: Database, tmp_path: Path) -> None:
    ids = _first_ids(demo_db, 3)
    res = _export(demo_db, tmp_path)

    def answer(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        set_answer(ws, ids[0], **{H_ANSWER: "標準で対応"})
        set_answer(ws, ids[1], **{H_ANSWER: "期限後対応", H_PLANNED: datetime(2027, 6, 30)})
        set_answer(ws, ids[2], **{H_ANSWER: "対応不可"})

    back = edit_book(res.path, tmp_path / "back.xlsx", answer)
    preview = _import(demo_db, back, tmp_path, dry_run=True)
    assert len(preview.added) == 3 and _rows(demo_db) == []
    first = _import(demo_db, back, tmp_path)
    assert (len(first.added), len(first.changed), first.applied) == (3, 0, 3)
    state = dump_database(Path(demo_db.engine.url.database or ""))
    second = _import(demo_db, back, tmp_path)
    assert (len(second.added), len(second.changed), second.unchanged, second.applied) == (0, 0, 3, 0)
    assert dump_database(Path(demo_db.engine.url.database or "")) == state

    # a later workbook: the vendor changes one answer; the earlier one stays as history
    res2 = _export(demo_db, tmp_path)
    prefilled = openpyxl.load_workbook(res2.path)
    assert _answer_cell(prefilled, ids[0]) == "標準で対応"  # a re-export carries the answers of record

    def change(wb: Any) -> None:
        set_answer(data_sheet(wb, "001"), ids[2], **{H_ANSWER: "代替案あり", H_COMMENT: "EUC で対応"})

    third = _import(demo_db, edit_book(res2.path, tmp_path / "back2.xlsx", change), tmp_path)
    assert len(third.changed) == 1 and third.changed[0].old is not None
    assert third.changed[0].old.answer == VendorAnswerKind.IMPOSSIBLE and third.unchanged == 2
    history = [r for r in _rows(demo_db) if r.req_id == ids[2]]
    assert [(r.answer, r.superseded) for r in history] == [
        (VendorAnswerKind.IMPOSSIBLE, True), (VendorAnswerKind.ALTERNATIVE, False)]
    assert history[1].export_id == res2.export_id

    # the next workbook carries the answers of record, never the history
    res3 = openpyxl.load_workbook(_export(demo_db, tmp_path).path)
    ws = data_sheet(res3, "001")
    cols = header_map(ws)
    assert _answer_cell(res3, ids[2]) == "代替案あり"
    assert ws.cell(row=row_of(ws, ids[2]), column=cols[H_COMMENT]).value == "EUC で対応"
    assert ws.cell(row=row_of(ws, ids[1]), column=cols[H_PLANNED]).value == datetime(2027, 6, 30)


def _answer_cell(wb: Any, req_id: str) -> Any:
    ws = data_sheet(wb, "001")
    return ws.cell(row=row_of(ws, req_id), column=header_map(ws)[H_ANSWER]).value


def test_several_vendors_and_the_detail_pane_query(demo_db: Database, tmp_path: Path) -> None:
    rid = _first_ids(demo_db, 1)[0]
    for vendor, kind, planned in (("A社", "標準で対応", None), ("B社", "代替案あり", datetime(2026, 9, 1))):
        res = _export(demo_db, tmp_path, vendor=vendor)
        back = edit_book(res.path, tmp_path / f"{vendor}.xlsx",
                         lambda wb, k=kind, p=planned: set_answer(data_sheet(wb, "001"), rid, **{H_ANSWER: k, H_PLANNED: p}))
        _import(demo_db, back, tmp_path, now=datetime(2026, 11, 1 if vendor == "A社" else 2, tzinfo=UTC))
    views = vendor_answers_for_item(db=demo_db, operation_code="001", req_id=rid)
    assert [(v.vendor, v.answer.value) for v in views] == [("B社", "代替案あり"), ("A社", "標準で対応")]
    # B社's planned date 2026-09-01 is after the operation's deadline (2026-03-31)
    assert [v.after_deadline for v in views] == [True, False]


def test_changed_requirement_text_is_not_applied(demo_db: Database, tmp_path: Path) -> None:
    ids = _first_ids(demo_db, 2)
    res = _export(demo_db, tmp_path)
    with demo_db.write() as s:
        s.execute(sa.update(Requirement).where(Requirement.req_id == ids[0], Requirement.kind == "機能")
                  .values(text_hash="0" * 16))
    back = edit_book(res.path, tmp_path / "back.xlsx", lambda wb: [
        set_answer(data_sheet(wb, "001"), r, **{H_ANSWER: "標準で対応"}) for r in ids])
    rep = _import(demo_db, back, tmp_path)
    assert [c.key.req_id for c in rep.added] == [ids[1]]
    assert any("本文が変わりました" in p.message and p.key == f"001:機能:{ids[0]}" for p in rep.problems), rep.problems
    assert rep.problems_file is not None and rep.problems_file.exists()
    report = openpyxl.load_workbook(rep.problems_file).active
    rows = list(report.iter_rows(values_only=True))
    assert rows[1] == ("シート", "行", "要件", "問題", "対処")
    assert any(r[2] == f"001:機能:{ids[0]}" and r[0] == "001 住民記録" and isinstance(r[1], int) for r in rows[2:])


def test_foreign_or_stale_workbooks_are_refused_with_the_database_unchanged(demo_db: Database, tmp_path: Path) -> None:
    res = _export(demo_db, tmp_path)
    rid = _first_ids(demo_db, 1)[0]
    back = edit_book(res.path, tmp_path / "back.xlsx",
                     lambda wb: set_answer(data_sheet(wb, "001"), rid, **{H_ANSWER: "標準で対応"}))
    other_url = sqlite_url(tmp_path / "other.db")
    init_database(url=other_url, user="tester")
    other = open_db(url=other_url)
    try:
        before = dump_database(tmp_path / "other.db")
        with pytest.raises(InvalidInputError, match="別のデータベース"):
            _import(other, back, tmp_path)
        assert dump_database(tmp_path / "other.db") == before
    finally:
        other.dispose()
    with pytest.raises(InvalidInputError, match="B社"):
        _import(demo_db, back, tmp_path, expected_vendor="B社")

    def retarget(wb: Any) -> None:
        for row in wb[META_SHEET].iter_rows():
            if row[0].value == "meta" and row[1].value == "vendor":
                row[2].value = "C社"

    with pytest.raises(InvalidInputError, match="一致しません"):
        _import(demo_db, edit_book(back, tmp_path / "c.xlsx", retarget), tmp_path)
    with demo_db.write() as s:
        s.execute(sa.delete(VendorExport).where(VendorExport.id == res.export_id))
    with pytest.raises(InvalidInputError, match="書き出し記録"):
        _import(demo_db, back, tmp_path)
    assert _rows(demo_db) == []


def test_nothing_to_export_is_an_error(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="書き出す要件がありません"):
        export_vendor_sheet(db=db, user="tester", vendor="A社", exports_dir=tmp_path / "x", operation_keys=["027"],
                            scope="gaps")
    assert not (tmp_path / "x").exists()
