"""`fitgap data export vendor` / `fitgap data import vendor FILE`: the vendor's answers for the data items of
the 基本データリスト, as the vendor returns them (filled in with openpyxl, or re-saved by LibreOffice Calc)."""

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
from tests.data_books import revised, sample_book, write_book

Cli = Callable[..., Any]
ANSWER, PLANNED, COMMENT = "回答", "予定日", "コメント"


@pytest.fixture
def listed(cli: Cli, tmp_path: Path) -> Path:
    """An initialised database with the 002 基本データリスト, two items 保持, one 対象外; returns the list file."""
    assert cli("init").code == 0
    book = write_book(sample_book(), tmp_path / "inkan.xlsx")
    r = cli("data", "import", str(book))  # the 項目定義書 import is as it was: `data import FILE…`
    assert r.code == 0, r.err
    assert cli("data", "set", "00200001", "00200002", "00200004", "--holding", "保持").code == 0
    assert cli("data", "set", "00200008", "--holding", "対象外").code == 0
    return book


def _export(cli: Cli, path: Path, vendor: str = "A社") -> Path:
    r = cli("data", "export", "vendor", "--vendor", vendor, "--operation", "002", "-o", str(path))
    assert r.code == 0, r.err
    assert f"書き出しました: {path}" in r.out and f"data import vendor {path}" in r.out
    return path


def _answer(src: Path, dst: Path, answers: dict[str, dict[str, object]]) -> Path:
    """What a vendor does: open the workbook, type answers by データ項目ID and header, save under a new name."""
    wb = openpyxl.load_workbook(src)
    ws = next(w for w in wb.worksheets if w.title.startswith("002"))
    header = {c.value: c.column for c in ws[HEADER_ROW] if c.value}
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        for column, value in answers.get(str(row[0].value), {}).items():
            ws.cell(row=row[0].row, column=header[column]).value = value
    wb.save(dst)
    return dst


def _rows(path: Path) -> dict[str, dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = next(w for w in wb.worksheets if w.title.startswith("002"))
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    header = list(rows[HEADER_ROW - 1])
    return {str(r[0]): dict(zip(header, r, strict=False)) for r in rows[HEADER_ROW:] if r[0]}


def _verdicts(cli: Cli) -> dict[str, str]:
    r = cli("data", "list", "--operation", "002")
    assert r.code == 0, r.err
    return {line.split()[0]: line for line in r.out.splitlines() if line[:3] == "002"}


def test_export_fill_import_and_the_verdict(cli: Cli, listed: Path, db_path: Path, tmp_path: Path) -> None:
    out = _export(cli, tmp_path / "a.xlsx")
    rows = _rows(out)
    assert "00200008" not in rows and len(rows) == 11  # 対象外 is not asked about
    first = rows["00200001"]
    assert (first["データ項目"], first["データ型"], first["桁数"], first["データ出力条件"], first["実装類型"],
            first["当団体の保持状況"]) == ("印鑑登録番号", "X", "15", "必須", "○", "保持")
    assert rows["00200003"]["データ出力条件"] == "条件付き必須（氏名未定でない場合は出力必須）"
    assert rows["00200005"]["コード"] == "1 登録状態"
    assert first[KEY_HEADER].startswith("002|00200001|")
    # the sheet is protected and its answers are drop-downs
    wb = openpyxl.load_workbook(out)
    ws = next(w for w in wb.worksheets if w.title.startswith("002"))
    assert ws.protection.sheet and len(ws.data_validations.dataValidation) == 2
    back = _answer(out, tmp_path / "back.xlsx", {
        "00200001": {ANSWER: "移行不可", COMMENT: "現行に印鑑登録番号がありません"},
        "00200002": {ANSWER: "移行可", PLANNED: datetime(2027, 3, 31)},
        "00200004": {ANSWER: "変換要", PLANNED: "2027/1/15", COMMENT: "和暦→西暦"},
    })
    before = dump_database(db_path)
    dry = cli("data", "import", "vendor", str(back), "--dry-run")
    assert dry.code == 0, dry.err
    assert "[試行]" in dry.out and "試行のため、何も書き込んでいません" in dry.out and "[新規]" in dry.out
    assert dump_database(db_path) == before
    r = cli("data", "import", "vendor", str(back), "--vendor", "A社")
    assert r.code == 0, r.err
    assert "3 件の回答を取り込みました" in r.out and "[新規] 002 印鑑登録 3行目 データ項目 00200001: 移行不可" in r.out
    verdicts = _verdicts(cli)
    assert "阻害" in verdicts["00200001"]  # a required item the vendor cannot migrate blocks the migration
    assert "阻害" not in verdicts["00200002"]
    shown = cli("data", "show", "00200004")
    assert "ベンダ回答: A社 変換要 2027-01-15 和暦→西暦" in shown.out
    # the same file again: nothing new, nothing refused
    again = cli("data", "import", "vendor", str(back))
    assert again.code == 0 and "取り込む新しい回答はありませんでした" in again.out
    # a new export carries the answers of record; a changed answer supersedes the old one (kept as history)
    second = _export(cli, tmp_path / "a2.xlsx")
    assert _rows(second)["00200001"][ANSWER] == "移行不可"
    changed = _answer(second, tmp_path / "back2.xlsx", {"00200001": {ANSWER: "手入力", COMMENT: "紙台帳から入力"}})
    r = cli("data", "import", "vendor", str(changed))
    assert r.code == 0 and "[変更]" in r.out and "移行不可 → 手入力" in r.out
    assert "阻害" not in _verdicts(cli)["00200001"]
    history = cli("data", "show", "00200001").out
    assert "A社 移行不可" in history and "A社 手入力" in history


def test_values_outside_the_drop_down_and_bad_dates_are_refused(cli: Cli, listed: Path, db_path: Path,
                                                                 tmp_path: Path) -> None:
    out = _export(cli, tmp_path / "a.xlsx")
    bad = _answer(out, tmp_path / "bad.xlsx", {
        "00200001": {ANSWER: "たぶん可"},
        "00200002": {ANSWER: "移行可", PLANNED: "来年度"},
        "00200003": {COMMENT: "回答なしのコメント"},
    })
    before = dump_database(db_path)
    r = cli("data", "import", "vendor", str(bad), "--problems", str(tmp_path / "p.csv"))
    assert r.code == 1 and "取り込める回答がありません（問題 3 件）" in r.err and "何も保存していません" in r.err
    assert "回答「たぶん可」は選択肢にありません" in r.out and "移行可 / 変換要 / 手入力 / 移行不可 から選んでください" in r.out
    assert "予定日「来年度」は日付ではありません" in r.out and "回答が空です" in r.out
    assert dump_database(db_path) == before
    report = (tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(report) == 4 and report[1].split(",")[2] == "00200001"
    # one good row among the bad: it is taken, the others listed
    mixed = _answer(bad, tmp_path / "mixed.xlsx", {"00200004": {ANSWER: "移行可"}})
    r = cli("data", "import", "vendor", str(mixed))
    assert r.code == 0 and "1 件の回答を取り込みました" in r.out and ["問題", "3"] in [ln.split() for ln in r.out.splitlines()]


def test_a_stale_sheet_is_a_conflict_and_nothing_is_overwritten(cli: Cli, listed: Path, db_path: Path,
                                                                 tmp_path: Path) -> None:
    earlier = _export(cli, tmp_path / "earlier.xlsx")
    stale = _export(cli, tmp_path / "stale.xlsx")
    r = cli("data", "import", "vendor", str(_answer(earlier, tmp_path / "e.xlsx", {"00200003": {ANSWER: "移行可"}})))
    assert r.code == 0, r.err
    # the definition of 氏名 changes (桁数 100 → 200) after the sheet went out
    assert cli("data", "import", str(write_book(revised(sample_book()), tmp_path / "v2.xlsx"))).code == 0
    back = _answer(stale, tmp_path / "back.xlsx", {"00200003": {ANSWER: "移行不可", COMMENT: "桁が足りない"},
                                                   "00200001": {ANSWER: "移行可"}})
    dry = cli("data", "import", "vendor", str(back), "--dry-run")
    assert dry.code == 0 and "競合（項目定義の変更）     1" in dry.out
    r = cli("data", "import", "vendor", str(back), "--problems", str(tmp_path / "p.csv"))
    assert r.code == 0, r.err
    assert "[競合] 002 印鑑登録 " in r.out and "データ項目 00200003 氏名: 書き出し後に項目定義が変わりました（桁数 100 → 200）" in r.out
    assert "1 件の回答を取り込みました" in r.out
    assert "競合: 書き出し後に項目定義が変わりました" in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    shown = cli("data", "show", "00200003").out
    assert "A社 移行可" in shown and "移行不可" not in shown  # the answer of record is as it was
    # a sheet whose only answer is stale: refused as a whole, the database unchanged
    only = _answer(stale, tmp_path / "only.xlsx", {"00200003": {ANSWER: "移行不可"}})
    before = dump_database(db_path)
    r = cli("data", "import", "vendor", str(only))
    assert r.code == 1 and "取り込める回答がありません" in r.err and dump_database(db_path) == before


def test_an_older_sheet_than_the_answer_of_record_is_refused(cli: Cli, listed: Path, db_path: Path,
                                                              tmp_path: Path) -> None:
    old = _export(cli, tmp_path / "old.xlsx")
    new = _export(cli, tmp_path / "new.xlsx")
    assert cli("data", "import", "vendor", str(_answer(new, tmp_path / "n.xlsx", {"00200001": {ANSWER: "移行可"}}))).code == 0
    back = _answer(old, tmp_path / "o.xlsx", {"00200001": {ANSWER: "移行不可"}})
    before = dump_database(db_path)
    r = cli("data", "import", "vendor", str(back))
    assert r.code == 1 and "--accept-older" in r.err and dump_database(db_path) == before
    assert "より新しいブック" in r.out and "競合（古いブック）         1" in r.out
    r = cli("data", "import", "vendor", str(back), "--accept-older")
    assert r.code == 0 and "1 件の回答を取り込みました" in r.out
    assert "阻害" in _verdicts(cli)["00200001"]


def test_a_workbook_of_another_purpose_is_refused_naming_its_command(cli: Cli, listed: Path, db_path: Path,
                                                                    tmp_path: Path) -> None:
    assert cli("demo", "-n", "40", "--seed", "1").code == 0
    req = tmp_path / "req.xlsx"
    assert cli("export", "vendor", "--vendor", "A社", "--operation", "001", "-o", str(req)).code == 0
    data_sheet = _answer(_export(cli, tmp_path / "d.xlsx"), tmp_path / "d2.xlsx", {"00200001": {ANSWER: "移行可"}})
    before = dump_database(db_path)
    r = cli("data", "import", "vendor", str(req))
    assert r.code != 0 and "ベンダ回答シートです（データ項目回答票ではありません）" in r.err
    assert "fitgap import vendor で取り込んでください" in r.err
    r = cli("import", "vendor", str(data_sheet))
    assert r.code != 0 and "データ項目回答票です（ベンダ回答シートではありません）" in r.err
    assert "fitgap data import vendor で取り込んでください" in r.err
    r = cli("data", "import", "vendor", str(data_sheet), "--vendor", "B社")
    assert r.code != 0 and "「A社」宛てのブック" in r.err
    r = cli("data", "import", "vendor", str(listed))  # the 項目定義書 itself
    assert r.code != 0 and "書き出し情報" in r.err
    r = cli("data", "import", str(data_sheet))  # the answer sheet without the word vendor
    assert r.code != 0 and "項目定義書ではありません" in r.err and "fitgap data import vendor" in r.err
    assert dump_database(db_path) == before


def test_help_of_both_imports(cli: Cli, listed: Path) -> None:
    r = cli("data", "import", "--help")
    assert r.code == 0 and "--version" in r.out and "fitgap data import vendor FILE" in r.out
    r = cli("data", "import", "vendor", "--help")
    assert r.code == 0 and "--accept-older" in r.out and "データ項目回答票" in r.out
    r = cli("data", "export", "vendor")
    assert r.code == 2 and "--vendor" in r.err
    r = cli("data", "export", "vendor", "--vendor", "A社", "--operation", "003")
    assert r.code != 0 and "基本データリストはまだ取り込まれていません" in r.err


@pytest.mark.slow
def test_a_sheet_re_saved_by_libreoffice_calc_reads_back(cli: Cli, listed: Path, tmp_path: Path) -> None:
    from tests.office import soffice_convert, tool

    tool("soffice", "libreoffice")
    back = _answer(_export(cli, tmp_path / "a.xlsx"), tmp_path / "back.xlsx", {
        "00200001": {ANSWER: "移行不可", COMMENT: "=理由は別紙"},  # typed with a leading =: a formula
        "00200002": {ANSWER: "移行可", PLANNED: datetime(2027, 3, 31)},
        "00200004": {ANSWER: "手入力", COMMENT: "紙台帳から入力"},
    })
    with tempfile.TemporaryDirectory() as tmp:
        soffice_convert([back], "xlsx", Path(tmp), Path(tmp) / "profile")
        calc = shutil.move(Path(tmp) / back.name, tmp_path / "calc.xlsx")
    r = cli("data", "import", "vendor", str(calc))
    assert r.code == 0, r.err + r.out
    assert "2 件の回答を取り込みました" in r.out
    assert "3行目: コメント がエラー値 #NAME? です" in r.out and "先頭に ' を付けて" in r.out
    assert "A社 移行可 2027-03-31" in cli("data", "show", "00200002").out
    assert "A社 手入力  紙台帳から入力" in cli("data", "show", "00200004").out
    assert "ベンダ回答" not in cli("data", "show", "00200001").out
