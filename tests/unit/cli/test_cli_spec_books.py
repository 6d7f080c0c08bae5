"""import-spec with a book of several operations, --replace and --effective; spec-diff shows each version's dates."""

from __future__ import annotations

from pathlib import Path

from fitgap.domain.enums import RequirementKind, Status
from fitgap.services.assessment import update_items
from fitgap.services.items import ItemKey
from fitgap.storage.db import Database
from tests.spec_books import TAX_HEADER, tax_rows, write_book


def _juminkiroku(tmp_path: Path, label: str, first: int) -> Path:
    return write_book(tmp_path / f"住民記録_{label}.xlsx", {"機能要件": [TAX_HEADER, *tax_rows("001", 20, first=first)]},
                      label=label, title="住民記録システム標準仕様書")


def test_a_tax_book_is_split_with_one_summary_per_operation(cli, tmp_path: Path) -> None:
    book = write_book(tmp_path / "税務_第4.0版.xlsx", {"機能要件": [TAX_HEADER, *tax_rows("010"), *tax_rows("015")]})
    cli("init")
    r = cli("import-spec", str(book))
    assert r.code == 0, r.err
    assert "ID の業務コードで 2 業務に分けました: 010 個人住民税、014 税務共通" in r.out
    assert "→ 010 個人住民税 第4.0版（取り込み: 要件 2 件）" in r.out and "→ 014 税務共通" in r.out
    assert "spec-diff 010" in r.out and "spec-diff 014" in r.out


def test_replace_is_needed_for_a_list_that_shares_almost_nothing(cli, db: Database, tmp_path: Path) -> None:
    assert cli("import-spec", str(_juminkiroku(tmp_path, "第6.0版", 1)), "--effective", "2027-04-01").code == 0
    update_items(db=db, user="tester", keys=[ItemKey("001", RequirementKind.FUNCTION, "0010001")], status=Status.FIT)
    wrong = _juminkiroku(tmp_path, "第7.0版", 100)
    dry = cli("import-spec", str(wrong), "--dry-run")
    assert dry.code == 0 and "--replace を付けて" in dry.out
    refused = cli("import-spec", str(wrong))
    assert refused.code != 0 and "--replace" in refused.err and "確認結果" in refused.err
    done = cli("import-spec", str(wrong), "--replace", "--effective", "2028-04-01")
    assert done.code == 0 and "適用日: 2028-04-01" in done.out
    diff = cli("spec-diff", "001")
    assert diff.code == 0
    assert "第6.0版" in diff.out and "2027-04-01" in diff.out and "第7.0版（現在）" in diff.out and "2028-04-01" in diff.out
