"""共同利用: the group's decision workbook — exported without writing to any body, filled in, previewed per
body, applied to every body; a body that changed an item since the export keeps it (its conflict) while the
others take the decision; the audit trail names the group decision."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fitgap.domain.answer_sheet import FIRST_DATA_ROW, KEY_HEADER
from fitgap.domain.enums import Disposition, Status
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.services.assessment import update_items
from fitgap.services.database import open_db
from fitgap.services.group_book import apply_group_book, export_group_book
from fitgap.services.items import ItemKey
from tests.answer_books import edit_book, header_map
from tests.group_bodies import BODIES, OP, Built, build_bodies, rows_of


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_bodies(tmp_path_factory.mktemp("group_book"))


@pytest.fixture
def copy(built: Built, tmp_path: Path) -> Built:
    """The three bodies, in a folder of this test's own (applying writes to them)."""
    folder = tmp_path / "g"
    shutil.copytree(built.folder, folder)
    return Built(folder, folder / built.group.name, built.status, built.disposition, built.option, built.open_only,
                 built.options)


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.db"))}


def _row(ws: Any, key: ItemKey) -> int:
    col = header_map(ws)[KEY_HEADER]
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        parts = str(ws.cell(row=r, column=col).value or "").split("|")
        if parts[:3] == [key.operation_code, key.kind.value, key.req_id]:
            return r
    raise KeyError(key)


def _fill(ws: Any, key: ItemKey, **values: str) -> None:
    cols = header_map(ws)
    r = _row(ws, key)
    for header, value in values.items():
        ws.cell(row=r, column=cols[header]).value = value


def _state(db_path: Path, key: ItemKey) -> tuple[object, ...]:
    rows = rows_of(db_path, "SELECT status, disposition, disposition_detail, note FROM assessment "
                            f"WHERE operation_code = '{key.operation_code}' AND kind = '{key.kind.value}' "
                            f"AND req_id = '{key.req_id}' AND archived = 0")
    return rows[0] if rows else ()


def _decide(built: Built, book: Path, dst: Path) -> Path:
    def edit(wb: Any) -> None:
        ws = wb["グループ"]
        _fill(ws, built.status, 状況="ギャップ", 対応方針="業務見直し", メモ="グループで業務を見直す")
        _fill(ws, built.option, 状況="ギャップ", 対応方針="標準オプションで対応", 方針の詳細=built.options[0])

    return edit_book(book, dst, edit)


def test_the_workbook_shows_each_body_issues_first_and_writes_nothing(built: Built, tmp_path: Path) -> None:
    before = _digests(built.folder)
    done = export_group_book(path=built.group, user="tester", operation=OP, output=tmp_path / "g.xlsx")
    assert _digests(built.folder) == before  # nothing recorded in any body
    assert done.bodies == list(BODIES) and done.issues == 3 and done.rows > 3
    wb = openpyxl.load_workbook(done.path)
    ws = wb["グループ"]
    assert ws.protection.sheet
    cols = header_map(ws)
    for name in BODIES:
        assert {f"{name} 状況", f"{name} 対応方針", f"{name} メモ"} <= cols.keys()
    assert {"業務", "種別", "ID", "状況", "対応方針", "方針の詳細", "メモ", KEY_HEADER} <= cols.keys()
    issues = [ws.cell(row=r, column=cols["不一致"]).value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + done.rows)]
    assert all(v != "一致" for v in issues[:3]) and set(issues[3:]) == {"一致"}  # the group issues first
    r = _row(ws, built.option)
    assert [ws.cell(row=r, column=cols[f"{n} 対応方針"]).value for n in BODIES] == [
        f"標準オプションで対応（{o}）" for o in (built.options[0], built.options[1], built.options[0])]
    assert ws.cell(row=r, column=cols["状況"]).value is None  # the group's answer is blank until decided
    with pytest.raises(InvalidInputError):
        export_group_book(path=built.group, user="tester", operation=OP, output=done.path)  # not overwritten
    assert export_group_book(path=built.group, user="tester", operation=OP, output=done.path, overwrite=True).rows


def test_preview_apply_and_a_body_that_changed_the_item_since(copy: Built, tmp_path: Path) -> None:
    book = export_group_book(path=copy.group, user="tester", operation=OP, output=tmp_path / "g.xlsx").path
    filled = _decide(copy, book, tmp_path / "filled.xlsx")
    dbs = [copy.folder / f"body{i}.db" for i in range(3)]
    untouched_before = _state(dbs[0], copy.disposition)

    before = _digests(copy.folder)
    preview = apply_group_book(path=copy.group, workbook=filled, user="会議", dry_run=True)
    assert _digests(copy.folder) == before  # a dry run writes nothing
    assert preview.decisions == 2 and not preview.problems
    assert [b.name for b in preview.bodies] == list(BODIES)
    # the status item changes in every body (A and C were 適合; B gets the group's note); the option only in B
    assert [len(b.changed) for b in preview.bodies] == [1, 2, 1]
    assert [b.unchanged for b in preview.bodies] == [1, 0, 1]
    assert all(not b.conflicts for b in preview.bodies)

    # B村 changes the status item after the export: B's conflict; A and C take the decision
    db = open_db(url=f"sqlite:///{dbs[1]}")
    try:
        assert update_items(db=db, user="B担当", keys=[copy.status], note="会議の前に見直した").changed
    finally:
        db.dispose()
    done = apply_group_book(path=copy.group, workbook=filled, user="会議")
    a, b, c = done.bodies
    label = f"{OP} {copy.status.label}"
    assert [x[0] for x in b.conflicts] == [label] and "書き出し後にこの団体で変更されました" in b.conflicts[0][1]
    assert label not in b.changed and f"{OP} {copy.option.label}" in b.changed
    assert label in a.changed and label in c.changed and not a.conflicts and not c.conflicts
    for path in (dbs[0], dbs[2]):
        assert _state(path, copy.status) == (Status.GAP.value, Disposition.BPR.value, "", "グループで業務を見直す")
    assert _state(dbs[1], copy.status)[3] == "会議の前に見直した"  # B's own change is kept
    for path in dbs:
        state = _state(path, copy.option)
        assert state[:3] == (Status.GAP.value, Disposition.OPTION.value, copy.options[0])
        assert state[3] == f"{path.stem} の判断"  # a blank メモ keeps each body's note
    assert _state(dbs[0], copy.disposition) == untouched_before  # rows left blank are not applied
    actions = rows_of(dbs[0], "SELECT DISTINCT action, user FROM audit_event WHERE action = 'group.apply'")
    assert actions == [("group.apply", "会議")]

    again = apply_group_book(path=copy.group, workbook=filled, user="会議")  # what is applied is not changed twice
    assert not again.bodies[0].changed and again.bodies[0].unchanged == 2


def test_one_body_only_and_refusals(copy: Built, tmp_path: Path) -> None:
    book = export_group_book(path=copy.group, user="tester", operation=OP, output=tmp_path / "g.xlsx").path
    filled = _decide(copy, book, tmp_path / "filled.xlsx")
    only = apply_group_book(path=copy.group, workbook=filled, user="会議", body="C町", dry_run=True)
    assert [b.name for b in only.bodies] == ["C町"]
    with pytest.raises(NotFoundError):
        apply_group_book(path=copy.group, workbook=filled, user="会議", body="D村")
    other = copy.folder / "other.toml"
    other.write_text('[[body]]\nname = "A町"\ndb = "body0.db"\n\n[[body]]\nname = "B村"\ndb = "body1.db"\n',
                     encoding="utf-8")
    with pytest.raises(InvalidInputError, match="別のグループ"):
        apply_group_book(path=other, workbook=filled, user="会議")
