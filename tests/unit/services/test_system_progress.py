"""Each system's progress through the 40 steps by month, with the survey's figure for this body beside it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from fitgap.errors import InvalidInputError
from fitgap.services import progress, systems
from fitgap.services.catalog import init_database
from fitgap.storage.db import Database
from tests.conftest import CliResult
from tests.unit.services.test_progress_survey import CREDIT, csv_steps

TODAY = date(2026, 3, 10)


@pytest.fixture
def sapporo(db: Database) -> Database:
    init_database(url=db.url, user="tester", municipality="札幌市")
    return db


def test_steps_are_kept_by_month_and_the_last_entry_of_a_month_counts(sapporo: Database) -> None:
    db = sapporo
    progress.set_system_progress(db=db, user="u", system="住民記録システム", steps=20, today=TODAY, month="2026-01")
    progress.set_system_progress(db=db, user="u", system="住民記録システム", steps=26, today=TODAY, month="2026-02")
    view = progress.set_system_progress(db=db, user="u", system="住民記録システム", steps=27, today=TODAY,
                                        month="2026-02", delay_reason="データ移行の検証が遅れている")
    assert [(e.month, e.steps) for e in view.history] == [("2026-01", 20), ("2026-02", 27)]
    assert view.latest is not None and view.latest.delay_reason == "データ移行の検証が遅れている"
    assert view.latest.state.value == "作業中"
    view = progress.set_system_progress(db=db, user="u", system="住民記録システム", steps=40, today=TODAY)
    assert (view.history[-1].month, view.history[-1].state.value) == ("2026-03", "完了")


def test_the_surveys_figure_for_this_body_is_shown_beside_with_its_date(sapporo: Database) -> None:
    view = progress.system_progress(db=sapporo, system="住民記録システム")
    assert [(f.operation_code, f.steps, f.month) for f in view.survey] == [
        ("001", csv_steps("北海道", "札幌市")["001"], "2026-01")]
    assert view.survey_credit == CREDIT


@pytest.mark.parametrize(("steps", "month", "words"), [(41, None, "0〜40"), (-1, None, "0〜40"),
                                                       (10, "2026-13", "YYYY-MM"), (10, "2026-04", "まだ来ていない")])
def test_a_figure_off_the_forty_steps_or_an_unknown_month_is_refused(sapporo: Database, steps: int,
                                                                    month: str | None, words: str) -> None:
    with pytest.raises(InvalidInputError, match=words):
        progress.set_system_progress(db=sapporo, user="u", system="住民記録システム", steps=steps, today=TODAY,
                                     month=month)
    assert progress.system_progress(db=sapporo, system="住民記録システム").history == ()


def test_deleting_a_system_removes_its_history(sapporo: Database) -> None:
    progress.set_system_progress(db=sapporo, user="u", system="住民記録システム", steps=20, today=TODAY)
    systems.delete_system(db=sapporo, user="u", system="住民記録システム")
    assert all(v.name != "住民記録システム" for v in systems.list_systems(db=sapporo))


def test_the_cli_records_and_shows_progress(cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch) -> None:
    run = cli
    monkeypatch.setenv("FITGAP_TODAY", "2026-02-10")
    assert run("init", "--municipality", "海津市").code == 0
    r = run("systems", "progress", "住民記録システム", "32", "--reason", "ベンダ待ち")
    assert r.code == 0 and "2026-02" in r.out and "32/40" in r.out and "ベンダ待ち" in r.out
    assert f"{csv_steps('岐阜県', '海津市')['001']}/40" in r.out and CREDIT in r.out and "2026-01 時点" in r.out
    r = run("systems", "progress", "住民記録システム", "41")
    assert r.code != 0 and "0〜40" in r.err
