import pytest

from fitgap.domain.enums import Kubun, is_transitional
from fitgap.domain.text import display_width, normalize_requirement_id, normalize_text, pad, text_hash


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("実装必須機能", Kubun.MUST),
        ("実装すべき機能", Kubun.MUST),
        ("類型１", Kubun.MUST),
        ("必須", Kubun.MUST),
        ("実装不可機能", Kubun.FORBIDDEN),
        ("実装しない機能", Kubun.FORBIDDEN),
        ("類型2", Kubun.FORBIDDEN),
        ("標準オプション機能", Kubun.OPTION),
        ("実装してもしなくても良い機能", Kubun.OPTION),
        ("実装必須機能（相当）", Kubun.MUST),
        ("標準オプション機能\n（経過措置）", Kubun.OPTION),
        ("オプション", Kubun.OPTION),
    ],
)
def test_kubun_reads_todays_and_old_wording(raw, expected):
    assert Kubun.parse(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "不明", "要確認"])
def test_unknown_kubun_is_none(raw):
    assert Kubun.parse(raw) is None


def test_transitional_flag():
    assert is_transitional("実装必須機能（経過措置）")
    assert not is_transitional("実装必須機能")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (10001, "0010001"),
        (10001.0, "0010001"),
        ("10001", "0010001"),
        ("００１０００１", "0010001"),
        (" 0230265 ", "0230265"),
        ("1.1.5", "1.1.5"),
        ("1.1.2-必須", "1.1.2-必須"),
    ],
)
def test_requirement_ids_are_strings_with_zeros_restored(raw, expected):
    assert normalize_requirement_id(raw) == expected


def test_text_hash_ignores_width_and_whitespace_differences():
    assert text_hash("住民票の写しを　発行できること。\n") == text_hash("住民票の写しを 発行できること。")
    assert normalize_text("ＡＢＣ\n\n１２３") == "ABC 123"
    assert text_hash("発行できること") != text_hash("発行できないこと")


def test_display_width_and_padding_never_cut_mid_character():
    assert display_width("住民abc") == 7
    assert pad("住民基本台帳", 7) == "住民基…"
    assert display_width(pad("住民基本台帳", 7)) == 7
    assert pad("ab", 4, right=True) == "  ab"
