"""`fitgap post-cutover`: recording 移行後の経過措置 from the command line; bad input exits non-zero and leaves
the database as it was; `status` says what is open; the readiness report lists the measures and judges a
migrated operation with an overdue one 赤 (R19)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import dump_database

TODAY = "2026-12-07"
KEY = "001:機能:1.1.1-必須"


@pytest.fixture
def body(cli, monkeypatch):
    """大多喜町 with 住民記録システム cut over on 2026-01-05 (住民基本台帳 移行済), today fixed."""
    monkeypatch.setenv("FITGAP_TODAY", TODAY)
    assert cli("init", "--municipality", "大多喜町").code == 0
    assert cli("systems", "set", "住民記録システム", "--actual", "2026-01-05").code == 0
    return cli


def _measure_line(cli) -> list[str]:
    return [ln for ln in cli("status").out.splitlines() if ln.startswith("移行後の経過措置")]


def test_set_list_done_and_remove(body) -> None:
    cli = body
    r = cli("post-cutover", "set", KEY, "--planned", "2026-12-01", "--vendor", "A社", "--note", "一部帳票")
    assert r.code == 0, r.err
    assert "001:機能:1.1.1-必須（日本人住民データの管理）: 移行後の経過措置を記録しました（予定 2026-12-01・届出未了・未完了）" in r.out
    r = cli("post-cutover", "set", "001:1.1.2-必須", "--planned", "2027-03-31", "--notified", "2026-02-01")
    assert r.code == 0, r.err
    out = cli("post-cutover", "list").out
    rows = [ln for ln in out.splitlines() if ln.startswith("001 ")]
    assert len(rows) == 2
    assert "期限超過 6日" in rows[0] and "移行済 2026-01-05" in rows[0] and "A社" in rows[0] and "未了" in rows[0]
    assert "残り 114日" in rows[1] and "2026-02-01" in rows[1]
    assert "2 件（未完了 2 件、うち期限超過 1 件、届出未了 1 件）" in out
    overdue = cli("post-cutover", "list", "--overdue", "--operation", "住民基本台帳").out
    assert "1.1.1-必須" in overdue and "1.1.2-必須" not in overdue

    r = cli("post-cutover", "done", KEY, "--date", "2026-12-05")
    assert r.code == 0 and "完了にしました" in r.out and "完了 2026-12-05" in r.out
    assert cli("post-cutover", "list", "--overdue").out.startswith("期限超過の経過措置はありません")
    r = cli("post-cutover", "set", KEY, "--done", "")  # reopened: overdue again
    assert r.code == 0 and "1.1.1-必須" in cli("post-cutover", "list", "--overdue").out
    r = cli("post-cutover", "remove", KEY)
    assert r.code == 0 and "削除しました" in r.out
    assert "1.1.1-必須" not in cli("post-cutover", "list").out


@pytest.mark.parametrize("args", [
    ("set", "001:機能:9.9.9-なし", "--planned", "2027-03-31"),  # no such requirement
    ("set", "001:帳票:1.1.1-必須", "--planned", "2027-03-31"),  # a 機能, not a 帳票
    ("set", "1.1.1-必須", "--planned", "2027-03-31"),  # no operation code
    ("set", "001:1.1.2-必須"),  # a new record without its planned date
    ("set", "001:1.1.2-必須", "--planned", "2027/13/1"),  # not a date
    ("set", KEY, "--planned", ""),  # the planned date cannot be emptied
    ("set", KEY, "--done", "2026-12-08"),  # done tomorrow
    ("set", KEY, "--notified", "2027-01-01"),  # filed in the future
    ("done", "001:1.1.2-必須"),  # nothing recorded
    ("remove", "001:1.1.2-必須"),
    ("done", KEY, "--date", "2026-02-30"),
    ("list", "--operation", "存在しない業務"),
])
def test_bad_input_exits_non_zero_and_changes_nothing(body, db_path: Path, args: tuple[str, ...]) -> None:
    cli = body
    assert cli("post-cutover", "set", KEY, "--planned", "2027-03-31").code == 0
    before = dump_database(db_path)
    r = cli("post-cutover", *args)
    assert r.code != 0
    assert r.err.startswith("エラー: ") and "対処: " in r.err
    assert dump_database(db_path) == before


def test_a_missing_argument_is_a_usage_error(body) -> None:
    r = body("post-cutover", "set")
    assert r.code == 2 and "OPERATION:KIND:ID" in r.err


def test_status_says_what_is_open_and_points_to_the_list(body) -> None:
    cli = body
    assert _measure_line(cli) == []
    cli("post-cutover", "set", KEY, "--planned", "2026-12-01")
    cli("post-cutover", "set", "001:1.1.2-必須", "--planned", "2027-03-31", "--notified", "2026-02-01")
    line = _measure_line(cli)
    assert len(line) == 1
    assert line[0].startswith("移行後の経過措置: 未完了 2 件（うち期限超過 1 件、届出未了 1 件）")
    assert "post-cutover list" in line[0]
    cli("post-cutover", "done", KEY)
    cli("post-cutover", "done", "001:1.1.2-必須")
    assert _measure_line(cli) == []  # all done: nothing open to report


def _summary_row(path: Path, code: str) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)["概要"]
    head = next(r for r in ws.iter_rows() if any(c.value == "業務コード" for c in r))
    heads = [c.value for c in head]
    for row in ws.iter_rows(min_row=head[0].row + 1, values_only=True):
        if row and row[0] == code:
            return dict(zip(heads, row, strict=False))
    raise AssertionError(code)


def test_readiness_report_lists_the_measures_and_r19_turns_a_migrated_operation_red(body, tmp_path: Path) -> None:
    cli = body
    first = tmp_path / "before.xlsx"
    assert cli("report", "readiness", "--format", "xlsx", "-o", str(first)).code == 0
    assert _summary_row(first, "001")["判定"] == "緑"  # migrated, nothing left after cut-over
    assert "移行後の経過措置" not in openpyxl.load_workbook(first).sheetnames

    cli("post-cutover", "set", KEY, "--planned", "2026-12-01", "--vendor", "A社")
    cli("post-cutover", "set", "001:1.1.2-必須", "--planned", "2027-03-31", "--notified", "2026-02-01")
    path = tmp_path / "after.xlsx"
    r = cli("report", "readiness", "--format", "xlsx", "-o", str(path))
    assert r.code == 0, r.err
    row = _summary_row(path, "001")
    assert row["状態"] == "移行済" and row["判定"] == "赤"
    assert "R19" in str(row["判定理由"]) and "期限超過" not in str(row["残り・移行日"])
    ws = openpyxl.load_workbook(path)["移行後の経過措置"]
    rows = list(ws.iter_rows(values_only=True))
    heads = rows[0]
    lines = [dict(zip(heads, r, strict=False)) for r in rows[1:]]
    assert [(m["業務コード"], m["ID"], m["名称"], m["実装予定日"], m["届出日"], m["期限超過"]) for m in lines] == [
        ("001", "機能 1.1.1-必須", "日本人住民データの管理", "2026-12-01", "未了", "期限超過"),
        ("001", "機能 1.1.2-必須", "外国人住民データの管理", "2027-03-31", "2026-02-01", None),
    ]

    html = tmp_path / "after.html"
    assert cli("report", "readiness", "--format", "html", "-o", str(html)).code == 0
    page = html.read_text(encoding="utf-8")
    assert "5-2. 移行後の経過措置（2件）" in page
    flags = re.findall(r'<tr class="measure" data-code="001" data-overdue="(yes|no)">', page)
    assert flags == ["yes", "no"]

    cli("post-cutover", "done", KEY)  # the overdue one done: only R20 (黄) remains
    again = tmp_path / "done.xlsx"
    assert cli("report", "readiness", "--format", "xlsx", "-o", str(again)).code == 0
    row = _summary_row(again, "001")
    assert row["判定"] == "黄" and "R20" in str(row["判定理由"]) and "R19" not in str(row["判定理由"])
