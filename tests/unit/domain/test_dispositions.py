"""The one vocabulary of dispositions: its words, its rules, and the docs table that shows them."""

from __future__ import annotations

from pathlib import Path

from fitgap.domain import dispositions as d

DOCS_PAGE = Path(__file__).parents[3] / "docs" / "dispositions.md"


def test_the_docs_table_is_the_rule_table() -> None:
    text = DOCS_PAGE.read_text(encoding="utf-8")
    for value, meaning, needs, bpr in d.readme_table():
        assert f"| {value} | {meaning} | {needs} | {bpr} |" in text


def test_old_and_short_words_are_read_as_todays() -> None:
    assert d.parse("EUC") == d.Disposition.COMMON
    assert d.parse("ベンダ対応待ち") == d.Disposition.VENDOR
    assert d.parse("運用で対応") == d.Disposition.OPERATION
    assert d.parse("カスタマイズ（真にやむを得ない場合）") == d.Disposition.CUSTOMIZE
    assert d.parse("何か") is None


def test_each_rule() -> None:
    assert d.Disposition.DROP not in d.for_requirements()
    assert "独自機能にだけ" in (d.problem(d.Disposition.DROP, for_function=False, note="x") or "")
    assert "理由" in (d.problem(d.Disposition.CUSTOMIZE, for_function=False, note="") or "")
    assert d.problem(d.Disposition.CUSTOMIZE, for_function=False, note="法改正で真にやむを得ない") is None
    assert "システム" in (d.problem(d.Disposition.EXISTING_SYSTEM, for_function=True, note="n") or "")
    assert d.problem(d.Disposition.EXISTING_SYSTEM, for_function=True, note="n", system="庁内システム") is None
    assert "標準オプション" in (d.problem(d.Disposition.OPTION, for_function=True) or "")
    assert d.changes_work(d.Disposition.BPR) and d.changes_work(d.Disposition.OPERATION)
    assert not d.changes_work(d.Disposition.PARAMETER) and not d.changes_work(None)



def test_a_gap_names_its_option_as_a_requirement() -> None:
    assert d.option_key("機能:0010005") == ("機能", "0010005")
    assert d.option_key("０ ０１０００５") == ("機能", "0010005")
    assert d.option_key("001:帳票:0010002") == ("帳票", "0010002")
    assert d.option_key("様式:12") is None and d.option_key("機能:") is None
    assert "標準オプション" in (d.problem(d.Disposition.OPTION, for_function=False, detail="様式:12") or "")
    assert d.problem(d.Disposition.OPTION, for_function=False, detail="0010005") is None
