"""Input hygiene at the edge, as a user meets it: unclosed quotes, control and invisible characters, ID
shapes, the documented limits; and every failure an エラー/対処 (permission denied, oversized fields, a
closed pipe) with a non-zero exit and the database as it was."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fitgap.importers.spec_file import read_spec_file
from tests.conftest import dump_database

SYSTEM_HEADER = "システム名,ベンダ,区分,業務コード,移行予定日,移行実施日,期限区分,期限,備考\n"


@pytest.fixture
def initialised(cli: Callable[..., Any]) -> Callable[..., Any]:
    assert cli("init").code == 0
    return cli


def _systems(db_path: Path) -> list[str]:
    con = sqlite3.connect(db_path)
    try:
        return [r[0] for r in con.execute("SELECT name FROM system ORDER BY id")]
    finally:
        con.close()


# ---- item 6: an unclosed quote never swallows the rows after it ------------------------------------------

def test_systems_import_refuses_an_unclosed_quote_and_saves_nothing(initialised: Callable[..., Any], db_path: Path,
                                                                   tmp_path: Path) -> None:
    rows = "".join(f"新システム{i},ベンダ{i},標準化対象,001,,,FY2025末,,\n" for i in range(20))
    path = tmp_path / "systems.csv"
    path.write_text(SYSTEM_HEADER + '"壊れた行,ベンダ,標準化対象,001,,,FY2025末,,\n' + rows, encoding="utf-8")
    before = dump_database(db_path)
    r = initialised("systems", "import", "--systems", str(path))
    assert r.code == 1 and "2行目" in r.err and "引用符" in r.err and "何も保存していません" in r.err
    assert dump_database(db_path) == before


def test_a_quote_closed_rows_later_is_a_problem_not_a_long_name(initialised: Callable[..., Any], db_path: Path,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "systems.csv"
    path.write_text(SYSTEM_HEADER + '"A,x,標準化対象,001,,,FY2025末,,\nB",y,標準化対象,001,,,FY2025末,,\n'
                    "C,z,標準化対象,001,,,FY2025末,,\n", encoding="utf-8")
    before = dump_database(db_path)
    r = initialised("systems", "import", "--systems", str(path))
    assert r.code == 1 and "改行" in r.err and "引用符" in r.err
    assert dump_database(db_path) == before


# ---- item 10: control characters never travel --------------------------------------------------------------

def test_control_characters_are_stripped_with_a_count_and_never_reach_the_terminal(
        initialised: Callable[..., Any], db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "systems.csv"
    path.write_text(SYSTEM_HEADER + "端末\x1b[2J破壊\x07システム,ベ\u200bンダ,標準化対象,001,,,FY2025末,,備考\x1b]0;x\x07\n",
                    encoding="utf-8")
    r = initialised("systems", "import", "--systems", str(path))
    assert r.code == 0 and "追加 1件" in r.out and "制御文字・見えない文字を 5 個取り除きました" in r.out
    assert "端末[2J破壊システム" in _systems(db_path)
    # a name an older fitgap stored with its control characters is shown escaped, never raw
    con = sqlite3.connect(db_path)
    con.execute("UPDATE system SET name = ? WHERE name = ?", ("古い\x1b[31m赤\x07", "端末[2J破壊システム"))
    con.commit()
    con.close()
    for args in (["systems", "list"], ["graph", "--format", "mermaid"], ["systems", "show", "古い\x1b[31m赤\x07"]):
        r = initialised(*args)
        assert "\x1b" not in r.out and "\x07" not in r.out, args
        assert "\\x1b[31m" in r.out, args


def test_spec_diff_of_a_csv_with_control_characters(initialised: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "住民記録_第9.0版.csv"
    path.write_text("機能ID,機能名称,機能要件,実装区分\n0010001,名称\x1b[5m,本文\x07です。\u202eです,実装必須機能\n",
                    encoding="utf-8")
    r = initialised("import-spec", str(path), "--operation", "001")
    assert r.code == 0, r.err
    assert "制御文字・見えない文字を 3 個取り除きました" in r.out
    r = initialised("spec-diff", "001")
    assert r.code == 0 and "\x1b" not in r.out and "\x07" not in r.out and "\u202e" not in r.out


@pytest.mark.parametrize(("raw", "why"), [
    ("0010\x1b001", "U+001B"),
    ("\u202e1000100", "U+202E"),
    ("001\u200b0001", "U+200B"),
    ("#DIV/0!", "要件 ID の形"),
    ("0010001x", "要件 ID の形"),
    ("1" * 70, "長すぎます"),
])
def test_ids_with_invisible_characters_or_another_shape_are_refused(tmp_path: Path, raw: str, why: str) -> None:
    from fitgap.domain.req_ids import check_requirement_id

    assert check_requirement_id(raw).problem is not None and why in (check_requirement_id(raw).problem or "")
    path = tmp_path / "list.csv"
    path.write_text(f"機能ID,機能名称,機能要件,実装区分\n{raw},転入,転入を登録できること。,実装必須機能\n"
                    "0010002,転出,転出を登録できること。,実装必須機能\n",
                    encoding="utf-8")
    result = read_spec_file(path)
    assert [r.req_id for r in result.requirements] == ["0010002"]
    assert len(result.problems) == 1 and why in result.problems[0].message and result.problems[0].row == 2


@pytest.mark.parametrize("raw", ["0010001", "１０００１", " 0010001 ", "1.1.5", "1.1.5-必須", "１．１．５"])
def test_the_documented_id_shapes_pass(raw: str) -> None:
    from fitgap.domain.req_ids import check_requirement_id

    assert check_requirement_id(raw).problem is None


def test_text_and_terminal_helpers() -> None:
    from fitgap.domain.text import escape_controls, strip_invisible

    assert strip_invisible("a\x00b\x1bc\u200bd\ne\tf\r\ng") == ("abcd\ne\tf\ng", 3)
    assert escape_controls("ok\x1b[2J\x07\u202e\n") == "ok\\x1b[2J\\x07\\u202e\n"


# ---- item 11: the documented limits, enforced before memory grows ----------------------------------------

def test_a_cell_over_excels_limit_is_refused_in_a_workbook(tmp_path: Path, initialised: Callable[..., Any],
                                                           db_path: Path) -> None:
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "機能要件"
    ws.append(["機能ID", "機能名称", "機能要件", "実装区分"])
    ws.append(["0010001", "転入", "PLACEHOLDER", "実装必須機能"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)  # openpyxl itself cuts text at Excel's limit: put the long cell in by hand, as other tools do
    book = tmp_path / "住民記録_第9.0版.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data.replace(b"PLACEHOLDER", "あ".encode() * 40_000))
    before = dump_database(db_path)
    r = initialised("import-spec", str(book), "--operation", "001")
    assert r.code == 1 and "32,767" in r.err and "40,000" in r.err and "2行目" in r.err
    assert dump_database(db_path) == before


@pytest.mark.parametrize("size", [40_000, 200_000])
def test_a_csv_field_over_the_limit_is_an_error_not_a_traceback(tmp_path: Path, initialised: Callable[..., Any],
                                                                size: int) -> None:
    path = tmp_path / "住民記録_第9.0版.csv"
    path.write_text(f"機能ID,機能名称,機能要件,実装区分\n0010001,名称,{'a' * size},実装必須機能\n", encoding="utf-8")
    r = initialised("import-spec", str(path), "--operation", "001")
    assert r.code == 1 and "長すぎるセル" in r.err and "32,767" in r.err and "Traceback" not in r.err
    path = tmp_path / "systems.csv"
    path.write_text(SYSTEM_HEADER + f"A,{'v' * size},標準化対象,001,,,FY2025末,,\n", encoding="utf-8")
    r = initialised("systems", "import", "--systems", str(path))
    assert r.code == 1 and "長すぎるセル" in r.err


def test_a_csv_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path, initialised: Callable[..., Any],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FITGAP_MAX_WORKBOOK_MB", "0.01")  # 10 KB: the same setting as for workbooks
    read = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real(self))
    path = tmp_path / "住民記録_第9.0版.csv"
    path.write_text("機能ID,機能名称,機能要件,実装区分\n" + "0010001,転入,転入を登録できること。,実装必須機能\n" * 1000, encoding="utf-8")
    r = initialised("import-spec", str(path), "--operation", "001")
    assert r.code == 1 and "大きすぎます" in r.err and "FITGAP_MAX_WORKBOOK_MB" in r.err
    assert path.name not in read


# ---- item 9: permission denied and a closed pipe --------------------------------------------------------

def _unreadable(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """What a file without read permission does (the tests may run as root, where chmod 000 still reads)."""
    real_open = Path.open

    def guarded(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.resolve() == target.resolve():
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)


@pytest.mark.parametrize("command", [["import-spec"], ["import", "vendor"], ["import", "review"],
                                     ["systems", "import", "--systems"]])
def test_a_file_without_read_permission_is_an_error(tmp_path: Path, initialised: Callable[..., Any], db_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    path = tmp_path / ("systems.csv" if "systems" in command else "回答_第9.0版.xlsx")
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    before = dump_database(db_path)
    _unreadable(monkeypatch, path)
    r = initialised(*command, str(path))
    assert r.code == 1 and "読む権限がありません" in r.err and "対処:" in r.err and "Traceback" not in r.err
    assert dump_database(db_path) == before


def test_output_piped_into_head_exits_quietly(initialised: Callable[..., Any], db_path: Path) -> None:
    for args in (["systems", "list"], ["graph", "--format", "mermaid"], ["status"]):
        read_end, write_end = os.pipe()
        os.close(read_end)  # `| head` that has already gone: every write meets a closed pipe
        try:
            proc = subprocess.run([sys.executable, "-m", "fitgap", "--db", str(db_path), *args], stdout=write_end,
                                  stderr=subprocess.PIPE, text=True, timeout=120)
        finally:
            os.close(write_end)
        assert proc.stderr == "" and proc.returncode == 141, (args, proc.stderr)
