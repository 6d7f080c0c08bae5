"""Reading the official list of 特定移行支援システム: the layout's variants, compared as whole results."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from fitgap.importers.official_list import OfficialList, OfficialRow, read_official_list, year_month_in

COLUMNS = ("住民基本台帳", "戸籍", "戸籍の附票", "共通機能")


@pytest.mark.parametrize(("text", "expected"), [
    ("令和8年6月末時点", "2026-06"), ("（令和８年６月１日時点）", "2026-06"), ("R8.6", "2026-06"),
    ("2026年6月30日時点", "2026-06"), ("tokutei_2026-06", "2026-06"), ("一覧_202606", "2026-06"),
    ("一覧20260630", "2026-06"), ("令和元年12月", "2019-12"), ("一覧", None), ("2026-13", None),
])
def test_the_year_and_month_a_list_states(text: str, expected: str | None) -> None:
    assert year_month_in(text) == expected


def test_a_two_row_header_with_merged_key_columns_and_codes_as_numbers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "一覧"
    ws.append(["特定移行支援システムの該当見込み一覧（令和8年6月末時点）"])
    ws.append(["団体コード", "都道府県", "団体名", "区分", "標準化対象事務"])
    ws.append([None, None, None, None, "住民記録システム", "戸籍", "戸籍附票", "共通機能\n（※1）"])
    for col in "ABCD":
        ws.merge_cells(f"{col}2:{col}3")
    ws.append([11002, "北海道", "札幌市", "指定都市", "●", None, "-", "○"])
    ws.append(["01202", "北海道", "函館市", "中核市", 0, "1", "該当", "未定"])
    ws.append([110001, "埼玉県", None, "都道府県", None, None, None, "●"])
    ws.append(["※1 団体内統合宛名・住登外者宛名番号管理"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    got = read_official_list(path, columns=COLUMNS)
    assert got == OfficialList(
        file="list.xlsx", sheet="一覧", header_row=3, columns=COLUMNS,
        keys=frozenset({"団体コード", "都道府県", "団体名", "団体区分"}),
        rows=(
            OfficialRow(4, "11002", "北海道", "札幌市", "指定都市", frozenset({"住民基本台帳", "共通機能"})),
            OfficialRow(5, "01202", "北海道", "函館市", "中核市", frozenset({"戸籍", "戸籍の附票"}),
                        (("共通機能", "未定"),)),
            OfficialRow(6, "110001", "埼玉県", "埼玉県", "都道府県", frozenset({"共通機能"})),
        ),
        as_of="2026-06", as_of_text="特定移行支援システムの該当見込み一覧（令和8年6月末時点）",
    )
    # 札幌市 by its 6-digit code although Excel dropped the zero; 函館市 (012025) by its 5-digit code
    assert [r.name for r in got.find(code="011002", prefecture="北海道", name="札幌市")[0]] == ["札幌市"]
    assert [r.name for r in got.find(code="012025", prefecture="北海道", name="函館市")[0]] == ["函館市"]
    assert got.find(code="110001", prefecture="埼玉県", name="埼玉県")[0][0].row == 6
    assert got.find(code=None, prefecture="北海道", name="釧路市") == ([], "都道府県・団体名")
