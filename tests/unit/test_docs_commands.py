"""Every `fitgap …` command shown in README.md and docs/*.md exists: parsed against the real CLI parser.

A command is taken from the code blocks (each line, and each part of a line joined by `|`, `&&` or `;`)
and from inline code (`fitgap …`). A concrete example (no `[ ]`, `a|b`, `…` or PLACEHOLDER) is parsed
whole with the parser `fitgap` itself builds (sub-commands, options, choices, required arguments); a
synopsis is walked instead: each sub-command and each option must exist where it is written, and a value
given as alternatives (`--format xlsx|html|both`) must be among the option's choices.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fitgap.cli.main import build_parser

ROOT = Path(__file__).parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_STARTS = re.compile(r"^(?:\$\s+)?(?:[A-Z][A-Z0-9_]*=\S*\s+)*(?:\S*/)?(?P<cmd>fitgap(?:\s.*)?)$")
_PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_]*(?:\.[a-z]+)?$")  # FILE, CODE, PATH.xlsx …
_ELLIPSIS = ("…", "...")


@dataclass(frozen=True)
class Shown:
    where: str  # file:line
    text: str  # the command as the page shows it, from `fitgap` on
    example: bool = True  # in a code block: a command to type; in inline code, a reference to one


def _command_in(segment: str) -> str | None:
    """The `fitgap …` command a piece of shell starts with, from `fitgap` on (env settings and a venv path
    before it are dropped)."""
    segment = segment.strip()
    m = _STARTS.match(segment)
    return m.group("cmd").strip() if m else None


def _split_shell(line: str) -> list[str]:
    """A code line cut at its comment and at `&&`, `;` and a pipe outside brackets (`a | b`, spaced)."""
    line = re.sub(r"(^|\s)#.*$", "", line)
    parts, depth, cur = [], 0, ""
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        if depth == 0 and (line.startswith(" | ", i) or line.startswith("&&", i) or ch == ";"):
            parts.append(cur)
            cur = ""
            i += 3 if line.startswith(" | ", i) else 2 if line.startswith("&&", i) else 1
            continue
        cur += ch
        i += 1
    parts.append(cur)
    return parts


def shown_commands() -> list[Shown]:
    found: list[Shown] = []
    for path in DOCS:
        in_code, lang = False, ""
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.relative_to(ROOT)}:{n}"
            fence = _FENCE.match(line)
            if fence:
                in_code = not in_code
                lang = line.strip().strip("`~").strip() if in_code else ""
                continue
            if in_code:
                if lang in ("sh", "bash", "shell", "console", ""):
                    for part in _split_shell(line):
                        cmd = _command_in(part)
                        if cmd:
                            found.append(Shown(where, cmd))
                continue
            for span in _INLINE.findall(line):
                cmd = _command_in(span.replace("\\|", "|"))
                if cmd:
                    for part in _split_shell(cmd):
                        sub = _command_in(part)
                        if sub:
                            found.append(Shown(where, sub, example=False))
    return found


def _tokens(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote in a synopsis: words are enough there
        return text.split()


@functools.cache
def _parser() -> argparse.ArgumentParser:
    return build_parser()


def _is_synopsis(tokens: list[str]) -> bool:
    return any(("[" in t or "]" in t or "|" in t or any(e in t for e in _ELLIPSIS) or _PLACEHOLDER.match(t))
               for t in tokens)


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _option(parser: argparse.ArgumentParser, name: str) -> argparse.Action | None:
    parser = getattr(parser, "lists", parser)  # a parser by kind takes its options as the list's parser
    return parser._option_string_actions.get(name)


def _walk(tokens: list[str]) -> list[str]:
    """The problems of a synopsis: sub-commands and options that do not exist, values outside choices."""
    words = []
    for t in tokens:
        t = t.replace("[", " ").replace("]", " ")
        for e in _ELLIPSIS:
            t = t.replace(e, " ")
        words += [w for w in t.split() if w != "|"]
    problems: list[str] = []
    parsers = [_parser()]
    path = "fitgap"
    i = 0
    while i < len(words):
        w = words[i]
        i += 1
        if w.startswith("-") and len(w) > 1:
            for alt in w.split("|"):
                if not alt.startswith("-"):
                    continue
                name = alt.split("=", 1)[0]
                actions = [a for p in parsers if (a := _option(p, name)) is not None]
                if not actions:
                    problems.append(f"{path}: no option {name}")
                    continue
                action = actions[0]
                if action.nargs == 0 or "=" in alt or i >= len(words):
                    continue
                value = words[i]
                if value.startswith("-") and not re.match(r"^-\d", value):
                    continue
                if action.nargs in (None, 1, "?"):
                    i += 1
                    if action.choices is not None and not _PLACEHOLDER.match(value):
                        bad = [v for v in value.split("|") if v and v not in action.choices]
                        if bad:
                            problems.append(f"{path} {name}: {', '.join(bad)} not among {sorted(action.choices)}")
            continue
        by_kind = [p for p in parsers if isinstance(getattr(p, "kinds", None), dict)]
        if by_kind:  # `data import` / `custom import`: the first word names the kind (`vendor`), else a list
            alts = [a for a in w.split("|") if a]
            if alts and all(any(a in p.kinds for p in by_kind) for a in alts):  # type: ignore[attr-defined]
                parsers = [p.kinds[a] for a in alts for p in by_kind if a in p.kinds]  # type: ignore[attr-defined]
                path += " " + w
                continue
            parsers = [getattr(p, "lists", p) for p in parsers]
        subs = [s for p in parsers if (s := _subparsers(p)) is not None]
        alts = [a for a in w.split("|") if a]
        if subs and alts and all(any(a in s.choices for s in subs) for a in alts):
            parsers = [s.choices[a] for a in alts for s in subs if a in s.choices]
            path += " " + w
            continue
        if subs and alts and any(a in s.choices for a in alts for s in subs):
            missing = [a for a in alts if not any(a in s.choices for s in subs)]
            problems.append(f"{path}: no sub-command {', '.join(missing)}")
        # anything else is a positional value (a file, a code, a placeholder)
    return problems


def _parse(tokens: list[str]) -> str | None:
    """None when the parser takes the command, else what it said."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            _parser().parse_args(tokens)
        except SystemExit as exc:
            if exc.code not in (0, None):
                return err.getvalue().strip() or f"exit {exc.code}"
    return None


def check(text: str, *, example: bool = True) -> list[str]:
    """What is wrong with a command shown: an example is parsed whole; a synopsis, or a command named in
    the prose (`fitgap import vendor`, without the FILE it needs), is walked."""
    tokens = _tokens(text)[1:]  # after `fitgap`
    if not example or _is_synopsis(tokens):
        return _walk(tokens)
    said = _parse(tokens)
    return [said] if said else []


COMMANDS = shown_commands()


def test_the_pages_show_commands() -> None:
    assert len(COMMANDS) > 100
    pages = {c.where.split(":")[0] for c in COMMANDS}
    assert "README.md" in pages and len(pages) >= 10


@pytest.mark.parametrize("shown", COMMANDS, ids=[c.where for c in COMMANDS])
def test_every_shown_command_exists(shown: Shown) -> None:
    assert check(shown.text, example=shown.example) == [], f"{shown.where}: {shown.text}"


@pytest.mark.parametrize("text", [
    "fitgap stauts",
    "fitgap status --nope",
    "fitgap report readiness --format pdf",
    "fitgap report readiness [--format xlsx|pdf]",
    "fitgap export vendor|revue FILE",
    "fitgap systems list [--bogus]",
    "fitgap data import FILE [--bogus]",
    "fitgap custom import vendor FILE [--nope]",
])
def test_a_command_that_does_not_exist_is_caught(text: str) -> None:
    assert check(text)


def test_an_example_lacking_what_the_command_needs_is_caught() -> None:
    assert check("fitgap import vendor")  # FILE missing: an example must run as typed
    assert check("fitgap import vendor", example=False) == []  # the prose may name the command alone


@pytest.mark.parametrize("line, commands", [
    ("fitgap systems list | head", ["fitgap systems list"]),
    ("FITGAP_TODAY=2026-01-05 fitgap report readiness   # 基準日", ["fitgap report readiness"]),
    (".venv/bin/fitgap init && .venv/bin/fitgap status", ["fitgap init", "fitgap status"]),
    ("fitgap init [--municipality NAME | --code CODE]", ["fitgap init [--municipality NAME | --code CODE]"]),
])
def test_commands_are_cut_from_shell_lines(line: str, commands: list[str]) -> None:
    assert [c for part in _split_shell(line) if (c := _command_in(part))] == commands


# ---- the README's walkthrough, run as written on a fresh database ------------------------------------------

WALKTHROUGH = "## 10分でひと回り"


def walkthrough_commands() -> list[str]:
    """The commands of the README's walkthrough section, in order (code blocks only)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(WALKTHROUGH)
    end = text.find("\n## ", start + len(WALKTHROUGH))
    section = text[start:end if end > 0 else None]
    commands, in_code = [], False
    for line in section.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            commands += [c for part in _split_shell(line) if (c := _command_in(part))]
    return commands


def test_the_walkthrough_runs_as_written(cli: Callable[..., Any], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """init → import an official list → (the workbench is interactive: marked through the review workbook
    the walkthrough also shows) → vendor sheet out and back → readiness report and backup."""
    from fitgap.domain.answer_sheet import H_ANSWER, H_COMMENT, H_PLANNED, H_REVIEW_NOTE, H_REVIEW_STATUS
    from tests.answer_books import data_sheet, edit_book, set_answer
    from tests.spec_books import write_ministry_workbook

    monkeypatch.chdir(tmp_path)
    commands = walkthrough_commands()
    names = [c.split()[1] if len(c.split()) > 1 else "" for c in commands]
    assert names[0] == "init"
    for step in ("init", "import-spec", "", "export", "import", "report", "backup"):
        assert step in names, f"the walkthrough lost its step {step or 'fitgap (the workbench)'}"

    exported_vendor: Path | None = None
    outputs: list[str] = []
    for command in commands:
        args = _tokens(command)[1:]
        if not args:  # `fitgap`: the workbench, interactive — its marks come from the review workbook below
            continue
        if args[0] == "import-spec":
            book = Path(args[1])
            if not book.exists():  # the official list the user downloaded: one in the ministries' layout
                write_ministry_workbook(book, label="第6.0版")
        if args[:2] == ["import", "review"]:
            def mark(wb: Any) -> None:
                ws = data_sheet(wb, "001")
                set_answer(ws, "0010001", **{H_REVIEW_STATUS: "ギャップ", H_REVIEW_NOTE: "現行は世帯票で管理"})
                set_answer(ws, "0010002", **{H_REVIEW_STATUS: "適合"})
            edit_book(Path(args[2]), Path(args[2]), mark)  # filled in in Excel and saved
        if args[:2] == ["import", "vendor"] and not Path(args[2]).exists():
            assert exported_vendor is not None, "the walkthrough imports answers before sending a sheet"

            def answer(wb: Any) -> None:
                set_answer(data_sheet(wb, "001"), "0010001",
                           **{H_ANSWER: "期限後対応", H_PLANNED: "2027/03/31", H_COMMENT: "次期版で対応"})
            edit_book(exported_vendor, Path(args[2]), answer)  # what the vendor sends back
        r = cli(*args)
        assert r.code == 0, f"{command}\n{r.out}\n{r.err}"
        assert "Traceback" not in r.out + r.err
        outputs.append(r.out)
        if args[:2] == ["export", "vendor"]:
            line = next(ln for ln in r.out.splitlines() if "書き出しました" in ln)
            exported_vendor = Path(line.split(": ", 1)[1].strip())
            assert exported_vendor.exists()

    out = "\n".join(outputs)
    assert "札幌市" in out
    assert "試行のため、何も書き込んでいません。" in out  # the dry runs
    assert "2 件の確認結果を取り込みました。" in out
    assert "1 件の回答を取り込みました" in out
    status = cli("status")
    assert status.code == 0
    row = next(ln for ln in status.out.splitlines() if "住民基本台帳" in ln)
    assert "第6.0版" in row
    exports = tmp_path / "exports"
    assert (exports / "readiness_2026-11-23.xlsx").exists() and (exports / "readiness_2026-11-23.html").exists()
    assert list((exports / "backups").glob("*.db"))


# ---- links between the pages ----------------------------------------------------------------------------------

def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a page's headings (lower case, punctuation dropped, spaces as hyphens)."""
    heads = [ln.lstrip("#").strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in heads}


def test_every_link_between_the_pages_leads_somewhere() -> None:
    broken = []
    for page in DOCS:
        for m in re.finditer(r"\]\(([^)\s]*)\)", page.read_text(encoding="utf-8")):
            link = m.group(1)
            if link.startswith(("http:", "https:", "mailto:")):
                continue
            file, _, anchor = link.partition("#")
            target = (page.parent / file) if file else page
            if not target.exists():
                broken.append(f"{page.relative_to(ROOT)}: {link}")
            elif anchor and target.suffix == ".md" and anchor not in _anchors(target):
                broken.append(f"{page.relative_to(ROOT)}: {link} (no such heading)")
    assert broken == []
