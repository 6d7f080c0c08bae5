"""``fitgap migrate-db``: copy a whole database to another one (SQLite ⇄ PostgreSQL), verified.

The source is read in one snapshot; the target is written in one transaction (schema and rows), so an
interrupted copy leaves the target empty. After the copy, every table's row count and checksum are
computed again on the target and compared with the source; any difference undoes the copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from fitgap.config import sqlite_url
from fitgap.errors import DatabaseError, InvalidInputError
from fitgap.storage import audit, file_faults, search_index, transfer
from fitgap.storage.db import check_sqlite_file, create_engine, sqlite_path
from fitgap.storage.schema import SCHEMA_VERSION, create_schema, open_database


@dataclass(frozen=True)
class MigrationResult:
    source: str
    target: str
    tables: dict[str, transfer.TableDigest]

    @property
    def total_rows(self) -> int:
        return sum(d.rows for d in self.tables.values())


class VerificationError(DatabaseError):
    """The copy differs from the source; it was undone."""


def _target_url(target: str) -> str:
    return target if "://" in target else sqlite_url(Path(target))


def _display(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def migrate(
    *, source_url: str, target: str, user: str, progress: Callable[[str, int], None] | None = None
) -> MigrationResult:
    target_url = _target_url(target)
    if _display(target_url) == _display(source_url):
        raise InvalidInputError("コピー元とコピー先が同じです。", "--to に別のデータベースを指定してください。")
    path = sqlite_path(target_url)
    if path is not None:
        check_sqlite_file(path)
        if not path.parent.exists():
            raise InvalidInputError(f"フォルダ {path.parent} がありません。", "フォルダを作成してから実行してください。")
    created_file = path is not None and not path.exists()
    src_db = open_database(source_url)  # a fitgap database, upgraded to the current schema
    dst_engine = create_engine(target_url)
    try:
        snapshot = src_db.engine
        if src_db.engine.dialect.name == "postgresql":
            snapshot = src_db.engine.execution_options(isolation_level="REPEATABLE READ")
        with snapshot.connect() as src, src.begin():
            bad = transfer.uncopyable(src)
            if bad and sqlite_path(target_url) is None:
                raise InvalidInputError(
                    "コピー元に、コピー先のデータベースが保存できない値があります。何も変更していません:\n  "
                    + "\n  ".join(bad),
                    "fitgap で該当する要件やメモを直すか（制御文字を取り除き、長すぎる ID を直す）、"
                    "要件一覧を取り込み直してから、もう一度実行してください。")
            try:
                with dst_engine.begin() as dst:
                    _refuse_non_empty(dst, target_url)
                    create_schema(dst, version=SCHEMA_VERSION)
                    dst.execute(sa.delete(sa.table("fitgap_meta")))
                    copied = transfer.copy_rows(source=src, target=dst, progress=progress)
                    _verify(copied, transfer.digests(dst))
                    search_index.create(dst)  # SQLite target: rebuild the search index on next search
                    audit.record(session=dst, user=user, at=datetime.now(UTC),  # type: ignore[arg-type]
                                 batch=audit.new_batch(), action="maintenance.migrate", entity="database",
                                 entity_key="database", old=_display(source_url), new=_display(target_url))
            except sa.exc.OperationalError as exc:
                raise _target_failure(exc, target_url, path) from exc
            except sa.exc.StatementError as exc:  # a value the target refuses; never dump the row's data
                reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
                raise DatabaseError(f"コピー先 {_display(target_url)} が行を受け付けませんでした（{reason}）。"
                                    "コピーは取り消しました（コピー先は空のまま）。",
                                    "fitgap check でコピー元を確かめてください。") from None
    except BaseException:
        dst_engine.dispose()
        if created_file and path is not None:
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    finally:
        dst_engine.dispose()
        src_db.dispose()
    return MigrationResult(source=_display(source_url), target=_display(target_url), tables=copied)


UNDONE = "コピーは取り消しました（コピー先は空のまま）。"


def _target_failure(exc: sa.exc.OperationalError, url: str, path: Path | None) -> DatabaseError:
    """Why the target could not be written: its disk, folder or size limit (an SQLite file), a full disk
    on the server — or else the connection, where the URL and the rights are what to check."""
    if path is not None:
        fault = file_faults.sqlite_failure(exc, path=path, what="コピー先のデータベース", done=UNDONE)
        if fault is not None:
            return fault
    text = file_faults.error_text(exc)
    if getattr(exc.orig, "sqlstate", None) == "53100" or "No space left" in text or "could not extend file" in text:
        return DatabaseError(f"コピー先 {_display(url)} のサーバーのディスクの空きが足りません（{text.splitlines()[0]}）。{UNDONE}",
                             "サーバーの管理者に空きを作ってもらってから、もう一度実行してください。")
    return DatabaseError(f"コピー先 {_display(url)} に接続・書き込みできません: {exc.orig}",
                         "URL（ホスト、ポート、利用者、データベース名）と権限を確かめてください。")


def _refuse_non_empty(conn: sa.Connection, url: str) -> None:
    rows = transfer.non_empty_tables(conn)
    if rows:
        listed = "、".join(f"{t}（{n:,} 行）" for t, n in sorted(rows.items())[:8])
        raise InvalidInputError(
            f"コピー先 {_display(url)} は空ではありません: {listed}。何も変更していません。",
            "空のデータベースを作成して指定してください（PostgreSQL なら createdb、SQLite なら新しいファイル名）。",
        )
    if sa.inspect(conn).get_table_names():
        leftover = ", ".join(sorted(sa.inspect(conn).get_table_names())[:8])
        raise InvalidInputError(
            f"コピー先 {_display(url)} には空の表がすでにあります（{leftover}）。何も変更していません。",
            "表のない空のデータベースを指定してください。",
        )


def _verify(copied: dict[str, transfer.TableDigest], found: dict[str, transfer.TableDigest]) -> None:
    bad = [t for t, d in copied.items() if found.get(t) != d]
    if bad:
        raise VerificationError(
            f"コピー後の検証で一致しない表がありました: {', '.join(bad)}。コピーは取り消しました（コピー先は空のまま）。",
            "fitgap check でコピー元を確認し、もう一度実行してください。",
        )
