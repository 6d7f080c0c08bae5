"""Reading official-style 機能・帳票要件 workbooks."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from fitgap.domain.enums import Kubun, RequirementKind
from fitgap.importers.spec_file import read_spec_file
from tests.spec_books import V1_FORMS, V1_FUNCTIONS, write_official_workbook


@pytest.fixture
def v1(tmp_path: Path):
    return read_spec_file(write_official_workbook(tmp_path / "住民記録_機能帳票要件_v1.xlsx"))


def test_reads_every_requirement_of_both_lists_without_problems(v1) -> None:
    assert v1.problems == []
    assert v1.sheets_read == ["機能要件", "帳票要件"]
    assert len(v1.requirements) == len(V1_FUNCTIONS) + len(V1_FORMS)
    assert v1.counts_by_kind() == {RequirementKind.FUNCTION: 7, RequirementKind.FORM: 2}


def test_ids_are_strings_with_zeros_restored_full_width_converted_and_trimmed(v1) -> None:
    ids = [r.req_id for r in v1.requirements]
    assert ids == ["0010001", "0010002", "0010003", "0010004", "0010005", "0010006", "0010007",
                   "0010501", "0010502"]
    assert v1.id_prefixes() == {"001": 9}


def test_title_legend_and_extra_sheets_are_skipped_and_listed(v1) -> None:
    assert [s.name for s in v1.skipped_sheets] == ["表紙", "変更履歴", "凡例"]
    assert all(r.source_row >= 6 for r in v1.requirements if r.source_sheet == "機能要件")


def test_continuation_row_and_line_breaks_are_joined_into_the_requirement(v1) -> None:
    first = v1.requirements[0]
    assert first.text.splitlines() == ["日本人住民について、以下の項目を管理すること。", "・氏名", "・生年月日",
                                       "・性別", "・世帯主との続柄"]
    # the continuation row is not an item of its own: the next ID follows on the row after it
    assert [r.source_row for r in v1.requirements[:2]] == [6, 8]


def test_two_row_header_with_merged_category_fills_category_path(v1) -> None:
    cats = {r.req_id: r.category for r in v1.requirements}
    assert cats["0010001"] == "住民記録 > 管理項目"
    assert cats["0010004"] == "住民記録 > 異動"
    assert cats["0010006"] == "証明書 > 交付"  # second merged 大分類 block


def test_all_wordings_of_the_class_map_to_the_three_classes(v1) -> None:
    by_id = {r.req_id: r for r in v1.requirements}
    assert by_id["0010002"].kubun is Kubun.MUST  # 実装すべき機能 (old wording)
    assert by_id["0010003"].kubun is Kubun.MUST  # 類型1
    assert by_id["0010006"].kubun is Kubun.FORBIDDEN
    assert by_id["0010007"].kubun is Kubun.OPTION
    assert [r.req_id for r in v1.requirements if r.transitional] == ["0010007"]


def test_forms_are_told_from_functions_by_sheet_name(v1) -> None:
    kinds = {r.req_id: r.kind for r in v1.requirements}
    assert kinds["0010501"] is RequirementKind.FORM
    assert kinds["0010001"] is RequirementKind.FUNCTION


def test_form_kind_from_column_name_when_sheet_name_says_nothing(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "一覧"
    ws.append(["帳票ID", "帳票名称", "実装区分"])
    ws.append(["0230010", "介護保険被保険者証", "必須"])
    wb.save(tmp_path / "f.xlsx")
    result = read_spec_file(tmp_path / "f.xlsx")
    assert [(r.req_id, r.kind, r.kubun) for r in result.requirements] == [
        ("0230010", RequirementKind.FORM, Kubun.MUST)
    ]


def test_provenance_names_file_sheet_and_row(v1) -> None:
    form = next(r for r in v1.requirements if r.req_id == "0010501")
    assert (form.source_file, form.source_sheet, form.source_row) == ("住民記録_機能帳票要件_v1.xlsx", "帳票要件", 4)


def test_single_header_row_with_header_variants_and_repeated_header(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "機能一覧"
    ws.append(["■介護保険システム 機能要件"])
    ws.append(["要件ID", "機能名", "要件", "類型", "備考"])
    ws.append(["0230265", "資格異動", "住民異動情報をもとに資格を異動できること。", "類型3", "注"])
    ws.append(["要件ID", "機能名", "要件", "類型", "備考"])  # header repeated after a page break
    ws.append([230267, "資格照会", "資格情報を照会できること。", "実装しない機能", ""])
    wb.save(tmp_path / "kaigo.xlsx")
    result = read_spec_file(tmp_path / "kaigo.xlsx")
    assert result.problems == []
    assert [(r.req_id, r.kubun, r.name) for r in result.requirements] == [
        ("0230265", Kubun.OPTION, "資格異動"),
        ("0230267", Kubun.FORBIDDEN, "資格照会"),
    ]


def test_id_split_over_merged_columns_is_joined(tmp_path: Path) -> None:
    # like the official デジタル庁 workbooks: the ID header merged over 業務コード | 連番 columns
    wb = Workbook()
    ws = wb.active
    ws.title = "機能要件"
    ws["A1"] = "■共通機能 機能要件"
    ws["A3"] = "機能ID"
    ws.merge_cells("A3:B4")
    for col, title in {"C": "機能名称", "D": "機能要件", "E": "実装区分"}.items():
        ws[f"{col}3"] = title
        ws.merge_cells(f"{col}3:{col}4")
    rows = [["031", 1, "住登外者宛名番号付番", "付番できること。", "実装必須機能"],
            ["031", 24, "住登外者宛名番号送信", "送信できること。", "標準オプション機能"]]
    for r, values in enumerate(rows, 5):
        for c, value in enumerate(values, 1):
            ws.cell(row=r, column=c, value=value)
    wb.save(tmp_path / "common.xlsx")
    result = read_spec_file(tmp_path / "common.xlsx")
    assert result.problems == []
    assert [r.req_id for r in result.requirements] == ["0310001", "0310024"]


def test_rows_marked_removed_in_any_of_their_cells_are_listed_not_read(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "機能要件"
    ws.append(["機能ID", "機能名称", "要件", "実装区分"])
    ws.append(["0010001", "住民記録の管理", "住民票の記載事項を管理できること。", "実装必須機能"])
    ws.append(["0010002", "", "", "欠番"])  # the class cell says it
    ws.append(["0010003（削除）", "転出の登録", "転出を登録できること。", "実装必須機能"])  # the ID says it
    ws.append(["0010004", "転入の登録", "【削除】", ""])  # the text says it
    ws.append(["0010005", "転居の登録", "", ""])
    ws.append(["", "", "削除", ""])  # the text, on the row below the ID
    ws.append(["削除", "", "", ""])  # no ID left at all
    ws.append(["0010006", "（削除）", "", ""])  # the name says it, and there is no text
    ws.append(["0010007", "削除", "住民データを削除できること。", "実装必須機能"])  # a function named 削除
    wb.save(tmp_path / "removed.xlsx")
    result = read_spec_file(tmp_path / "removed.xlsx")
    assert result.problems == []
    assert [(r.req_id, r.name) for r in result.requirements] == [("0010001", "住民記録の管理"), ("0010007", "削除")]
    assert [(r.req_id, r.mark, r.source_row) for r in result.removed] == [
        ("0010002", "欠番", 3), ("0010003", "削除", 4), ("0010004", "削除", 5), ("0010005", "削除", 6), ("", "削除", 8),
        ("0010006", "削除", 9)]
