"""The kind of each row (機能 or 帳票) is read from its own columns; the sheet's name only when nothing else says."""

from __future__ import annotations

from pathlib import Path

from fitgap.domain.enums import Kubun, RequirementKind
from fitgap.importers.spec_file import read_spec_file
from tests.spec_books import write_book

F, R = RequirementKind.FUNCTION, RequirementKind.FORM


def _kinds(path: Path) -> list[tuple[str, str, RequirementKind]]:
    result = read_spec_file(path)
    assert result.problems == []
    return [(r.source_sheet or "", r.req_id, r.kind) for r in result.requirements]


def test_a_sheet_named_for_both_kinds_whose_header_says_kinou_id_reads_functions(tmp_path: Path) -> None:
    rows = [["機能ID", "機能名称", "機能要件", "実装区分"],
            *[[f"023{n:04d}", f"機能{n}", f"要件{n}。", "実装必須機能"] for n in (265, 266, 267, 268, 269)]]
    book = write_book(tmp_path / "介護保険.xlsx", {"機能・帳票要件": rows}, title="介護保険システム標準仕様書")
    assert {k for _, _, k in _kinds(book)} == {F}


def test_the_id_header_beats_the_sheet_name(tmp_path: Path) -> None:
    book = write_book(tmp_path / "b.xlsx", {
        "帳票要件": [["機能ID", "名称", "要件", "実装区分"], ["0010001", "a", "要件。", "実装必須機能"]],
        "機能要件": [["帳票ID", "名称", "要件", "実装区分"], ["0010001", "b", "要件。", "実装必須機能"]],
    })
    assert _kinds(book) == [("帳票要件", "0010001", F), ("機能要件", "0010001", R)]


def test_the_sheet_name_when_no_column_says_and_functions_otherwise(tmp_path: Path) -> None:
    head = ["要件ID", "名称", "要件", "実装区分"]
    book = write_book(tmp_path / "b.xlsx", {
        "帳票一覧": [head, ["0010001", "a", "要件。", "実装必須機能"]],
        "要件一覧": [head, ["0010001", "b", "要件。", "実装必須機能"]],
        "機能・帳票要件": [head, ["0010002", "c", "要件。", "実装必須機能"]],
    })
    assert _kinds(book) == [("帳票一覧", "0010001", R), ("要件一覧", "0010001", F), ("機能・帳票要件", "0010002", F)]


def test_a_mixed_sheet_is_read_row_by_row_from_its_kind_column(tmp_path: Path) -> None:
    rows = [["要件ID", "種別", "名称", "要件", "実装区分"],
            ["0230001", "機能", "認定", "認定できること。", "実装必須機能"],
            ["0230001", "帳票", "認定通知書", "通知書を出力できること。", "実装必須機能"],
            ["0230002", "帳票要件", "被保険者証", "被保険者証を出力できること。", "標準オプション機能"],
            ["0230002", "機能要件", "資格", "資格を管理できること。", "実装必須機能"]]
    book = write_book(tmp_path / "介護.xlsx", {"機能・帳票要件": rows})
    assert [(i, k) for _, i, k in _kinds(book)] == [("0230001", F), ("0230001", R), ("0230002", R), ("0230002", F)]


def test_a_kubun_column_that_says_kinou_or_chouhyou_is_the_kind(tmp_path: Path) -> None:
    """区分 beside 実装区分 is the kind; a lone 区分 saying 帳票 gives the kind, and the class comes from the ○ columns."""
    both = [["ID", "区分", "名称", "要件", "実装区分"],
            ["0010001", "帳票", "住民票", "出力できること。", "実装必須機能"],
            ["0010001", "機能", "異動", "異動できること。", "標準オプション機能"]]
    marks = [["ID", "区分", "名称", "要件", "実装必須機能", "標準オプション機能", "実装不可機能"],
             ["0010002", "帳票", "証明書", "出力できること。", "", "○", ""],
             ["0010002", "機能", "転入", "転入できること。", "○", "", ""]]
    result = read_spec_file(write_book(tmp_path / "b.xlsx", {"一覧": both, "一覧2": marks}))
    assert result.problems == []
    assert [(r.req_id, r.kind, r.kubun) for r in result.requirements] == [
        ("0010001", R, Kubun.MUST), ("0010001", F, Kubun.OPTION), ("0010002", R, Kubun.OPTION), ("0010002", F, Kubun.MUST)]


def test_kinou_meishou_and_chouhyou_meishou_side_by_side(tmp_path: Path) -> None:
    """A row that fills 帳票名称 (and not 機能名称) is a 帳票, named by it."""
    rows = [["ID", "機能名称", "帳票名称", "要件", "実装区分"],
            ["0010001", "転入", "", "転入できること。", "実装必須機能"],
            ["0010001", "", "住民票の写し", "出力できること。", "実装必須機能"]]
    result = read_spec_file(write_book(tmp_path / "b.xlsx", {"要件一覧": rows}))
    assert result.problems == []
    assert [(r.req_id, r.kind, r.name) for r in result.requirements] == [("0010001", F, "転入"), ("0010001", R, "住民票の写し")]
