"""Shared fixtures: a fresh temporary database per test, and a way to run the CLI in-process."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import uuid
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


@pytest.fixture(autouse=True)
def _compare_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    """FITGAP_COMPARE_READERS=1: every workbook a test imports is read with calamine and with openpyxl too."""
    if os.environ.get("FITGAP_COMPARE_READERS") != "1":
        return
    from fitgap.importers import answer_workbook, spec_excel, workbook_reader
    from tests.openpyxl_workbook import ComparingWorkbook, open_openpyxl_workbook

    def both(path: Path, *, uncalculated_formulas: bool = False) -> ComparingWorkbook:
        fast = workbook_reader.open_workbook(path, uncalculated_formulas=uncalculated_formulas)
        return ComparingWorkbook(fast, open_openpyxl_workbook(path, uncalculated_formulas=uncalculated_formulas))

    monkeypatch.setattr(spec_excel, "open_workbook", both)
    monkeypatch.setattr(answer_workbook, "open_workbook", both)


# Backends. FITGAP_TEST_POSTGRES_URL points at a PostgreSQL server (any database on it, e.g.
# postgresql+psycopg://fitgap@127.0.0.1:55432/postgres); each test then gets a fresh database of its own.
# FITGAP_TEST_BACKEND=postgres runs every test that uses `db_url`/`db`/`cli` on PostgreSQL (tests that
# read the SQLite file itself ask for `db_path` and are skipped); `backend_url` runs a test on both.
# FITGAP_REQUIRE_POSTGRES=1 (set by CI) turns "no server" into a failure instead of a skip.
POSTGRES_URL_ENV = "FITGAP_TEST_POSTGRES_URL"


def _on_postgres() -> bool:
    return os.environ.get("FITGAP_TEST_BACKEND", "sqlite") == "postgres"


def _fresh_postgres_database() -> Iterator[str]:
    import sqlalchemy as sa

    server = os.environ.get(POSTGRES_URL_ENV)
    if not server:
        if os.environ.get("FITGAP_REQUIRE_POSTGRES"):
            pytest.fail(f"{POSTGRES_URL_ENV} is not set but PostgreSQL tests are required")
        pytest.skip(f"needs a PostgreSQL server ({POSTGRES_URL_ENV})")
    name = f"fitgap_t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        yield sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    if _on_postgres():
        pytest.skip("reads the SQLite file itself")
    return tmp_path / "fitgap.db"


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    if _on_postgres():
        yield from _fresh_postgres_database()
    else:
        yield sqlite_url(tmp_path / "fitgap.db")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (mark the test `postgres`)."""
    yield from _fresh_postgres_database()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL on each backend in turn (PostgreSQL skipped locally when no server is set)."""
    if request.param == "postgres":
        yield from _fresh_postgres_database()
    else:
        yield sqlite_url(tmp_path / "fitgap.db")


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
def cli(capsys: pytest.CaptureFixture[str], db_url: str) -> Callable[..., CliResult]:
    """Run `fitgap --db <tmp db> ARGS…` in-process and capture what the user would see."""

    def run(*args: str, db: Path | None = None) -> CliResult:
        capsys.readouterr()
        try:
            code = main(["--db", str(db) if db else db_url, *args])
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump_database(path: Path, *, skip_columns: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table, for comparing two states of a database."""
    if _on_postgres() and not Path(path).exists():
        pytest.skip("compares the SQLite file itself")  # (and never creates a stray file named after the URL)
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
