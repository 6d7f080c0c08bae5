"""The palette's 「報告書: 移行準備状況報告書」: chosen from the command palette, it writes the report in a worker
and says where the files went."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual.app import App

from fitgap.storage.db import Database
from fitgap.tui.commands import FitGapCommands, PaletteCommand
from fitgap.tui.readiness_report import TITLE, readiness_command

TODAY = date(2025, 11, 23)


class ReportApp(App[None]):
    """Just the palette with the report command, as the workbench offers it."""

    COMMANDS: ClassVar = {FitGapCommands}

    def __init__(self, db: Database, exports: Path) -> None:
        super().__init__()
        self.db, self.exports = db, exports

    def palette_commands(self) -> Iterable[PaletteCommand]:
        yield readiness_command(self, db=self.db, today=TODAY, exports_dir=self.exports)


def _messages(app: App) -> list[str]:
    return [n.message for n in app._notifications]


def test_palette_runs_the_report_and_says_where_it_went(db: Database, tmp_path: Path) -> None:
    exports = tmp_path / "out"

    async def scenario() -> list[str]:
        app = ReportApp(db, exports)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*TITLE)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return _messages(app)

    messages = asyncio.run(scenario())
    files = sorted(p.name for p in exports.iterdir())
    assert files == ["readiness_2025-11-23.html", "readiness_2025-11-23.xlsx"]
    assert any("作成しています" in m for m in messages)  # progress while it runs
    done = [m for m in messages if m.startswith("作成しました")]
    assert done and all(str(exports / name) in done[-1] for name in files)


def test_a_failure_is_shown_not_raised(db: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")  # the exports "folder" is a file: nothing can be written

    async def scenario() -> list[str]:
        app = ReportApp(db, blocker / "exports")
        async with app.run_test(size=(100, 30)) as pilot:
            next(iter(app.palette_commands())).callback()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return _messages(app)

    messages = asyncio.run(scenario())
    assert not any(m.startswith("作成しました") for m in messages)
    assert any("何も書き出していません" in m and "exports" in m for m in messages), messages  # said, naming the folder


def test_a_second_report_of_the_day_gets_a_new_name(db: Database, tmp_path: Path) -> None:
    exports = tmp_path / "out"

    async def scenario() -> list[str]:
        app = ReportApp(db, exports)
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(2):
                next(iter(app.palette_commands())).callback()
                await app.workers.wait_for_complete()
                await pilot.pause()
            return _messages(app)

    messages = asyncio.run(scenario())
    assert sorted(p.name for p in exports.iterdir()) == [
        "readiness_2025-11-23-2.html", "readiness_2025-11-23-2.xlsx",
        "readiness_2025-11-23.html", "readiness_2025-11-23.xlsx"]
    done = [m for m in messages if m.startswith("作成しました")]
    assert len(done) == 2 and str(exports / "readiness_2025-11-23-2.xlsx") in done[-1]
