"""fitgap group compare: the bodies side by side, the disagreements, the versions not compared, the figures,
and the refusals (エラー / 対処, non-zero exit) of a group file or a database that cannot be used."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.group_bodies import OP, SPLIT, Built, build_bodies

Cli = Callable[..., CliResult]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_bodies(tmp_path_factory.mktemp("group_cli"))


def test_issues_only_lists_each_disagreement_with_every_body(cli: Cli, built: Built) -> None:
    r = cli("group", "compare", str(built.group), "--operation", OP, "--issues-only")
    assert r.code == 0, r.err
    assert "3 団体（A町、B村、C町）" in r.out and "読み取り専用" in r.out
    assert r.out.count("［不一致") == 3 and "［一致］" not in r.out
    assert f"［不一致: 状態］ {OP} {built.status.kind.value} {built.status.req_id} デモ版 必須" in r.out
    assert f"［不一致: 標準オプション］ {OP} 機能 {built.option.req_id}" in r.out
    assert f"標準オプションで対応（{built.options[1]}）  メモ: body1 の判断" in r.out
    assert "B村  ギャップ  業務見直し  メモ: body1 の判断" in r.out
    assert "不一致 3 件の内訳（重複あり）: 状態 1 件、対応方針 1 件、標準オプション 1 件" in r.out
    lines = r.out.splitlines()
    total = next(line for line in lines if line.startswith("グループ計"))
    assert total.split()[-1] == "3"


def test_every_item_and_the_versions_not_compared(cli: Cli, built: Built) -> None:
    r = cli("group", "compare", str(built.group))
    assert r.code == 0, r.err
    assert "仕様書の版が団体によって異なる業務があります" in r.out
    assert "C町（デモ版）は同じ版の団体がないため、この業務は比較していません。" in r.out
    assert "第2.0版 の A町・B村 どうしだけを比較します。" in r.out
    assert f"［一致］ {SPLIT} " in r.out and f"{SPLIT} 機能" in r.out
    split_items = [line for line in r.out.splitlines() if line.startswith(("［一致］ 001", "［不一致: 状態］ 001"))]
    assert split_items and all("第2.0版" in line for line in split_items)
    assert "同じ版の団体がなく比較していない要件:" in r.out


def _group(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "g.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_refusals_say_what_to_do(cli: Cli, built: Built, tmp_path: Path) -> None:
    r = cli("group", "compare", str(tmp_path / "none.toml"))
    assert r.code != 0 and "エラー: グループファイル" in r.err and "対処:" in r.err and not r.out
    r = cli("group", "compare", str(_group(tmp_path, "[[body]\n")))
    assert r.code != 0 and "TOML として読めません" in r.err and "対処:" in r.err
    shutil.copy(built.folder / "body0.db", tmp_path / "a.db")
    shutil.copy(Path(__file__).parents[2] / "data" / "upgrade" / "schema3.db", tmp_path / "old.db")
    g = _group(tmp_path, '[[body]]\nname = "A町"\ndb = "a.db"\n\n[[body]]\nname = "B村"\ndb = "old.db"\n')
    r = cli("group", "compare", str(g))
    assert r.code != 0 and "B村 のデータベース old.db は古い版" in r.err and "対処: B村 の担当者が" in r.err
    g = _group(tmp_path, '[[body]]\nname = "A町"\ndb = "a.db"\n\n[[body]]\nname = "B村"\ndb = "nosuch://server/b"\n')
    r = cli("group", "compare", str(g))
    assert r.code != 0 and "B村 のデータベース URL nosuch://server/b を使えません" in r.err and "対処:" in r.err


def test_group_without_a_subcommand_shows_its_help(cli: Cli) -> None:
    r = cli("group")
    assert r.code == 2 and "compare" in r.out


def test_export_fill_preview_and_apply(cli: Cli, built: Built, tmp_path: Path) -> None:
    import openpyxl

    from fitgap.domain.answer_sheet import FIRST_DATA_ROW, KEY_HEADER
    from tests.answer_books import header_map

    folder = tmp_path / "g"
    shutil.copytree(built.folder, folder)
    group = folder / built.group.name
    book = tmp_path / "group.xlsx"
    r = cli("group", "export", str(group), "--operation", OP, "-o", str(book))
    assert r.code == 0, r.err
    assert "3 団体（A町、B村、C町）" in r.out and "うち不一致 3 件" in r.out and "fitgap" in r.out
    again = cli("group", "export", str(group), "--operation", OP, "-o", str(book))
    assert again.code != 0 and "--force" in again.err
    assert cli("group", "export", str(group), "--operation", OP, "-o", str(book), "--force").code == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["グループ"]
    cols = header_map(ws)
    row = next(r for r in range(FIRST_DATA_ROW, ws.max_row + 1)
               if str(ws.cell(row=r, column=cols[KEY_HEADER]).value).split("|")[2] == built.status.req_id)
    ws.cell(row=row, column=cols["状況"]).value = "適合"
    ws.cell(row=row, column=cols["メモ"]).value = "現行の統計帳票で出力できる"
    wb.save(book)
    preview = cli("group", "apply", str(group), str(book), "--dry-run")
    assert preview.code == 0, preview.err
    assert "試行（反映していません）" in preview.out and "■ B村" in preview.out
    assert f"反映する: {OP} {built.status.label}" in preview.out and "--dry-run を外すと反映します" in preview.out
    done = cli("group", "apply", str(group), str(book), "--body", "B村")
    assert done.code == 0, done.err
    assert "■ B村" in done.out and "■ A町" not in done.out and f"反映した: {OP} {built.status.label}" in done.out
