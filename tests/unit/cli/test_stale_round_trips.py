"""Files that go out and come back carry what they were made from (issue 24, items 1, 2 and 4).

Through the CLI, on whichever backend the `cli` fixture runs (FITGAP_TEST_BACKEND=postgres runs them on
PostgreSQL): an older 独自機能 inventory workbook, systems CSV or systems workbook never undoes a colleague's
later change without the user saying so (--accept-older); an edited hidden key or a changed key column is
refused for its row with its place; a cell over 32,767 characters is refused with its place from a workbook
and a CSV alike, with the database exactly as it was.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from fitgap.domain.answer_sheet import HEADER_ROW, KEY_HEADER
from fitgap.domain.row_stamp import STAMP_HEADER

Cli = Callable[..., Any]
COLLEAGUE = ("--user", "colleague")
JUKI, KOKUHO, KAIGO, SHUNO = "住民記録システム", "国民健康保険システム", "介護保険システム", "統合収納・滞納システム"
INVENTORY = (
    "業務コード,機能番号,機能名,種別,利用課\n"
    "001,F-001,住民票の写し交付,帳票,市民課\n"
    "001,F-002,窓口混雑表示,画面,市民課\n"
    "001,F-003,続柄の独自表記,機能,市民課\n"
    "001,F-004,宛名シール,帳票,市民課\n"
)


def _dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, on either backend."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            names = sorted(sa.inspect(conn).get_table_names())
            return {t: sorted((tuple(r) for r in conn.execute(sa.text(f'SELECT * FROM "{t}"'))), key=repr)
                    for t in names}
    finally:
        engine.dispose()


@pytest.fixture
def inventory(cli: Cli, tmp_path: Path) -> Path:
    """An initialised database with four functions of 001, and its inventory workbook as exported."""
    assert cli("init").code == 0
    source = tmp_path / "list.csv"
    source.write_text(INVENTORY, encoding="utf-8")
    assert cli("custom", "import", str(source)).code == 0
    out = tmp_path / "inv.xlsx"
    assert cli("custom", "export", "-o", str(out)).code == 0
    return out


def _edit_inventory(path: Path, edits: dict[str, dict[str, object]]) -> None:
    """Set cells of the 001 sheet by 機能番号 and header (KEY_HEADER for the hidden key)."""
    wb = openpyxl.load_workbook(path)
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    header = [c.value for c in ws[HEADER_ROW]]
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        for column, value in edits.get(str(row[1].value), {}).items():
            row[header.index(column)].value = value
    wb.save(path)


def _row_of(path: Path, code: str) -> int:
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    found = next(n for n, row in enumerate(ws.iter_rows(values_only=True), 1) if row[1] == code)
    wb.close()
    return found


# ---- 独自機能 inventory ----------------------------------------------------------------------------------


def test_an_older_inventory_lists_a_colleagues_decisions_as_conflicts_and_applies_the_rest(
        cli: Cli, inventory: Path) -> None:
    assert cli("custom", "set", "001:F-002", "--outside", "--disposition", "廃止", "--note", "掲示で足りる",
               *COLLEAGUE).code == 0
    assert cli("custom", "map", "001:F-003", "--add", "機能:1.1.1-必須", *COLLEAGUE).code == 0
    _edit_inventory(inventory, {"F-004": {"利用課": "総務課"}})  # the one row this user edited
    r = cli("custom", "import", str(inventory))
    assert r.code == 0, r.err
    assert "更新 1 件" in r.out and "競合 2 件（取り込んでいません）" in r.out
    f2, f3 = _row_of(inventory, "F-002"), _row_of(inventory, "F-003")
    assert f"{f2}行目 001:F-002: 書き出し後にデータベースで変更されています" in r.out
    assert "対応方針: データベース「廃止」／ファイル「（空）」" in r.out and "理由: データベース「掲示で足りる」" in r.out
    assert f"{f3}行目 001:F-003" in r.out and "対応要件: データベース「001:機能:1.1.1-必須」／ファイル「（空）」" in r.out
    assert "--accept-older" in r.out
    shown = cli("custom", "show", "001:F-002").out
    assert "対応方針: 廃止" in shown and "掲示で足りる" in shown  # the newer decision stands
    assert "機能 1.1.1-必須" in cli("custom", "list").out
    assert "利用課: 総務課" in cli("custom", "show", "001:F-004").out

    r = cli("custom", "import", str(inventory), "--accept-older")
    assert r.code == 0 and "古い内容で上書き 2 件（--accept-older）" in r.out and "ファイルの内容で上書きしました" in r.out
    assert "対応方針: —" in cli("custom", "show", "001:F-002").out
    assert "1.1.1-必須" not in cli("custom", "list").out


def test_an_older_inventory_with_nothing_else_to_apply_saves_nothing_and_exits_non_zero(
        cli: Cli, inventory: Path, db_url: str) -> None:
    assert cli("custom", "set", "001:F-002", "--outside", "--disposition", "廃止", "--note", "掲示で足りる",
               *COLLEAGUE).code == 0
    before = _dump(db_url)
    r = cli("custom", "import", str(inventory))
    assert r.code == 1 and "競合 1 件" in r.out and "001:F-002" in r.out
    assert "エラー:" in r.err and "何も保存していません" in r.err and "対処:" in r.err and "--accept-older" in r.err
    assert _dump(db_url) == before


def test_an_edited_hidden_key_or_key_column_is_refused_for_its_row(cli: Cli, inventory: Path,
                                                                    db_url: str) -> None:
    wb = openpyxl.load_workbook(inventory, read_only=True)
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    header = list(next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True)))
    keys = {row[1]: row[header.index(KEY_HEADER)] for row in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    wb.close()
    parts = str(keys["F-001"]).split("|")
    parts[3] = str(int(parts[3]) + 1)  # the hidden ID of F-001 now names F-002
    _edit_inventory(inventory, {
        "F-001": {KEY_HEADER: "|".join(parts), "機能名": "書き換え"},
        "F-002": {"業務コード": "002"},  # would add the function to another operation
        "F-003": {"機能番号": "F-030"},
        "F-004": {"利用課": "総務課"},
    })
    r = cli("custom", "import", str(inventory))
    assert r.code == 0, r.err
    assert "更新 1 件" in r.out and "取り込めない行 3 件" in r.out
    assert f"{_row_of(inventory, 'F-001')}行目: 001:F-001: 行キー（隠し列）が書き出したときと違います" in r.out
    assert f"{_row_of(inventory, 'F-002')}行目: 002:F-002: 業務コード・機能番号 が書き出したときと違います" in r.out
    assert f"{_row_of(inventory, 'F-030')}行目: 001:F-030: 業務コード・機能番号" in r.out
    listed = cli("custom", "list").out
    assert "002:F-002" not in listed and "F-030" not in listed and "書き換え" not in listed
    assert "利用課: 総務課" in cli("custom", "show", "001:F-004").out
    # the same refusals and nothing else to apply: an error, the database as it was
    before = _dump(db_url)
    _edit_inventory(inventory, {"F-004": {"利用課": "総務課"}})
    r = cli("custom", "import", str(inventory))
    assert r.code == 1 and "取り込めない行 3 件" in r.err and _dump(db_url) == before


def test_an_inventory_without_stamps_changes_no_function_unless_told(cli: Cli, inventory: Path,
                                                                   db_url: str, tmp_path: Path) -> None:
    # as an older fitgap wrote it: the hidden key holds 001:独自:F-001, no stamp
    _edit_inventory(inventory, {code: {KEY_HEADER: f"001:独自:{code}"} for code in ("F-001", "F-002", "F-003", "F-004")})
    _edit_inventory(inventory, {"F-004": {"利用課": "総務課"}})
    before = _dump(db_url)
    r = cli("custom", "import", str(inventory))
    assert r.code == 1 and "書き出し時の版がありません" in r.out
    assert "001:F-004: ファイルに書き出し時の版がなく" in r.out and "利用課: データベース「市民課」／ファイル「総務課」" in r.out
    assert _dump(db_url) == before
    r = cli("custom", "import", str(inventory), "--accept-older")
    assert r.code == 0 and "古い内容で上書き 1 件" in r.out
    # a list of new functions only (a vendor's list) adds them as before
    new = tmp_path / "new.csv"
    new.write_text("業務コード,機能番号,機能名\n001,F-005,新しい機能\n", encoding="utf-8")
    r = cli("custom", "import", str(new))
    assert r.code == 0 and "追加 1 件" in r.out and "競合" not in r.out


# ---- systems CSV and workbook ----------------------------------------------------------------------


def _colleague_edits_systems(cli: Cli) -> None:
    assert cli("systems", "set", JUKI, "--planned", "2026-02-01", "--vendor", "B社", *COLLEAGUE).code == 0
    assert cli("systems", "link", KAIGO, SHUNO, "--method", "API", *COLLEAGUE).code == 0


def _rewrite_csv(path: Path, edit: Callable[[dict[str, str]], None]) -> None:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        edit(row)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _check_systems_stale(cli: Cli, args: list[str], where: tuple[str, str]) -> None:
    r = cli("systems", "import", *args)
    assert r.code == 0, r.err
    assert "システム" in r.out and "更新 1件" in r.out and "競合 1件（取り込んでいません）" in r.out
    assert f"{where[0]} {JUKI}: 書き出し後にデータベースで変更されています" in r.out
    assert "ベンダ: データベース「B社」／ファイル「（空）」" in r.out
    assert "移行予定日: データベース「2026-02-01」／ファイル「（空）」" in r.out
    assert f"{where[1]} {KAIGO} → {SHUNO}" in r.out and "方式: データベース「API」／ファイル「ファイル」" in r.out
    shown = cli("systems", "show", JUKI).out
    assert "ベンダ: B社" in shown and "2026/02/01" in shown.replace("-", "/")
    assert "C社" in cli("systems", "show", KOKUHO).out
    links = cli("systems", "links").out
    assert any(line.startswith(KAIGO) and SHUNO in line and "API" in line for line in links.splitlines())
    r = cli("systems", "import", *args, "--accept-older")
    assert r.code == 0 and "古い内容で上書き 1件（--accept-older）" in r.out
    assert "ベンダ: —" in cli("systems", "show", JUKI).out


def test_an_older_systems_csv_lists_a_colleagues_edits_as_conflicts(cli: Cli, tmp_path: Path) -> None:
    assert cli("init").code == 0
    s_path, l_path = tmp_path / "systems.csv", tmp_path / "links.csv"
    assert cli("systems", "export", "--systems", str(s_path), "--links", str(l_path)).code == 0
    _colleague_edits_systems(cli)

    def edit(row: dict[str, str]) -> None:
        if row["システム名"] == KOKUHO:
            row["ベンダ"] = "C社"

    _rewrite_csv(s_path, edit)
    with s_path.open(encoding="utf-8-sig") as fh:
        juki_row = next(n for n, line in enumerate(fh, 1) if line.startswith(JUKI))
    with l_path.open(encoding="utf-8-sig") as fh:
        link_row = next(n for n, line in enumerate(fh, 1) if line.startswith(f"{KAIGO},{SHUNO},"))
    _check_systems_stale(cli, ["--systems", str(s_path), "--links", str(l_path)],
                         (f"systems.csv {juki_row}行目", f"links.csv {link_row}行目"))


def test_an_older_systems_workbook_lists_a_colleagues_edits_as_conflicts(cli: Cli, tmp_path: Path) -> None:
    assert cli("init").code == 0
    book = tmp_path / "systems.xlsx"
    assert cli("systems", "export", "-o", str(book)).code == 0
    _colleague_edits_systems(cli)
    wb = openpyxl.load_workbook(book)
    ws = wb["システム"]
    header = [c.value for c in ws[1]]
    stamp_col = openpyxl.utils.get_column_letter(header.index(STAMP_HEADER) + 1)
    assert ws.column_dimensions[stamp_col].hidden
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    rows[KOKUHO][header.index("ベンダ")].value = "C社"
    juki_row = rows[JUKI][0].row
    link_row = next(r[0].row for r in wb["連携"].iter_rows(min_row=2) if (r[0].value, r[1].value) == (KAIGO, SHUNO))
    wb.save(book)
    _check_systems_stale(cli, ["--systems", str(book), "--links", str(book)],
                         (f"シート「システム」 {juki_row}行目", f"シート「連携」 {link_row}行目"))


def test_a_systems_csv_without_stamps_changes_nothing_already_there_unless_told(cli: Cli, db_url: str,
                                                                               tmp_path: Path) -> None:
    assert cli("init").code == 0
    s_path = tmp_path / "systems.csv"
    assert cli("systems", "export", "--systems", str(s_path), "--links", str(tmp_path / "l.csv")).code == 0
    _colleague_edits_systems(cli)

    def as_written_before_stamps(row: dict[str, str]) -> None:
        del row[STAMP_HEADER]

    with s_path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = [f for f in reader.fieldnames or [] if f != STAMP_HEADER]
        rows = list(reader)
    for row in rows:
        as_written_before_stamps(row)
    with s_path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    before = _dump(db_url)
    r = cli("systems", "import", "--systems", str(s_path))
    assert r.code == 1 and "書き出し時の版がありません" in r.out and f"{JUKI}: ファイルに書き出し時の版がなく" in r.out
    assert "エラー:" in r.err and "何も保存していません" in r.err and "--accept-older" in r.err
    assert _dump(db_url) == before
    r = cli("systems", "import", "--systems", str(s_path), "--accept-older")
    assert r.code == 0 and "古い内容で上書き 1件" in r.out and "ベンダ: —" in cli("systems", "show", JUKI).out


def test_an_edited_stamp_or_a_renamed_row_in_a_systems_csv_is_refused_for_that_row(cli: Cli,
                                                                                    tmp_path: Path) -> None:
    assert cli("init").code == 0
    s_path = tmp_path / "systems.csv"
    assert cli("systems", "export", "--systems", str(s_path), "--links", str(tmp_path / "l.csv")).code == 0

    def edit(row: dict[str, str]) -> None:
        if row["システム名"] == JUKI:  # its stamp now names another system
            parts = row[STAMP_HEADER].split("|")
            parts[3] = str(int(parts[3]) + 1)
            row[STAMP_HEADER], row["ベンダ"] = "|".join(parts), "X社"
        elif row["システム名"] == KAIGO:
            row["システム名"] = "介護保険システム（新）"
        elif row["システム名"] == KOKUHO:
            row["ベンダ"] = "C社"

    _rewrite_csv(s_path, edit)
    r = cli("systems", "import", "--systems", str(s_path))
    assert r.code == 0 and "更新 1件" in r.out and "取り込めない行 2件" in r.out
    assert f"{JUKI}: 行キーが書き出したときと違います" in r.out
    assert "介護保険システム（新）: システム名が書き出したときと違います" in r.out
    listed = cli("systems", "list").out
    assert "X社" not in listed and "（新）" not in listed and "C社" in listed


def test_replace_links_keeps_a_link_added_after_the_export(cli: Cli, tmp_path: Path) -> None:
    assert cli("init").code == 0
    l_path = tmp_path / "links.csv"
    assert cli("systems", "export", "--systems", str(tmp_path / "s.csv"), "--links", str(l_path)).code == 0
    assert cli("systems", "add", "福祉総合システム", "--kind", "関連システム", *COLLEAGUE).code == 0
    assert cli("systems", "link", KOKUHO, "福祉総合システム", "--data", "資格", *COLLEAGUE).code == 0  # after the export
    with l_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    dropped = rows.pop(1)  # the user deletes one row: that link is to go
    with l_path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    r = cli("systems", "import", "--links", str(l_path), "--replace-links")
    assert r.code == 0 and "削除 1件" in r.out and "競合 1件" in r.out
    assert f"{KOKUHO} → 福祉総合システム: ファイルにない連携です（--replace-links）が、書き出し後に" in r.out
    assert "削除していません" in r.out
    links = cli("systems", "links").out
    assert any(line.startswith(KOKUHO) and "福祉総合システム" in line for line in links.splitlines())
    assert not any(line.split()[:2] == dropped[:2] for line in links.splitlines() if line.strip())


# ---- cells over 32,767 characters -----------------------------------------------------------------


def _with_long_cell(plain: Path, book: Path, length: int) -> Path:
    """``plain`` with its PLACEHOLDER cell made ``length`` characters long (openpyxl itself would cut it)."""
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename).replace(b"PLACEHOLDER", "あ".encode() * length))
    return book


def test_a_cell_over_excels_limit_is_refused_with_its_place_from_a_workbook_and_a_csv(
        cli: Cli, inventory: Path, db_url: str, tmp_path: Path) -> None:
    before = _dump(db_url)
    _edit_inventory(inventory, {"F-002": {"説明": "PLACEHOLDER"}})
    book = _with_long_cell(inventory, tmp_path / "long.xlsx", 40_000)
    r = cli("custom", "import", str(book))
    assert r.code != 0 and "40,000 文字、上限 32,767 文字" in r.err
    assert f"シート「001 住民記録」 {_row_of(inventory, 'F-002')}行目 列「説明」" in r.err and "何も保存していません" in r.err
    path = tmp_path / "long.csv"
    path.write_text(f"業務コード,機能番号,機能名,説明\n001,F-001,住民票の写し交付,{'あ' * 40_000}\n", encoding="utf-8")
    r = cli("custom", "import", str(path))
    assert r.code != 0 and "2行目、4列目（「説明」）" in r.err and "40,000 文字、上限 32,767 文字" in r.err

    s_path = tmp_path / "systems.xlsx"
    assert cli("systems", "export", "-o", str(s_path)).code == 0
    wb = openpyxl.load_workbook(s_path)
    ws = wb["システム"]
    note = [c.value for c in ws[1]].index("備考")
    ws.cell(row=3, column=note + 1, value="PLACEHOLDER")
    wb.save(s_path)
    before = _dump(db_url)
    r = cli("systems", "import", "--systems", str(_with_long_cell(s_path, tmp_path / "s_long.xlsx", 40_000)))
    assert r.code != 0 and "シート「システム」 3行目 列「備考」" in r.err and "40,000 文字" in r.err
    csv_path = tmp_path / "systems.csv"
    csv_path.write_text("システム名,ベンダ,区分,業務コード,移行予定日,移行実施日,期限区分,期限,備考\n"
                        f"{JUKI},,標準化対象,001,,,FY2025末,,{'い' * 33_000}\n", encoding="utf-8")
    r = cli("systems", "import", "--systems", str(csv_path))
    assert r.code != 0 and "2行目、9列目（「備考」）" in r.err and "33,000 文字" in r.err
    assert _dump(db_url) == before


def test_a_function_number_longer_than_the_database_keeps_is_refused_on_every_backend(
        cli: Cli, db_url: str, tmp_path: Path) -> None:
    assert cli("init").code == 0
    path = tmp_path / "list.csv"
    path.write_text(f"業務コード,機能番号,機能名\n001,{'F' * 65},長い番号\n", encoding="utf-8")
    before = _dump(db_url)
    r = cli("custom", "import", str(path))
    assert r.code == 1 and "2行目" in r.err and "機能番号が長すぎます（65 文字、上限 64 文字）" in r.err
    assert "Traceback" not in r.err and _dump(db_url) == before


def test_an_unchanged_database_exports_the_same_systems_files_twice(cli: Cli, tmp_path: Path) -> None:
    assert cli("init").code == 0
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        assert cli("systems", "export", "--systems", str(folder / "s.csv"), "--links", str(folder / "l.csv")).code == 0
        assert cli("systems", "import", "--systems", str(folder / "s.csv"), "--links", str(folder / "l.csv")).code == 0
    for name in ("s.csv", "l.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()  # the stamps name the same export
    assert cli("systems", "set", JUKI, "--vendor", "B社").code == 0
    assert cli("systems", "export", "--systems", str(second / "s.csv"), "--links", str(second / "l.csv")).code == 0
    assert (first / "l.csv").read_bytes() != (second / "l.csv").read_bytes()  # a later export is another one
