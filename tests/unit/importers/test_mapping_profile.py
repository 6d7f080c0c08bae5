"""Layouts the synonyms miss are read with a TOML mapping profile."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from fitgap.domain.enums import Kubun
from fitgap.errors import InvalidInputError
from fitgap.importers.mapping_profile import load_profile
from fitgap.importers.spec_file import NoRequirementsFoundError, read_spec_file

REPO = Path(__file__).resolve().parents[3]
PROFILES = REPO / "standard_specs" / "profiles"


def _custom_book(path: Path) -> Path:
    wb = Workbook()
    wb.active.title = "表紙"
    ws = wb.create_sheet("要件一覧（令和8年）")
    ws.append(["○○システム 要件一覧"])
    ws.append([])
    ws.append(["要求番号", "名前", "区分1", "区分2", "要求内容", "対応要否"])
    ws.append(["0190001", "健診結果の登録", "健診", "結果", "健診結果を登録できること。", "必須"])
    ws.append(["0190002", "受診勧奨", "健診", "勧奨", "受診勧奨通知を出力できること。", "任意"])
    wb.save(path)
    return path


def test_shipped_example_profile_reads_a_custom_layout(tmp_path: Path) -> None:
    path = _custom_book(tmp_path / "kenko.xlsx")
    with pytest.raises(NoRequirementsFoundError):
        read_spec_file(path)  # the synonyms alone do not find it
    result = read_spec_file(path, profile=load_profile(PROFILES / "example_custom_headers.toml"))
    assert result.problems == []
    assert [(r.req_id, r.name, r.category, r.kubun) for r in result.requirements] == [
        ("0190001", "健診結果の登録", "健診 > 結果", Kubun.MUST),
        ("0190002", "受診勧奨", "健診 > 勧奨", Kubun.OPTION),
    ]
    assert [s.name for s in result.skipped_sheets] == ["表紙"]


def test_shipped_profile_reads_the_shared_juminkiroku_csv_layout(tmp_path: Path) -> None:
    path = tmp_path / "juminkiroku_v1.0_ch3.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["section_no", "section_title", "chapter_path", "source_file", "kubun_original",
                    "kubun_mapped", "requirement_text"])
        w.writerow(["1.1.2", "外国人住民", "1 管理項目", "doc/a.txt", "実装すべき機能", "実装必須機能（相当）", "管理すること。"])
        w.writerow(["1.1.2", "外国人住民", "1 管理項目", "doc/a.txt", "実装しない機能", "実装不可機能（相当）", "しないこと。"])
    result = read_spec_file(path, profile=load_profile(PROFILES / "juminkiroku_v1.0_ch3.toml"))
    assert result.problems == []
    assert [(r.req_id, r.kubun) for r in result.requirements] == [("1.1.2-必須", Kubun.MUST), ("1.1.2-不可", Kubun.FORBIDDEN)]


def test_every_shipped_profile_loads() -> None:
    profiles = sorted(PROFILES.glob("*.toml"))
    assert profiles
    for path in profiles:
        assert load_profile(path).sheets


def test_column_letters_and_default_class(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "帳票"
    ws.append(["番号", "帳票の名前"])
    ws.append(["0010501", "住民票の写し"])
    wb.save(tmp_path / "f.xlsx")
    profile = tmp_path / "p.toml"
    profile.write_text('[[sheets]]\nsheet = "帳票"\nheader_row = 1\nkubun_default = "実装必須機能"\n'
                       '[sheets.columns]\nreq_id = "A"\nname = "B"\n', encoding="utf-8")
    result = read_spec_file(tmp_path / "f.xlsx", profile=load_profile(profile))
    assert [(r.req_id, r.name, r.kubun, r.kind.value) for r in result.requirements] == [
        ("0010501", "住民票の写し", Kubun.MUST, "帳票")
    ]


def test_profile_column_missing_from_sheet_is_a_problem_listing_headers(tmp_path: Path) -> None:
    path = _custom_book(tmp_path / "kenko.xlsx")
    profile = tmp_path / "p.toml"
    profile.write_text('[[sheets]]\nsheet = "要件一覧*"\nheader_row = 3\n[sheets.columns]\n'
                       'req_id = "要求番号"\ntext = "要求の内容"\nkubun = "対応要否"\n', encoding="utf-8")
    [p] = read_spec_file(path, profile=load_profile(profile)).problems
    assert "要求の内容" in p.message and "要求内容" in p.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("title = ", "TOML"),
        ('title = "x"\n', "[[sheets]]"),
        ('[[sheets]]\nsheet = "a"\n[sheets.columns]\ntext = "x"\n', "req_id"),
        ('[[sheets]]\n[sheets.columns]\nreq_id = "A"\ntext = "B"\nfoo = "C"\n', "foo"),
        ('[[sheets]]\nkind = "画面"\n[sheets.columns]\nreq_id = "A"\ntext = "B"\n', "kind"),
    ],
)
def test_bad_profiles_say_what_is_wrong(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInputError) as exc:
        load_profile(path)
    assert fragment in exc.value.message
