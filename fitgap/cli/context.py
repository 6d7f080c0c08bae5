"""What every command receives: the resolved settings and a way to open the database."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from fitgap.config import Config, load_config
from fitgap.domain.text import escape_controls
from fitgap.services.command_line import command_line

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
            from fitgap.services.database import take_notices

            for notice in take_notices(self._db):  # what an upgrade of the database wants said, once
                print(f"お知らせ: {escape_controls(notice)}", file=self.err)
        return self._db

    def print(self, *lines: str) -> None:
        """Lines for the user; control characters from files (ESC, BEL, RTL override …) shown escaped."""
        for line in lines:
            print(escape_controls(line), file=self.out)

    def command(self, *args: str | Path, with_db: bool = False) -> str:
        """A command line the user can paste as it is (see :func:`fitgap.services.command_line.command_line`)."""
        return command_line(*args, url=self.config.database_url, with_db=with_db)

    def progress(self, done: int, total: int, label: str = "") -> None:
        """A one-line progress indicator on stderr (only when it is a terminal)."""
        if not self.err.isatty():
            return
        width = 30
        filled = int(width * done / total) if total else width
        end = "\n" if done >= total else ""
        print(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, file=self.err, flush=True)

    def close(self) -> None:
        db, self._db = self._db, None  # let go even when disposing fails (an interrupted connection)
        if db is not None:
            db.dispose()
