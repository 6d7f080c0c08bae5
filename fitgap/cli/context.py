"""What every command receives: the resolved settings and a way to open the database."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from fitgap.config import DEFAULT_DB_FILE, Config, load_config, sqlite_url
from fitgap.domain.text import escape_controls

if TYPE_CHECKING:
    from fitgap.services.database import Database


@dataclass
class Context:
    config: Config
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _db: Database | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        return cls(config=load_config(db=getattr(args, "db", None), user=getattr(args, "user", None)))

    def database(self, *, create: bool = False) -> Database:
        """The database, opened once; with ``create`` a missing one is made with the bundled catalog."""
        if self._db is None:
            from fitgap.services.database import open_db  # loaded by the commands that need it

            if create:
                from fitgap.services.catalog import ensure_initialised  # the catalog: only to make a database

                self._db = ensure_initialised(url=self.config.database_url, user=self.config.user)
            else:
                self._db = open_db(url=self.config.database_url)
        return self._db

    def print(self, *lines: str) -> None:
        """Lines for the user; control characters from files (ESC, BEL, RTL override …) shown escaped."""
        for line in lines:
            print(escape_controls(line), file=self.out)

    def command(self, *args: str | Path, with_db: bool = False) -> str:
        """A command line the user can paste as it is: ``fitgap [--db DB] ARGS`` with paths in full as
        printed, and ``--db`` whenever the database is not the default one (always with ``with_db``, then
        as an absolute path: for commands such as restore that must never hit another folder's file)."""
        parts = ["fitgap"]
        url = self.config.database_url
        if with_db or url != sqlite_url(DEFAULT_DB_FILE):
            if url.startswith("sqlite:///"):
                path = Path(url.removeprefix("sqlite:///"))
                parts += ["--db", str(path.absolute() if with_db else path)]
            else:
                from sqlalchemy.engine import make_url  # only for a server database (lazy start)

                parts += ["--db", make_url(url).render_as_string(hide_password=True)]
        parts += [str(a.absolute() if with_db and isinstance(a, Path) else a) for a in args]
        return " ".join(_quoted(p) for p in parts)

    def progress(self, done: int, total: int, label: str = "") -> None:
        """A one-line progress indicator on stderr (only when it is a terminal)."""
        if not self.err.isatty():
            return
        width = 30
        filled = int(width * done / total) if total else width
        end = "\n" if done >= total else ""
        print(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, file=self.err, flush=True)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


_SPECIAL = frozenset(" \t'\"&|;<>()$`*?[]{}#~!^%")


def _quoted(word: str) -> str:
    """A word as a shell takes it: double quotes when it holds a space or a special character (works in
    POSIX shells, cmd.exe and PowerShell alike)."""
    if word and not _SPECIAL.intersection(word):
        return word
    return '"' + word.replace('"', '\\"') + '"'
