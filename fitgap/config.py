"""Settings from flags and FITGAP_* environment variables. No side effects on import."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

DEFAULT_DB_FILE = "fitgap.db"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some containers/Windows services
        return "unknown"


@dataclass(frozen=True)
class Config:
    """Where the data lives, who is working, and what today is."""

    database_url: str
    user: str
    today: date = field(default_factory=date.today)
    exports_dir: Path = Path("exports")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def sqlite_url(path: str | os.PathLike[str]) -> str:
    return f"sqlite:///{Path(path)}"


def load_config(
    *,
    db: str | None = None,
    user: str | None = None,
    env: dict[str, str] | None = None,
) -> Config:
    """Resolve settings: --db flag, then FITGAP_DATABASE_URL, then FITGAP_DB, then ./fitgap.db.

    FITGAP_TODAY (YYYY-MM-DD) freezes the clock, for demonstrations and reproducible reports.
    """
    env = dict(os.environ) if env is None else env
    if db:
        url = db if "://" in db else sqlite_url(db)
    elif env.get("FITGAP_DATABASE_URL"):
        url = env["FITGAP_DATABASE_URL"]
    else:
        url = sqlite_url(env.get("FITGAP_DB") or DEFAULT_DB_FILE)
    who = user or env.get("FITGAP_USER") or _os_user()
    today = date.fromisoformat(env["FITGAP_TODAY"]) if env.get("FITGAP_TODAY") else date.today()
    exports = Path(env.get("FITGAP_EXPORTS") or "exports")
    return Config(database_url=url, user=who, today=today, exports_dir=exports)


def bundled_dir(name: str) -> Path:
    """Where a bundled data folder (catalog, standard_specs) lives: the source tree or the installed wheel."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / name, package / "_bundled" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found next to the fitgap package")
