"""Command groups shared by several modules: `fitgap export KIND …` and `fitgap import KIND …`.

Any command module adds a kind to a group with::

    kinds = command_group(sub, common, "export")
    p = kinds.add_parser("vendor", parents=[common], help=…)

The group parser is made once per parser build (whichever module asks first); `fitgap export` without a
kind prints the group's help and the kinds available.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from fitgap.cli.context import Context

GROUPS: dict[str, tuple[str, str]] = {
    "export": ("ファイルに書き出す（ベンダ回答シート、確認シートなど）",
               "データベースの内容をファイルに書き出します。書き出す種類を指定してください。"),
    "import": ("ファイルを取り込む（回答済みのベンダ回答シート、確認シートなど）",
               "書き出したファイルへの回答を取り込みます。取り込む種類を指定してください。"),
}
_ATTR = "_fitgap_groups"


def _show_help(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace, Context], int]:
    def run(_args: argparse.Namespace, ctx: Context) -> int:
        ctx.print(parser.format_help())
        return 2

    return run


def command_group(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                  name: str) -> argparse._SubParsersAction:
    """The sub-subcommand holder of group ``name`` (created on first use)."""
    groups: dict[str, argparse._SubParsersAction] = getattr(sub, _ATTR, None) or {}
    if name not in groups:
        help_text, description = GROUPS.get(name, (name, name))
        parser = sub.add_parser(name, parents=[common], help=help_text, description=description)
        parser.set_defaults(func=_show_help(parser))
        groups[name] = parser.add_subparsers(dest=f"{name}_kind", metavar="KIND")
        setattr(sub, _ATTR, groups)
    return groups[name]
