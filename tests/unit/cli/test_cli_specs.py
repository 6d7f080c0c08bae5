"""What a user sees from import-spec and spec-diff."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from tests.conftest import dump_database
from tests.spec_books import V2_FUNCTIONS, Item, write_official_workbook


def _two_versions(cli, tmp_path: Path) -> None:
    assert cli("init").code == 0
    r = cli("import-spec", str(write_official_workbook(tmp_path / "住民記録_第2.0版.xlsx")))
    assert r.code == 0, r.err
    r = cli("import-spec", str(write_official_workbook(tmp_path / "住民記録_第3.0版.xlsx", functions=V2_FUNCTIONS)))
    assert r.code == 0, r.err


def test_import_spec_reports_version_comparison_and_skipped_sheets(cli, tmp_path: Path) -> None:
    cli("init")
    r = cli("import-spec", str(write_official_workbook(tmp_path / "住民記録_第2.0版.xlsx")), "--published", "2026-04-01")
    assert r.code == 0, r.err
    assert "001 住民基本台帳 第2.0版（取り込み: 要件 9 件）" in r.out
    assert "対象外のシート: 変更履歴" in r.out
    assert "前の版 第1.0版 との比較" in r.out
    assert "取り込みました" in r.out
    again = cli("import-spec", str(tmp_path / "住民記録_第2.0版.xlsx"))
    assert again.code == 0 and "変更はありません" in again.out


def test_dry_run_says_so_and_leaves_the_database_alone(cli, tmp_path: Path, db_path: Path) -> None:
    cli("init")
    before = dump_database(db_path)
    r = cli("import-spec", str(write_official_workbook(tmp_path / "x.xlsx")), "--version", "第2.0版", "--dry-run")
    assert r.code == 0 and "[試行]" in r.out and "何も書き込んでいません" in r.out
    assert dump_database(db_path) == before


def test_bad_rows_print_each_problem_and_what_to_do(cli, tmp_path: Path) -> None:
    cli("init")
    bad = [*V2_FUNCTIONS, Item(10009, "住民記録", "x", "謎", "区分が読めない。", "たぶん")]
    path = write_official_workbook(tmp_path / "bad.xlsx", functions=bad)
    r = cli("import-spec", str(path), "--version", "第2.0版")
    assert r.code != 0
    assert "エラー:" in r.err and "シート「機能要件」" in r.err and "たぶん" in r.err
    assert "対処:" in r.err and "--skip-bad-rows" in r.err
    r = cli("import-spec", str(path), "--version", "第2.0版", "--skip-bad-rows")
    assert r.code == 0 and "飛ばしました" in r.out and "bad_取込エラー.csv" in r.out


def test_unknown_layout_error_lists_headers_and_profile(cli, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("番号,要求事項\nA-1,宛名を管理できること\n", encoding="utf-8")
    r = cli("import-spec", str(path), "--operation", "001", "--version", "第9.0版")
    assert r.code != 0
    assert "other: 番号、要求事項" in r.err and "[[sheets]]" in r.err


def test_spec_diff_prints_summary_and_character_diff(cli, tmp_path: Path) -> None:
    _two_versions(cli, tmp_path)
    r = cli("spec-diff", "住民基本台帳")
    assert r.code == 0, r.err
    assert "第2.0版 → 第3.0版" in r.out
    summary = {line.split()[0]: line.split()[1] for line in r.out.splitlines()
               if line.split()[:1] and line.split()[0] in ("追加", "削除", "文言変更", "区分変更", "変更なし")}
    assert summary == {"追加": "1", "削除": "1", "文言変更": "1", "区分変更": "1", "変更なし": "6"}
    assert "[文言変更] 機能 0010002" in r.out and "{+し、在留カード番号を保持+}" in r.out
    assert "実装区分: 標準オプション機能 → 実装必須機能" in r.out
    older = cli("spec-diff", "001", "--from", "第1.0版", "--to", "第2.0版")
    assert older.code == 0 and "第1.0版 → 第2.0版" in older.out
    missing = cli("spec-diff", "001", "--from", "第7.0版")
    assert missing.code != 0 and "第7.0版" in missing.err and "第2.0版" in missing.err


def test_spec_diff_workbook_has_summary_and_rich_text_diff(cli, tmp_path: Path) -> None:
    _two_versions(cli, tmp_path)
    out = tmp_path / "diff.xlsx"
    assert cli("spec-diff", "001", "-o", str(out)).code == 0
    wb = load_workbook(out, rich_text=True)
    summary = {row[0]: row[1] for row in wb["概要"].iter_rows(min_row=5, values_only=True)}
    assert summary["文言変更"] == 1 and summary["変更なし"] == 6
    rows = list(wb["変更一覧"].iter_rows(values_only=True))
    assert rows[0][:2] == ("変更", "ID")
    by_id = {r[1]: r for r in rows[1:]}
    assert set(by_id) == {"0010002", "0010005", "0010006", "0010008"}
    diff_cell = by_id["0010002"][8]
    assert isinstance(diff_cell, CellRichText)
    inserted = [b.text for b in diff_cell if not isinstance(b, str) and b.font.u == "single"]
    assert inserted == ["し、在留カード番号を保持"]
    assert by_id["0010005"][4:6] == ("標準オプション機能", "実装必須機能")


def test_spec_diff_with_one_version_explains(cli) -> None:
    cli("init")
    r = cli("spec-diff", "001")
    assert r.code != 0 and "2つ以上" in r.err and "import-spec" in r.err


def test_missing_file_is_refused_without_creating_a_database(cli, tmp_path: Path, db_path: Path) -> None:
    r = cli("import-spec", str(tmp_path / "nothing.xlsx"))
    assert r.code != 0 and "見つかりません" in r.err
    assert not db_path.exists()
