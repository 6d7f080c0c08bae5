"""fitgap data profile: the table, what is stored said in words, and bad input refused with the database unchanged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, dump_database
from tests.data_books import sample_book, write_book

Cli = Callable[..., CliResult]


@pytest.fixture
def listed(cli: Cli, tmp_path: Path) -> Cli:
    assert cli("init").code == 0
    assert cli("data", "import", str(write_book(sample_book(), tmp_path / "book.xlsx"))).code == 0
    return cli


def _extract(path: Path) -> Path:
    text = ("00200001,氏名,登録年月日,登録状態,BIKO\r\n"
            "000000000000001,鰐淵　寅之助,2024-02-29,1,memo\r\n"
            ",髙橋 籾子,2023-02-29,7,\r\n")
    path.write_bytes(text.encode("cp932").replace("籾".encode("cp932"), b"\xf0\x40"))
    return path


def test_profile_prints_counts_per_item_and_says_what_was_stored(listed: Cli, tmp_path: Path) -> None:
    r = listed("data", "profile", str(_extract(tmp_path / "extract.csv")), "--operation", "002")
    assert r.code == 0, r.err
    assert "extract.csv（CP932（Shift_JIS））: 2 行、4 項目をプロファイルしました" in r.out
    assert "データ出力条件が必須の 00200001 印鑑登録番号 に空の値が 1 行あります" in r.out
    assert "00200005 登録状態: 標準のコード一覧にない値が 1 行あります" in r.out
    assert "00200003 氏名: 髙(U+9AD9)×1、\ue000(U+E000)×1" in r.out
    assert "5列目「BIKO」: 対応するデータ項目がありません" in r.out
    assert "レコードや値は保存していません" in r.out
    assert "鰐淵" not in r.out and "memo" not in r.out  # no value is shown either
    show = listed("data", "show", "00200003")
    assert "プロファイル（extract.csv の列 氏名）: 2 行" in show.out and "髙(U+9AD9)×1" in show.out
    again = listed("data", "profile", str(tmp_path / "extract.csv"), "--operation", "002")
    assert "前の結果 4 項目を置き換え" in again.out


def test_a_mapping_file_names_the_columns(listed: Cli, tmp_path: Path) -> None:
    extract = tmp_path / "genko.csv"
    extract.write_text("KOJIN_NO\tSHIMEI\n000000000000001\t鰐淵　寅之助\n", encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\nKOJIN_NO = "00200001"\nSHIMEI = "00200003"\n', encoding="utf-8")
    r = listed("data", "profile", str(extract), "--map", str(mapping))
    assert r.code == 0, r.err
    assert "1 行、2 項目をプロファイルしました" in r.out and "対応するデータ項目がない列" not in r.out


@pytest.mark.parametrize(("setup", "words"), [
    (lambda p: None, "見つかりません"),
    (lambda p: p.write_text("A,B\n1,2\n", encoding="utf-8"), "どのデータ項目にも対応しません"),
    (lambda p: p.write_bytes(b"00200003\n\x81\x20\n"), "文字コードを判別できません"),
    (lambda p: p.write_text("SHIMEI\nx\n", encoding="utf-8"), "03199999 は現行の基本データリストにありません"),
], ids=["missing", "no-column", "encoding", "unknown-id"])
def test_bad_input_exits_non_zero_and_changes_nothing(listed: Cli, tmp_path: Path,
                                                      setup: Callable[[Path], object], words: str) -> None:
    extract = tmp_path / "bad.csv"
    setup(extract)
    mapping = tmp_path / "map.csv"
    mapping.write_text("SHIMEI,03199999\n", encoding="utf-8")
    before = dump_database(tmp_path / "fitgap.db")
    args = ["data", "profile", str(extract)] + (["--map", str(mapping)] if "unknown" in words or "03199999" in words else [])
    r = listed(*args)
    assert r.code != 0 and words in r.err
    assert dump_database(tmp_path / "fitgap.db") == before


def test_profile_before_any_list_is_imported(cli: Cli, tmp_path: Path) -> None:
    assert cli("init").code == 0
    extract = tmp_path / "x.csv"
    extract.write_text("00200003\nx\n", encoding="utf-8")
    r = cli("data", "profile", str(extract), "--operation", "002")
    assert r.code != 0 and "基本データリストが取り込まれていません" in r.err
