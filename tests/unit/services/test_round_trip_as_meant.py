"""A returned workbook is applied exactly as its sender meant, or refused row by row: older vendor sheets,
keys that disagree with the visible ID, formulas without a result, whitespace in untouched notes, and dry
runs that make every check of the real run and write nothing (not even a problem file)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fitgap.domain.answer_sheet import (
    H_ANSWER,
    H_COMMENT,
    H_ID,
    H_PLANNED,
    H_REVIEW_NOTE,
    H_REVIEW_STATUS,
    KEY_HEADER,
)
from fitgap.domain.enums import Status, VendorAnswerKind
from fitgap.domain.models import VendorAnswer
from fitgap.services.assessment import update_items
from fitgap.services.demo import generate_demo
from fitgap.services.import_summary import review_import_summary
from fitgap.services.items import ItemFilter, ItemKey, get_item, item_keys
from fitgap.services.review_sheets import export_review_sheet, import_review_sheet
from fitgap.services.vendors import export_vendor_sheet, import_vendor_sheet
from fitgap.storage.db import Database
from tests.answer_books import data_sheet, edit_book, header_map, row_of, set_answer


@pytest.fixture
def demo_db(db: Database) -> Database:
    generate_demo(db=db, total=80, seed=7, user="tester")
    return db


def _ids(db: Database) -> list[str]:
    return [k.req_id for k in item_keys(db=db, flt=ItemFilter(operation_code="001"))]


def _export(db: Database, tmp_path: Path, when: datetime) -> Any:
    return export_vendor_sheet(db=db, user="tester", vendor="A社", exports_dir=tmp_path / "exports",
                               operation_keys=["001"], now=when)


def _import(db: Database, path: Path, tmp_path: Path, **kw: Any) -> Any:
    return import_vendor_sheet(db=db, user="tester", path=path, report_dir=tmp_path / "reports", **kw)


def _record(db: Database, req_id: str) -> list[tuple[str, bool]]:
    with db.read() as s:
        stmt = sa.select(VendorAnswer.answer, VendorAnswer.superseded).where(VendorAnswer.req_id == req_id) \
            .order_by(VendorAnswer.id)  # type: ignore[arg-type]
        return [(a, bool(sup)) for a, sup in s.execute(stmt)]


def _answered(src: Path, dst: Path, req_id: str, answer: str, **more: Any) -> Path:
    return edit_book(src, dst, lambda wb: set_answer(data_sheet(wb, "001"), req_id, **{H_ANSWER: answer, **more}))


# ---- item 2: an older sheet never silently overwrites a newer answer -------------------------------------

def test_an_older_vendor_sheet_is_a_conflict_not_an_overwrite(demo_db: Database, tmp_path: Path) -> None:
    rid = _ids(demo_db)[0]
    e1 = _export(demo_db, tmp_path, datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    old_book = _answered(e1.path, tmp_path / "e1.xlsx", rid, "対応不可")
    assert len(_import(demo_db, old_book, tmp_path).added) == 1
    e2 = _export(demo_db, tmp_path, datetime(2026, 11, 5, 9, 0, tzinfo=UTC))
    new_book = _answered(e2.path, tmp_path / "e2.xlsx", rid, "標準で対応", **{H_PLANNED: datetime(2027, 1, 31)})
    assert len(_import(demo_db, new_book, tmp_path).changed) == 1

    again = _import(demo_db, old_book, tmp_path)  # the E1 file once more
    assert again.applied == 0 and again.changed == [] and len(again.older) == 1
    assert _record(demo_db, rid)[-1] == (VendorAnswerKind.STANDARD.value, False)
    assert again.problems == [] and again.refused == 0  # a conflict, not a problem as well
    [problem] = [p for p in again.conflict_rows if "競合" in p.message]
    # both values and both dates are in the message, with the way out
    for text in ("対応不可", "標準で対応", "2026/11/01", "2026/11/05", "予定日 2027/01/31"):
        assert text in problem.message
    assert "--accept-older" in problem.hint

    forced = _import(demo_db, old_book, tmp_path, accept_older=True)
    assert len(forced.changed) == 1 and forced.older == []
    assert _record(demo_db, rid)[-1] == (VendorAnswerKind.IMPOSSIBLE.value, False)


def test_cli_reports_the_older_sheet_and_accept_older_applies_it(demo_db: Database, tmp_path: Path, cli: Any) -> None:
    rid = _ids(demo_db)[1]
    e1 = _export(demo_db, tmp_path, datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    old_book = _answered(e1.path, tmp_path / "e1.xlsx", rid, "対応不可")
    cli("import", "vendor", str(old_book))
    e2 = _export(demo_db, tmp_path, datetime(2026, 11, 5, 9, 0, tzinfo=UTC))
    cli("import", "vendor", str(_answered(e2.path, tmp_path / "e2.xlsx", rid, "標準で対応")))
    r = cli("import", "vendor", str(old_book))
    # the only answer is a conflict: nothing applied, so the import fails (as custom and systems import do)
    assert r.code == 1 and "競合（古いブック）" in r.out and "--accept-older" in r.out
    assert "取り込める回答がありません（競合 1 件）" in r.err and "--accept-older" in r.err
    r = cli("import", "vendor", str(old_book), "--accept-older")
    assert "1 件の回答を取り込みました" in r.out


# ---- item 3: the hidden key must agree with the visible ID ----------------------------------------------

def _swap_keys(a: str, b: str) -> Any:
    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        col = header_map(ws)[KEY_HEADER]
        ra, rb = row_of(ws, a), row_of(ws, b)
        ka, kb = ws.cell(row=ra, column=col).value, ws.cell(row=rb, column=col).value
        ws.cell(row=ra, column=col).value, ws.cell(row=rb, column=col).value = kb, ka
        set_answer(ws, a, **{H_ANSWER: "対応不可"})  # row_of finds rows by key: these are now swapped
        set_answer(ws, b, **{H_ANSWER: "標準で対応"})
    return edit


def test_swapped_keys_are_problems_not_answers_on_the_other_item(demo_db: Database, tmp_path: Path) -> None:
    a, b = _ids(demo_db)[:2]
    e = _export(demo_db, tmp_path, datetime(2026, 11, 1, tzinfo=UTC))
    rep = _import(demo_db, edit_book(e.path, tmp_path / "swapped.xlsx", _swap_keys(a, b)), tmp_path)
    assert rep.applied == 0 and _record(demo_db, a) == [] and _record(demo_db, b) == []
    mismatches = [p for p in rep.problems if "隠しキー" in p.message]
    assert len(mismatches) == 2 and {p.key for p in mismatches} == {f"001:機能:{a}", f"001:機能:{b}"}


def test_an_edited_id_cell_is_noticed(demo_db: Database, tmp_path: Path) -> None:
    a, b = _ids(demo_db)[:2]
    e = _export(demo_db, tmp_path, datetime(2026, 11, 1, tzinfo=UTC))

    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        set_answer(ws, a, **{H_ANSWER: "標準で対応", H_ID: b})

    rep = _import(demo_db, edit_book(e.path, tmp_path / "id.xlsx", edit), tmp_path)
    assert rep.applied == 0 and any("隠しキー" in p.message and b in p.message and a in p.message for p in rep.problems)


# ---- item 4: a formula without a stored result is a problem, never a blank -------------------------------

def test_uncalculated_formula_in_a_vendor_answer_cell_is_a_problem(demo_db: Database, tmp_path: Path) -> None:
    a, b = _ids(demo_db)[:2]
    e = _export(demo_db, tmp_path, datetime(2026, 11, 1, tzinfo=UTC))

    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        set_answer(ws, a, **{H_ANSWER: "期限後対応", H_PLANNED: "=DATE(2027,3,31)"})  # saved without a result
        set_answer(ws, b, **{H_ANSWER: '=IF(TRUE,"標準で対応","")'})

    rep = _import(demo_db, edit_book(e.path, tmp_path / "f.xlsx", edit), tmp_path)
    assert rep.applied == 0 and _record(demo_db, a) == [] and rep.unanswered == len(_ids(demo_db)) - 2
    found = {p.key: p.message for p in rep.problems if "数式" in p.message}
    assert H_PLANNED in found[f"001:機能:{a}"] and H_ANSWER in found[f"001:機能:{b}"]


def test_uncalculated_formula_in_a_review_note_does_not_erase_the_note(demo_db: Database, tmp_path: Path) -> None:
    rid = _ids(demo_db)[0]
    update_items(db=demo_db, user="tester", keys=[ItemKey.of("001", "機能", rid)], note="大事なメモ")
    res = export_review_sheet(db=demo_db, user="tester", operation_keys=["001"], exports_dir=tmp_path)
    book = edit_book(res.path, tmp_path / "r.xlsx",
                     lambda wb: set_answer(data_sheet(wb, "001"), rid, **{H_REVIEW_NOTE: '=CONCAT("a","b")'}))
    rep = import_review_sheet(db=demo_db, user="tester", path=book, report_dir=tmp_path)
    assert rep.applied == 0 and any("数式" in p.message for p in rep.problems)
    assert get_item(db=demo_db, key=ItemKey.of("001", "機能", rid)).note == "大事なメモ"


# ---- item 5: an untouched review round trip changes nothing, whitespace included --------------------------

def test_untouched_review_round_trip_keeps_notes_with_whitespace(demo_db: Database, tmp_path: Path) -> None:
    ids = _ids(demo_db)[:3]
    notes = {ids[0]: "  先頭に空白", ids[1]: "末尾に空白  ", ids[2]: "改行で終わる\n"}
    for rid, note in notes.items():
        update_items(db=demo_db, user="tester", keys=[ItemKey.of("001", "機能", rid)], note=note)
    revisions = {rid: get_item(db=demo_db, key=ItemKey.of("001", "機能", rid)).revision for rid in ids}
    res = export_review_sheet(db=demo_db, user="tester", operation_keys=["001"], exports_dir=tmp_path)
    untouched = edit_book(res.path, tmp_path / "same.xlsx", lambda wb: None)
    rep = import_review_sheet(db=demo_db, user="tester", path=untouched, report_dir=tmp_path)
    assert rep.changes == [] and rep.applied == 0 and rep.problems == []
    for rid, note in notes.items():
        item = get_item(db=demo_db, key=ItemKey.of("001", "機能", rid))
        assert (item.note, item.revision) == (note, revisions[rid])

    # a status change on such a row leaves its note exactly as it was
    book = edit_book(res.path, tmp_path / "status.xlsx",
                     lambda wb: set_answer(data_sheet(wb, "001"), ids[0], **{H_REVIEW_STATUS: "適合"}))
    rep = import_review_sheet(db=demo_db, user="tester", path=book, report_dir=tmp_path)
    assert rep.applied == 1 and [c.fields for c in rep.changes] == [{"status": Status.FIT}]
    assert get_item(db=demo_db, key=ItemKey.of("001", "機能", ids[0])).note == notes[ids[0]]


# ---- #12 item 10: dry runs are exact and write nothing ---------------------------------------------------

def test_review_dry_run_reports_the_note_rule_like_the_real_run(demo_db: Database, tmp_path: Path) -> None:
    rid = next(r for r in _ids(demo_db) if not get_item(db=demo_db, key=ItemKey.of("001", "機能", r)).note)
    res = export_review_sheet(db=demo_db, user="tester", operation_keys=["001"], exports_dir=tmp_path)
    book = edit_book(res.path, tmp_path / "gap.xlsx",
                     lambda wb: set_answer(data_sheet(wb, "001"), rid, **{H_REVIEW_STATUS: "ギャップ"}))
    reports = tmp_path / "reports"
    dry = import_review_sheet(db=demo_db, user="tester", path=book, report_dir=reports, dry_run=True)
    assert not reports.exists() and dry.problems_file is None
    real = import_review_sheet(db=demo_db, user="tester", path=book, report_dir=reports)
    assert [p.message for p in dry.problems] == [p.message for p in real.problems]
    assert any("メモ" in p.message for p in real.problems) and real.applied == 0
    # the row refused by the note rule is counted once, as a problem: never also as a change to make
    for rep in (dry, real):
        counts = dict(review_import_summary(rep).counts)
        assert counts["変更する要件"] == 0 and counts["問題"] == len(rep.problems) == 1


def test_vendor_dry_run_writes_no_problem_file_unless_asked(demo_db: Database, tmp_path: Path) -> None:
    rid = _ids(demo_db)[0]
    e = _export(demo_db, tmp_path, datetime(2026, 11, 1, tzinfo=UTC))
    book = _answered(e.path, tmp_path / "bad.xlsx", rid, "たぶん")
    reports = tmp_path / "reports"
    dry = _import(demo_db, book, tmp_path, dry_run=True)
    assert dry.problems and dry.problems_file is None and not reports.exists()
    asked = _import(demo_db, book, tmp_path, dry_run=True, problems_path=tmp_path / "p.csv")
    assert asked.problems_file == tmp_path / "p.csv" and asked.problems_file.exists()
    assert not reports.exists()


def test_comment_column_unchanged_keeps_the_answer_unchanged(demo_db: Database, tmp_path: Path) -> None:
    rid = _ids(demo_db)[0]
    e = _export(demo_db, tmp_path, datetime(2026, 11, 1, tzinfo=UTC))
    _import(demo_db, _answered(e.path, tmp_path / "a.xlsx", rid, "代替案あり", **{H_COMMENT: "EUC で対応"}), tmp_path)
    e2 = _export(demo_db, tmp_path, datetime(2026, 11, 2, tzinfo=UTC))
    rep = _import(demo_db, edit_book(e2.path, tmp_path / "b.xlsx", lambda wb: None), tmp_path)
    assert rep.unchanged == 1 and rep.applied == 0
