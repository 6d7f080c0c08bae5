"""Real lists, third round: one tax book for several operations, versions ordered by their labels, a list that
shares almost nothing with an assessed current version, 適用日."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from fitgap.domain.enums import Status
from fitgap.domain.models import Assessment, SpecVersion
from fitgap.domain.spec_diff import Change
from fitgap.domain.spec_order import is_newer, label_number
from fitgap.errors import InvalidInputError
from fitgap.services.import_summary import spec_import_summary
from fitgap.services.specs_import import BadRowsError, import_spec, import_specs
from fitgap.storage import specs
from fitgap.storage.db import Database
from fitgap.storage.spec_carry import version_requirements
from tests.conftest import dump_database
from tests.spec_books import TAX_HEADER, tax_rows, write_book

TAX = ("010", "011", "012", "013", "014", "015", "016")


def _labels(db: Database, code: str) -> list[str]:
    with db.read() as s:
        return [v.label for v in specs.list_versions(session=s, operation_code=code)]


def _current_ids(db: Database, code: str) -> set[str]:
    with db.read() as s:
        v = specs.current_version(session=s, operation_code=code)
        assert v is not None
        return {r.req_id for r in version_requirements(session=s, spec_version_id=v.id or 0)}


def _assess(db: Database, code: str, req_id: str, *, by: str = "担当者") -> None:
    with db.write() as s:
        s.add(Assessment(operation_code=code, req_id=req_id, status=Status.FIT, note="現行で対応", assessed_by=by,
                         assessed_at=datetime(2026, 5, 1, tzinfo=UTC)))


# ---- 1. one tax book, several operations ------------------------------------------------------------------


def test_a_tax_book_in_one_sheet_becomes_each_operations_new_version(db: Database, tmp_path: Path) -> None:
    rows = [TAX_HEADER, *(r for code in TAX for r in tax_rows(code))]
    book = write_book(tmp_path / "税務システム標準仕様書_機能要件一覧_第4.0版.xlsx", {"機能要件": rows})
    reports = import_specs(db=db, paths=[book], user="tester", effective=date(2027, 4, 1))
    assert [r.operation_code for r in reports] == ["010", "011", "012", "013", "014"]
    assert all(r.written and r.version_label == "第4.0版" for r in reports)
    assert all(r.published_on == date(2026, 3, 31) and r.effective_on == date(2027, 4, 1) for r in reports)
    assert [r.requirements for r in reports] == [2, 2, 2, 2, 6]  # 税務共通 014 with its 015 and 016
    for code in ("010", "011", "012", "013"):
        assert _current_ids(db, code) == {f"{code}0001", f"{code}0002"}
        assert _labels(db, code)[-1] == "第4.0版"
    assert _current_ids(db, "014") == {f"{c}{n:04d}" for c in ("014", "015", "016") for n in (1, 2)}
    # one summary per operation, each saying what each sheet brought of that operation
    lines = spec_import_summary(reports[2]).lines()
    assert lines[0].startswith(f"{book.name} → 012 固定資産税 第4.0版（取り込み: 要件 2 件）")
    assert "  シート「機能要件」: 機能 2 件、帳票 0 件" in lines and "公開日: 2026-03-31、適用日: 2027-04-01" in lines
    again = import_specs(db=db, paths=[book], user="tester")  # the same book again changes nothing anywhere
    assert all(r.already_imported and not r.written for r in again)


def test_a_tax_book_in_several_sheets_and_one_transaction(db: Database, db_path: Path, tmp_path: Path) -> None:
    sheets = {"個人住民税": [TAX_HEADER, *tax_rows("010", 3)], "固定資産税": [TAX_HEADER, *tax_rows("012")],
              "税務共通": [TAX_HEADER, *tax_rows("014"), *tax_rows("016")],
              "帳票要件": [["帳票ID", "帳票名称", "帳票要件", "実装区分"], ["0100001", "納税通知書", "出力できること。", "実装必須機能"],
                       ["0160001", "督促状", "出力できること。", "実装必須機能"]]}
    book = write_book(tmp_path / "税務_第4.0版.xlsx", sheets)
    before = dump_database(db_path)
    dry = import_specs(db=db, paths=[book], user="tester", dry_run=True)
    assert dump_database(db_path) == before
    assert [(r.operation_code, r.requirements) for r in dry] == [("010", 4), ("012", 2), ("014", 5)]
    lines = spec_import_summary(dry[0]).lines()
    assert "  シート「個人住民税」: 機能 3 件、帳票 0 件" in lines and "  シート「帳票要件」: 機能 0 件、帳票 1 件" in lines
    # a bad row in one operation's part refuses the whole book: nothing is written for any operation
    broken = {**sheets, "固定資産税": [TAX_HEADER, *tax_rows("012"), ["0120003", "名称", "要件。", "どちらでもない"]]}
    with pytest.raises(BadRowsError):
        import_specs(db=db, paths=[write_book(tmp_path / "税務_壊れた_第4.0版.xlsx", broken)], user="tester")
    assert dump_database(db_path) == before
    reports = import_specs(db=db, paths=[book], user="tester")
    assert [r.operation_code for r in reports] == ["010", "012", "014"] and all(r.written for r in reports)
    assert _labels(db, "011") == []  # no rows of 011: untouched


def test_ids_of_unrelated_operations_are_still_refused_naming_them(db: Database, tmp_path: Path) -> None:
    rows = [TAX_HEADER, ["0010001", "住民", "住民の要件。", "実装必須機能"], ["0230001", "介護", "介護の要件。", "実装必須機能"]]
    book = write_book(tmp_path / "混在_第1.0版.xlsx", {"機能要件": rows})
    with pytest.raises(InvalidInputError) as exc:
        import_specs(db=db, paths=[book], user="tester")
    assert "001 住民基本台帳" in exc.value.message and "023 介護保険" in exc.value.message
    assert "分けて" in exc.value.hint


# ---- 3. versions ordered by date, then by the number in their labels ----------------------------------------


def test_label_numbers() -> None:
    assert label_number("第10.0版") > label_number("第9.0版")
    assert label_number("第6.1版") > label_number("第6.0版")
    assert label_number("令和6年3月版") > label_number("令和5年8月版")
    assert label_number("v2.10") > label_number("v2.9") and label_number("初版") == ()
    assert is_newer(date(2026, 1, 1), "第1.0版", date(2025, 1, 1), "第9.0版")  # the date first
    assert not is_newer(None, "第9.0版", date(2025, 1, 1), "第1.0版")


@pytest.mark.parametrize("order", [("第10.0版", "第9.0版"), ("第9.0版", "第10.0版")], ids=["10→9", "9→10"])
def test_same_date_versions_are_ordered_by_their_labels_in_either_import_order(db: Database, tmp_path: Path,
                                                                              order: tuple[str, str]) -> None:
    texts = {"第9.0版": "九版", "第10.0版": "十版"}
    for label in order:
        book = write_book(tmp_path / f"介護_{label}.xlsx", {"機能要件": [TAX_HEADER, *tax_rows("023", 3, word=texts[label])]},
                          label=label, published="令和8年3月31日", title="介護保険システム標準仕様書")
        import_spec(db=db, path=book, user="tester")
    assert _labels(db, "023")[-2:] == ["第9.0版", "第10.0版"]
    with db.read() as s:
        current = specs.current_version(session=s, operation_code="023")
        assert current is not None and current.label == "第10.0版"
        assert all("十版" in r.text for r in version_requirements(session=s, spec_version_id=current.id or 0))


@pytest.mark.parametrize("order", [("第6.1版", "第6.0版"), ("第6.0版", "第6.1版")], ids=["6.1→6.0", "6.0→6.1"])
def test_a_minor_revision_of_the_same_date_comes_after(db: Database, tmp_path: Path, order: tuple[str, str]) -> None:
    for label in order:
        book = write_book(tmp_path / f"介護_{label}.xlsx", {"機能要件": [TAX_HEADER, *tax_rows("023", 2, word=label)]},
                          label=label, title="介護保険システム標準仕様書")
        rep = import_spec(db=db, path=book, user="tester")
        assert rep.historical is (label == "第6.0版" and order[0] == "第6.1版")
    assert _labels(db, "023")[-2:] == ["第6.0版", "第6.1版"]


# ---- 4. a list that shares almost nothing with an assessed current version ----------------------------------


def _juminkiroku(tmp_path: Path, label: str, first: int, n: int = 20) -> Path:
    return write_book(tmp_path / f"住民記録_{label}.xlsx", {"機能要件": [TAX_HEADER, *tax_rows("001", n, first=first)]},
                      label=label, title="住民記録システム標準仕様書")


def test_the_first_real_list_over_the_bundled_one_needs_no_answer(db: Database, tmp_path: Path) -> None:
    rep = import_spec(db=db, path=_juminkiroku(tmp_path, "第6.0版", 1), user="tester")
    assert rep.written and not rep.replacing and rep.previous_label == "第1.0版"


def test_a_list_sharing_less_than_a_tenth_with_an_assessed_version_needs_replace(db: Database, db_path: Path,
                                                                                tmp_path: Path) -> None:
    import_spec(db=db, path=_juminkiroku(tmp_path, "第6.0版", 1), user="tester")
    _assess(db, "001", "0010001")
    _assess(db, "001", "0010002")
    wrong = _juminkiroku(tmp_path, "第7.0版", 20)  # shares 0010020 only: 1 of 20
    before = dump_database(db_path)
    dry = import_spec(db=db, path=wrong, user="tester", dry_run=True)
    assert dry.replacing and dry.shared_ids == 1 and dry.list_ids == 20
    assert dry.counts[Change.REMOVED] == 19 and dry.carried("archive") == 2
    assert "共通の ID が 1 件だけです" in "\n".join(spec_import_summary(dry).lines())
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, path=wrong, user="tester")
    assert "要件 19 件が現在の版から外れ、確認結果 2 件を保管" in exc.value.message and "--replace" in exc.value.hint
    assert dump_database(db_path) == before
    rep = import_spec(db=db, path=wrong, user="tester", replace=True)
    assert rep.written and rep.replacing and _labels(db, "001")[-1] == "第7.0版"
    with db.read() as s:
        assert {a.req_id: a.archived for a in s.exec(select(Assessment))} == {"0010001": True, "0010002": True}


def test_a_revision_sharing_most_ids_or_a_demo_assessed_list_needs_no_answer(db: Database, tmp_path: Path) -> None:
    import_spec(db=db, path=_juminkiroku(tmp_path, "第6.0版", 1), user="tester")
    _assess(db, "001", "0010001", by="デモ")  # the demo's assessments are nobody's work
    other = import_spec(db=db, path=_juminkiroku(tmp_path, "第7.0版", 30), user="tester")
    assert other.written and not other.replacing
    _assess(db, "001", "0010030")
    grown = import_spec(db=db, path=_juminkiroku(tmp_path, "第8.0版", 30, n=300), user="tester")
    assert grown.written and not grown.replacing  # 20 of the current 20 kept, 280 added


def test_an_older_list_kept_as_history_is_never_asked_about(db: Database, tmp_path: Path) -> None:
    import_spec(db=db, path=_juminkiroku(tmp_path, "第6.0版", 1), user="tester")
    _assess(db, "001", "0010001")
    rep = import_spec(db=db, path=_juminkiroku(tmp_path, "第5.0版", 100), user="tester")
    assert rep.written and rep.historical and not rep.replacing


# ---- 5. 適用日 ---------------------------------------------------------------------------------------------


def test_the_effective_date_is_kept_per_version(db: Database, tmp_path: Path) -> None:
    import_spec(db=db, path=_juminkiroku(tmp_path, "第6.0版", 1), user="tester", effective=date(2027, 4, 1))
    with pytest.raises(InvalidInputError):
        import_spec(db=db, path=_juminkiroku(tmp_path, "第6.0版_帳票", 900), user="tester", add_to_version="第6.0版",
                    effective=date(2028, 1, 1))
    with db.read() as s:
        v = s.exec(select(SpecVersion).where(SpecVersion.label == "第6.0版")).one()
    assert v.effective_on == date(2027, 4, 1) and v.published_on == date(2026, 3, 31)


def test_the_effective_date_shows_in_the_readiness_report(db: Database, tmp_path: Path) -> None:
    """The 適用日 of the version the report counts on, in both the workbook and the HTML, beside its 公開日."""
    import openpyxl

    from fitgap.services.readiness import write_report

    import_spec(db=db, path=_juminkiroku(tmp_path, "第6.0版", 1), user="tester", effective=date(2027, 4, 1))
    html, xlsx = (p for p in sorted(write_report(db=db, today=date(2026, 12, 7), exports_dir=tmp_path / "out"),
                                    key=lambda p: p.suffix))
    text = html.read_text(encoding="utf-8")
    assert "<th>適用日</th>" in text and "2027-04-01" in text
    wb = openpyxl.load_workbook(xlsx)
    cells = [[c for c in row] for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]
    header = next(r for r in cells if "適用日" in r and "公開日" in r)
    row = next(r for r in cells if "第6.0版" in r)
    assert str(row[header.index("適用日")]).startswith("2027-04-01")
