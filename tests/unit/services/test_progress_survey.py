"""The bundled national progress survey in the database: the figures of real bodies as the CSV has them,
and replacing it with a newer survey in the same layout (what changed is said)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from fitgap.config import bundled_dir
from fitgap.errors import InvalidInputError
from fitgap.services import progress_survey
from fitgap.storage.db import Database
from tests.conftest import CliResult

CSV = bundled_dir("catalog") / "progress_2026-01.csv"
CREDIT = "出典：総務省「地方公共団体情報システムの標準化に係る進捗状況」（令和8年1月）を加工"
BODIES = [("岐阜県", "海津市"), ("奈良県", "田原本町"), ("北海道", "札幌市")]
# the survey's column → the operation code (名称 in the catalog: 住民記録 is 住民基本台帳, 戸籍附票 is 戸籍の附票)
COLUMN_CODES = {"住民記録": "001", "印鑑登録": "002", "戸籍": "003", "戸籍附票": "004", "選挙人名簿管理": "006",
                "個人住民税": "010", "法人住民税": "011", "固定資産税": "012", "軽自動車税": "013", "就学": "017",
                "健康管理": "019", "児童扶養手当": "020", "生活保護": "021", "障害者福祉": "022", "介護保険": "023",
                "国民健康保険": "024", "後期高齢者医療": "025", "国民年金": "026", "児童手当": "027",
                "子ども・子育て支援": "028"}


def csv_rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_steps(prefecture: str, name: str) -> dict[str, int]:
    row = next(r for r in csv_rows() if (r["都道府県"], r["団体名"]) == (prefecture, name))
    return {COLUMN_CODES[c]: round(float(row[c]) * 40) for c in COLUMN_CODES}


@pytest.mark.parametrize(("prefecture", "name"), BODIES)
def test_the_bundled_survey_holds_each_bodys_figures_as_the_csv_has_them(db: Database, prefecture: str,
                                                                        name: str) -> None:
    fig = progress_survey.body_figures(db=db, name=name)
    assert (fig.prefecture, fig.name) == (prefecture, name)
    assert fig.steps == csv_steps(prefecture, name)
    row = next(r for r in csv_rows() if r["団体名"] == name)
    assert sum(fig.steps.values()) / 20 / 40 == pytest.approx(float(row["全体完了率"]), abs=1e-4)
    assert (fig.survey.month, fig.survey.credit, fig.survey.bodies) == ("2026-01", CREDIT, len(csv_rows()))


def _newer(tmp_path: Path, edit: Callable[[list[dict[str, str]]], list[dict[str, str]]],
           name: str = "progress_2026-04.csv") -> Path:
    rows = edit(csv_rows())
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_a_newer_survey_replaces_the_bundled_one_and_says_what_changed(db: Database, tmp_path: Path) -> None:
    def edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for r in rows:
            if r["団体名"] == "海津市":
                r["戸籍"], r["戸籍附票"] = "1.0", "1.0"
            if r["団体名"] == "札幌市":
                r["住民記録"] = "0.6"
        rows = [r for r in rows if r["団体名"] != "田原本町"]
        for r in rows:
            r["全体完了率"] = ""
        return rows

    path = _newer(tmp_path, edit)
    preview = progress_survey.import_survey(db=db, path=path, user="u", dry_run=True)
    assert progress_survey.current(db=db).month == "2026-01"  # type: ignore[union-attr]
    change = progress_survey.import_survey(db=db, path=path, user="u")
    assert (preview.moved_up, preview.moved_down) == (change.moved_up, change.moved_down) == (2, 1)
    assert change.bodies_removed == ["奈良県 田原本町"] and not change.bodies_added
    assert not change.operations_added and not change.operations_removed
    assert change.new.month == "2026-04" and change.new.credit.endswith("（令和8年4月）を加工")
    assert progress_survey.body_figures(db=db, name="海津市").steps["003"] == 40
    assert progress_survey.body_figures(db=db, name="田原本町").steps == {}
    again = progress_survey.import_survey(db=db, path=path, user="u")
    assert again.unchanged


def test_an_older_survey_or_a_file_of_another_layout_changes_nothing(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="古い"):
        progress_survey.import_survey(db=db, path=_newer(tmp_path, lambda r: r, "progress_2025-10.csv"), user="u")
    other = tmp_path / "x_2026-05.csv"
    other.write_text("団体コード,名前\n011002,札幌市\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="形式"):
        progress_survey.import_survey(db=db, path=other, user="u")
    assert progress_survey.current(db=db).month == "2026-01"  # type: ignore[union-attr]


def test_a_share_off_the_forty_steps_is_left_out_and_named(db: Database, tmp_path: Path) -> None:
    def edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows[0]["住民記録"] = "0.66"
        rows[0]["全体完了率"] = ""
        return rows

    change = progress_survey.import_survey(db=db, path=_newer(tmp_path, edit), user="u")
    assert any("住民記録" in p and "1/40" in p for p in change.skipped)
    assert change.figures == len(csv_rows()) * 20 - 1


def test_the_cli_shows_the_survey_with_its_date_and_credit(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    assert cli("init", "--municipality", "田原本町").code == 0
    r = cli("survey", "show")
    assert r.code == 0 and "2026-01" in r.out and "奈良県 田原本町" in r.out and CREDIT in r.out
    steps = csv_steps("奈良県", "田原本町")
    assert f"{steps['001']}/40" in r.out
    r = cli("survey", "import", str(_newer(tmp_path, lambda rows: rows)))
    assert r.code == 0 and "2026-04" in r.out and "数値が動いたもの: 0件" in r.out
