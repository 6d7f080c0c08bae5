"""Profiling rules: what one value shows, the batch counter agreeing with them, and which column is which item."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from fitgap.domain.data_profile import (
    ItemProfiler,
    allows_unknown_date,
    date_ok,
    gaiji_in,
    has_fullwidth,
    has_halfwidth,
    match_columns,
    over_length,
    profile_value,
)


def test_width_rules() -> None:
    assert has_halfwidth("山田 太郎") and has_halfwidth("ﾔﾏﾀﾞ") and has_halfwidth("1-2-3")
    assert not has_halfwidth("山田　太郎") and not has_halfwidth("")
    assert has_fullwidth("ABC１") and has_fullwidth("東京") and has_fullwidth("\ue000")
    assert not has_fullwidth("ABC-1 x") and not has_fullwidth("ｱｲｳ")


@pytest.mark.parametrize(("value", "kind", "unknown", "ok"), [
    ("2024-02-29", "DATE", False, True), ("2023-02-29", "DATE", False, False), ("1900-02-29", "DATE", False, False),
    ("2000-02-29", "DATE", False, True), ("2024-04-31", "DATE", False, False), ("20240101", "DATE", False, False),
    ("2024/01/01", "DATE", False, False), ("R06-01-01", "DATE", False, False), ("0000-01-01", "DATE", False, False),
    ("1950-00-00", "DATE", False, False), ("1950-00-00", "DATE", True, True), ("1950-04-00", "DATE", True, True),
    ("0000-00-00", "DATE", True, True), ("1950-13-00", "DATE", True, False), ("1950-00-05", "DATE", True, False),
    ("2024", "YEAR", False, True), ("24", "YEAR", False, False), ("23:59:59", "TIME", False, True),
    ("24:00:00", "TIME", False, False), ("9:00:00", "TIME", False, False), ("12:00", "TIME", False, False),
])
def test_dates_years_and_times(value: str, kind: str, unknown: bool, ok: bool) -> None:
    assert date_ok(value, kind, unknown_allowed=unknown) is ok


def test_unknown_dates_are_allowed_where_the_description_says_so() -> None:
    assert allows_unknown_date("・不詳日を許容する")
    assert not allows_unknown_date("※※生年月日が不詳の場合は出力必須") and not allows_unknown_date("")


def test_length_in_characters_signs_and_9v_digits() -> None:
    assert over_length("山田太郎X", "Ｎ", (4, None)) and not over_length("山田太郎", "Ｎ", (4, None))
    assert not over_length("-123", "S9", (3, None)) and over_length("1234", "9", (3, None))
    assert not over_length("12345.67", "9V", (5, 2)) and over_length("123456.7", "9V", (5, 2))
    assert over_length("1.234", "9V", (5, 2)) and not over_length("-12345", "9V", (5, 2))
    assert not over_length("2024-01-01T00", "DATE", (10, None)) and not over_length("x" * 99, "X", None)


def test_gaiji_candidates_are_pua_and_characters_outside_jis_x_0213() -> None:
    assert gaiji_in("髙橋\ue000𠮷野家") == ["髙", "\ue000", "𠮷"]
    assert gaiji_in("高橋～①ｱ ABC") == [] and gaiji_in("") == []
    assert profile_value("山田　 \u3000 ") == "山田"


VALUES = ["", "  ", "山田　太郎", "山田 太郎", "ﾔﾏﾀﾞ", "ABC", "ＡＢＣ", "髙\ue000", "𠮷", "1", "9", "12345678901",
          "2024-02-29", "2023-02-29", "1950-00-00", "12:00:00", "1.25", "123456.789", "-12", "x　"]


@pytest.mark.parametrize(("kind", "length", "codes", "unknown"), [
    ("X", "5", None, False), ("Ｎ", "4", None, False), ("9", "1", ["1", "2"], False), ("S9", "2", None, False),
    ("9V", "5,2", None, False), ("DATE", "10", None, True), ("DATE", "10", None, False), ("TIME", "8", None, False),
    ("YEAR", "4", None, False), ("BLOB", "1", None, False), ("X", "1", ["1", "ABC"], False),
])
def test_the_batch_counter_agrees_with_the_rules_value_by_value(kind: str, length: str, codes: list[str] | None,
                                                                 unknown: bool) -> None:
    prof = ItemProfiler(data_type=kind, length=length, codes=codes, unknown_dates=unknown)
    for start in range(0, len(VALUES), 3):  # batches of 3, and the same values again: the date cache is used
        prof.add(VALUES[start:start + 3])
    prof.add(VALUES)
    vals = [profile_value(v) for v in VALUES] * 2
    filled = [v for v in vals if v]
    limit = (int(length.split(",")[0]), int(length.split(",")[1]) if "," in length else None)
    c = prof.counts
    assert c.rows == len(vals) and c.empty == len(vals) - len(filled)
    assert c.max_length == max(map(len, vals))
    assert c.over_length == sum(over_length(v, kind, limit) for v in filled)
    assert c.halfwidth_in_n == (sum(map(has_halfwidth, filled)) if kind == "Ｎ" else 0)
    assert c.fullwidth_in_x == (sum(map(has_fullwidth, filled)) if kind == "X" else 0)
    dates = kind in ("DATE", "YEAR", "TIME")
    assert c.bad_dates == (sum(not date_ok(v, kind, unknown_allowed=unknown) for v in filled) if dates else 0)
    assert c.outside_codes == (sum(v not in codes for v in filled) if codes is not None else 0)
    assert c.gaiji == Counter(ch for v in filled for ch in gaiji_in(v))


@dataclass(frozen=True)
class It:
    item_id: str
    name: str
    romaji: str
    operation_code: str = "002"
    group_name: str = "G1"


ITEMS = [It("00200001", "印鑑登録番号", "ingantorokubango"), It("00200003", "氏名", "shimei"),
         It("00200004", "登録年月日", "torokunengappi"), It("00200101", "印鑑登録番号", "ingantorokubango", group_name="G2"),
         It("00200102", "交付年月日", "kofunengappi", group_name="G2"), It("03100003", "氏名", "shimei", "031")]


def test_columns_by_id_name_romaji_and_mapping() -> None:
    matches, unmatched = match_columns(["００２-００００４", "ShiMei ", "登録年月日", "KOJIN_NO", "", "印鑑登録番号", "zz"],
                                       ITEMS, {"KOJIN_NO": "00200001"})
    # 氏名 (by its romaji) is in 002 and 031: the operation the other columns matched decides
    assert [(m.index, m.item_id, m.how) for m in matches] == [
        (0, "00200004", "データ項目ID"), (1, "00200003", "ローマ字"), (3, "00200001", "対応表")]
    # a second column for 登録年月日; 印鑑登録番号 is in two groups and G1's is taken by the mapping already
    assert [(u.index, u.reason) for u in unmatched] == [
        (2, "00200004 は 1列目で読みます"), (4, "見出しがありません"), (5, "00200001 は 4列目で読みます"),
        (6, "対応するデータ項目がありません")]


def test_a_shared_name_goes_to_the_group_of_the_other_columns_or_is_reported() -> None:
    matches, _ = match_columns(["印鑑登録番号", "交付年月日"], ITEMS)
    assert [m.item_id for m in matches] == ["00200101", "00200102"]
    matches, unmatched = match_columns(["印鑑登録番号"], ITEMS)
    assert matches == [] and "同じ名前のデータ項目が複数" in unmatched[0].reason and "00200101" in unmatched[0].reason
