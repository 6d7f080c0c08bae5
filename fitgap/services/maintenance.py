"""Looking after the database: backup, restore and health check.

Backups are SQLite files whatever the database is: on SQLite through the online backup API, on
PostgreSQL as a copy of every row taken in one snapshot (REPEATABLE READ). By default they go to
``<exports>/backups/fitgap-<database>-YYYYMMDD-HHMMSS.db`` (exports/ is the folder fitgap writes to and
is kept out of version control); ``-o`` chooses another place.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from fitgap import __version__
from fitgap.errors import DatabaseError, InvalidInputError, file_error
from fitgap.reports.output_file import unused_name
from fitgap.storage import integrity, restore_record, search_index, sqlite_backup, transfer
from fitgap.storage.db import DISK_FULL_HINT, Database, create_engine, sqlite_path
from fitgap.storage.schema import SCHEMA_VERSION, create_schema, open_database, read_meta


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    rows: dict[str, int]


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_copy: Path
    backup_at: str | None
    same_database: bool
    upgraded_from: int | None


@dataclass
class CheckReport:
    database: str
    results: list[integrity.CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


def _now() -> datetime:
    return datetime.now(UTC)


def default_backup_path(*, url: str, exports_dir: Path, prefix: str = "fitgap") -> Path:
    path = sqlite_path(url)
    name = path.stem if path is not None else re.sub(r"[^\w.-]+", "_", sa.engine.make_url(url).database or "server")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return exports_dir / "backups" / f"{prefix}-{name}-{stamp}.db"


def _prepare_output(output: Path | None, *, url: str, exports_dir: Path, prefix: str = "fitgap") -> Path:
    target = output or default_backup_path(url=url, exports_dir=exports_dir, prefix=prefix)
    if target.is_dir():  # a folder: the default name in it
        target = unused_name(target / default_backup_path(url=url, exports_dir=exports_dir, prefix=prefix).name)
    if output is None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target = unused_name(target)  # two backups within the same second
    elif not target.parent.exists():
        raise InvalidInputError(f"フォルダ {target.parent} がありません。", "フォルダを作成するか、別の場所を -o で指定してください。")
    if target.exists():
        raise InvalidInputError(f"{target} はすでにあります。上書きはしません。", "別のファイル名を -o で指定してください。")
    return target


def _stamp(url: str) -> dict[str, str]:
    return {"backup_at": _now().isoformat(timespec="seconds"), "backup_with": __version__,
            "backup_source": sa.engine.make_url(url).render_as_string(hide_password=True)}


def backup(*, url: str, exports_dir: Path, output: Path | None = None) -> BackupResult:
    """A consistent copy of the database as an SQLite file, taken while others keep working."""
    db = open_database(url)  # refuses what is not a fitgap database; upgrades an old one first
    try:
        target = _prepare_output(output, url=url, exports_dir=exports_dir)
        src = sqlite_path(url)
        if src is not None:
            size = sqlite_backup.online_backup(source=src, target=target, stamp=_stamp(url))
        else:
            size = _server_backup(db, target=target, stamp=_stamp(url))
    finally:
        db.dispose()
    check = _readonly_engine(target)
    try:
        with check.connect() as conn:
            rows = transfer.row_counts(conn)
    finally:
        check.dispose()
    return BackupResult(path=target, size=size, rows=rows)


def _readonly_engine(path: Path) -> sa.Engine:
    """A plain engine on an SQLite file that cannot change it (no pragmas, no journal mode switch)."""
    return sa.create_engine(f"sqlite:///file:{path.resolve().as_posix()}?mode=ro&uri=true")


def _server_backup(db: Database, *, target: Path, stamp: dict[str, str]) -> int:
    tmp = target.with_name(f".{target.name}.partial")
    tmp.unlink(missing_ok=True)
    out = sa.create_engine(f"sqlite:///{tmp}")  # plain: rollback journal, a single self-contained file
    try:
        snapshot = db.engine.execution_options(isolation_level="REPEATABLE READ")
        with snapshot.connect() as src, src.begin(), out.begin() as dst:
            version = read_meta(src).get("schema_version")
            create_schema(dst, version=int(version or SCHEMA_VERSION))
            dst.execute(sa.delete(sa.table("fitgap_meta")))
            transfer.copy_rows(source=src, target=dst)
            restore_record.set_meta(dst, stamp)  # the source may carry the stamp of an earlier backup
            search_index.create(dst)  # the copy's search index is rebuilt on its first search
    except BaseException as exc:
        out.dispose()
        tmp.unlink(missing_ok=True)
        if isinstance(exc, sa.exc.OperationalError) and "full" in str(exc.orig):
            raise DatabaseError(f"ディスクの空きが足りないため、バックアップ {target} を書き出せませんでした。"
                                "途中までのファイルは残していません。", DISK_FULL_HINT) from exc
        raise
    out.dispose()
    try:
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise file_error(exc, target, writing=True) from None
    return target.stat().st_size


def restore(*, url: str, backup_file: Path, exports_dir: Path, user: str) -> RestoreResult:
    """Replace the database's content with a backup, after keeping a safety copy of the current one.

    The new content and its record (the ``maintenance.restore`` audit event and the restore meta rows)
    land in one transaction: a restore killed at any moment leaves the database as it was, or restored
    with its record.
    """
    info = sqlite_backup.inspect_backup(backup_file)
    if info.schema_version > SCHEMA_VERSION:
        raise InvalidInputError(
            f"{backup_file.name} は新しい fitgap（スキーマ版 {info.schema_version}）のバックアップです。"
            f"この fitgap はスキーマ版 {SCHEMA_VERSION} までしか扱えません。何も変更していません。",
            "fitgap を新しい版に更新してから復元してください。",
        )
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseError(f"データベース {path} がありません。", "復元先の --db を確かめてください（まず fitgap init で作成します）。")
    db = open_database(url)
    with db.engine.connect() as conn:
        current_id = read_meta(conn).get("database_id", "")
    db.dispose()
    if path is not None:
        sqlite_backup.ensure_not_in_use(path)
    safety = backup(url=url, exports_dir=exports_dir,
                    output=_prepare_output(None, url=url, exports_dir=exports_dir, prefix="before-restore")).path
    mark = {"user": user, "at": _now(), "backup_name": backup_file.name, "safety_name": safety.name}
    if path is not None:
        _sqlite_restore(path=path, backup_file=backup_file, mark=mark)
    else:
        _server_restore(url=url, backup_file=backup_file, mark=mark)
    return RestoreResult(restored_from=backup_file, safety_copy=safety, backup_at=info.backup_at,
                         same_database=info.database_id == current_id,
                         upgraded_from=info.schema_version if info.schema_version < SCHEMA_VERSION else None)


def _sqlite_restore(*, path: Path, backup_file: Path, mark: dict[str, Any]) -> None:
    """Stage the backup beside the database (upgraded, with its restore record), then copy it in at once."""
    staging = path.with_name(f".{path.name}.restore-{uuid.uuid4().hex[:8]}")
    try:
        sqlite_backup.copy_file(source=backup_file, target=staging)
        staged = open_database(f"sqlite:///{staging}")  # upgrades a backup from an older fitgap
        try:
            with staged.write() as session:
                restore_record.mark_restored(session.connection(), **mark)
        finally:
            staged.dispose()
        sqlite_backup.settle(staging)
        sqlite_backup.ensure_not_in_use(path)
        sqlite_backup.restore_into(backup=staging, target=path)
    finally:
        for extra in ("", "-wal", "-shm", "-journal"):
            staging.with_name(staging.name + extra).unlink(missing_ok=True)


def _server_restore(*, url: str, backup_file: Path, mark: dict[str, Any]) -> None:
    """Replace every row of a server database with the backup's rows and record it, in one transaction."""
    src_engine = create_engine(f"sqlite:///{backup_file}")
    dst_engine = create_engine(url)
    try:
        writer = dst_engine.execution_options(fitgap_write=True)  # queue behind other writers
        with src_engine.connect() as src, src.begin(), writer.begin() as dst:
            from_version = int(read_meta(src).get("schema_version", SCHEMA_VERSION))
            if from_version != SCHEMA_VERSION:
                raise InvalidInputError(
                    f"{backup_file.name} はスキーマ版 {from_version} のバックアップです。サーバーへは同じ版"
                    f"（{SCHEMA_VERSION}）のものだけを復元できます。何も変更していません。",
                    "SQLite のデータベースに復元して開き（自動更新）、fitgap migrate-db でサーバーへ移してください。",
                )
            if dst.dialect.name == "postgresql":
                dst.exec_driver_sql("LOCK TABLE assessment, audit_event IN ACCESS EXCLUSIVE MODE NOWAIT")
            transfer.delete_all_rows(dst)
            transfer.copy_rows(source=src, target=dst)
            restore_record.mark_restored(dst, **mark)
    except sa.exc.OperationalError as exc:
        raise DatabaseError("データベースは他の利用者が使用中です。復元していません。",
                            "他の fitgap を終了してから、もう一度実行してください。") from exc
    finally:
        src_engine.dispose()
        dst_engine.dispose()


def check(*, url: str) -> CheckReport:
    """Every health check, read-only; problems in plain words."""
    report = CheckReport(database=sa.engine.make_url(url).render_as_string(hide_password=True))
    path = sqlite_path(url)
    if path is not None:
        results, readable = integrity.sqlite_file_checks(path)
        report.results.extend(results)
        if not readable:
            return report
        engine = _readonly_engine(path)
    else:
        engine = create_engine(url)
    try:
        with engine.connect() as conn:
            schema, usable = integrity.schema_check(conn, expected_version=SCHEMA_VERSION)
            report.results.append(schema)
            if usable:
                report.results.append(integrity.foreign_key_check(conn))
                report.results.append(integrity.orphan_check(conn))
                report.results.append(restore_record.restore_check(conn))
    except sa.exc.DBAPIError as exc:
        report.results.append(integrity.CheckResult("データベースへの接続", problems=[f"読めません: {exc.orig}"]))
    finally:
        engine.dispose()
    return report
