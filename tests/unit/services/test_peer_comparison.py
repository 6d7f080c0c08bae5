"""Where a body stands beside others: the figures of three real bodies, computed here from the bundled CSV,
read back from every surface that shows them (status --peers, the readiness report as HTML and xlsx), each
with the survey's date and credit line."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from fitgap.domain.progress import PEER_COLUMNS
from fitgap.services import peers
from fitgap.services.database import open_db
from tests.conftest import CliResult
from tests.unit.services.test_progress_survey import BODIES, COLUMN_CODES, CREDIT, csv_rows


def quartile_inc(values: list[int], p: float) -> float:
    """QUARTILE.INC as a spreadsheet computes it: linear between the two ranks around (n - 1) × p."""
    s = sorted(values)
    pos = (len(s) - 1) * p
    lo = int(pos)
    return s[lo] + (s[min(lo + 1, len(s) - 1)] - s[lo]) * (pos - lo)


def expected(prefecture: str, name: str) -> dict[str, tuple[float, float, float, float, float, float]]:
    """Per operation code: own, prefecture median, Q1, median, Q3, % complete — from the CSV alone."""
    rows = csv_rows()
    out = {}
    for column, code in COLUMN_CODES.items():
        steps = [round(float(r[column]) * 40) for r in rows]
        mine = [round(float(r[column]) * 40) for r in rows if r["都道府県"] == prefecture]
        own = next(round(float(r[column]) * 40) for r in rows if (r["都道府県"], r["団体名"]) == (prefecture, name))
        complete = round(100 * sum(1 for s in steps if s == 40) / len(steps), 1)
        out[code] = (float(own), quartile_inc(mine, 0.5), quartile_inc(steps, 0.25), quartile_inc(steps, 0.5),
                     quartile_inc(steps, 0.75), complete)
    return out


# the columns of expected(), in its order
FIGURES = ("この団体", "県の中央値", "全国Q1", "全国中央値", "全国Q3", "全国の完了")
# the 指定都市 as the law lists them (independent of fitgap's own list)
CITIES = ["札幌市", "仙台市", "さいたま市", "千葉市", "横浜市", "川崎市", "相模原市", "新潟市", "静岡市", "浜松市", "名古屋市", "京都市", "大阪市", "堺市", "神戸市", "岡山市", "広島市", "北九州市", "福岡市", "熊本市"]


def _class(name: str) -> str:
    return "指定都市" if name in CITIES else {"市": "市", "区": "特別区", "町": "町", "村": "村"}.get(name[-1], "")


def class_medians(name: str) -> dict[str, float]:
    """Per operation code: the median of the bodies of the same class (指定都市 / 市 / 特別区 / 町 / 村) — from the CSV."""
    rows = [r for r in csv_rows() if _class(r["団体名"]) == _class(name)]
    return {code: quartile_inc([round(float(r[column]) * 40) for r in rows], 0.5) for column, code in COLUMN_CODES.items()}


def _num(text: str) -> float:
    return float(text.rstrip("%").replace("±", "").replace("+", ""))


@pytest.mark.parametrize(("prefecture", "name"), BODIES)
def test_every_surface_shows_the_figures_the_csv_gives(cli: Callable[..., CliResult], db_url: str, tmp_path: Path,
                                                       prefecture: str, name: str) -> None:
    assert cli("init", "--municipality", name, "--prefecture", prefecture).code == 0
    want = expected(prefecture, name)
    classes = class_medians(name)
    db = open_db(url=db_url)
    try:
        c = peers.comparison(db=db)
    finally:
        db.dispose()
    assert c is not None and c.month == "2026-01" and c.in_survey and c.body == f"{prefecture} {name}"
    names = {r.peers.operation_code: r.peers.operation for r in c.rows}
    assert set(names) == set(want)
    for r in c.rows:  # the service
        p = r.peers
        assert p.national is not None and p.national_complete is not None
        got = (p.own, p.prefecture_median, *p.national, round(p.national_complete * 100, 1))
        assert got == pytest.approx(want[p.operation_code]), p.operation

    out = cli("status", "--peers")  # the CLI
    assert out.code == 0 and "2026年1月時点" in out.out and CREDIT in out.out
    for code, op in names.items():
        line = next(ln for ln in out.out.splitlines() if ln.startswith(op + " "))
        cells = [op, *line[len(op):].split()]
        got = tuple(_num(cells[PEER_COLUMNS.index(col)]) for col in FIGURES)
        assert got == pytest.approx(want[code]), op
        assert _num(cells[PEER_COLUMNS.index("同区分の中央値")]) == pytest.approx(classes[code]), op

    target = tmp_path / "r.xlsx"
    assert cli("report", "readiness", "-o", str(target)).code == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")  # the HTML report
    section = page[page.index('id="peers"'):]
    assert "2026年1月時点" in section and CREDIT in html.unescape(section)
    for code in names:
        row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', section, re.S)
        assert row is not None
        cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))]
        got = tuple(_num(cells[PEER_COLUMNS.index(col)]) for col in FIGURES)
        assert got == pytest.approx(want[code]), code
        assert _num(cells[PEER_COLUMNS.index("同区分の中央値")]) == pytest.approx(classes[code]), code

    wb = openpyxl.load_workbook(target)  # the workbook
    ws = wb["進捗の比較"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert "2026年1月時点" in str(values[0][0]) and any(r[0] == CREDIT for r in values)
    by_name = {r[0]: r for r in values[3:] if r[0] in names.values()}
    for code, op in names.items():
        r = by_name[op]
        got = tuple(r[PEER_COLUMNS.index(col)] for col in FIGURES)
        assert got == pytest.approx(want[code]), op
        assert r[PEER_COLUMNS.index("同区分の中央値")] == pytest.approx(classes[code]), op


def test_the_comparison_never_mixes_dates(cli: Callable[..., CliResult], db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A figure entered for a later month stays apart with its month; the survey's columns keep the survey's."""
    monkeypatch.setenv("FITGAP_TODAY", "2026-03-15")
    assert cli("init", "--municipality", "札幌市").code == 0
    assert cli("systems", "progress", "住民記録システム", "38").code == 0
    db = open_db(url=db_url)
    try:
        c = peers.comparison(db=db)
    finally:
        db.dispose()
    assert c is not None
    row = next(r for r in c.rows if r.peers.operation_code == "001")
    assert (row.entered, row.entered_month, row.peers.month) == (38, "2026-03", "2026-01")
    assert row.peers.own == expected("北海道", "札幌市")["001"][0]  # not the entered figure
    out = cli("status", "--peers").out
    assert "2026年3月" in out and "すべて 2026年1月時点" in out
