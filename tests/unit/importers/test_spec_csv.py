"""Reading requirement lists saved as CSV in the encodings Japanese offices use."""

from __future__ import annotations

from pathlib import Path

import pytest

from fitgap.domain.enums import Kubun
from fitgap.errors import InvalidInputError
from fitgap.importers.spec_file import read_spec_file

ROWS = [
    "■機能要件一覧",
    "機能ID,機能名称,機能要件,実装区分,備考",
    '10001,住民票の写し,"住民票の写しを\n出力できること。",実装すべき機能,',
    "００１０００２,除票,除票を管理できること。,実装してもしなくても良い機能,",
    "0010003,手書き,手書きで管理すること。,実装しない機能,",
]
EXPECTED = [
    ("0010001", Kubun.MUST, "住民票の写しを\n出力できること。"),
    ("0010002", Kubun.OPTION, "除票を管理できること。"),
    ("0010003", Kubun.FORBIDDEN, "手書きで管理すること。"),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_in_each_encoding_reads_the_same(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"spec_{encoding}.csv"
    path.write_bytes("\r\n".join(ROWS).encode(encoding))
    result = read_spec_file(path)
    assert result.problems == []
    assert [(r.req_id, r.kubun, r.text) for r in result.requirements] == EXPECTED
    assert result.requirements[0].source_row == 3
    assert result.requirements[0].source_sheet == path.stem


def test_tab_separated_text(tmp_path: Path) -> None:
    path = tmp_path / "spec.tsv"
    path.write_text("機能ID\t機能要件\t実装区分\n0010001\t管理できること。\t必須\n", encoding="utf-8")
    assert [r.req_id for r in read_spec_file(path).requirements] == ["0010001"]


def test_utf16_csv_is_refused_with_how_to_save(tmp_path: Path) -> None:
    path = tmp_path / "spec.csv"
    path.write_bytes("\n".join(ROWS).encode("utf-16"))
    with pytest.raises(InvalidInputError) as exc:
        read_spec_file(path)
    assert "CSV UTF-8" in (exc.value.hint or "")


def test_long_lists_report_progress(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    lines = ["機能ID,機能要件,実装区分"] + [f"{10000 + i},要件{i}。,必須" for i in range(1, 2501)]
    path.write_text("\n".join(lines), encoding="utf-8")
    seen: list[int] = []
    result = read_spec_file(path, progress=seen.append)
    assert len(result.requirements) == 2500
    assert seen == [1000, 2000]
