"""`fitgap custom …`: import, map, set, list, export and read back, vendor variant, undo."""

from pathlib import Path

import openpyxl

from fitgap.domain.answer_sheet import HEADER_ROW
from tests.conftest import dump_database

CSV = (
    "業務コード,No,機能名称,種別,概要,利用部署,頻度,根拠,年間費用\n"
    "001,F-001,住民票の写し交付,帳票,窓口で交付,市民課,毎日,法令,\n"
    "001,F-002,窓口混雑表示,画面,待ち人数を表示,市民課,毎日,慣行,1200\n"
    "001,F-003,続柄の独自表記,機能,,市民課,随時,要綱,\n"
)


def _setup(cli, tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text(CSV, encoding="utf-8")
    assert cli("init").code == 0
    r = cli("custom", "import", str(path))
    assert r.code == 0 and "追加 3 件" in r.out


def _sheet_rows(path: Path) -> tuple[list[str], list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    return list(rows[HEADER_ROW - 1]), rows[HEADER_ROW:]


def test_map_set_list_and_undo(cli, tmp_path):
    _setup(cli, tmp_path)
    assert cli("custom", "map", "001:F-001", "--add", "機能:1.1.1-必須").code == 0
    r = cli("custom", "map", "001:F-003", "--add", "1.1.11-不可")
    assert "実装不可の要件 001:機能:1.1.11-不可 の確認結果が適合ではありません" in r.out
    r = cli("custom", "set", "001:F-002", "--outside", "--disposition", "廃止")
    assert r.code == 1 and "理由" in r.out  # the note rule, said where the user looks
    assert cli("custom", "set", "001:F-002", "--outside", "--disposition", "廃止", "--note", "掲示で足りる").code == 0
    r = cli("custom", "list")
    assert "3 件（対応方針が未決定の標準外・要廃止 1 件）" in r.out and "要廃止" in r.out
    r = cli("custom", "list", "--disposition", "廃止")
    assert "F-002" in r.out and "F-001" not in r.out
    assert cli("custom", "undo").code == 0
    r = cli("custom", "show", "001:F-002")
    assert "対応方針: —" in r.out and "custom.undo" in r.out


def test_unknown_requirement_or_function_is_an_error_and_changes_nothing(cli, tmp_path, db_path):
    _setup(cli, tmp_path)
    before = dump_database(db_path)
    r = cli("custom", "map", "001:F-001", "--add", "帳票:1.1.1-必須")
    assert r.code != 0 and "エラー:" in r.err and "対処:" in r.err
    r = cli("custom", "set", "001:F-999", "--outside")
    assert r.code != 0 and "F-999" in r.err
    assert dump_database(db_path) == before


def test_a_bad_file_is_refused_whole_with_rows(cli, tmp_path, db_path):
    _setup(cli, tmp_path)
    before = dump_database(db_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("業務コード,機能番号,機能名,システム,対応要件\n001,F-004,新機能,,\n001,F-005,幻,ないシステム,\n"
                   "001,F-006,要件違い,,帳票 1.1.1-必須\n", encoding="utf-8")
    r = cli("custom", "import", str(bad))
    assert r.code != 0 and "問題が 2 件" in r.err and "3行目" in r.err and "4行目" in r.err
    assert dump_database(db_path) == before


def test_export_edit_and_read_back(cli, tmp_path):
    _setup(cli, tmp_path)
    cli("custom", "map", "001:F-001", "--add", "機能:1.1.1-必須")
    out = tmp_path / "inv.xlsx"
    r = cli("custom", "export", "--output", str(out))
    assert r.code == 0 and "3 件" in r.out
    header, rows = _sheet_rows(out)
    assert header[:3] == ["業務コード", "機能番号", "機能名"] and "判定" in header
    by_code = {row[1]: row for row in rows}
    assert by_code["F-001"][header.index("対応要件")] == "機能 1.1.1-必須"
    wb = openpyxl.load_workbook(out)
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        if row[1].value == "F-002":
            row[header.index("標準外")].value = "あり"
            row[header.index("対応方針")].value = "EUC"
            row[header.index("理由")].value = "集計は EUC で"
    wb.save(out)
    r = cli("custom", "import", str(out))
    assert r.code == 0 and "更新 1 件" in r.out and "変更なし 2 件" in r.out
    assert "EUC" in cli("custom", "show", "001:F-002").out
    assert "機能 1.1.1-必須" in cli("custom", "list").out  # the mapping survived the round trip


def test_vendor_variant_asks_only_about_functions_outside_the_spec(cli, tmp_path):
    _setup(cli, tmp_path)
    cli("custom", "set", "001:F-002", "--outside")
    out = tmp_path / "vendor.xlsx"
    assert cli("custom", "export", "--vendor", "A社", "--output", str(out)).code == 0
    header, rows = _sheet_rows(out)
    assert [row[0] for row in rows] == ["F-002"] and "回答" in header
    wb = openpyxl.load_workbook(out)
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    assert ws.protection.sheet
    letter = openpyxl.utils.get_column_letter
    assert ws.column_dimensions[letter(header.index("回答") + 1)].protection.locked is False  # the answer
    assert ws.column_dimensions[letter(1)].protection.locked is True  # the function itself


def test_undoing_a_move_to_a_separate_system_says_the_system_stays(cli, tmp_path):
    _setup(cli, tmp_path)
    cli("custom", "set", "001:F-002", "--outside")
    r = cli("custom", "set", "001:F-002", "--disposition", "独自施策システム", "--note", "案内と一体", "--system", "窓口案内")
    assert r.code == 0 and "「窓口案内」を関連システムとして追加しました" in r.out
    r = cli("custom", "undo")
    assert r.code == 0 and "「窓口案内」を移行先にする機能はなくなりましたが、システムは残しています" in r.out
    assert "systems delete" in r.out and "窓口案内" in cli("systems", "list").out


def test_the_inventory_import_refuses_the_vendor_variant_naming_its_command(cli, tmp_path, db_path):
    _setup(cli, tmp_path)
    cli("custom", "set", "001:F-002", "--outside")
    out = tmp_path / "vendor.xlsx"
    r = cli("custom", "export", "--vendor", "A社", "--output", str(out))
    assert r.code == 0 and "custom import vendor" in r.out
    wb = openpyxl.load_workbook(out)  # the vendor answers and sends it back
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    header = [c.value for c in ws[HEADER_ROW]]
    ws.cell(HEADER_ROW + 1, header.index("回答") + 1, "要協議")
    wb.save(out)
    before = dump_database(db_path)
    r = cli("custom", "import", str(out), "--operation", "001")
    assert r.code != 0 and "回答票" in r.err and "fitgap custom import vendor" in r.err
    assert dump_database(db_path) == before


def test_control_characters_in_a_list_are_removed_and_the_import_says_how_many(cli, tmp_path):
    assert cli("init").code == 0
    path = tmp_path / "ctl.csv"
    path.write_text("業務コード,機能番号,機能名\n001,F-001,宛名\u202eシール\n", encoding="utf-8")
    r = cli("custom", "import", str(path))
    assert r.code == 0 and "見えない文字を 1 個取り除きました" in r.out
    assert "宛名シール" in cli("custom", "show", "001:F-001").out


def test_status_shows_the_inventory_columns_once_there_is_one(cli, tmp_path):
    assert cli("init").code == 0
    assert "独自機能" not in cli("status").out
    _setup(cli, tmp_path)
    cli("custom", "set", "001:F-002", "--outside")
    out = cli("status").out
    header = next(line for line in out.splitlines() if line.startswith("コード"))
    juki = next(line for line in out.splitlines() if line.startswith("001"))
    assert "独自機能" in header and "独自未決" in header
    assert juki.split()[10:12] == ["3", "1"]  # 3 functions, 1 outside the spec without a disposition
    assert "独自未決 = " in out


def test_export_never_overwrites_a_file_unasked_and_the_vendor_variant_is_refused_by_name(cli, tmp_path):
    _setup(cli, tmp_path)
    assert cli("custom", "set", "001:F-002", "--outside", "--disposition", "廃止", "--note", "表示は不要").code == 0
    out = tmp_path / "回答票.xlsx"
    out.write_bytes(b"someone's edited copy")
    r = cli("custom", "export", "--vendor", "A社", "-o", str(out))
    assert r.code != 0 and "上書きしていません" in r.err and "--force" in r.err
    assert out.read_bytes() == b"someone's edited copy"
    assert cli("custom", "export", "--vendor", "A社", "-o", str(out), "--force").code == 0
    # the vendor variant read as a requirement answer sheet: says what it is and the command that reads it
    before = dump_database(tmp_path / "fitgap.db") if (tmp_path / "fitgap.db").exists() else None
    r = cli("import", "vendor", str(out))
    assert r.code != 0 and "独自機能の回答票です" in r.err and "fitgap custom import vendor" in r.err
    if before is not None:
        assert dump_database(tmp_path / "fitgap.db") == before
