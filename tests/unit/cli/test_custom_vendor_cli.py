"""`fitgap custom export --vendor NAME` / `fitgap custom import vendor FILE`: the vendor's 独自機能回答票 as a
round trip, as the vendor returns it (filled in with openpyxl, or re-saved by LibreOffice Calc)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fitgap.domain.answer_sheet import HEADER_ROW, KEY_HEADER
from tests.conftest import dump_database

Cli = Callable[..., Any]
ANSWER, IDS, COST, PLANNED, COMMENT = "回答", "代替できる標準機能ID", "概算費用（千円）", "対応予定日", "対応方法・補足"

CSV = (
    "業務コード,No,機能名称,種別,概要,利用部署,頻度,根拠,年間費用\n"
    "001,F-001,住民票の写し交付,帳票,窓口で交付,市民課,毎日,法令,\n"
    "001,F-002,窓口混雑表示,画面,待ち人数を表示,市民課,毎日,慣行,1200\n"
    "001,F-003,続柄の独自表記,機能,,市民課,随時,要綱,\n"
)
STANDARD_ID = "1.1.1-必須"  # a current requirement of 001 in a new database


@pytest.fixture
def inventory(cli: Cli, tmp_path: Path) -> Path:
    """A database with three current functions of 001, F-002 and F-003 outside the spec; returns the list."""
    path = tmp_path / "inv.csv"
    path.write_text(CSV, encoding="utf-8")
    assert cli("init").code == 0
    r = cli("custom", "import", str(path))
    assert r.code == 0, r.err
    assert cli("custom", "set", "001:F-002", "001:F-003", "--outside").code == 0
    return path


def _export(cli: Cli, path: Path, vendor: str = "A社") -> Path:
    r = cli("custom", "export", "--vendor", vendor, "-o", str(path))
    assert r.code == 0, r.err
    assert f"書き出しました: {path}" in r.out and f"custom import vendor {path}" in r.out
    return path


def _answer(src: Path, dst: Path, answers: dict[str, dict[str, object]]) -> Path:
    """What a vendor does: open the workbook, type answers by 機能番号 and header, save under a new name."""
    wb = openpyxl.load_workbook(src)
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    header = {c.value: c.column for c in ws[HEADER_ROW] if c.value}
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        for column, value in answers.get(str(row[0].value), {}).items():
            ws.cell(row=row[0].row, column=header[column]).value = value
    wb.save(dst)
    return dst


def _rows(path: Path) -> dict[str, dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    header = list(rows[HEADER_ROW - 1])
    return {str(r[0]): dict(zip(header, r, strict=False)) for r in rows[HEADER_ROW:] if r[0]}


def test_export_fill_dry_run_import_and_show(cli: Cli, inventory: Path, db_path: Path, tmp_path: Path) -> None:
    out = _export(cli, tmp_path / "a.xlsx")
    rows = _rows(out)
    assert sorted(rows) == ["F-002", "F-003"]  # only the functions outside the spec are asked about
    assert rows["F-002"]["機能名"] == "窓口混雑表示" and rows["F-002"][KEY_HEADER].startswith("001|F-002|独自|")
    wb = openpyxl.load_workbook(out)
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    header = [c.value for c in ws[HEADER_ROW]]
    assert ws.protection.sheet and ANSWER in header and IDS in header
    letter = openpyxl.utils.get_column_letter
    assert ws.column_dimensions[letter(header.index(IDS) + 1)].protection.locked is False
    assert ws.column_dimensions[letter(1)].protection.locked is True
    choices = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert choices and "標準製品で対応" not in str(wb.defined_names) + str(choices)
    lists = wb["_lists"] if "_lists" in wb.sheetnames else None
    if lists is not None:
        listed = {c.value for row in lists.iter_rows() for c in row if c.value}
        assert "標準機能で代替" in listed and "標準製品で対応" not in listed
    back = _answer(out, tmp_path / "back.xlsx", {
        "F-002": {ANSWER: "標準機能で代替", IDS: f"機能:{STANDARD_ID}", COST: 300, COMMENT: "標準の案内表示で代替"},
        "F-003": {ANSWER: "共通機能・EUCで対応", PLANNED: datetime(2027, 3, 31)},
    })
    before = dump_database(db_path)
    dry = cli("custom", "import", "vendor", str(back), "--dry-run")
    assert dry.code == 0, dry.err
    assert "[試行]" in dry.out and "試行のため、何も書き込んでいません" in dry.out and "[新規]" in dry.out
    assert dump_database(db_path) == before
    r = cli("custom", "import", "vendor", str(back), "--vendor", "A社")
    assert r.code == 0, r.err
    assert "2 件の回答を取り込みました" in r.out and "対応方針は変えていません" in r.out, r.out
    assert f"標準機能で代替: custom map 001:F-002 --add 機能:{STANDARD_ID} で対応付けできます" in r.out
    shown = cli("custom", "show", "001:F-002").out
    assert f"ベンダ回答: A社  標準機能で代替、標準機能ID 機能:{STANDARD_ID}、概算 300 千円" in shown
    assert "custom map 001:F-002" in shown and "ベンダ回答:" in shown.split("対応方針:")[1]
    assert "対応方針: —" in shown  # the answer decides nothing by itself
    listed_out = cli("custom", "list").out
    assert "A社: 共通機能・EUCで対応" in listed_out and f"A社: 標準機能で代替 機能:{STANDARD_ID}" in listed_out
    # the same file again: nothing new; a new export carries the answers of record
    again = cli("custom", "import", "vendor", str(back))
    assert again.code == 0 and "取り込む新しい回答はありませんでした" in again.out
    second = _export(cli, tmp_path / "a2.xlsx")
    assert _rows(second)["F-003"][ANSWER] == "共通機能・EUCで対応"
    changed = _answer(second, tmp_path / "back2.xlsx", {"F-003": {ANSWER: "対応不可", PLANNED: None,
                                                                    COMMENT: "共通機能にない"}})
    r = cli("custom", "import", "vendor", str(changed))
    assert r.code == 0 and "[変更]" in r.out and "共通機能・EUCで対応 → 対応不可" in r.out
    history = cli("custom", "show", "001:F-003").out
    assert "ベンダ回答: A社  対応不可" in history and "共通機能・EUCで対応" in history  # the audit keeps the old


def test_standard_ids_are_checked_per_row(cli: Cli, inventory: Path, db_path: Path, tmp_path: Path) -> None:
    out = _export(cli, tmp_path / "a.xlsx")
    bad = _answer(out, tmp_path / "bad.xlsx", {
        "F-002": {ANSWER: "標準オプションで対応", IDS: "機能:9999999"},  # no such requirement
        "F-003": {ANSWER: "標準機能で代替"},  # the ID is missing
    })
    before = dump_database(db_path)
    r = cli("custom", "import", "vendor", str(bad), "--problems", str(tmp_path / "p.csv"))
    assert r.code == 1 and "取り込める回答がありません" in r.err and "何も保存していません" in r.err
    assert "代替できる標準機能ID「機能:9999999」は業務 001 の現行の標準仕様書にありません" in r.out
    assert "「標準機能で代替」には代替できる標準機能IDが必要です" in r.out
    assert dump_database(db_path) == before
    report = (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    assert "001:F-002" in report and "001:F-003" in report
    # an ID given with another answer is refused; a good row beside it is taken
    mixed = _answer(out, tmp_path / "mixed.xlsx", {
        "F-002": {ANSWER: "独自施策システムで対応", IDS: f"機能:{STANDARD_ID}"},
        "F-003": {ANSWER: "標準オプションで対応", IDS: f"{STANDARD_ID}"},  # 機能 when no kind is given
    })
    r = cli("custom", "import", "vendor", str(mixed))
    assert r.code == 0, r.err
    assert "は、回答が「独自施策システムで対応」のときは記入できません" in r.out and "1 件の回答を取り込みました" in r.out
    assert f"標準オプションで対応、標準機能ID 機能:{STANDARD_ID}" in cli("custom", "show", "001:F-003").out


def test_a_stale_sheet_is_a_conflict_and_nothing_is_overwritten(cli: Cli, inventory: Path, db_path: Path,
                                                                 tmp_path: Path) -> None:
    out = _export(cli, tmp_path / "a.xlsx")
    # the municipality changes F-002 after the sheet went out
    assert cli("custom", "set", "001:F-002", "--note", "窓口の案内は見直す").code == 0
    back = _answer(out, tmp_path / "back.xlsx", {"F-002": {ANSWER: "対応不可"}, "F-003": {ANSWER: "要協議"}})
    dry = cli("custom", "import", "vendor", str(back), "--dry-run")
    assert dry.code == 0 and "競合（書き出し後の変更）" in dry.out
    r = cli("custom", "import", "vendor", str(back), "--problems", str(tmp_path / "p.csv"))
    assert r.code == 0, r.err
    assert "[競合] 001 " in r.out and "現行機能 001:F-002 窓口混雑表示: 書き出し後に当団体で内容が変わりました" in r.out
    assert "1 件の回答を取り込みました" in r.out
    assert "競合: 書き出し後に当団体で内容が変わりました" in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    assert "ベンダ回答" not in cli("custom", "show", "001:F-002").out.split("対応方針:")[1]
    # a sheet whose only answer is stale: refused as a whole, the database unchanged
    only = _answer(out, tmp_path / "only.xlsx", {"F-002": {ANSWER: "対応不可"}})
    before = dump_database(db_path)
    r = cli("custom", "import", "vendor", str(only))
    assert r.code == 1 and "取り込める回答がありません" in r.err and dump_database(db_path) == before


def test_a_deleted_function_is_refused(cli: Cli, inventory: Path, db_path: Path, tmp_path: Path) -> None:
    out = _export(cli, tmp_path / "a.xlsx")
    back = _answer(out, tmp_path / "back.xlsx", {"F-002": {ANSWER: "対応不可"}})
    wb = openpyxl.load_workbook(back)  # the row's key now names a function the list does not have
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    header = [c.value for c in ws[HEADER_ROW]]
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        if row[0].value == "F-002":
            row[header.index(KEY_HEADER)].value = "001|F-099|独自|1|"
    wb.save(back)
    r = cli("custom", "import", "vendor", str(back))
    assert r.code == 1 and ("現行機能一覧にありません" in r.out or "書き出した機能ではありません" in r.out)


def test_an_older_sheet_than_the_answer_of_record_is_refused(cli: Cli, inventory: Path, db_path: Path,
                                                              tmp_path: Path) -> None:
    old = _export(cli, tmp_path / "old.xlsx")
    new = _export(cli, tmp_path / "new.xlsx")
    assert cli("custom", "import", "vendor", str(_answer(new, tmp_path / "n.xlsx", {"F-002": {ANSWER: "要協議"}}))).code == 0
    back = _answer(old, tmp_path / "o.xlsx", {"F-002": {ANSWER: "対応不可"}})
    before = dump_database(db_path)
    r = cli("custom", "import", "vendor", str(back))
    assert r.code == 1 and "--accept-older" in r.err and dump_database(db_path) == before
    assert "より新しいブック" in r.out
    r = cli("custom", "import", "vendor", str(back), "--accept-older")
    assert r.code == 0 and "1 件の回答を取り込みました" in r.out
    assert "ベンダ回答: A社  対応不可" in cli("custom", "show", "001:F-002").out


def test_a_workbook_of_another_purpose_is_refused_both_ways(cli: Cli, inventory: Path, db_path: Path,
                                                            tmp_path: Path) -> None:
    req = tmp_path / "req.xlsx"
    assert cli("export", "vendor", "--vendor", "A社", "--operation", "001", "-o", str(req)).code == 0, "req"
    sheet = _answer(_export(cli, tmp_path / "c.xlsx"), tmp_path / "c2.xlsx", {"F-002": {ANSWER: "要協議"}})
    inv = tmp_path / "inv.xlsx"
    assert cli("custom", "export", "-o", str(inv)).code == 0
    before = dump_database(db_path)
    r = cli("custom", "import", "vendor", str(req))
    assert r.code != 0 and "ベンダ回答シートです（独自機能の回答票ではありません）" in r.err
    assert "fitgap import vendor で取り込んでください" in r.err
    r = cli("import", "vendor", str(sheet))
    assert r.code != 0 and "独自機能の回答票です（ベンダ回答シートではありません）" in r.err
    assert "fitgap custom import vendor で取り込んでください" in r.err
    r = cli("custom", "import", "vendor", str(inv))  # the inventory is no vendor's workbook
    assert r.code != 0 and "現行機能一覧です（独自機能の回答票ではありません）" in r.err
    r = cli("custom", "import", str(sheet))  # the vendor's workbook without the word vendor
    assert r.code != 0 and "独自機能の回答票" in r.err and "fitgap custom import vendor" in r.err
    r = cli("custom", "import", "vendor", str(sheet), "--vendor", "B社")
    assert r.code != 0 and "「A社」宛てのブック" in r.err
    assert dump_database(db_path) == before
    # the inventory itself still reads back with `custom import FILE`
    r = cli("custom", "import", str(inv))
    assert r.code == 0 and "変更なし 3 件" in r.out


def test_help_of_both_imports(cli: Cli, inventory: Path) -> None:
    r = cli("custom", "import", "--help")
    assert r.code == 0 and "--mapping" in r.out and "fitgap custom import vendor FILE" in r.out
    r = cli("custom", "import", "vendor", "--help")
    assert r.code == 0 and "--accept-older" in r.out and "独自機能の回答票" in r.out


@pytest.mark.slow
def test_a_sheet_re_saved_by_libreoffice_calc_reads_back(cli: Cli, inventory: Path, tmp_path: Path) -> None:
    from tests.office import soffice_convert, tool

    tool("soffice", "libreoffice")
    back = _answer(_export(cli, tmp_path / "a.xlsx"), tmp_path / "back.xlsx", {
        "F-002": {ANSWER: "標準機能で代替", IDS: f"機能:{STANDARD_ID}", PLANNED: datetime(2027, 3, 31)},
        "F-003": {ANSWER: "独自施策システムで対応", COMMENT: "=別紙参照"},  # typed with a leading =: a formula
    })
    with tempfile.TemporaryDirectory() as tmp:
        soffice_convert([back], "xlsx", Path(tmp), Path(tmp) / "profile")
        calc = shutil.move(Path(tmp) / back.name, tmp_path / "calc.xlsx")
    r = cli("custom", "import", "vendor", str(calc))
    assert r.code == 0, r.err + r.out
    assert "1 件の回答を取り込みました" in r.out and "エラー値 #NAME?" in r.out
    assert "予定日 2027/03/31" in cli("custom", "show", "001:F-002").out
