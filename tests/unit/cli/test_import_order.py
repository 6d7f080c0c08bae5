"""One order for every import: check the file, apply what is valid in one transaction, then write the problem
list — a list that cannot be written is a warning with every problem row printed, never an exit 1 over saved
data; and one exit rule: 0 when something was applied (even partly), non-zero with the database unchanged when
the file's rows were all refused."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fitgap.reports import output_file
from tests.conftest import dump_database
from tests.returned_files import prepare

IMPORTS = ["vendor", "review", "changes", "spec"]
BAD_ROW = {"vendor": "概算費用「たくさん」は数値ではありません", "review": "「OK」は選択肢にありません",
           "changes": "追加された行", "spec": "たぶん"}
ALL_BAD = {**BAD_ROW, "changes": "概算費用「たくさん」"}


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_problem_list_that_cannot_be_written_is_a_warning_after_the_import_is_saved(
        cli: Callable[..., Any], tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    imp = prepare(cli, tmp_path)[kind]
    before = dump_database(db_path)

    def read_only_folder(*_a: Any, **_k: Any) -> Any:  # the exports folder (or the spec list's) is read-only
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(output_file.tempfile, "mkstemp", read_only_folder)
    r = cli(*imp.args)
    assert r.code == 0, r.err
    assert "Traceback" not in r.out + r.err and "エラー" not in r.err
    assert "警告: 問題一覧のファイルを書き出せませんでした" in r.out and "書き込む権限がありません" in r.out
    assert "取り込んだ内容は保存しました" in r.out and BAD_ROW[kind] in r.out
    assert dump_database(db_path) != before  # saved, as it says


@pytest.mark.parametrize("kind", ["vendor", "review", "changes"])
def test_an_unwritable_problems_path_is_a_warning_too(cli: Callable[..., Any], tmp_path: Path, db_path: Path,
                                                      kind: str) -> None:
    imp = prepare(cli, tmp_path)[kind]
    before = dump_database(db_path)
    # a folder that is missing, or a file where the folder should be, is refused before anything is read
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    for folder in (blocker, tmp_path / "missing"):
        r = cli(*imp.args, "--problems", str(folder / "problems.xlsx"))
        assert r.code == 2 and f"{folder}" in r.err and "対処:" in r.err and dump_database(db_path) == before
    # found only when the file is written (a folder in the file's place): a warning after the import
    taken = tmp_path / "problems.xlsx"
    taken.mkdir()
    r = cli(*imp.args, "--problems", str(taken))
    assert r.code == 0, r.err
    assert "警告: 問題一覧のファイルを書き出せませんでした" in r.out and BAD_ROW[kind] in r.out
    assert "Traceback" not in r.out + r.err and dump_database(db_path) != before
    # a retry: nothing new to apply and the bad row still refused — refused, the database as it was
    again = dump_database(db_path)
    r = cli(*imp.args, "--problems", str(tmp_path / "p.csv"))
    assert r.code == 1 and "取り込める" in r.err and "何も保存していません" in r.err and "対処:" in r.err
    assert (tmp_path / "p.csv").exists() and dump_database(db_path) == again


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_file_whose_rows_are_all_refused_fails_with_the_database_unchanged(
        cli: Callable[..., Any], tmp_path: Path, db_path: Path, kind: str) -> None:
    imp = prepare(cli, tmp_path, all_bad=True)[kind]
    before = dump_database(db_path)
    dry = cli(*imp.args, "--dry-run")
    assert dry.code == 1 and "エラー:" in dry.err and "対処:" in dry.err
    r = cli(*imp.args)
    assert r.code == 1 and "エラー:" in r.err and "対処:" in r.err and ALL_BAD[kind] in r.out + r.err
    assert "Traceback" not in r.out + r.err
    assert dump_database(db_path) == before
