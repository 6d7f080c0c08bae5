"""Each command loads only what it needs: --version and --help no database or Excel library at all."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fitgap.graph.export import FORMATS
from fitgap.services import choices
from fitgap.storage.quick import SCHEMA_VERSION

UPGRADE_FIXTURE = Path(__file__).parents[2] / "data" / "upgrade" / "schema3.db"

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "psycopg", "openpyxl", "xlsxwriter", "python_calamine", "networkx",
         "jinja2", "textual")


def _loaded(*args: str) -> tuple[int, list[str], str]:
    """Run fitgap's real entry point in a fresh interpreter; the heavy libraries it loaded."""
    code = (
        "import json, sys\nfrom fitgap.cli.main import main\n"
        "try:\n    rc = main(sys.argv[1:])\nexcept SystemExit as exc:\n    rc = exc.code\n"
        f"print(json.dumps([rc, [m for m in {list(HEAVY)!r} if m in sys.modules]]))"
    )
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    rc, loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    return rc, loaded, proc.stdout


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("status", "--help"), ("export", "vendor", "--help"),
                                  ("graph", "--help")])
def test_version_and_help_load_no_database_or_excel_library(args: tuple[str, ...]) -> None:
    rc, loaded, out = _loaded(*args)
    assert rc == 0 and loaded == []
    assert "fitgap" in out


def test_commands_load_only_what_they_need(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    assert _loaded("--db", db, "init")[0] == 0
    rc, loaded, out = _loaded("--db", db, "status")
    assert rc == 0 and loaded == []  # a current database is read with sqlite3 alone
    assert "住民基本台帳" in out and "期限超過" in out
    rc, loaded, _ = _loaded("--db", db, "graph")
    assert rc == 0 and "networkx" in loaded and not {"openpyxl", "xlsxwriter", "python_calamine", "textual"} & set(loaded)
    rc, loaded, _ = _loaded("--db", db, "export", "vendor", "--vendor", "A社", "-o", str(tmp_path / "v.xlsx"))
    assert rc == 0 and "xlsxwriter" in loaded and not {"openpyxl", "python_calamine", "networkx"} & set(loaded)


def test_status_on_an_older_database_upgrades_it_first(tmp_path: Path) -> None:
    """The quick read is only for a database that needs nothing done: an older one is upgraded (the full
    open, with SQLAlchemy) and then shows its work, as before."""
    db = tmp_path / "old.db"
    shutil.copy(UPGRADE_FIXTURE, db)
    rc, loaded, out = _loaded("--db", str(db), "status")
    assert rc == 0 and {"sqlalchemy", "sqlmodel"} <= set(loaded)
    con = sqlite3.connect(db)
    assert con.execute("SELECT value FROM fitgap_meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    con.close()
    rc, loaded, again = _loaded("--db", str(db), "status")
    assert rc == 0 and loaded == []
    assert again.splitlines()[:-1] == out.splitlines()[:-1]  # the same table, read quickly this time


def test_status_says_what_is_wrong_with_a_file_it_cannot_read_quickly(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("not a database", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "fitgap.cli.main", "--db", str(bad), "status"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode != 0 and "fitgap のデータベースではありません" in proc.stderr
    assert bad.read_text(encoding="utf-8") == "not a database"


def test_the_choices_match_what_the_services_accept() -> None:
    from fitgap.services import readiness, vendors

    assert choices.GRAPH_FORMATS == FORMATS
    assert readiness.FORMATS == choices.REPORT_FORMATS and vendors.SCOPE_LABELS == choices.VENDOR_SCOPES
