"""The command line speaks Japanese to the edges: usage, headings, help wrapped to the terminal, and parse
errors as エラー / 対処 with what a mistyped command or option most likely meant."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fitgap.cli.main import build_parser
from fitgap.domain.text import display_width
from fitgap.domain.wrap import NO_LINE_END, NO_LINE_START, wrap

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:", "invalid choice",
           "invalid int", "required", "unrecognized", "expected one argument", "argument ")


def _parsers(parser: argparse.ArgumentParser, seen: set[int] | None = None) -> Iterator[argparse.ArgumentParser]:
    seen = set() if seen is None else seen
    if id(parser) in seen:
        return
    seen.add(id(parser))
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child, seen)
    for child in getattr(parser, "kinds", {}).values():  # `data import vendor`, `custom import vendor`
        yield from _parsers(child, seen)
    if hasattr(parser, "lists"):
        yield from _parsers(parser.lists, seen)


@pytest.mark.parametrize("columns", [80, 100, 60])
def test_no_help_line_is_wider_than_the_terminal_and_none_is_english(monkeypatch: pytest.MonkeyPatch,
                                                                      columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    pages = [(p.prog, p.format_help()) for p in _parsers(build_parser())]
    assert len(pages) > 60
    wide = [(prog, line) for prog, text in pages for line in text.splitlines() if display_width(line) > columns]
    assert wide == []
    for prog, text in pages:
        assert text.startswith("使い方: "), prog
        assert not any(word in text for word in ("usage:", "options:", "positional arguments", "show this help")), prog
        for line in text.splitlines():
            assert not line.lstrip().startswith(tuple("）」』。、")), (prog, line)


def test_help_headings_in_japanese(cli: Callable[..., Any]) -> None:
    r = cli("report", "readiness", "--help")
    assert r.code == 0
    assert "使い方: fitgap report readiness" in r.out
    assert "オプション:" in r.out and "共通オプション:" in r.out
    assert "このヘルプを表示して終了する" in r.out
    top = cli("--help")
    assert "コマンド:" in top.out and "バージョンを表示して終了する" in top.out


def _refused(r: Any) -> str:
    assert r.code == 2, (r.out, r.err)
    assert "Traceback" not in r.err and not any(word in r.err for word in ENGLISH), r.err
    assert "使い方: fitgap" in r.err and "\nエラー: " in r.err and "\n対処: " in r.err
    return str(r.err)


def test_a_mistyped_command_is_refused_with_what_it_likely_meant(cli: Callable[..., Any]) -> None:
    err = _refused(cli("stauts"))
    assert "コマンド「stauts」はありません" in err and "もしかして「fitgap status」" in err
    err = _refused(cli("report", "readines"))
    assert "種類「readines」" in err and "もしかして「fitgap report readiness」" in err
    err = _refused(cli("systems", "lisst"))
    assert "もしかして「fitgap systems list」" in err
    err = _refused(cli("zzzz"))
    assert "もしかして" not in err and "fitgap --help" in err


def test_a_mistyped_option_or_value_is_refused_in_japanese(cli: Callable[..., Any]) -> None:
    err = _refused(cli("report", "readiness", "--forse"))
    assert "「--forse」は fitgap report readiness の引数ではありません" in err and "もしかして --force" in err
    assert "使い方: fitgap report readiness" in err  # the usage of the command meant, not fitgap's
    err = _refused(cli("report", "readiness", "--format", "htm"))
    assert "--format に「htm」は指定できません" in err and "もしかして html" in err
    err = _refused(cli("bpr", "show", "abc"))
    assert "ID の値「abc」は整数ではありません" in err
    err = _refused(cli("demo", "-n", "x"))
    assert "整数ではありません" in err
    err = _refused(cli("report", "readiness", "-o"))
    assert "-o/--output には値を1つ指定してください" in err


def test_a_date_option_says_what_it_wants_on_one_japanese_line(cli: Callable[..., Any]) -> None:
    err = _refused(cli("data", "export", "vendor", "--vendor", "A社", "--answer-by", "12/25"))
    assert "エラー: --answer-by: 日付「12/25」を読めません。YYYY-MM-DD（例: 2026-12-25）で指定してください。" in err
    assert "2026/12/25" not in err


def test_missing_arguments_and_commands(cli: Callable[..., Any]) -> None:
    err = _refused(cli("systems"))
    assert "サブコマンドを指定してください" in err and "fitgap systems --help" in err
    err = _refused(cli("export", "vendor"))
    assert "--vendor を指定してください" in err
    err = _refused(cli("report", "readiness", "--fo", "x"))
    assert "--fo" in err and "--format" in err and "--force" in err


@pytest.mark.parametrize("width", [10, 20, 33, 40, 79])
def test_wrap_keeps_the_width_and_the_line_breaking_rules(width: int) -> None:
    text = ("端末が小さすぎます（いま 80×24）。作業画面には幅 100、高さ 30 以上が必要です。出力先（ファイル名かフォルダ。"
            "既定: exports/readiness_<基準日>.xlsx、同じ日に2回目なら readiness_<基準日>-2.xlsx …）。「括弧」")
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert display_width(line) <= width
        assert line[:1] not in NO_LINE_START and line[-1:] not in NO_LINE_END, lines
    assert "80×24" in "\n".join(lines)  # a number is never cut
