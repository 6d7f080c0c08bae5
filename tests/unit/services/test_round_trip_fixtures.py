"""Every round trip reads back as it did when its fixtures were made (tests/round_trip_golden.py).

The returned workbooks in tests/data/round_trips/ were written by the code of their day, filled as a vendor
or a department fills them (openpyxl; the *_calc files re-saved by LibreOffice Calc): duplicated rows, an
added row, a deleted row, a broken key, an edited ID, values outside the drop-down, Excel error values,
formulas, invisible characters, stale answers and items changed in fitgap since the export. Importing them
today must apply the same rows and report the same problems, and so must the files today's code writes
for the same database and the same edits.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.round_trip_golden import HERE, make_fixtures, outcome

EXPECTED: dict[str, Any] = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
_CLOCK = re.compile(r"（staff が \d{4}/\d{2}/\d{2} \d{2}:\d{2} に変更）")


@functools.cache
def _today(name: str) -> dict[str, Any]:
    """What importing the stored file does with today's code."""
    return outcome(HERE / "fixture.db.gz", HERE / name)


def _without_clock(value: Any) -> Any:
    """The moment staff changed an item in fitgap (when the fixtures were made) is not part of the rule."""
    return json.loads(_CLOCK.sub("（staff が … に変更）", json.dumps(value, ensure_ascii=False)))


def test_the_fixtures_cover_every_kind_as_filled_and_as_resaved_by_calc() -> None:
    assert sorted(EXPECTED) == sorted(f"{k}{v}.xlsx" for k in ("change", "review", "vendor") for v in ("", "_calc"))
    for name, rec in EXPECTED.items():  # each file has rows applied and rows refused: a test that can fail
        assert rec["applied"]["taken"] > 0 and rec["applied"]["problems"], name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_dry_run_says_exactly_what_the_import_then_does(name: str) -> None:
    got = _today(name)
    assert got["dry_run"] == got["applied"]  # taken, untouched, conflicts, every problem: one transaction, rolled back


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_row_deleted_from_any_kind_of_workbook_is_reported(name: str) -> None:
    deleted = [p for p in _today(name)["applied"]["problems"] if p[1] is None and "削除されています" in p[3]]
    assert deleted and all(p[0] for p in deleted)  # with the sheet it was deleted from


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_returned_workbooks_of_the_day_read_back_the_same(name: str) -> None:
    assert _today(name) == EXPECTED[name]


@pytest.mark.slow
def test_workbooks_written_today_read_back_as_those_of_the_day(tmp_path: Path) -> None:
    from tests.office import tool

    tool("soffice", "libreoffice")
    make_fixtures(tmp_path)
    today = json.loads((tmp_path / "expected.json").read_text(encoding="utf-8"))
    assert sorted(today) == sorted(EXPECTED)
    for name in EXPECTED:
        assert _without_clock(today[name]) == _without_clock(EXPECTED[name]), name
