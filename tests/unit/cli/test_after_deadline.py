"""Where every operation stands after the deadline, read from every surface: one answer.

The nine repros of issue 22 through the CLI (fresh database each), and one body with migrated,
特定移行支援, hand-set and overdue operations whose state and date per operation are read from `status`,
`deadline list`, the home screen's rows, the readiness workbook and the HTML report, and compared.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fitgap.services import status
from fitgap.services.database import open_db

TODAY = "2026-12-07"


@pytest.fixture
def body(cli, monkeypatch):
    """`cli` with FITGAP_TODAY fixed, and a function that inits a municipality on the fresh database."""
    monkeypatch.setenv("FITGAP_TODAY", TODAY)

    def init(name: str):
        r = cli("init", "--municipality", name)
        assert r.code == 0, r.err
        return r

    return cli, init


def status_rows(cli, *args: str) -> dict[str, tuple[str, str, str, str]]:
    """`fitgap status`: code → (state, deadline, source, label); the last four columns of each row."""
    out = cli("status", *args).out
    rows = {}
    for line in out.splitlines():
        if re.match(r"^\d{3}\s", line):
            cells = re.split(r"\s{2,}", line.strip())
            rows[cells[0]] = tuple(cells[-4:])
    return rows


def headline(cli) -> str:
    return next(line for line in cli("status").out.splitlines() if line.startswith("業務 "))


def xlsx_rows(path: Path) -> dict[str, dict[str, object]]:
    ws = openpyxl.load_workbook(path)["概要"]
    head_row = next(r for r in ws.iter_rows() if any(c.value == "業務コード" for c in r))
    heads = [c.value for c in head_row]
    out = {}
    for row in ws.iter_rows(min_row=head_row[0].row + 1, values_only=True):
        if not row or row[0] is None:
            break
        out[str(row[0])] = dict(zip(heads, row, strict=False))
    return out


def html_rows(path: Path) -> dict[str, tuple[str, str]]:
    """code → (state, deadline) from the HTML report's §2 rows (data attributes the page carries)."""
    text = path.read_text(encoding="utf-8")
    rows = {}
    for code, body in re.findall(r'<tr class="op" data-code="(\d{3})">(.*?)</tr>', text, flags=re.S):
        state = re.search(r'data-state="([^"]+)"', body)
        due = re.search(r'data-due="([^"]+)"', body)
        assert state and due, code
        rows[code] = (state.group(1), due.group(1))
    return rows


def report(cli, tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "rep"
    r = cli("report", "readiness", "-o", str(out))
    assert r.code == 0, r.err
    return out.with_suffix(".xlsx"), out.with_suffix(".html")


def test_sapporo_tax_common_parts_follow_the_taxes_and_are_not_counted_as_operations(body, tmp_path) -> None:
    cli, init = body
    init("札幌市")
    rows = status_rows(cli, "--all")
    assert rows["014"][1] == "2031-03-31" and "期限超過" not in rows["014"][3]  # repro 1
    assert rows["010"][1] == rows["014"][1]
    xlsx, html = report(cli, tmp_path)
    table = xlsx_rows(xlsx)
    assert table["014"]["判定"] != "赤" and table["014"]["期限"] in ("2031-03-31", date(2031, 3, 31))
    assert "R1【" not in str(table["014"]["判定理由"])
    # repro 7: the headline counts the 20 on every surface
    assert headline(cli).startswith("業務 20:")
    summary = openpyxl.load_workbook(xlsx)["概要"]
    figures = {r[0].value: r[4].value for r in summary.iter_rows() if r[0].value in ("業務数", "移行の状況")}
    assert figures["業務数"] == 20 and figures["移行の状況"] == headline(cli)
    assert headline(cli) in html.read_text(encoding="utf-8")


def test_kaizu_common_functions_and_their_system_agree(body) -> None:
    cli, init = body
    init("海津市")
    rows = status_rows(cli, "--all")
    assert rows["031"][1] == rows["032"][1] == "2031-03-31"  # 共通機能 flagged for 海津市
    line = next(ln for ln in cli("systems", "list").out.splitlines() if ln.startswith("団体内統合宛名システム"))
    assert "2031-03-31" in line and "期限超過" not in line  # repro 2


def test_a_migrated_operation_never_reads_overdue_on_any_surface(body, tmp_path) -> None:
    cli, init = body
    init("大多喜町")
    assert cli("systems", "set", "住民記録システム", "--actual", "2026-01-05").code == 0
    st = status_rows(cli)["001"]
    assert st[0] == "移行済" and st[3] == "移行済 2026-01-05" and "期限超過" not in " ".join(st)  # repro 3
    assert "移行済 1" in headline(cli)
    xlsx, html = report(cli, tmp_path)
    row = xlsx_rows(xlsx)["001"]
    assert row["状態"] == "移行済" and "期限超過" not in str(row["残り・移行日"]) and row["判定"] == "緑"
    page = html.read_text(encoding="utf-8")
    juki = re.search(r'<tr class="op" data-code="001">(.*?)</tr>', page, flags=re.S)
    assert juki and "期限超過" not in juki.group(1) and "移行済 2026-01-05" in juki.group(1)
    line = next(ln for ln in cli("systems", "list").out.splitlines() if ln.startswith("住民記録システム"))
    assert "移行済 2026-01-05" in line and "期限超過" not in line
    risks = cli("schedule").out.split("■ 期限リスク")[1]
    juki_risk = next(ln for ln in risks.splitlines() if "住民記録システム" in ln)
    assert juki_risk.startswith("完了") and "移行済 2026-01-05" in juki_risk and "期限超過" not in juki_risk


def test_a_cutover_after_the_deadline_is_history(body) -> None:
    cli, init = body
    init("大多喜町")
    cli("systems", "set", "住民記録システム", "--actual", "2026-05-01")
    st = status_rows(cli)["001"]
    assert st[3] == "移行済 2026-05-01（期限後移行 31日）"


def test_a_system_deadline_set_by_hand_moves_its_operation_everywhere(body, tmp_path) -> None:
    cli, init = body
    init("大多喜町")
    assert cli("systems", "set", "戸籍情報システム", "--deadline-kind", "特定移行支援", "--deadline", "2029-03-31",
               "--reason", "ベンダリソース不足").code == 0
    st = status_rows(cli)["003"]
    assert st[1] == "2029-03-31" and st[3] == "残り 845日" and st[2] == "特定移行支援（手動設定・戸籍情報システム）"
    assert "ベンダリソース不足" in cli("deadline", "list").out  # repro 4: the reason where deadlines are listed
    xlsx, html = report(cli, tmp_path)
    row = xlsx_rows(xlsx)["003"]
    assert "R1【" not in str(row["判定理由"]) and "R2【" not in str(row["判定理由"])
    assert html_rows(html)["003"] == ("未定", "2029-03-31")
    risks = cli("schedule").out.split("■ 期限リスク")[1]
    koseki = next(ln for ln in risks.splitlines() if "戸籍情報システム" in ln)
    assert "2029-03-31" in koseki and "残り 845日" in koseki
    # repro 5: 個別設定 on the 固定資産税 system: the same date on status, 概要 and HTML
    cli("systems", "set", "固定資産税システム", "--deadline-kind", "個別設定", "--deadline", "2028-03-31")
    assert status_rows(cli)["012"][1] == "2028-03-31"
    (tmp_path / "again").mkdir()  # an output folder must exist (fitgap makes none it is told to write into)
    xlsx, html = report(cli, tmp_path / "again")
    assert str(xlsx_rows(xlsx)["012"]["期限"])[:10] == "2028-03-31"
    assert html_rows(html)["012"][1] == "2028-03-31"


def test_an_operations_deadline_is_set_by_hand_with_a_reason_and_survives_init(body) -> None:
    cli, init = body
    init("大多喜町")
    r = cli("deadline", "set", "戸籍", "--date", "2029-03-31", "--reason", "個別開発")
    assert r.code == 0 and "2029-03-31 特定移行支援（手動設定・個別開発）" in r.out
    init("大多喜町")  # a later init never overwrites it
    st = status_rows(cli)["003"]
    assert st[1] == "2029-03-31" and st[2] == "特定移行支援（手動設定）"
    assert "特定移行支援（手動設定）・個別開発" in cli("deadline", "list").out
    assert cli("deadline", "set", "戸籍", "--kind", "個別設定", "--reason", "その他").code != 0
    assert cli("deadline", "clear", "003").code == 0
    assert status_rows(cli)["003"][1] == "2026-03-31"


def test_a_prefecture_runs_two_operations(body) -> None:
    cli, init = body
    r = init("埼玉県")
    assert "都道府県が担う業務: 児童扶養手当、生活保護" in r.out  # repro 6
    assert set(status_rows(cli)) == {"020", "021"}
    assert headline(cli).startswith("業務 2:")
    listed = cli("systems", "list").out
    assert "住民記録システム" not in listed and "生活保護システム" in listed


def test_a_prefecture_set_up_after_the_database_was_made_drops_the_unconfirmed_systems(body, cli) -> None:
    _cli, init = body
    cli("status")  # the database made without a municipality (as `fitgap` does on first start)
    cli("init")
    r = init("埼玉県")
    assert "対象外の業務の典型的なシステム" in r.out
    assert "住民記録システム" not in cli("systems", "list").out


def test_one_body_reads_the_same_on_every_surface(body, tmp_path, db_url) -> None:
    """Migrated, 特定移行支援 (official), hand-set and overdue operations: status, deadline list, the home
    screen's rows, the readiness workbook and the HTML report give the same state and date."""
    cli, init = body
    init("札幌市")  # 17 operations flagged 特定移行支援, 戸籍・戸籍の附票・選挙 not
    cli("systems", "set", "住民記録システム", "--actual", "2026-01-05")  # migrated (flagged 2031)
    cli("systems", "set", "戸籍附票システム", "--actual", "2026-05-11")  # migrated after its date
    cli("deadline", "set", "003", "--kind", "個別設定", "--date", "2027-03-31", "--reason", "メインフレーム")
    cli("systems", "set", "国民年金システム", "--planned", "2027-01-04")  # planned
    # 選挙 (006): overdue, nothing planned
    st = status_rows(cli)
    listed = {}
    for line in cli("deadline", "list").out.splitlines():
        if re.match(r"^\d{3}\s", line):
            cells = re.split(r"\s{2,}", line.strip())
            listed[cells[0]] = (cells[2], cells[4])
    xlsx, html = report(cli, tmp_path)
    book, page = xlsx_rows(xlsx), html_rows(html)
    db = open_db(url=db_url)
    try:
        home = {o.code: o for o in status.get_overview(db=db, today=date.fromisoformat(TODAY)).main}
    finally:
        db.dispose()
    from fitgap.tui.screens.operations import format_operation

    for code, (state, due, _source, label) in st.items():
        assert listed[code] == (state, due), code
        assert (book[code]["状態"], str(book[code]["期限"])[:10]) == (state, due), code
        assert book[code]["残り・移行日"] == label, code
        assert page[code] == (state, due), code
        cells = format_operation(home[code])
        assert due in cells and (label, cells[12][1]) == cells[12], code
        assert cells[12][0] == label, code
    assert st["001"][0] == "移行済" and st["004"][3] == "移行済 2026-05-11（期限後移行 41日）"
    assert st["003"][1] == "2027-03-31" and st["026"][0] == "移行予定"
    assert st["006"][3] == "期限超過 251日" and st["027"][3] == "残り 1575日"
