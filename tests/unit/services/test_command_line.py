"""Command lines a user can paste: --db whenever the database is not the default one, words quoted."""

from __future__ import annotations

from pathlib import Path

from fitgap.config import sqlite_url
from fitgap.services.command_line import command_line


def test_the_default_database_needs_no_db_option() -> None:
    assert command_line("import-spec", "要件一覧.xlsx", url=sqlite_url("fitgap.db")) == "fitgap import-spec 要件一覧.xlsx"


def test_another_database_is_named_and_words_with_spaces_are_quoted() -> None:
    line = command_line("import", "vendor", Path("exports/A 社.xlsx"), url=sqlite_url("team/fitgap.db"))
    assert line == 'fitgap --db team/fitgap.db import vendor "exports/A 社.xlsx"'


def test_with_db_the_paths_are_absolute() -> None:
    line = command_line("restore", Path("bk.db"), url=sqlite_url("fitgap.db"), with_db=True)
    assert line == f"fitgap --db {Path('fitgap.db').absolute()} restore {Path('bk.db').absolute()}"


def test_a_server_database_is_shown_without_its_password() -> None:
    line = command_line("status", url="postgresql://fitgap:secret@db.example/fitgap")
    assert "secret" not in line and line.endswith(" status") and "--db" in line
