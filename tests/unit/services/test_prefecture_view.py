"""A prefecture's view of its municipalities in the survey: who is behind, by operation (figures from the CSV)."""

from __future__ import annotations

import statistics
from collections.abc import Callable

from fitgap.services import peers
from fitgap.storage.db import Database
from tests.conftest import CliResult
from tests.unit.services.test_progress_survey import COLUMN_CODES, CREDIT, csv_rows


def test_the_municipalities_of_nara_furthest_behind_first(db: Database) -> None:
    rows = csv_rows()
    medians = {c: statistics.median(round(float(r[c]) * 40) for r in rows) for c in COLUMN_CODES}
    nara = [r for r in rows if r["都道府県"] == "奈良県"]
    v = peers.prefecture_view(db=db, prefecture="奈良県")
    assert (v.month, v.credit, len(v.bodies)) == ("2026-01", CREDIT, len(nara))
    overall = [b.overall for b in v.bodies]
    assert overall == sorted(overall)
    tawaramoto = next(b for b in v.bodies if b.name == "田原本町")
    row = next(r for r in nara if r["団体名"] == "田原本町")
    steps = {c: round(float(row[c]) * 40) for c in COLUMN_CODES}
    assert tawaramoto.overall == sum(steps.values()) / 20
    assert tawaramoto.complete == sum(1 for s in steps.values() if s == 40)
    assert len(tawaramoto.below_median) == sum(1 for c, s in steps.items() if s < medians[c])


def test_a_prefecture_set_at_init_sees_its_own(cli: Callable[..., CliResult]) -> None:
    assert cli("init", "--municipality", "奈良県").code == 0
    r = cli("survey", "prefecture")
    assert r.code == 0 and "奈良県 の市区町村（39団体）" in r.out and "田原本町" in r.out and CREDIT in r.out
