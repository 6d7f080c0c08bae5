"""Fixtures for the workbench tests: demo data with a fixed seed, a revised spec, and the app itself."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import pytest

from fitgap.config import bundled_dir, load_config
from fitgap.domain.enums import Status
from fitgap.importers.canonical import read_canonical, write_canonical
from fitgap.services import assessment
from fitgap.services.database import open_db
from fitgap.services.demo import generate_demo
from fitgap.services.items import ItemKey, prepare_search
from fitgap.services.specs_import import import_spec
from fitgap.storage.db import Database
from fitgap.tui.app import FitGapApp
from fitgap.tui.screens.requirements import RequirementsScreen


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests (Pilot needs an event loop) without an extra plugin."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


@pytest.fixture(autouse=True)
def _japan_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in local time: the tests and snapshots run in Japan's (as the users do)."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


SIZE = (120, 36)
DEMO_SEED = 7
DEMO_TOTAL = 300
REVISED_IDS = ("1.1.1-必須", "1.1.2-必須")


@pytest.fixture
def demo_db(db: Database) -> Database:
    """300 synthetic requirements over the 20 operations (15 each), about 40 % assessed."""
    generate_demo(db=db, total=DEMO_TOTAL, seed=DEMO_SEED, user="demo")
    prepare_search(db=db)  # as after a while in the app: no "index built" notice in the snapshots
    return db


FROZEN_NOW = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


class _FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _FrozenDatetime:  # type: ignore[override]
        return cls.fromtimestamp(FROZEN_NOW.timestamp(), tz)


@pytest.fixture
def revised_db(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The bundled 住民記録 第1.0版, two items assessed, then a 第1.1版 that rewords them (要再確認).

    The clock of the assessment service is frozen so that history and timestamps are the same every run.
    """
    monkeypatch.setattr(assessment, "datetime", _FrozenDatetime)
    first = read_canonical(bundled_dir("standard_specs") / "001_juminkiroku_v1.0.csv")
    assessment.update_items(db=db, user="tester", keys=[ItemKey.of("001", "機能", rid) for rid in REVISED_IDS],
                            status=Status.FIT)
    records = [
        dataclasses.replace(r, text=r.text.replace("管理", "管理・照会", 1).replace("すること", "できること"))
        if r.req_id in REVISED_IDS else r
        for r in first.requirements
    ]
    path = tmp_path / "001_juminkiroku_v1.1.csv"
    write_canonical(path, dataclasses.replace(first.info, label="第1.1版"), records)
    import_spec(db=db, path=path, user="tester", operation="001", version="第1.1版", now=FROZEN_NOW)
    prepare_search(db=db)
    return db


@pytest.fixture
def colleague_db(demo_db: Database, db_url: str) -> Iterator[Database]:
    """The same database opened a second time, as a colleague's workbench has it."""
    other = open_db(url=db_url)
    yield other
    other.dispose()


@pytest.fixture
def make_app() -> Callable[..., FitGapApp]:
    """An app on a database, with the frozen clock (FITGAP_TODAY), no cursor blink and no animation."""

    def make(db: Database, *, user: str = "tester") -> FitGapApp:
        app = FitGapApp(db=db, user=user, today=load_config().today, blink=False)
        app.animation_level = "none"
        return app

    return make


async def detail_shown(pilot, screen) -> None:
    """Wait (on the app's own events, never the clock) until the requirements screen has filled its detail
    pane for the current row: on a loaded machine one pause is not always enough."""
    for _ in range(100):
        await pilot.pause()
        if not screen._detail_pending:
            break
    await pilot.pause()


async def open_list(pilot, code: str | None = "001") -> RequirementsScreen:
    """Open the requirement list of one operation (``None``: of all of them) and return its screen."""
    pilot.app.open_requirements(code)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RequirementsScreen)
    return screen


def row_of(screen: RequirementsScreen, key: ItemKey) -> int:
    """The index of an item's row in the list as the screen shows it."""
    return next(i for i in range(screen.table.row_count) if screen.table.row_at(i).key == key)
