"""Shared fixtures: a fresh temporary database per test, and a way to run the CLI in-process."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fitgap.cli.main import main
from fitgap.config import sqlite_url
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.storage.db import Database


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's FITGAP_* settings or writes into the working tree."""
    for var in ("FITGAP_DB", "FITGAP_DATABASE_URL", "FITGAP_USER", "FITGAP_TODAY", "FITGAP_EXPORTS",
                "FITGAP_FAULT_PAUSE_BEFORE_COMMIT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FITGAP_USER", "tester")
    monkeypatch.setenv("FITGAP_TODAY", "2026-11-23")
    monkeypatch.setenv("FITGAP_EXPORTS", str(tmp_path / "exports"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "fitgap.db"


@pytest.fixture
def db_url(db_path: Path) -> str:
    return sqlite_url(db_path)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An initialised database with the bundled catalog (no municipality set)."""
    init_database(url=db_url, user="tester")
    database = open_db(url=db_url)
    yield database
    database.dispose()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path) -> Callable[..., CliResult]:
    """Run `fitgap --db <tmp db> ARGS…` in-process and capture what the user would see."""

    def run(*args: str, db: Path | None = None) -> CliResult:
        capsys.readouterr()
        try:
            code = main(["--db", str(db or db_path), *args])
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump_database(path: Path, *, skip_columns: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table, for comparing two states of a database."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        out = {}
        for t in tables:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info('{t}')") if r[1] not in skip_columns]
            if cols:
                quoted = ", ".join(f'"{c}"' for c in cols)
                out[t] = sorted(con.execute(f"SELECT {quoted} FROM '{t}'").fetchall(), key=repr)
        return out
    finally:
        con.close()
