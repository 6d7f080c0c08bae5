"""The palette's 「報告書: 移行準備状況報告書」: writes the managers' report in a worker, showing progress and,
at the end, where the files went. The UI stays responsive while it runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.worker import get_current_worker

from fitgap.config import load_config
from fitgap.errors import FitGapError
from fitgap.tui.commands import PaletteCommand

if TYPE_CHECKING:  # the report writers (openpyxl, jinja2) and the database layer load when it is chosen
    from fitgap.services.database import Database

TITLE = "報告書: 移行準備状況報告書（Excel・HTML）"
HELP = "移行準備状況報告書（Excel・HTML）を exports/ に作成します"


def readiness_command(app: App, *, db: Database | Callable[[], Database], today: date,
                      exports_dir: Path | None = None, fmt: str = "both") -> PaletteCommand:
    """The palette entry; the files go to ``exports_dir`` (default: the configured exports folder).
    ``db`` may be how to get the database: listing the entry then needs no database yet."""
    return PaletteCommand(TITLE, HELP, lambda: start_readiness_report(
        app, db=db() if callable(db) else db, today=today, exports_dir=exports_dir, fmt=fmt))


def start_readiness_report(app: App, *, db: Database, today: date, exports_dir: Path | None = None,
                           fmt: str = "both") -> None:
    from fitgap.services import readiness

    folder = exports_dir if exports_dir is not None else load_config().exports_dir
    write_report = readiness.write_report  # the report writers load here, before the worker and its clock
    app.notify("移行準備状況報告書を作成しています…", title="報告書", timeout=3)

    def progress(done: int, total: int, label: str) -> None:
        if 0 < done < total:
            app.call_from_thread(app.notify, f"{label} を書いています（{done}/{total - 1}）", title="報告書", timeout=2)

    def work() -> None:
        worker = get_current_worker()
        try:
            paths = write_report(db=db, today=today, fmt=fmt, exports_dir=folder, progress=progress)
        except FitGapError as exc:
            if not worker.is_cancelled:
                app.call_from_thread(_failed(app, exc))
            return
        if not worker.is_cancelled:
            lines = "\n".join(str(p) for p in paths)
            app.call_from_thread(app.notify, f"作成しました:\n{lines}", title="報告書", timeout=15)

    app.run_worker(work, thread=True, exclusive=True, group="report", name=TITLE)


def _failed(app: App, exc: FitGapError) -> Callable[[], None]:
    def show() -> None:
        message = exc.message + (f"\n対処: {exc.hint}" if exc.hint else "")
        app.notify(message, title="報告書を作成できませんでした", severity="error", timeout=15)

    return show
