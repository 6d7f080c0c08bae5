"""The command line's parser in Japanese to the edges: usage, headings, help and parse errors.

Every parser of the CLI is a :class:`FitGapParser` (the subcommands inherit it from the parser that adds
them; the few built apart name it). It speaks as the rest of fitgap does: ``使い方:`` and ``オプション:``, help
wrapped by display width to the terminal (a full-width character takes two cells, 禁則 kept), and a parse
error as ``エラー:`` with ``対処:`` and exit status 2 — a mistyped command or option with its likely
meaning (もしかして …). Only argparse's own wording is replaced here; nothing is patched globally.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NoReturn

from fitgap.domain.text import display_width, escape_controls
from fitgap.domain.wrap import wrap

USAGE_PREFIX = "使い方: "
HELP_HELP = "このヘルプを表示して終了する"
VERSION_HELP = "バージョンを表示して終了する"
PARSE_ERROR_EXIT = 2

# what a positional's metavar is called in a message
_NOUNS = {"COMMAND": "コマンド", "SUBCOMMAND": "サブコマンド", "KIND": "種類"}
_TYPE_NOUNS = {"int": "整数", "float": "数値"}
_MAX_CHOICES_WIDTH = 30  # cells (a third of a narrow terminal); wider choices show as the option's name
_USAGE_PARTS = re.compile(r"\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+")


class FitGapHelpFormatter(argparse.HelpFormatter):
    """Help wrapped to the terminal by display width, with a Japanese usage line."""

    def __init__(self, prog: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(prog, *args, **kwargs)
        self._choices_limit = min(_MAX_CHOICES_WIDTH, self._width // 3)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        """A description or epilog: its own line breaks kept (a command shown on a line of its own)."""
        lines = []
        for part in text.strip("\n").split("\n"):
            lead = indent + " " * (len(part) - len(part.lstrip(" ")))  # a line set in stays set in
            lines += [lead + line for line in wrap(" ".join(part.split()), width - len(lead))]
        return "\n".join(lines)

    def _format_action(self, action: argparse.Action) -> str:
        """argparse's layout of one option and its help, measured in display width (a metavar such as 担当課
        takes two cells a character)."""
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent_first = 0
        if not action.help:
            parts = [f"{' ' * self._current_indent}{header}\n"]
        elif display_width(header) <= action_width:
            parts = [f"{' ' * self._current_indent}{header}{' ' * (action_width - display_width(header))}  "]
        else:
            parts = [f"{' ' * self._current_indent}{header}\n"]
            indent_first = help_position
        if action.help and action.help.strip():
            help_text = self._expand_help(action)
            if help_text:
                lines = self._split_lines(help_text, help_width)
                parts.append(f"{' ' * indent_first}{lines[0]}\n")
                parts.extend(f"{' ' * help_position}{line}\n" for line in lines[1:])
        elif not parts[0].endswith("\n"):
            parts.append("\n")
        for subaction in self._iter_indented_subactions(action):
            parts.append(self._format_action(subaction))
        return self._join_parts(parts)

    def _metavar_formatter(self, action: argparse.Action, default_metavar: str) -> Any:
        """Choices wider than a short list show as the option's name (the help lists them)."""
        if _wide_choices(action, self._choices_limit):
            return lambda size: (default_metavar,) * size
        return super()._metavar_formatter(action, default_metavar)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        if text and _wide_choices(action, self._choices_limit):
            values = [str(c) for c in action.choices or () if str(c)]
            if not all(v in text for v in values):
                text = f"{text}。指定できる値: {'、'.join(values)}"
        return text


    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None) -> str:
        if prefix is not None:  # '' when argparse works out a subcommand's prog: leave that alone
            return super()._format_usage(usage, actions, groups, prefix)
        width, self._width = self._width, 1 << 30
        try:  # argparse lays the parts out on one line; they are wrapped here by display width
            flat = super()._format_usage(usage, actions, groups, "").strip()
        finally:
            self._width = width
        prog = self._prog
        if usage is not None or not flat.startswith(prog):
            return f"{USAGE_PREFIX}{flat}\n\n"
        text_width = self._width - self._current_indent
        indent = display_width(USAGE_PREFIX + prog) + 1
        lines, line = [], USAGE_PREFIX + prog
        if indent > text_width // 2:  # a long prog: the parts go under the prefix
            indent = display_width(USAGE_PREFIX)
            lines, line = [line], ""
        used, fresh = display_width(line), not line
        for part in _USAGE_PARTS.findall(flat[len(prog):]):
            w = display_width(part)
            if fresh:
                line, used, fresh = " " * indent + part, indent + w, False
            elif used + 1 + w > text_width and line.strip() != (USAGE_PREFIX + prog).strip():
                lines.append(line)
                line, used = " " * indent + part, indent + w
            else:
                line, used = f"{line} {part}", used + 1 + w
        lines.append(line)
        return "\n".join(lines) + "\n\n"


def _wide_choices(action: argparse.Action, limit: int) -> bool:
    """Choices too wide to show in the usage line (a list of Japanese words)."""
    return (action.metavar is None and action.choices is not None
            and not isinstance(action, argparse._SubParsersAction)
            and display_width(",".join(map(str, action.choices))) > limit)


class ValueRefused(argparse.ArgumentTypeError):
    """Raised by an option's type: the value cannot be used, what is wrong and what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


class _Refused(argparse.ArgumentError):
    """A parse error already worded: what is wrong and what to do."""

    def __init__(self, action: argparse.Action | None, message: str, hint: str) -> None:
        super().__init__(action, message)
        self.hint = hint


_TRAIL: list[FitGapParser] = []  # the parsers that took part in the current parse, outermost first


class FitGapParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Japanese and words its errors as エラー / 対処 (exit status 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", FitGapHelpFormatter)
        kwargs["exit_on_error"] = False  # errors are worded here (parse_known_args), not by argparse
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置引数"
        self._optionals.title = "オプション"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = HELP_HELP

    def add_subparsers(self, **kwargs: Any) -> argparse._SubParsersAction:
        kwargs.setdefault("title", _NOUNS.get(str(kwargs.get("metavar")), "コマンド"))
        kwargs.setdefault("parser_class", FitGapParser)
        return super().add_subparsers(**kwargs)

    # -- parsing -------------------------------------------------------------------------------------------

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        _TRAIL.clear()
        return super().parse_args(args, namespace)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        _TRAIL.append(self)
        try:
            return super().parse_known_args(args, namespace)
        except argparse.ArgumentError as err:
            message, hint = self._explain(err)
            self._refuse(message, hint)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is None or value in choices:
            return
        names = [str(c) for c in choices]
        close = difflib.get_close_matches(str(value), names, n=1, cutoff=0.6)
        if isinstance(action, argparse._SubParsersAction):
            noun = _NOUNS.get(str(action.metavar), "コマンド")
            message = f"{noun}「{value}」はありません。"
            listing = f"{noun}の一覧は {self.prog} --help で表示できます。"
            hint = f"もしかして「{self.prog} {close[0]}」ですか。{listing}" if close else listing
            raise _Refused(action, message, hint)
        name = _name(action)
        shown = "、".join(names[:20]) + (" …" if len(names) > 20 else "")
        message = f"{name} に「{value}」は指定できません（指定できるのは {shown}）。"
        hint = f"もしかして {close[0]} ですか。" if close else "上のどれかを指定してください。"
        raise _Refused(action, message, hint)

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        try:
            return super()._get_value(action, arg_string)
        except _Refused:
            raise
        except argparse.ArgumentError as err:
            name = _name(action)
            if isinstance(err.__context__, ValueRefused):
                raise _Refused(action, f"{name}: {err.__context__.message}", err.__context__.hint) from None
            type_name = getattr(action.type, "__name__", "")
            if type_name in _TYPE_NOUNS:
                noun = _TYPE_NOUNS[type_name]
                raise _Refused(action, f"{name} の値「{arg_string}」は{noun}ではありません。",
                               f"{noun}で指定してください（{self.prog} --help）。") from None
            said = err.message if err.message.endswith("。") else f"{err.message}。"
            raise _Refused(action, f"{name}: {said}", f"{self.prog} --help で {name} の書き方を確かめてください。") from None

    # -- errors --------------------------------------------------------------------------------------------

    def error(self, message: str) -> NoReturn:
        """argparse's own errors (missing or unknown arguments …), reworded; see :meth:`_explain`."""
        unknown = message.startswith("unrecognized arguments")  # found by the outermost parser, meant for the deepest
        message, hint = _translate(message, self)
        self._refuse(message, hint, usage_of=_TRAIL[-1] if unknown and _TRAIL else self)

    def _explain(self, err: argparse.ArgumentError) -> tuple[str, str]:
        if isinstance(err, _Refused):
            return err.message, err.hint
        text = _translate_argument(err.argument_name, err.message)
        return text, f"{self.prog} --help で使い方を確かめてください。"

    def _refuse(self, message: str, hint: str, *, usage_of: argparse.ArgumentParser | None = None) -> NoReturn:
        try:
            sys.stderr.write((usage_of or self).format_usage())
            print(f"エラー: {escape_controls(message)}", file=sys.stderr)
            print(f"対処: {escape_controls(hint)}", file=sys.stderr)
        except BrokenPipeError:
            pass
        raise SystemExit(PARSE_ERROR_EXIT)


def _name(action: argparse.Action) -> str:
    if action.option_strings:
        return "/".join(action.option_strings)
    return str(action.metavar or action.dest)


def _translate_argument(name: str | None, message: str) -> str:
    """argparse's message about one argument, in Japanese."""
    who = name or "引数"
    if message == "expected one argument":
        return f"{who} には値を1つ指定してください。"
    if message == "expected at least one argument":
        return f"{who} には値を1つ以上指定してください。"
    if message == "expected at most one argument":
        return f"{who} に指定できる値は1つまでです。"
    m = re.fullmatch(r"expected (\d+) arguments?", message)
    if m:
        return f"{who} には値を {m.group(1)} つ指定してください。"
    m = re.fullmatch(r"not allowed with argument (.+)", message)
    if m:
        return f"{who} は {m.group(1)} と一緒には指定できません。"
    m = re.fullmatch(r"ignored explicit argument (.+)", message)
    if m:
        return f"{who} は値をとりません（{m.group(1)} は使えません）。"
    return f"{who}: {message}"


def _translate(message: str, parser: FitGapParser) -> tuple[str, str]:
    """A message argparse gives to ``error()``, as (エラー, 対処)."""
    help_hint = f"{parser.prog} --help で使い方を確かめてください。"
    m = re.fullmatch(r"the following arguments are required: (.+)", message)
    if m:
        names = m.group(1).split(", ")
        if len(names) == 1 and names[0] in _NOUNS:  # a command group without its command
            noun = _NOUNS[names[0]]
            return f"{noun}を指定してください。", f"{noun}の一覧は {parser.prog} --help で表示できます。"
        return f"{'、'.join(names)} を指定してください。", help_hint
    m = re.fullmatch(r"one of the arguments (.+) is required", message)
    if m:
        return f"{m.group(1)} のどれかを指定してください。", help_hint
    m = re.fullmatch(r"unrecognized arguments: (.+)", message)
    if m:
        deepest = _TRAIL[-1] if _TRAIL else parser
        words = m.group(1)
        options = [o for a in deepest._actions for o in a.option_strings]
        guesses = [g for w in words.split() if w.startswith("-")
                   for g in difflib.get_close_matches(w.split("=")[0], options, n=1, cutoff=0.7)]
        hint = (f"もしかして {guesses[0]} ですか。" if guesses else "") + \
            f"{deepest.prog} --help で使える引数を確かめてください。"
        return f"「{words}」は {deepest.prog} の引数ではありません。", hint
    m = re.fullmatch(r"ambiguous option: (\S+) could match (.+)", message)
    if m:
        return (f"オプション {m.group(1)} は {m.group(2).replace(', ', '、')} のどれを指すか決まりません。",
                "オプション名を最後まで書いてください。")
    m = re.fullmatch(r"argument (\S+): (.+)", message, re.DOTALL)
    if m:
        return _translate_argument(m.group(1), m.group(2)), help_hint
    return message, help_hint


def date_value(text: str) -> date:
    """A date option's value: YYYY-MM-DD (2026/12/25 read too)."""
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日付「{text}」を読めません。YYYY-MM-DD（例: 2026-12-25）で指定してください") from None
