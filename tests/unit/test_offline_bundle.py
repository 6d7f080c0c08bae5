"""The offline bundle for PCs without internet: what it packs and how its scripts install (the archive itself
is built and installed without an index by .ci/offline_check.sh)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bundle_module():
    spec = importlib.util.spec_from_file_location("offline_bundle", ROOT / "packaging" / "offline_bundle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["offline_bundle"] = module
    spec.loader.exec_module(module)
    return module


def test_it_packs_what_running_needs_not_the_development_tools() -> None:
    reqs = " ".join(_bundle_module().requirements())
    for needed in ("textual", "sqlmodel", "openpyxl", "networkx", "jinja2", "xlsxwriter", "psycopg"):
        assert needed in reqs
    for tool in ("pytest", "ruff", "mypy", "import-linter"):
        assert tool not in reqs


def test_both_install_scripts_install_without_an_index_and_make_a_launcher() -> None:
    sh = (ROOT / "packaging" / "install.sh").read_text(encoding="utf-8")
    bat = (ROOT / "packaging" / "install.bat").read_bytes().decode("utf-8")
    for script in (sh, bat):
        assert "--no-index" in script and "--find-links" in script and "fitgap[postgres]" in script
        assert "3, 11" in script  # the Python it needs is checked, with what to do
    assert "\r\n" in bat  # cmd.exe reads its own line ends
    assert "chcp 65001" in bat and "PYTHONUTF8=1" in bat  # the console in UTF-8
    assert "fitgap.bat" in bat and '"$here/fitgap"' in sh
