"""`fitgap export/import vendor|review` as a user runs them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from fitgap.domain.answer_sheet import H_ANSWER, H_COST
from tests.answer_books import data_sheet, edit_book, header_map, set_answer
from tests.conftest import dump_database


def _first_id(path: Path) -> str:
    ws = data_sheet(openpyxl.load_workbook(path), "001")
    return str(ws.cell(row=3, column=1).value)


def _exported(out: str) -> Path:
    line = next(ln for ln in out.splitlines() if "書き出しました" in ln)
    return Path(line.split(": ", 1)[1].strip())


def test_export_and_import_vendor(cli: Callable[..., Any], db_path: Path, tmp_path: Path) -> None:
    assert cli("init").code == 0
    assert cli("demo", "-n", "60", "--seed", "2").code == 0
    r = cli("export", "vendor", "--vendor", "A社", "--operation", "001", "--answer-by", "2026-12-25")
    assert r.code == 0, r.err
    path = _exported(r.out)
    assert path.parent == tmp_path / "exports" and path.suffix == ".xlsx"
    rid = _first_id(path)

    def answer(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        set_answer(ws, rid, **{H_ANSWER: "標準で対応"})
        other = [ws.cell(row=r, column=1).value for r in range(4, 6)]
        set_answer(ws, str(other[0]), **{H_ANSWER: "要協議", H_COST: "たくさん"})

    back = edit_book(path, tmp_path / "back.xlsx", answer)
    before = dump_database(db_path)
    dry = cli("import", "vendor", str(back), "--dry-run")
    assert dry.code == 0 and "[試行]" in dry.out and "試行のため" in dry.out
    assert dump_database(db_path) == before
    assert "[新規] 001 " in dry.out and rid in dry.out
    # the dry run found a problem and wrote no list of its own: it says so, and how to get one
    assert ["問題", "1"] in [ln.split() for ln in dry.out.splitlines()] and "問題一覧のファイルは書き出していません（書き出すなら --problems PATH）" in dry.out
    assert not list((tmp_path / "exports").glob("*問題一覧*"))
    r = cli("import", "vendor", str(back), "--problems", str(tmp_path / "problems.csv"))
    assert r.code == 0 and "1 件の回答を取り込みました" in r.out
    assert "数値ではありません" in r.out and "問題一覧:" in r.out
    report = (tmp_path / "problems.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "シート,行,要件,問題,対処" and len(report) == 2
    sheet, row, item = report[1].split(",")[:3]
    assert sheet == "001 住民記録" and row.isdigit() and item.startswith("001:")
    # the same file again: its one valid answer is there already, its bad row is still refused — nothing is
    # applied and a row is refused, so the import fails (the rule of every import), the database unchanged
    before = dump_database(db_path)
    again = cli("import", "vendor", str(back))
    assert again.code == 1 and "取り込める回答がありません（問題 1 件、データベースと同じ 1 件）" in again.err
    assert "何も保存していません" in again.err and dump_database(db_path) == before
    # without --problems the list goes to exports/, and a later import of the same file never overwrites it
    first = tmp_path / "exports" / "back_問題一覧.xlsx"
    assert f"問題一覧: {first}" in again.out
    first_bytes = first.read_bytes()
    third = cli("import", "vendor", str(back))
    assert third.code == 1 and f"問題一覧: {first.with_name('back_問題一覧-2.xlsx')}" in third.out
    assert first.read_bytes() == first_bytes


def test_foreign_workbook_exits_non_zero(cli: Callable[..., Any], tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert cli("init", db=other).code == 0
    assert cli("demo", "-n", "40", "--seed", "1", db=other).code == 0
    path = _exported(cli("export", "vendor", "--vendor", "A社", "--operation", "001", db=other).out)
    assert cli("init").code == 0
    r = cli("import", "vendor", str(path))
    assert r.code != 0
    assert "エラー:" in r.err and "別のデータベース" in r.err and "対処:" in r.err
    missing = cli("import", "vendor", str(tmp_path / "nothing.xlsx"))
    assert missing.code != 0 and "ありません" in missing.err


def test_review_round_trip_and_groups(cli: Callable[..., Any], tmp_path: Path) -> None:
    assert cli("init").code == 0
    assert cli("demo", "-n", "60", "--seed", "3").code == 0
    r = cli("export", "review", "--operation", "001", "-o", str(tmp_path / "rv.xlsx"))
    assert r.code == 0 and (tmp_path / "rv.xlsx").exists()
    rid = _first_id(tmp_path / "rv.xlsx")
    back = edit_book(tmp_path / "rv.xlsx", tmp_path / "rv2.xlsx",
                     lambda wb: set_answer(data_sheet(wb, "001"), rid, **{"状況": "対象外", "対応方針": None,
                                                                           "メモ": "該当事務なし"}))
    r = cli("import", "review", str(back))
    assert r.code == 0 and "1 件の確認結果を取り込みました" in r.out
    group = cli("export")
    assert group.code == 2 and "vendor" in group.out and "review" in group.out


def _returned(cli: Callable[..., Any], tmp_path: Path, edit: Callable[[Any], None]) -> Path:
    assert cli("init").code == 0
    assert cli("demo", "-n", "60", "--seed", "2").code == 0
    r = cli("export", "vendor", "--vendor", "A社", "--operation", "001", "-o", str(tmp_path / "v.xlsx"))
    assert r.code == 0, r.err
    return edit_book(tmp_path / "v.xlsx", tmp_path / "back.xlsx", edit)


def test_a_row_copied_with_another_answer_applies_neither(cli: Callable[..., Any], db_path: Path,
                                                          tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        ids = [str(ws.cell(row=r, column=1).value) for r in range(3, 5)]
        set_answer(ws, ids[0], **{H_ANSWER: "標準で対応"})
        src = set_answer(ws, ids[1], **{H_ANSWER: "要協議"})
        copy = ws.max_row + 1
        for c in range(1, ws.max_column + 1):
            ws.cell(row=copy, column=c).value = ws.cell(row=src, column=c).value
        ws.cell(row=copy, column=header_map(ws)[H_ANSWER]).value = "対応不可"

    back = _returned(cli, tmp_path, edit)
    r = cli("import", "vendor", str(back), "--problems", str(tmp_path / "p.csv"))
    assert r.code == 0 and "1 件の回答を取り込みました" in r.out, r.err  # the other answer applies
    assert r.out.count("内容が違います。どちらの行も取り込みません") == 2
    shown = cli("export", "vendor", "--vendor", "A社", "--operation", "001", "-o", str(tmp_path / "again.xlsx"))
    assert shown.code == 0
    ws = data_sheet(openpyxl.load_workbook(tmp_path / "again.xlsx"), "001")
    answers = [ws.cell(row=r, column=header_map(ws)[H_ANSWER]).value for r in range(3, 5)]
    assert answers == ["標準で対応", None]  # neither 要協議 nor 対応不可 was taken


def test_an_escape_in_an_id_cell_is_listed_escaped(cli: Callable[..., Any], tmp_path: Path) -> None:
    import zipfile

    marker = "ESCAPEMARK"

    def edit(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        rid = str(ws.cell(row=3, column=1).value)
        set_answer(ws, rid, **{H_ANSWER: "標準で対応"})
        ws.cell(row=3, column=1).value = rid[:3] + marker + rid[3:]

    back = _returned(cli, tmp_path, edit)
    hostile = tmp_path / "esc.xlsx"  # the ID cell holds ESC (as Excel stores it: _x001B_)
    with zipfile.ZipFile(back) as zin, zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename).replace(marker.encode(), b"_x001B_"))
    r = cli("import", "vendor", str(hostile))
    assert "Traceback" not in r.out + r.err and "\x1b" not in r.out + r.err
    assert r.code == 1 and "\\x1b" in r.out and "取り込める回答がありません" in r.err
    listed = next((tmp_path / "exports").glob("esc_問題一覧*.xlsx"))
    cells = [c for row in openpyxl.load_workbook(listed).active.iter_rows(values_only=True) for c in row if c]
    assert any("\\x1b" in str(c) for c in cells)
