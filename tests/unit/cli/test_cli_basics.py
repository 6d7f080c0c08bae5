"""What a user sees from the foundation commands: init, status, demo, --help, --version, errors."""

import pytest

from fitgap import __version__
from fitgap.cli.main import build_parser
from tests.conftest import file_digest


def test_version(cli):
    r = cli("--version")
    assert r.code == 0 and __version__ in r.out


def test_every_command_has_help(cli):
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"init", "status", "demo", "tui"} <= set(commands)
    for name in commands:
        r = cli(name, "--help")
        assert r.code == 0 and "--db" in r.out, name


def test_init_then_status_shows_every_operation_with_deadline(cli):
    r = cli("init", "--municipality", "札幌市")
    assert r.code == 0
    assert "北海道 札幌市" in r.out and "住民基本台帳 第1.0版（197件）" in r.out
    s = cli("status")
    assert s.code == 0
    assert "団体: 北海道 札幌市" in s.out
    for name in ("児童手当", "住民基本台帳", "国民年金"):
        assert name in s.out
    line = next(x for x in s.out.splitlines() if "住民基本台帳" in x)
    assert "197" in line and "2031-03-31" in line  # 札幌市's 住記 is a 特定移行支援システム
    line = next(x for x in s.out.splitlines() if " 戸籍  " in x or x.split()[1:2] == ["戸籍"])
    assert "2026-03-31" in line and "期限超過 237日" in line
    assert " import-spec FILE" in s.out and "--db" in s.out  # how to fill the operations without a list (this db)


def test_second_init_says_nothing_changed(cli):
    cli("init")
    r = cli("init")
    assert r.code == 0 and "変更はありません" in r.out


def test_ambiguous_municipality_fails_with_choices(cli, db_path):
    r = cli("init", "--municipality", "府中市")
    assert r.code != 0
    assert "東京都 府中市" in r.err and "広島県 府中市" in r.err and "対処:" in r.err
    assert not db_path.exists() or "fitgap_meta" not in db_path.read_bytes().decode("latin-1")


def test_status_without_database_tells_how_to_create_it(cli, db_path):
    r = cli("status")
    assert r.code != 0 and "fitgap init" in r.err
    assert not db_path.exists()


def test_status_on_a_file_that_is_not_a_database(cli, tmp_path):
    bogus = tmp_path / "report.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not really a database" * 10)
    before = file_digest(bogus)
    r = cli("status", db=bogus)
    assert r.code != 0 and "fitgap のデータベースではありません" in r.err
    assert file_digest(bogus) == before


def test_demo_marks_its_data(cli):
    r = cli("demo", "--requirements", "200", "--seed", "1")
    assert r.code == 0 and "要件 200 件" in r.out
    s = cli("status")
    assert "デモデータ" in s.out and "[デモ]" in s.out


@pytest.mark.parametrize("n", ["-5", "300000"])
def test_demo_rejects_impossible_sizes(cli, n):
    r = cli("demo", "--requirements", n)
    assert r.code != 0 and "エラー:" in r.err
