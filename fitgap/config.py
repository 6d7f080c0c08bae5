"""Settings from flags and FITGAP_* environment variables. No side effects on import."""

from __future__ import annotations

import getpass
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fitgap.errors import FitGapError

DEFAULT_DB_FILE = "fitgap.db"
# a URL as SQLAlchemy reads one: dialect[+driver]://…
_URL = re.compile(r"[A-Za-z][A-Za-z0-9]*(\+[A-Za-z0-9_]+)?://")
_UNSET = "設定を外すには unset {name}（Windows では set {name}=）を実行してください。"


class SettingError(FitGapError):
    """An environment setting (FITGAP_*) that cannot be used as it is."""


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
    Every setting is checked here, so that a wrong one is a :class:`SettingError` (エラー / 対処) before any
    command starts, never a traceback halfway through.
    """
    env = dict(os.environ) if env is None else env
    if db:
        url = db if "://" in db else sqlite_url(db)
    elif env.get("FITGAP_DATABASE_URL"):
        url = database_url_setting(env["FITGAP_DATABASE_URL"])
    else:
        url = sqlite_url(env.get("FITGAP_DB") or DEFAULT_DB_FILE)
    who = user or env.get("FITGAP_USER") or _os_user()
    today = today_setting(env["FITGAP_TODAY"]) if env.get("FITGAP_TODAY") else date.today()
    exports = exports_setting(env.get("FITGAP_EXPORTS") or "")
    for name in ("FITGAP_MAX_WORKBOOK_MB", "FITGAP_FAULT_PAUSE_BEFORE_COMMIT"):
        if env.get(name):
            number_setting(name, env[name], positive=name == "FITGAP_MAX_WORKBOOK_MB")
    return Config(database_url=url, user=who, today=today, exports_dir=exports)


def today_setting(value: str) -> date:
    """FITGAP_TODAY: a real date, YYYY-MM-DD."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        looks_right = re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()) is not None
        why = "という日はありません" if looks_right else "は日付として読めません"
        raise SettingError(f"環境変数 FITGAP_TODAY の値「{value}」{why}。",
                           "FITGAP_TODAY は YYYY-MM-DD（例: 2026-11-23）で指定してください（基準日を固定する設定です）。"
                           + _UNSET.format(name="FITGAP_TODAY")) from None


def database_url_setting(value: str) -> str:
    """FITGAP_DATABASE_URL: a database URL (dialect://…); whether the server answers is seen when it is opened."""
    if _URL.match(value.strip()) is None:
        raise SettingError(f"環境変数 FITGAP_DATABASE_URL の値「{mask_password(value)}」はデータベースの URL ではありません。",
                           "postgresql+psycopg://利用者名:パスワード@サーバ名:5432/データベース名 の形で指定してください。"
                           "SQLite のファイルを使うなら FITGAP_DATABASE_URL を外し、FITGAP_DB（または --db）にファイルのパスを"
                           "指定してください。" + _UNSET.format(name="FITGAP_DATABASE_URL"))
    return value.strip()


def number_setting(name: str, value: str, *, positive: bool = True) -> float:
    """A number setting (FITGAP_MAX_WORKBOOK_MB: above zero; a pause in seconds: zero or more)."""
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0 or (positive and number == 0):
        wanted = "0 より大きい数" if positive else "0 以上の数"
        raise SettingError(f"環境変数 {name} の値「{value}」は使えません（{wanted}ではありません）。",
                           f"{name} には {wanted}を指定してください（例: {name}=128）。" + _UNSET.format(name=name))
    return number


def exports_setting(value: str) -> Path:
    """FITGAP_EXPORTS: the folder files are written to by default (made when first needed); not a file."""
    folder = Path(value or "exports")
    if value and folder.exists() and not folder.is_dir():
        raise SettingError(f"環境変数 FITGAP_EXPORTS の {folder} はフォルダではなくファイルです。",
                           "FITGAP_EXPORTS には書き出し先のフォルダを指定してください。" + _UNSET.format(name="FITGAP_EXPORTS"))
    return folder


def mask_password(url: str) -> str:
    """A URL as it may be shown: the password in ``user:password@`` replaced by ***."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def bundled_dir(name: str) -> Path:
    """Where a bundled data folder (catalog, standard_specs) lives: the source tree or the installed wheel."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / name, package / "_bundled" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found next to the fitgap package")
