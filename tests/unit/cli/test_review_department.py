"""The review workbook per 担当課: ``fitgap export review --department NAME`` writes only the requirements
whose assessment names that department, the file name saying it; a department without any is refused with
the departments that have some; the workbook comes back like any review workbook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from fitgap.domain.answer_sheet import H_REVIEW_NOTE
from fitgap.domain.enums import Status
from fitgap.domain.models import Assessment
from fitgap.services import assessment
from fitgap.services.database import open_db
from fitgap.services.items import ItemKey
from tests.answer_books import data_sheet, edit_book, header_map, set_answer

JUKI = "001"
MINE = ("1.1.1-必須", "1.1.3-必須", "1.1.5-必須")


def _assign(db_url: str) -> None:
    db = open_db(url=db_url)
    keys = [ItemKey.of(JUKI, "機能", i) for i in (*MINE, "1.1.2-必須")]
    assessment.update_items(db=db, user="t", keys=keys, status=Status.FIT)
    with db.write() as s:
        s.execute(sa.update(Assessment).where(Assessment.req_id.in_(MINE)).values(department="市民課"))  # type: ignore[attr-defined]
        s.execute(sa.update(Assessment).where(Assessment.req_id == "1.1.2-必須").values(department="税務課"))
    db.dispose()


def _ids(path: Path) -> list[str]:
    import openpyxl

    ws = data_sheet(openpyxl.load_workbook(path), JUKI)
    col = header_map(ws)["ID"]
    return [str(v) for r in range(1, ws.max_row + 1) if (v := ws.cell(row=r, column=col).value) and "-" in str(v)]


def test_a_departments_review_workbook_holds_its_requirements_only(cli: Callable, db_url: str, tmp_path: Path) -> None:
    assert cli("init").code == 0
    _assign(db_url)
    res = cli("export", "review", "--department", "市民課")
    assert res.code == 0, res.err
    [path] = (tmp_path / "exports").glob("確認シート_市民課_001_*.xlsx")
    assert "確認シート（担当課 市民課）を書き出しました" in res.out and "要件 3 件" in res.out
    assert sorted(_ids(path)) == sorted(MINE)
    # with --operation too, and back in like any review workbook
    out = tmp_path / "mine.xlsx"
    assert cli("export", "review", "--department", "市民課", "--operation", JUKI, "-o", str(out)).code == 0
    assert sorted(_ids(out)) == sorted(MINE)

    def edit(wb: Any) -> None:
        set_answer(data_sheet(wb, JUKI), MINE[0], **{H_REVIEW_NOTE: "窓口で確認済"})

    back = cli("import", "review", str(edit_book(out, tmp_path / "back.xlsx", edit)))
    assert back.code == 0, back.err
    db = open_db(url=db_url)
    with db.read() as s:
        note = s.execute(sa.select(Assessment.note).where(Assessment.req_id == MINE[0])).scalar_one()  # type: ignore[call-overload]
    assert note == "窓口で確認済"
    db.dispose()


def test_a_department_without_requirements_is_refused(cli: Callable, db_url: str, tmp_path: Path) -> None:
    assert cli("init").code == 0
    none = cli("export", "review", "--department", "市民課")
    assert none.code != 0 and "担当課「市民課」に割り当てた要件がありません" in none.err
    _assign(db_url)
    res = cli("export", "review", "--department", "福祉課")
    assert res.code != 0
    assert "担当課「福祉課」に割り当てた要件がありません" in res.err and "割り当てのある担当課: 市民課、税務課" in res.err
    assert not list((tmp_path / "exports").glob("確認シート_*.xlsx"))
    assert cli("export", "review").code != 0  # neither an operation nor a department
