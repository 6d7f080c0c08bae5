"""No traceback anywhere a user can reach: every top-level command, run with a broken FITGAP_* setting or
a PostgreSQL server that cannot be reached, ends with エラー / 対処 and a non-zero status, and never shows
the password of the URL; Ctrl+C ends a command with 中断しました and status 130."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fitgap.cli.main import build_parser, main

DOWN = "postgresql://u:secret@127.0.0.1:1/x"  # nothing listens on port 1

BROKEN = [
    ("FITGAP_TODAY", "2026-02-30", "FITGAP_TODAY"),
    ("FITGAP_TODAY", "tomorrow", "FITGAP_TODAY"),
    ("FITGAP_MAX_WORKBOOK_MB", "abc", "FITGAP_MAX_WORKBOOK_MB"),
    ("FITGAP_MAX_WORKBOOK_MB", "-5", "FITGAP_MAX_WORKBOOK_MB"),
    ("FITGAP_FAULT_PAUSE_BEFORE_COMMIT", "soon", "FITGAP_FAULT_PAUSE_BEFORE_COMMIT"),
    ("FITGAP_DATABASE_URL", "garbage", "FITGAP_DATABASE_URL"),
    ("FITGAP_DATABASE_URL", "nosuchdb://u:secret@h/x", "nosuchdb://u:***@h/x"),
    ("FITGAP_DATABASE_URL", DOWN, "postgresql://u:***@127.0.0.1:1/x"),
    ("FITGAP_EXPORTS", "{file}", "FITGAP_EXPORTS"),
]


def _value(action: argparse.Action, tmp: Path) -> list[str]:
    """Some value argparse accepts for ``action``."""
    if action.choices:
        first = [str(next(iter(action.choices)))]
    elif action.type is int:
        first = ["1"]
    elif getattr(action.type, "__name__", "") == "date_value":
        first = ["2026-01-01"]
    elif isinstance(action.metavar, str) and ":" in action.metavar:  # OP:CODE, OPERATION:KIND:ID
        first = [action.metavar.replace("OPERATION", "001").replace("OP", "001").replace("CODE", "0010001")
                 .replace("KIND", "機能").replace("ID", "0010001")]
    else:
        first = [str(tmp / "x.xlsx")]
    n = action.nargs if isinstance(action.nargs, int) else 1
    return first * n


def _argv(parser: argparse.ArgumentParser, words: list[str], tmp: Path) -> list[str]:
    """``words`` and what the parser needs to accept them: the first subcommand, every required argument."""
    argv = list(words)
    parser = getattr(parser, "lists", parser)  # `data import` / `custom import`: the list's own parser
    sub = None
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            sub = action
        elif action.option_strings and action.required:
            argv += [action.option_strings[0], *_value(action, tmp)]
        elif not action.option_strings and action.nargs != 0:
            argv += _value(action, tmp)
    if sub is not None:  # a command group: its first command
        name, child = next(iter(sub.choices.items()))
        return _argv(child, [*argv, name], tmp)
    return argv


def _commands(tmp: Path) -> list[list[str]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    runs = []
    for name, child in sub.choices.items():
        if name == "tui" or name == "restore":
            continue  # below, with the arguments they need
        runs.append(_argv(child, [name], tmp))
    return [*runs, ["tui"], ["restore", str(tmp / "x.db")]]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(("name", "value", "named"), BROKEN, ids=[f"{n}={v}" for n, v, _ in BROKEN])
def test_every_command_with_a_broken_setting_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str],
                                                              name: str, value: str, named: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv(name, value.format(file=tmp_path / "a-file"))
    (tmp_path / "x.db").write_bytes(b"")
    commands = _commands(tmp_path)
    assert len(commands) > 25
    for argv in commands:
        code, said = _run(argv, capsys)
        assert code != 0, (argv, said)
        assert "Traceback" not in said and "secret" not in said, (argv, said)
        assert "エラー: " in said and "対処: " in said, (argv, said)
        if name != "FITGAP_DATABASE_URL" or value == "garbage":  # checked before any command starts
            assert code == 1 and named in said, (argv, said)
        elif "URL" in said or "サーバ" in said:  # (a missing input file may be said first)
            assert named in said, (argv, said)


def test_the_workbench_and_the_report_name_a_server_that_cannot_be_reached(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for argv in (["--db", DOWN], ["--db", DOWN, "report", "readiness"], ["--db", DOWN, "init"],
                 ["--db", DOWN, "backup"], ["--db", DOWN, "check"]):
        code, said = _run(argv, capsys)
        assert code == 1 and "Traceback" not in said and "secret" not in said, (argv, said)
        assert "データベースサーバ postgresql://u:***@127.0.0.1:1/x に接続できません" in said, (argv, said)
        assert "接続を拒否されました" in said and "対処: サーバが起動しているか" in said


def test_sqlalchemy_cleanup_errors_are_not_printed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """What SQLAlchemy logs while it cleans up after an interrupt ("Error closing cursor" and its
    traceback) goes nowhere once a command has run."""
    _run(["--db", str(tmp_path / "none.db"), "status"], capsys)
    try:
        raise RuntimeError("cursor")
    except RuntimeError:
        logging.getLogger("sqlalchemy.pool.impl.QueuePool").error("Error closing cursor", exc_info=True)
    assert "Error closing cursor" not in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_during_a_command_ends_it_quietly(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    env = {**os.environ, "FITGAP_FAULT_PAUSE_BEFORE_COMMIT": "30"}
    assert subprocess.run([sys.executable, "-m", "fitgap", "--db", str(db), "init"], capture_output=True,
                          env={**os.environ}).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "fitgap", "--db", str(db), "systems", "add", "中断テスト"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    line = proc.stderr.readline()  # "holding the commit": inside the write transaction
    assert "holding the commit" in line
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "中断しました" in err and "Traceback" not in out + err and "Error closing" not in err
