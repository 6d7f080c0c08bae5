"""Command lines a user can paste as they are, for the CLI's hints and the workbench's guides alike.

``fitgap [--db DB] ARGS``: paths in full as printed, and ``--db`` whenever the database is not the default
one (always with ``with_db``, then as an absolute path: for commands such as restore that must never hit
another folder's file). Words with a space or a shell character are quoted.
"""

from __future__ import annotations

from pathlib import Path

from fitgap.config import DEFAULT_DB_FILE, sqlite_url

_SPECIAL = frozenset(" \t'\"&|;<>()$`*?[]{}#~!^%")


def command_line(*args: str | Path, url: str, with_db: bool = False) -> str:
    """The command ``fitgap ARGS`` on the database at ``url``, as a user pastes it."""
    parts = ["fitgap"]
    if with_db or url != sqlite_url(DEFAULT_DB_FILE):
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            parts += ["--db", str(path.absolute() if with_db else path)]
        else:
            from sqlalchemy.engine import make_url  # only for a server database (lazy start)

            parts += ["--db", make_url(url).render_as_string(hide_password=True)]
    parts += [str(a.absolute() if with_db and isinstance(a, Path) else a) for a in args]
    return " ".join(quoted(p) for p in parts)


def quoted(word: str) -> str:
    """A word as a shell takes it: double quotes when it holds a space or a special character (works in
    POSIX shells, cmd.exe and PowerShell alike)."""
    if word and not _SPECIAL.intersection(word):
        return word
    return '"' + word.replace('"', '\\"') + '"'
