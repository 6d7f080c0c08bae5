"""Bad requirement lists: every problem is reported with sheet, row and what to do."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from fitgap.errors import InvalidInputError
from fitgap.importers.spec_file import NoRequirementsFoundError, read_spec_file
from tests.spec_books import write_official_workbook


def _book(path: Path, rows: list[list[object]], title: str = "機能要件") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


HEADER = ["機能ID", "機能名称", "機能要件", "実装区分"]


def test_duplicate_id_is_reported_at_the_second_row_naming_the_first(tmp_path: Path) -> None:
    path = _book(tmp_path / "dup.xlsx", [HEADER, ["0010001", "a", "A", "必須"], ["0010002", "b", "B", "必須"],
                                         [10001, "c", "C", "必須"]])
    result = read_spec_file(path)
    [p] = result.problems
    assert (p.sheet, p.row) == ("機能要件", 4) and p.message.startswith("機能 0010001")
    assert "重複" in p.message and "2行目" in p.message
    assert p.hint
    assert [r.req_id for r in result.requirements] == ["0010001", "0010002"]


def test_text_without_id_is_reported_not_joined(tmp_path: Path) -> None:
    path = _book(tmp_path / "noid.xlsx", [HEADER, ["0010001", "a", "A", "必須"], [None, "b", "B", "オプション"]])
    [p] = read_spec_file(path).problems
    assert p.row == 3 and "ID" in p.message and "ID を入力" in p.hint


def test_unknown_and_empty_class_are_reported_with_accepted_words(tmp_path: Path) -> None:
    path = _book(tmp_path / "kubun.xlsx", [HEADER, ["0010001", "a", "A", "たぶん必要"], ["0010002", "b", "B", None]])
    problems = read_spec_file(path).problems
    assert [(p.row, p.message[:7]) for p in problems] == [(2, "0010001"), (3, "0010002")]
    assert "たぶん必要" in problems[0].message
    assert "空" in problems[1].message
    assert all("実装必須機能" in p.hint for p in problems)


def test_requirement_sheet_that_is_empty_is_a_problem(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "機能要件"
    ws = wb.create_sheet("帳票要件")
    ws.append(["帳票ID", "帳票名称", "実装区分"])
    ws.append(["0010501", "住民票の写し", "必須"])
    wb.save(tmp_path / "empty.xlsx")
    result = read_spec_file(tmp_path / "empty.xlsx")
    assert [(p.sheet, p.message) for p in result.problems] == [("機能要件", "シートが空です。")]
    assert [r.req_id for r in result.requirements] == ["0010501"]


def test_header_without_rows_is_a_problem(tmp_path: Path) -> None:
    result = read_spec_file(_book(tmp_path / "h.xlsx", [["■機能要件"], HEADER]))
    [p] = result.problems
    assert "要件の行がありません" in p.message


def test_missing_class_column_is_a_problem_with_profile_hint(tmp_path: Path) -> None:
    result = read_spec_file(_book(tmp_path / "k.xlsx", [["機能ID", "機能要件"], ["0010001", "A"]]))
    [p] = result.problems
    assert "実装区分の列" in p.message and "kubun_default" in p.hint


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "memo.xlsx"
    path.write_text("これは Excel ではありません", encoding="utf-8")
    with pytest.raises(InvalidInputError) as exc:
        read_spec_file(path)
    assert "Excel ブック" in exc.value.message and exc.value.hint


def test_password_protected_workbook(tmp_path: Path) -> None:
    # an encrypted .xlsx is an OLE compound file holding an EncryptionInfo stream
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000 + "EncryptionInfo".encode("utf-16-le"))
    with pytest.raises(InvalidInputError) as exc:
        read_spec_file(path)
    assert "パスワード" in exc.value.message and "解除" in (exc.value.hint or "")


def test_truncated_workbook(tmp_path: Path) -> None:
    good = write_official_workbook(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(InvalidInputError):
        read_spec_file(path)


def test_workbook_with_damaged_sheet(tmp_path: Path) -> None:
    src = write_official_workbook(tmp_path / "good.xlsx")
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet4.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    with pytest.raises(InvalidInputError) as exc:
        read_spec_file(path)
    assert "破損" in exc.value.message


def test_unknown_layout_lists_headers_per_sheet_and_shows_a_profile(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "一覧"
    ws.append(["番号", "要求事項", "必要性"])
    ws.append(["A-1", "宛名を管理できること", "高"])
    wb.create_sheet("メモ")
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(NoRequirementsFoundError) as exc:
        read_spec_file(tmp_path / "other.xlsx")
    assert "一覧: 番号、要求事項、必要性" in exc.value.message
    assert "メモ: (空のシート)" in exc.value.message
    assert "[[sheets]]" in (exc.value.hint or "") and "--mapping" in (exc.value.hint or "")


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "spec.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(InvalidInputError):
        read_spec_file(path)
