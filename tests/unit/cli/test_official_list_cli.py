"""fitgap deadline import-official: a newer official list of 特定移行支援システム, through the CLI.

The lists are small handmade files in the official layout (title rows, a 時点 cell, one column per
operation with ● marks, codes that lost their leading zero in Excel, common variants of the names)."""

from __future__ import annotations

import csv
import importlib.util
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from fitgap.config import bundled_dir
from tests.conftest import dump_database

BUNDLED = bundled_dir("catalog") / "tokutei_2025-12.csv"
HOSTILE = Path(__file__).parents[2] / "data" / "hostile" / "make_hostile.py"
SKIP = ("set_at", "at")  # when a row was written (init stamps the municipality each time it changes)


def _bundled() -> tuple[list[str], list[list[str]]]:
    with BUNDLED.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _official_rows(*, change: dict[str, dict[str, bool]] | None = None, drop: Sequence[str] = (),
                   header: dict[str, str] | None = None) -> list[list[object]]:
    """The bundled list in the published layout: 区分 for 団体区分, ● for 1, blank for 0, 住民記録 and
    戸籍附票 for two operations; ``change`` sets flags per 団体名 (or 都道府県 for a prefecture), ``drop``
    removes bodies, ``header`` renames columns ("" removes one)."""
    head, rows = _bundled()
    names = {"団体区分": "区分", "住民基本台帳": "住民記録", "戸籍の附票": "戸籍附票", **(header or {})}
    keep = [(i, names.get(h, h)) for i, h in enumerate(head) if names.get(h, h)]
    out: list[list[object]] = [[name for _, name in keep]]
    for row in rows:
        body = row[2] or row[1]
        if body in drop:
            continue
        flags = dict(zip(head[5:], (v == "1" for v in row[5:]), strict=True))
        flags.update((change or {}).get(body, {}))
        cells: list[object] = [int(row[0]), row[1], row[2], row[3], sum(flags.values())]
        cells += ["●" if flags[c] else None for c in head[5:]]
        out.append([cells[i] for i, _ in keep])
    return out


def _workbook(path: Path, rows: list[list[object]], *, title: str = "令和8年6月末時点") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "該当見込み一覧"
    ws.append(["特定移行支援システムの該当見込み一覧"])
    ws.append([title])
    ws.append([])
    for r in rows:
        ws.append(r)
    ws.append([])
    ws.append(["※ 該当業務数は共通機能を含む。"])
    wb.save(path)
    return path


def _state(cli, db) -> dict:
    return dump_database(db, skip_columns=SKIP)


@pytest.fixture
def sapporo(cli, db_path):
    """札幌市 with the bundled list, and 固定資産税's deadline set by hand."""
    assert cli("init", "--municipality", "札幌市", db=db_path).code == 0
    r = cli("deadline", "set", "固定資産税", "--kind", "個別設定", "--date", "2028-03-31", "--reason", "メインフレーム",
            db=db_path)
    assert r.code == 0
    return db_path


def test_a_newer_list_flips_one_operation_and_leaves_a_hand_set_deadline(cli, sapporo, tmp_path):
    # 2026-06: 戸籍 is now a 特定移行支援システム for 札幌市, and so (for the list) is 固定資産税 no more
    book = _workbook(tmp_path / "該当見込み一覧.xlsx",
                     _official_rows(change={"札幌市": {"戸籍": True, "固定資産税": False}}))
    r = cli("deadline", "import-official", str(book), db=sapporo)
    assert r.code == 0, r.err
    out = r.out
    assert "公表一覧 2026-06 を読みました" in out and "令和8年6月末時点" in out
    assert "団体: 北海道 札幌市（011002）（団体コードで照合" in out
    assert "  戸籍（003）: 該当なし → 該当、期限 2026-03-31 → 2031-03-31（特定移行支援）" in out
    assert "手動で設定した期限はそのままです（1）" in out
    assert "  固定資産税（012）: 期限 2028-03-31（個別設定・手動設定）のまま、公表一覧では 該当 → 該当なし" in out
    assert "変わった 1件、手動設定のため期限を変えない 1件、変わらない 21件" in out
    assert "公表一覧の時点: 2025-12 → 2026-06" in out
    status = cli("status", db=sapporo).out
    koseki = next(x for x in status.splitlines() if x.split()[:2] == ["003", "戸籍"])
    assert "2031-03-31" in koseki and "特定移行支援（公表一覧 2026-06）" in koseki
    kotei = next(x for x in status.splitlines() if x.split()[:2] == ["012", "固定資産税"])
    assert "2028-03-31" in kotei and "手動設定" in kotei
    assert "特定移行支援（公表一覧 2025-12）" not in status  # every flag now answers to the newer list
    # the same file again: nothing to do
    again = cli("deadline", "import-official", str(book), db=sapporo)
    assert again.code == 0 and "変更はありません" in again.out


def test_dry_run_shows_the_same_summary_and_changes_nothing(cli, sapporo, tmp_path):
    book = _workbook(tmp_path / "list.xlsx", _official_rows(change={"札幌市": {"戸籍": True}}))
    before = _state(cli, sapporo)
    r = cli("deadline", "import-official", str(book), "--dry-run", db=sapporo)
    assert r.code == 0, r.err
    assert r.out.startswith("[試行] 公表一覧 2026-06 を読みました")
    assert "  戸籍（003）: 該当なし → 該当、期限 2026-03-31 → 2031-03-31（特定移行支援）" in r.out
    assert "試行のため、何も書き込んでいません。" in r.out
    assert _state(cli, sapporo) == before


@pytest.mark.parametrize("case", ["body not in the list", "column missing", "column renamed", "not the layout",
                                  "no date", "bad mark", "not a workbook", "old xls", "bad --as-of"])
def test_bad_input_is_refused_and_the_database_is_unchanged(cli, sapporo, tmp_path, case):
    args: list[str] = []
    if case == "body not in the list":
        path = _workbook(tmp_path / "list.xlsx", _official_rows(drop=["札幌市"]))
        expected = "北海道 札幌市（011002） は list.xlsx にありません"
    elif case == "column missing":
        path = _workbook(tmp_path / "list.xlsx", _official_rows(header={"戸籍": ""}))
        expected = "次の列がありません: 戸籍"
    elif case == "column renamed":
        path = _workbook(tmp_path / "list.xlsx", _official_rows(header={"健康管理": "健康"}))
        expected = "次の列がありません: 健康管理"
    elif case == "not the layout":
        path = tmp_path / "list.csv"
        path.write_text("機能ID,機能名称,実装区分\n0010001,住民記録の管理,実装必須機能\n", encoding="utf-8")
        expected = "特定移行支援システムの該当見込み一覧の形式ではありません"
    elif case == "no date":
        path = _workbook(tmp_path / "list.xlsx", _official_rows(change={"札幌市": {"戸籍": True}}), title="一覧")
        expected = "時点（何年何月の一覧か）"
    elif case == "bad mark":
        rows = _official_rows()
        sapporo_row = next(r for r in rows if r[2] == "札幌市")
        sapporo_row[rows[0].index("戸籍")] = "検討中"
        path = _workbook(tmp_path / "list.xlsx", rows)
        expected = "戸籍「検討中」"
    elif case == "not a workbook":
        path = tmp_path / "list.xlsx"
        path.write_bytes(b"%PDF-1.7\n" + b"x" * 200)
        expected = "PDF"
    elif case == "old xls":
        path = tmp_path / "list.xls"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
        expected = "読めない形式"
    else:
        path = _workbook(tmp_path / "list.xlsx", _official_rows())
        args = ["--as-of", "令和8年"]
        expected = "年月（YYYY-MM）ではありません"
    before = _state(cli, sapporo)
    r = cli("deadline", "import-official", str(path), *args, db=sapporo)
    assert r.code != 0
    assert "エラー:" in r.err and expected in r.err and "対処:" in r.err
    assert "Traceback" not in r.err
    assert _state(cli, sapporo) == before


@pytest.mark.parametrize("name", ["zip_bomb.xlsx", "external_entity.xlsx", "billion_laughs.xlsx", "truncated.xlsx",
                                  "csv_named_xlsx.xlsx", "encrypted.xlsx", "formulas_for_values.xlsx"])
def test_a_hostile_workbook_is_refused_by_the_guard(cli, sapporo, tmp_path, name):
    spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE)
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    path = tmp_path / name
    maker.CORPUS[name](path)
    before = _state(cli, sapporo)
    r = cli("deadline", "import-official", str(path), "--as-of", "2026-06", db=sapporo)
    assert r.code != 0 and "エラー:" in r.err and "対処:" in r.err and "データベースは変更していません" in r.err
    assert "Traceback" not in r.err
    assert _state(cli, sapporo) == before


def test_absent_as_none_takes_a_body_missing_from_the_list_as_flagging_nothing(cli, sapporo, tmp_path):
    book = _workbook(tmp_path / "list.xlsx", _official_rows(drop=["札幌市"]))
    r = cli("deadline", "import-official", str(book), "--absent-as-none", db=sapporo)
    assert r.code == 0, r.err
    assert "一覧にないため、すべての業務を該当なしとして取り込みます" in r.out
    assert "  住民基本台帳（001）: 該当 → 該当なし、期限 2031-03-31 → 2026-03-31（FY2025末）" in r.out
    assert "該当 0件（前回 19件）" in r.out


def test_init_after_an_import_keeps_the_newer_flags(cli, sapporo, tmp_path):
    book = _workbook(tmp_path / "list.xlsx", _official_rows(change={"札幌市": {"戸籍": True}}))
    assert cli("deadline", "import-official", str(book), db=sapporo).code == 0
    before = _state(cli, sapporo)
    r = cli("init", "--municipality", "札幌市", db=sapporo)
    assert r.code == 0, r.err
    kept = [x for x in r.out.splitlines() if "2026-06" in x]
    assert len(kept) == 1 and "読み込んだ公表一覧 2026-06 時点のままです" in kept[0] and "戸籍" in kept[0]
    assert "変更はありません" in r.out
    assert _state(cli, sapporo) == before
    status = cli("status", db=sapporo).out
    koseki = next(x for x in status.splitlines() if x.split()[:2] == ["003", "戸籍"])
    assert "2031-03-31" in koseki and "特定移行支援（公表一覧 2026-06）" in koseki
    # another municipality: the newer list was about 札幌市, so the bundled list applies again
    other = cli("init", "--municipality", "函館市", db=sapporo)
    assert other.code == 0 and "公表一覧 2025-12 時点" in other.out
    assert "2026-06" not in cli("status", db=sapporo).out


def test_the_bundled_list_read_back_changes_no_flag(cli, sapporo):
    r = cli("deadline", "import-official", str(BUNDLED), db=sapporo)  # the date from its name: tokutei_2025-12
    assert r.code == 0, r.err
    assert "公表一覧 2025-12 を読みました" in r.out and "時点: tokutei_2025-12.csv" in r.out
    assert "該当と期限が変わる業務はありません。" in r.out and "変更はありません" in r.out


def test_a_shift_jis_csv_without_codes_is_matched_by_prefecture_and_name(cli, db_path, tmp_path):
    """A prefecture (empty 団体名) in a Shift_JIS CSV whose date is in its name; no 団体コード column."""
    assert cli("init", "--municipality", "埼玉県", db=db_path).code == 0
    rows = _official_rows(change={"埼玉県": {"児童扶養手当": True, "共通機能": True}})
    head = rows[0]
    lines = ["特定移行支援システムの該当見込み一覧", ""]
    lines += [",".join("" if c is None else str(c) for i, c in enumerate(r) if i != 0) for r in [head, *rows[1:]]]
    assert not head[0] or head[0] == "団体コード"
    path = tmp_path / "tokutei_202606.csv"
    path.write_bytes("\r\n".join(lines).encode("cp932"))
    r = cli("deadline", "import-official", str(path), db=db_path)
    assert r.code == 0, r.err
    assert "団体: 埼玉県（110001）（都道府県・団体名で照合" in r.out
    assert "  児童扶養手当（020）: 該当なし → 該当、期限 2026-03-31 → 2031-03-31（特定移行支援）" in r.out
    assert "都道府県が担う業務の変更: 共通機能：住登外者宛名番号管理（対象に）、共通機能：団体内統合宛名（対象に）" in r.out
    assert "公表一覧の時点: 2025-12 → 2026-06" in r.out
    listing = cli("deadline", "list", "--all", db=db_path).out
    assert "共通機能：団体内統合宛名" in listing and "特定移行支援（公表一覧 2026-06）" in listing
