"""The database: engine with SQLite pragmas, read and write sessions, user-facing errors.

SQLite is opened with WAL, foreign keys and a busy timeout. pysqlite's own transaction handling is
switched off so that DDL is transactional too (a whole ``fitgap init`` commits or nothing does), and write
sessions start with ``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing on a
lock upgrade.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import DataError, OperationalError
from sqlmodel import Session

from fitgap.config import mask_password, number_setting
from fitgap.domain.text import nfkc
from fitgap.errors import DatabaseBusyError, DatabaseError, InvalidInputError
from fitgap.storage import file_faults
from fitgap.storage.overview import Rows
from fitgap.storage.quick import BUSY_TIMEOUT_MS, SQLITE_MAGIC


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite URL; None for in-memory or other databases."""
    u = sa.engine.make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def check_sqlite_file(path: Path) -> None:
    """Refuse, without writing to it, a file that is not an SQLite database or is unreadable."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise DatabaseError(f"{path} はフォルダです。データベースファイルではありません。", "--db でファイルを指定してください。")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != SQLITE_MAGIC:
        raise DatabaseError(
            f"{path} は fitgap のデータベースではありません（SQLite ファイルではない）。ファイルは変更していません。",
            "正しいファイルを --db で指定するか、新しいファイル名で fitgap init を実行してください。",
        )


UNCHANGED_FILE = "ファイルは変更していません。"


def _readonly_probe(path: Path) -> tuple[set[str], str | None]:
    """Table names of an existing SQLite file and, when its quick integrity check fails, what it found
    (None for an intact file); read through a read-only connection (never modifies it)."""
    uri = f"file:{path.resolve().as_posix()}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            rows = con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
            verdict = [str(r[0]) for r in con.execute("PRAGMA quick_check(1)")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        fault = file_faults.sqlite_failure(exc, path=path, done=UNCHANGED_FILE)
        if fault is not None:
            raise fault from exc
        raise DatabaseError(f"{path} を読めません（{exc}）。{UNCHANGED_FILE}",
                            "fitgap check で状態を確認してください。") from exc
    damage = None if verdict == ["ok"] else " ".join(verdict[0].split())
    return {r[0] for r in rows}, damage


DISK_FULL_MESSAGE = "ディスクの空きが足りないため、データベースに書き込めませんでした。変更は保存していません。"
DISK_FULL_HINT = "不要なファイルを削除して空きを作ってから、もう一度実行してください。"
NOT_SAVED = "変更は保存していません。"
UNCHANGED = "データベースは変更していません。"


class Database:
    """One database: an engine and the sessions on it. Build with :func:`connect`.

    ``path`` is the SQLite file (None for a server), so that a failure to write it is worded by its true
    cause (:mod:`fitgap.storage.file_faults`). ``damage`` is what the integrity probe found when the file was
    opened: such a database can still be read (and backed up), but every write is refused before it starts.
    """

    def __init__(self, engine: Engine, *, path: Path | None = None, damage: str | None = None) -> None:
        self.engine = engine
        self.path = path
        self.damage = damage
        self._write_engine = engine.execution_options(fitgap_write=True)
        # a database server's URL (password hidden), for a server that cannot be reached; None for SQLite
        self.server = None if engine.dialect.name == "sqlite" else self.url

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with _translate_errors(self.path, done=UNCHANGED, server=self.server), Session(self.engine, expire_on_commit=False) as session:
            yield session  # closing the session ends its transaction; loaded objects stay readable

    @contextmanager
    def connection(self) -> Iterator[sa.Connection]:
        """A Core connection for reading, its failures worded like a session's."""
        with _translate_errors(self.path, done=UNCHANGED, server=self.server), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back entirely on any error."""
        self.refuse_if_damaged()
        with _translate_errors(self.path, done=NOT_SAVED, server=self.server), Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                _fault_pause()
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        """A Core connection in one write transaction (for DDL and raw bulk work)."""
        self.refuse_if_damaged()
        with _translate_errors(self.path, done=NOT_SAVED, server=self.server), self._write_engine.begin() as conn:
            yield conn

    def refuse_if_damaged(self) -> None:
        """A database that failed its integrity probe takes no writes: a write on a damaged page can spread
        the damage, and nothing saved there is safe."""
        if self.damage is not None:
            raise file_faults.damaged(self.path, f"整合性検査: {self.damage}",
                                      done=f"読むことはできますが、変更は受け付けません。{UNCHANGED}")

    def dispose(self) -> None:
        self.engine.dispose()


# what the PostgreSQL client says when it cannot reach or log in to the server, in plain words
_SERVER_CAUSES = (
    ("Connection refused", "接続を拒否されました（サーバが起動していないか、ポート番号が違います）"),
    ("failed to resolve host", "サーバ名を解決できません（サーバ名の誤りか、DNS・ネットワークの問題です）"),
    ("could not translate host name", "サーバ名を解決できません（サーバ名の誤りか、DNS・ネットワークの問題です）"),
    ("timeout expired", "サーバが応答しません（ネットワークかファイアウォールを確かめてください）"),
    ("timed out", "サーバが応答しません（ネットワークかファイアウォールを確かめてください）"),
    ("No route to host", "サーバに届きません（ネットワークかファイアウォールを確かめてください）"),
    ("Network is unreachable", "サーバに届きません（ネットワークを確かめてください）"),
    ("password authentication failed", "利用者名かパスワードが違います"),
    ("no password supplied", "パスワードが指定されていません"),
    ("does not exist", "指定したデータベースか利用者がサーバにありません"),
    ("too many clients", "サーバの接続数が上限に達しています（しばらく待ってください）"),
    ("the database system is starting up", "サーバが起動中です（しばらく待ってください）"),
    ("the database system is shutting down", "サーバが停止処理中です"),
    ("server closed the connection", "サーバとの接続が切れました"),
    ("SSL", "SSL の設定がサーバと合いません"),
)


def server_unreachable(exc: BaseException, url: str) -> DatabaseError | None:
    """A database server that cannot be reached or logged in to (the connection failed before any SQL ran):
    which URL, without its password, and what to check; None for any other error."""
    if not isinstance(exc, OperationalError | sa.exc.InterfaceError) or (exc.statement is not None
                                                                          and not exc.connection_invalidated):
        return None
    text = str(exc.orig) if exc.orig is not None else str(exc)
    cause = next((said for words, said in _SERVER_CAUSES if words.lower() in text.lower()), None)
    if cause is None:
        cause = "接続できません（" + " ".join(text.split())[:200] + "）"
    shown = mask_password(url)
    return DatabaseError(f"データベースサーバ {shown} に接続できません: {cause}。何も変更していません。",
                         "サーバが起動しているか、URL のサーバ名・ポート・データベース名・利用者名・パスワード、"
                         "ネットワーク（ファイアウォール・VPN）を確かめてください。URL は --db か環境変数 FITGAP_DATABASE_URL で"
                         "指定します。")


@contextmanager
def _translate_errors(path: Path | None, *, done: str, server: str | None = None) -> Iterator[None]:
    """A busy, damaged, read-only, full or size-limited database in its own words (file_faults); ``path``
    is the SQLite file (None for a server, where only the lock, the damage and a full disk are told);
    ``server`` the URL of a database server, for a server that cannot be reached."""
    try:
        yield
    except SADatabaseError as exc:
        unreachable = server_unreachable(exc, server) if server is not None else None
        if unreachable is not None:
            raise unreachable from None
        if isinstance(exc, DataError) and "too long" in str(exc.orig):  # a limit an importer missed (a net)
            raise InvalidInputError(
                f"値が長すぎて、データベースの列に入りません（{str(exc.orig).splitlines()[0]}）。{done}",
                "ID・番号は 64 文字までにしてください（docs/limits.md「入力の上限」）。") from exc
        if not isinstance(exc, OperationalError) and type(exc) is not SADatabaseError:
            raise  # integrity, data and programming errors carry the data's own words: not a fault of the file
        msg = str(exc.orig) if exc.orig is not None else str(exc)
        if "locked" in msg or "busy" in msg or "lock timeout" in msg:
            raise DatabaseBusyError(
                f"データベースは他の利用者が使用中です（書き込みロックが解除されませんでした）。{done}",
                "少し待ってからもう一度実行してください。長く続く場合は他の fitgap を終了してください。",
            ) from exc
        fault = file_faults.sqlite_failure(exc, path=path, done=done)
        if fault is None and ("disk is full" in msg or "No space left" in msg or "could not extend file" in msg):
            fault = DatabaseError(DISK_FULL_MESSAGE, DISK_FULL_HINT)
        if fault is None:
            raise
        raise fault from exc


def session_rows(session: Session) -> Rows:
    """The overview's row runner (:mod:`fitgap.storage.overview`) on a session's transaction."""

    def rows(sql: str) -> Any:
        return session.execute(sa.text(sql)).all()

    return rows


def _fault_pause() -> None:
    """Testing aid: FITGAP_FAULT_PAUSE_BEFORE_COMMIT=SECONDS holds every write transaction open just
    before its commit, so tests can kill the process mid-transaction and check nothing half-done stays."""
    pause = os.environ.get("FITGAP_FAULT_PAUSE_BEFORE_COMMIT")
    if pause:
        seconds = number_setting("FITGAP_FAULT_PAUSE_BEFORE_COMMIT", pause, positive=False)
        print(f"fitgap: holding the commit for {pause} s (FITGAP_FAULT_PAUSE_BEFORE_COMMIT)", file=sys.stderr, flush=True)
        time.sleep(seconds)


def _search_form(value: Any) -> Any:
    """The form text is searched in (SQL function fitgap_nfkc): NFKC, so full-width ＰＤＦ is found by pdf."""
    return nfkc(value) if isinstance(value, str) else value


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (transactional DDL)
    dbapi_conn.create_function("fitgap_nfkc", 1, _search_form, deterministic=True)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
    if mode != "wal" and mode != "memory":
        try:
            cur.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:  # a read-only file (a backup kept aside): read it as it is
            if "readonly" not in str(exc) and "unable to open" not in str(exc):
                raise
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _sqlite_on_begin(conn: sa.Connection) -> None:
    immediate = conn.get_execution_options().get("fitgap_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# Any constant: the PostgreSQL advisory lock every fitgap write transaction holds until it ends.
WRITE_LOCK_KEY = 0x66697467


def _postgres_on_begin(conn: sa.Connection) -> None:
    """Write transactions queue on one transaction-scoped advisory lock, as SQLite's BEGIN IMMEDIATE makes
    them queue on the file lock: a revision read inside a write transaction cannot change before it
    commits, so two people editing the same item get a conflict, never a silent overwrite or a
    duplicate-key crash. Readers are never blocked. The wait is bounded like SQLite's busy timeout."""
    if conn.get_execution_options().get("fitgap_write", False):
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_MS}ms'")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


URL_HINT = ("--db（または環境変数 FITGAP_DATABASE_URL）を postgresql+psycopg://利用者名:パスワード@サーバ名:5432/データベース名 "
            "の形で指定するか、SQLite のファイルのパスを指定してください。")


def create_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets fitgap's pragmas and transaction handling. A URL that
    cannot be used (unreadable, an unknown database kind, a driver not installed) is a DatabaseError."""
    try:
        if url.startswith("sqlite"):
            engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            return engine
        engine = sa.create_engine(url, pool_pre_ping=True)
    except sa.exc.NoSuchModuleError:
        raise DatabaseError(f"データベースの URL {mask_password(url)} の種類は fitgap では使えません。",
                            "fitgap が使えるのは SQLite と PostgreSQL です。" + URL_HINT) from None
    except ImportError as exc:
        raise DatabaseError(f"データベースの URL {mask_password(url)} に必要なドライバ（{exc.name}）が入っていません。",
                            "PostgreSQL なら postgresql+psycopg:// で始まる URL を使ってください（psycopg は fitgap と一緒に"
                            "入っています）。" + URL_HINT) from None
    except sa.exc.ArgumentError:
        raise DatabaseError(f"データベースの URL {mask_password(url)} を読めません。", URL_HINT) from None
    if engine.dialect.name == "postgresql":
        event.listen(engine, "begin", _postgres_on_begin)
    return engine


def connect(url: str) -> tuple[Database, set[str] | None]:
    """Open a database after checking, read-only, that an existing SQLite file is one we may use.

    Returns the database and, for an existing SQLite file, the tables it already had (None otherwise).
    """
    path = sqlite_path(url)
    tables: set[str] | None = None
    damage: str | None = None
    if path is not None:
        check_sqlite_file(path)
        if path.exists() and path.stat().st_size > 0:
            tables, damage = _readonly_probe(path)
        elif not path.parent.exists():
            raise DatabaseError(f"フォルダ {path.parent} がありません。", "フォルダを作成するか、別の --db を指定してください。")
    return Database(create_engine(url), path=path, damage=damage), tables
