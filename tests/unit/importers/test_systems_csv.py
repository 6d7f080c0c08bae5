"""Reading systems and links from CSV: cell formats users and Excel produce, and per-row problems."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fitgap.domain.enums import DeadlineKind, LinkMethod, MilestoneKind, SystemKind
from fitgap.importers.systems_csv import (
    parse_date,
    parse_flag,
    parse_operation_codes,
    read_links_csv,
    read_systems_csv,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("2026/1/5", date(2026, 1, 5)),
        ("２０２６／０１／０５", date(2026, 1, 5)),
        ("2026年1月5日", date(2026, 1, 5)),
        ("2026-01-05 (R7年度)", date(2026, 1, 5)),
        ("2026/01/05 0:00:00", date(2026, 1, 5)),
        ("20260105", date(2026, 1, 5)),
        ("R8.1.5", date(2026, 1, 5)),
        ("令和8年1月5日", date(2026, 1, 5)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("46447", date(2027, 3, 1)),  # Excel's day number, as a date reads in a text cell
        ("46023", date(2026, 1, 1)),
        ("", None),
        ("  ", None),
    ],
)
def test_dates(text, expected) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["来年度", "2026-02-30", "5/1/2026", "R8.13.1", "12345", "73416"])
def test_not_dates(text) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_flags_and_codes() -> None:
    assert [parse_flag(t) for t in ("あり", "○", "要確認", "TRUE", "なし", "", "×")] == [True] * 4 + [
        False
    ] * 3
    with pytest.raises(ValueError):
        parse_flag("たぶん")
    assert parse_operation_codes("1, 004、17") == ("001", "004", "017")
    with pytest.raises(ValueError):
        parse_operation_codes("住記")


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_systems_rows_with_milestone_columns(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "システム名,ベンダ,区分,業務コード,移行予定日,移行実施日,期限区分,期限,備考,契約(予定),契約(実績)\n"
        "住民記録システム,A社,標準,1,2026/1/5,,FY2025末,,パッケージ（住記・税）,2025-06-01,\n"
        "独自施策,,関連システム,,,,個別設定,2026-09-30,,,\n",
    )
    result = read_systems_csv(path)
    assert result.ok
    juki, own = result.records
    assert (juki.kind, juki.operations, juki.planned_cutover, juki.note) == (
        SystemKind.STANDARD,
        ("001",),
        date(2026, 1, 5),
        "パッケージ（住記・税）",
    )
    assert juki.milestones is not None
    assert [(m.kind, m.planned) for m in juki.milestones] == [(MilestoneKind.CONTRACT, date(2025, 6, 1))]
    assert (own.kind, own.deadline_kind, own.deadline) == (
        SystemKind.RELATED,
        DeadlineKind.CUSTOM,
        date(2026, 9, 30),
    )


def test_every_bad_cell_of_every_row_is_reported(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "システム名,ベンダ,区分,業務コード,移行予定日,移行実施日,期限区分,期限,備考\n"
        "A,,宇宙,1,来年,,FY2025末,,\n"
        ",,,,,,,,\n"  # blank rows are skipped
        ",,標準化対象,,,,,,\n"
        "A,,標準化対象,,,,,,\n",
    )
    result = read_systems_csv(path)
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "区分"),
        (2, "移行予定日"),
        (4, "システム名"),
        (5, "システム名"),
    ]
    assert "宇宙" in str(result.problems[0]) and "2行目" in str(result.problems[0])


def test_links_in_shift_jis_with_self_link_and_duplicate(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "提供元,利用側,データ,方式,暫定連携\n"
        "住民記録,国保,宛名,API,あり\n"
        "住民記録,住民記録,宛名,API,なし\n"
        "住民記録,国保,世帯,ファイル,なし\n",
        encoding="cp932",
    )
    result = read_links_csv(path)
    assert [(r.provider, r.consumer, r.method, r.interim_interface) for r in result.records] == [
        ("住民記録", "国保", LinkMethod.API, True)
    ]
    assert [p.row for p in result.problems] == [3, 4]


def test_missing_columns_and_missing_file(tmp_path: Path) -> None:
    result = read_links_csv(_csv(tmp_path, "提供元,利用側\nA,B\n"))
    assert len(result.problems) == 1 and "データ、方式、暫定連携" in result.problems[0].message
    assert not read_links_csv(tmp_path / "none.csv").ok
