"""Reading a 現行機能一覧: header synonyms, per-row problems, the inventory export read back."""

from pathlib import Path

import openpyxl
import pytest

from fitgap.domain.custom import CustomDisposition, FunctionKind, LegalBasis
from fitgap.errors import InvalidInputError
from fitgap.importers.custom_list import parse_requirement_ref, read_custom_list


def _xlsx(path: Path, rows: list[list[object]], title: str = "現行機能") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_a_vendors_list_with_other_header_names_and_a_title_row(tmp_path):
    path = _xlsx(tmp_path / "現行機能一覧.xlsx", [
        ["住民記録システム 現行機能一覧（A社）"],
        [],
        ["機能ID", "名称", "機能区分", "機能概要", "利用部署", "処理頻度", "法的根拠", "年間保守費（千円）"],
        ["J-0001", "住民票の写し（独自様式）", "帳票出力", "窓口交付用", "市民課", "毎日", "条例", 350],
        ["J-0002", "夜間異動集計", "夜間バッチ", "", "市民課", "日次", "", None],
    ])
    r = read_custom_list(path, operation_code="001")
    assert r.ok and r.rows == [4, 5] and not r.has_decisions
    a, b = r.records
    assert (a.operation_code, a.code, a.kind, a.basis, a.yearly_cost_kyen) == ("001", "J-0001", FunctionKind.FORM,
                                                                              LegalBasis.ORDINANCE, 350.0)
    assert (b.kind, b.basis, b.yearly_cost_kyen) == (FunctionKind.BATCH, None, None)


def test_bad_rows_are_each_reported_with_row_and_column(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        "業務コード,機能番号,機能名,種別,年間費用（千円）,対応方針,対応要件\n"
        "001,F-1,正しい行,画面,10,,機能 1.1.1-必須\n"
        "1234,F-2,業務コードが4桁,,,,\n"
        "001,,番号なし,,,,\n"
        "001,F-4,種別が変,ロボット,,,\n"
        "001,F-5,費用が文字,,たくさん,,\n"
        "001,F-6,方針が変,,,全部やめる,\n"
        "001,F-7,要件が変,,,,機能 a b c d\n", encoding="utf-8-sig")
    r = read_custom_list(path)
    assert [(p.row, p.column) for p in r.problems] == [
        (3, "業務コード"), (4, "機能番号"), (5, "種別"), (6, "年間費用（千円）"), (7, "対応方針"), (8, "対応要件")]
    assert [rec.code for rec in r.records] == ["F-1"] and r.has_decisions
    assert r.records[0].mapped == (("機能", "1.1.1-必須"),)


def test_shift_jis_csv_and_missing_operation(tmp_path):
    path = tmp_path / "sjis.csv"
    path.write_bytes("機能番号,機能名\nF-1,宛名シール\n".encode("cp932"))
    r = read_custom_list(path)
    assert not r.ok and "業務コード" in r.problems[0].message
    assert read_custom_list(path, operation_code="001").records[0].name == "宛名シール"


def test_a_file_without_a_recognisable_header_says_what_it_needs(tmp_path):
    r = read_custom_list(_xlsx(tmp_path / "x.xlsx", [["a", "b"], [1, 2]]), operation_code="001")
    assert not r.ok and "機能番号" in r.problems[0].message


def test_not_a_workbook_is_refused_by_the_guard(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(InvalidInputError):
        read_custom_list(path, operation_code="001")


@pytest.mark.parametrize(("text", "expected"), [
    ("機能 0010001", ("機能", "0010001")), ("帳票:0010001", ("帳票", "0010001")), ("0010001", ("機能", "0010001")),
    ("2:機能:0020001", ("機能", "002:機能:0020001")),
])
def test_requirement_references(text, expected):
    assert parse_requirement_ref(text) == expected


def test_disposition_synonyms():
    from fitgap.domain.custom import parse_label

    assert parse_label(CustomDisposition, "疎結合") == CustomDisposition.SEPARATE_SYSTEM
    assert parse_label(CustomDisposition, "ＥＵＣ") == CustomDisposition.EUC
    assert parse_label(CustomDisposition, "なんとなく") is None


def test_a_mapping_profile_names_headers_the_synonyms_miss(tmp_path):
    from fitgap.importers.custom_list import load_custom_profile

    path = _xlsx(tmp_path / "vendor.xlsx", [
        ["管理No.", "画面・帳票の名前", "分類"],  # a header row that only looks like one
        ["表紙"],
        ["管理No.", "画面・帳票の名前", "分類"],
        ["K-1", "窓口混雑表示", "画面"],
    ], title="機能一覧A")
    assert not read_custom_list(path, operation_code="001").ok
    profile_file = tmp_path / "a社.toml"
    profile_file.write_text('sheet = "機能一覧*"\nheader_row = 3\noperation_code = "1"\n'
                            '[columns]\ncode = "管理No."\nname = ["画面・帳票の名前", "名前"]\nkind = "分類"\n',
                            encoding="utf-8")
    r = read_custom_list(path, profile=load_custom_profile(profile_file))
    assert r.ok and r.rows == [4]
    assert (r.records[0].operation_code, r.records[0].code, r.records[0].kind) == ("001", "K-1", FunctionKind.SCREEN)


def test_a_bad_profile_says_what_it_may_hold(tmp_path):
    from fitgap.importers.custom_list import load_custom_profile

    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\nnumber = "No"\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="number") as exc:
        load_custom_profile(bad)
    assert "header_row" in (exc.value.hint or "")


def test_an_unclosed_quote_in_a_csv_is_refused_not_read_as_one_cell(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('業務コード,機能番号,機能名\n001,F-1,"閉じ忘れ\n001,F-2,後ろの行\n001,F-3,もう1行\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="引用符"):
        read_custom_list(path)


def test_a_csv_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("業務コード,機能番号,機能名\n" + "001,F-1,宛名シール\n" * 60_000, encoding="utf-8")
    monkeypatch.setenv("FITGAP_MAX_WORKBOOK_MB", "1")
    with pytest.raises(InvalidInputError, match="大きすぎます"):
        read_custom_list(path)


def test_a_utf16_csv_is_refused_in_plain_words(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes("業務コード,機能番号,機能名\n001,F-1,宛名シール\n".encode("utf-16"))
    with pytest.raises(InvalidInputError, match="UTF-16"):
        read_custom_list(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_control_and_invisible_characters_are_removed_and_counted(tmp_path, suffix):
    rows = [["業務コード", "機能番号", "機能名", "理由"],
            ["001", "F-\u202e001", "宛名\x7fシール\u2066", "窓口\u200bで\r\n使う"]]
    path = tmp_path / f"ctl{suffix}"
    if suffix == ".csv":
        import csv

        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    else:
        _xlsx(path, rows)  # type: ignore[arg-type]
    r = read_custom_list(path)
    assert r.ok, r.problems
    rec = r.records[0]
    assert (rec.code, rec.name, rec.note) == ("F-001", "宛名シール", "窓口で\n使う")
    assert r.stripped_chars == 4
