"""The counts of an import add up: every row of the returned workbook is counted once, in one category.

For the review, vendor and 改修 imports, a workbook with good rows, a row with two problems, a conflict and
rows nobody touched: taken + unchanged + unanswered + conflicts + problems = the rows of the workbook, a
conflict is never also a problem, and the problem report lists the problems and the conflicts, a 改修 row by
its systems (never by the numbers of its key).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fitgap.domain.answer_sheet import (
    FIRST_DATA_ROW,
    H_ANSWER,
    H_COST,
    H_PLANNED,
    H_REVIEW_NOTE,
    H_REVIEW_STATUS,
    KEY_HEADER,
)
from fitgap.domain.enums import SystemKind
from fitgap.domain.round_trips import CHANGE_SHEET
from fitgap.services import change_sheets, changes, systems
from fitgap.services.assessment import update_items
from fitgap.services.demo import generate_demo
from fitgap.services.import_summary import nothing_taken, review_import_summary, vendor_import_summary
from fitgap.services.items import ItemFilter, ItemKey, item_keys
from fitgap.services.review_sheets import export_review_sheet, import_review_sheet
from fitgap.services.vendors import export_vendor_sheet, import_vendor_sheet
from fitgap.storage.db import Database
from tests.answer_books import data_sheet, edit_book, header_map, set_answer

JUKI = "住民記録システム"


def _sheet_rows(path: Path, sheet: str | None = None) -> int:
    """Rows of the workbook's data sheet that carry a key (what the import reads)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else data_sheet(wb, "001")
    key = header_map(ws)[KEY_HEADER]
    return sum(1 for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(row=r, column=key).value)


def _report_rows(path: Path | None) -> list[tuple[Any, ...]]:
    assert path is not None and path.exists()
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def demo_db(db: Database) -> Database:
    generate_demo(db=db, total=200, seed=11, user="tester")
    return db


def _ids(db: Database) -> list[str]:
    return [k.req_id for k in item_keys(db=db, flt=ItemFilter(operation_code="001"))]


def test_review_import_counts_each_row_once(demo_db: Database, tmp_path: Path) -> None:
    ids = _ids(demo_db)
    res = export_review_sheet(db=demo_db, user="tester", operation_keys=["001"], exports_dir=tmp_path)
    update_items(db=demo_db, user="colleague", keys=[ItemKey.of("001", "機能", ids[3])], note="画面で記入")

    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        for rid in ids[:2]:
            set_answer(ws, rid, **{H_REVIEW_STATUS: "対象外", H_REVIEW_NOTE: "事務なし"})
        set_answer(ws, ids[2], **{H_REVIEW_STATUS: "まる"})  # refused
        set_answer(ws, ids[3], **{H_REVIEW_STATUS: "対象外", H_REVIEW_NOTE: "上書き"})  # a conflict
        set_answer(ws, ids[4], **{H_REVIEW_STATUS: "ギャップ", H_REVIEW_NOTE: None})  # refused when applied

    back = edit_book(res.path, tmp_path / "back.xlsx", edit)
    for dry_run in (True, False):
        rep = import_review_sheet(db=demo_db, user="tester", path=back, report_dir=tmp_path, dry_run=dry_run,
                                  problems_path=tmp_path / "problems.xlsx")
        counts = dict(review_import_summary(rep).counts)
        assert counts == {"変更する要件": 2, "変更なし": _sheet_rows(back) - 5, "競合（上書きしない）": 1, "問題": 2}
        assert sum(counts.values()) == _sheet_rows(back)
    assert rep.applied == 2
    listed = _report_rows(rep.problems_file)
    assert sum(1 for r in listed if r[3] and str(r[3]).startswith("競合")) == 1  # the conflict is in the report
    assert {r[1] for r in listed if isinstance(r[1], int)} == {rep.problems[0].row, rep.problems[-1].row,
                                                              next(p.row for p in rep.conflict_rows)}


def test_vendor_import_counts_each_row_once(demo_db: Database, tmp_path: Path) -> None:
    ids = _ids(demo_db)
    older = export_vendor_sheet(db=demo_db, user="tester", vendor="A社", exports_dir=tmp_path, operation_keys=["001"])
    newer = export_vendor_sheet(db=demo_db, user="tester", vendor="A社", exports_dir=tmp_path, operation_keys=["001"])
    answered = edit_book(newer.path, tmp_path / "newer.xlsx",
                         lambda wb: set_answer(data_sheet(wb, "001"), ids[0], **{H_ANSWER: "標準で対応"}))
    assert import_vendor_sheet(db=demo_db, user="tester", path=answered, report_dir=tmp_path).applied == 1

    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        set_answer(ws, ids[0], **{H_ANSWER: "対応不可"})  # differs from the answer of a newer sheet: a conflict
        set_answer(ws, ids[1], **{H_ANSWER: "標準で対応"})
        set_answer(ws, ids[2], **{H_ANSWER: "期限後対応", H_PLANNED: datetime(2027, 3, 31)})
        set_answer(ws, ids[3], **{H_ANSWER: "○", H_COST: "たくさん"})  # two problems on one row

    back = edit_book(older.path, tmp_path / "older.xlsx", edit)
    rep = import_vendor_sheet(db=demo_db, user="tester", path=back, report_dir=tmp_path)
    counts = dict(vendor_import_summary(rep).counts)
    assert counts == {"新しい回答": 2, "変更された回答": 0, "前回と同じ": 0, "未回答": _sheet_rows(back) - 4,
                      "競合（古いブック）": 1, "問題": 1}
    assert sum(counts.values()) == _sheet_rows(back)
    assert len(rep.problems) == 2 and rep.refused == 1  # two problems, one row
    listed = _report_rows(rep.problems_file)
    assert len([r for r in listed if isinstance(r[1], int)]) == 3  # both problems and the conflict


def test_nothing_taken_names_conflicts_as_conflicts() -> None:
    err = nothing_taken(source="a.xlsx", taken=0, refused=0, conflicts=2, dry_run=False, same=1)
    assert err is not None and "（競合 2 件、データベースと同じ 1 件）" in err.message and "問題" not in err.message
    assert nothing_taken(source="a.xlsx", taken=1, refused=3, conflicts=2, dry_run=False) is None


@pytest.fixture
def linked(db: Database) -> Database:
    for name in ("福祉総合システム", "財務会計システム", "文書管理システム", "滞納整理システム"):
        systems.add_system(db=db, user="u", name=name, kind=SystemKind.RELATED, vendor="株式会社連携")
        systems.set_link(db=db, user="u", provider=JUKI, consumer=name, data="宛名")
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2027, 1, 5))
    return db


def test_change_import_counts_each_row_once_and_names_links(linked: Database, cli: Any, tmp_path: Path) -> None:
    today = date(2026, 12, 1)
    src = change_sheets.export_change_sheet(db=linked, user="u", exports_dir=tmp_path, vendor="株式会社連携",
                                            path=tmp_path / "改修一覧.xlsx", today=today).path
    changes.update_change(db=linked, user="staff", provider=JUKI, consumer="文書管理システム", note="庁内で確認中")

    def vendor(wb: Any) -> None:
        ws = wb[CHANGE_SHEET]
        cols = header_map(ws)
        rows = {ws.cell(row=r, column=cols["利用側システム"]).value: r for r in range(FIRST_DATA_ROW, ws.max_row + 1)}
        ws.cell(row=rows["福祉総合システム"], column=cols["状況"]).value = "改修中"
        ws.cell(row=rows["財務会計システム"], column=cols["状況"]).value = "終わりました"  # two problems
        ws.cell(row=rows["財務会計システム"], column=cols["完了予定日"]).value = "来月"
        ws.cell(row=rows["文書管理システム"], column=cols["状況"]).value = "調査中"  # a conflict
        ws.delete_rows(rows["滞納整理システム"])  # a deleted row: a problem of its own

    back = edit_book(src, tmp_path / "返送.xlsx", vendor)
    rep = change_sheets.import_change_sheet(db=linked, user="u", path=back, report_dir=tmp_path, today=today)
    assert (rep.taken, rep.untouched, rep.held_back, rep.refused) == (1, 0, 1, 2)
    assert rep.taken + rep.untouched + rep.held_back + rep.refused == _sheet_rows(back, CHANGE_SHEET) + 1  # + deleted
    listed = _report_rows(rep.problems_file)
    assert listed[1][:3] == ("シート", "行", "連携")
    shown = [r[2] for r in listed[2:]]
    assert f"{JUKI} → 財務会計システム" in shown and f"{JUKI} → 文書管理システム" in shown
    assert f"{JUKI} → 滞納整理システム" in shown  # the deleted row, by its systems
    assert not any(str(v).count("-") == 1 and str(v).replace("-", "").isdigit() for v in shown)
    assert not any(re.search(r"\d+-\d+", str(r[3])) for r in listed[2:])  # nor in the words
    assert any(f"改修項目（{JUKI} → 滞納整理システム）の行が削除されています" in str(r[3]) for r in listed[2:])
    # the CLI's line: the same counts, a conflict not among the problems
    r = cli("systems", "changes-import", str(back), "--dry-run")
    counts = dict(re.findall(r"^(変わる予定|変更なし|競合（上書きしない）|問題)\s+(\d+)$", r.out, re.M))
    assert counts == {"変わる予定": "0", "変更なし": "1", "競合（上書きしない）": "1", "問題": "2"}, r.out
    assert r.out.count("[競合]") == 1 and "問題（その行は取り込みません）" in r.out  # the conflict listed once, apart
