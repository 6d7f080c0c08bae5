"""Looking after the database: backup, restore and health check.

Backups are SQLite files whatever the database is: on SQLite through the online backup API, on
PostgreSQL as a copy of every row taken in one snapshot (REPEATABLE READ). By default they go to
``<exports>/backups/fitgap-<database>-YYYYMMDD-HHMMSS.db`` (exports/ is the folder fitgap writes to and
is kept out of version control); ``-o`` chooses another place.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from fitgap import __version__, leftovers
from fitgap.errors import DamagedDatabaseError, DatabaseError, FitGapError, InvalidInputError, file_error
from fitgap.reports.output_file import make_folder, unused_name
from fitgap.storage import file_faults, integrity, restore_record, search_index, sqlite_backup, transfer
from fitgap.storage.db import Database, create_engine, server_unreachable, sqlite_path
from fitgap.storage.salvage import SalvageReport
from fitgap.storage.schema import SCHEMA_VERSION, create_schema, open_database, read_meta


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    rows: dict[str, int]
    salvaged: SalvageReport | None = None  # the source was damaged: only what could be read was copied


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

    @property
    def advice(self) -> str:
        """What to do about the problems found: a restore only for a damaged file, never for an intact one."""
        failed = [r for r in self.results if not r.ok]
        if any(r.cause == integrity.DAMAGE for r in failed):
            return ("ファイルが壊れています。fitgap backup で読める内容のコピーを取り（壊れた部分は飛ばして、そう表示します）、"
                    "そのコピーか以前のバックアップを fitgap restore で戻してください。迷ったら管理者に相談してください。")
        if failed and all(r.cause == integrity.ACCESS for r in failed):
            return ("ファイルの中身は検査できませんでした（壊れているとは限りません）。上の権限・フォルダ・空き容量を直してから、"
                    "もう一度 fitgap check を実行してください。復元は要りません。")
        return ("問題が見つかりました（ファイルそのものは壊れていません）。fitgap backup でコピーを取ってから、"
                "管理者に相談してください。")


def _now() -> datetime:
    return datetime.now(UTC)


def default_backup_path(*, url: str, exports_dir: Path, prefix: str = "fitgap") -> Path:
    path = sqlite_path(url)
    name = path.stem if path is not None else re.sub(r"[^\w.-]+", "_", sa.engine.make_url(url).database or "server")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return exports_dir / "backups" / f"{prefix}-{name}-{stamp}.db"


def _prepare_output(output: Path | str | None, *, url: str, exports_dir: Path, prefix: str = "fitgap") -> Path:
    folder_meant = isinstance(output, str) and output.endswith(("/", os.sep))  # -o dir/: a folder, which must exist
    target = Path(output) if output else default_backup_path(url=url, exports_dir=exports_dir, prefix=prefix)
    if folder_meant and not target.is_dir():
        raise InvalidInputError(f"書き出し先のフォルダ {target} がありません。何も書き出していません。",
                                "フォルダ名を確かめるか、フォルダを作成してからもう一度実行してください。")
    if target.is_dir():  # a folder: the default name in it
        target = unused_name(target / default_backup_path(url=url, exports_dir=exports_dir, prefix=prefix).name)
    if output is None:
        make_folder(target.parent)  # exports/backups: fitgap's own folder, made when first needed
        target = unused_name(target)  # two backups within the same second
    elif not target.parent.exists():
        raise InvalidInputError(f"フォルダ {target.parent} がありません。", "フォルダを作成するか、別の場所を -o で指定してください。")
    if target.exists():
        raise InvalidInputError(f"{target} はすでにあります。上書きはしません。", "別のファイル名を -o で指定してください。")
    return target


def _stamp(url: str) -> dict[str, str]:
    return {"backup_at": _now().isoformat(timespec="seconds"), "backup_with": __version__,
            "backup_source": sa.engine.make_url(url).render_as_string(hide_password=True)}


def backup(*, url: str, exports_dir: Path, output: Path | str | None = None) -> BackupResult:
    """A consistent copy of the database as an SQLite file, taken while others keep working.

    A damaged SQLite database (its integrity probe fails, or its copy does) is copied row by row instead,
    skipping what cannot be read, and the result says what was left out: the way out of a broken page."""
    src = sqlite_path(url)
    salvaged: SalvageReport | None = None
    try:
        db: Database | None = open_database(url)  # refuses what is not a fitgap database; upgrades an old one
    except DamagedDatabaseError:
        if src is None:
            raise
        db = None  # not even its list of tables could be read cleanly: try row by row all the same
    try:
        target = _prepare_output(output, url=url, exports_dir=exports_dir)
        if src is not None:
            size = 0
            if db is not None and db.damage is None:
                try:
                    size = sqlite_backup.online_backup(source=src, target=target, stamp=_stamp(url))
                except DamagedDatabaseError:
                    pass  # its copy failed the integrity check: copy what can be read below
            if not size:
                size, salvaged = sqlite_backup.salvage_backup(source=src, target=target, stamp=_stamp(url))
        else:
            assert db is not None
            size = _server_backup(db, target=target, stamp=_stamp(url))
    finally:
        if db is not None:
            db.dispose()
    check = _readonly_engine(target)
    try:
        with check.connect() as conn:
            rows = transfer.row_counts(conn)
    finally:
        check.dispose()
    return BackupResult(path=target, size=size, rows=rows, salvaged=salvaged)


def _with_subfolders(folder: Path) -> list[Path]:
    try:
        return [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]
    except OSError:
        return [folder]


def _leftover_check(folders: list[Path]) -> integrity.CheckResult:
    """fitgap's temporary files left by a write that did not finish (listed as 注意: they hold nothing the
    database needs; the next write into the same folder removes those older than a day)."""
    result = integrity.CheckResult("書きかけのファイル（中断した書き出しの残り）")
    seen: set[Path] = set()
    for folder in folders:
        for leftover, age in leftovers.leftovers(folder):
            if leftover in seen:
                continue
            seen.add(leftover)
            when = f"{age / 86400:.0f} 日前" if age >= 86400 else f"{age / 3600:.0f} 時間前" if age >= 3600 else "1 時間以内"
            later = ("次にこのフォルダへ書き出すときに削除します" if age >= leftovers.MAX_AGE_SECONDS
                     else "書き出し中かもしれません（1日たてば次の書き出しで削除します）")
            result.warnings.append(f"{leftover}（{when}）: {later}。")
    return result


def salvage_lines(report: SalvageReport) -> list[str]:
    """What a backup of a damaged database holds and what it left out, table by table."""
    lines = ["注意: 元のデータベースが壊れていたため、読める行だけを1行ずつコピーしました。"]
    if report.complete:
        lines.append("  表の行はすべて読めました（壊れていたのは索引などで、コピーでは作り直しました）。")
    for table, lost in sorted(report.lost.items()):
        lines.append(f"  表 {table}: {report.rows.get(table, 0):,} 行をコピーし、読めない行（最大 {lost:,} 行）を飛ばしました。")
    for table in report.unreadable:
        lines.append(f"  表 {table}: 読めませんでした（この表の行はコピーにありません）。")
    if not report.complete:
        lines.append("  飛ばした行は、以前のバックアップにあれば、そちらから確かめられます。")
    return lines


def _readonly_engine(path: Path) -> sa.Engine:
    """A plain engine on an SQLite file that cannot change it (no pragmas, no journal mode switch)."""
    return sa.create_engine(f"sqlite:///file:{path.resolve().as_posix()}?mode=ro&uri=true")


def _server_backup(db: Database, *, target: Path, stamp: dict[str, str]) -> int:
    tmp = sqlite_backup.partial_path(target)
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
        sqlite_backup.remove_with_work_files(tmp)
        if isinstance(exc, sa.exc.OperationalError) and isinstance(exc.orig, sqlite3.Error):  # the copy's side
            fault = file_faults.sqlite_failure(exc, path=target, what="バックアップ",
                                               writing_what=f"バックアップ {target}", done=sqlite_backup.NOTHING_WRITTEN)
            if fault is not None:
                raise fault from exc
        raise
    out.dispose()
    sqlite_backup.publish(tmp, target)
    return target.stat().st_size


NOT_RESTORED = "復元していません（データベースは元のままです）。"


def restore(*, url: str, backup_file: Path, exports_dir: Path, user: str) -> RestoreResult:
    """Replace the database's content with a backup, after keeping a safety copy of the current one.

    The new content and its record (the ``maintenance.restore`` audit event and the restore meta rows)
    land in one transaction: a restore killed at any moment leaves the database as it was, or restored
    with its record. A damaged database can be restored over (that is what restoring is for): its safety
    copy holds what could be read of it.
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
    if path is not None:
        _refuse_unwritable(path)
    current_id = ""
    try:
        db = open_database(url)
        try:
            with db.connection() as conn:
                current_id = read_meta(conn).get("database_id", "")
        except DamagedDatabaseError:
            pass  # damaged beyond reading its ID: restore over it all the same
        finally:
            db.dispose()
    except DamagedDatabaseError:
        if path is None:
            raise
    if path is not None:
        _sqlite_step(path, lambda: sqlite_backup.ensure_not_in_use(path))
    safety = _safety_copy(url=url, path=path, exports_dir=exports_dir)
    mark = {"user": user, "at": _now(), "backup_name": backup_file.name, "safety_name": safety.name}
    if path is not None:
        _sqlite_restore(path=path, backup_file=backup_file, mark=mark)
    else:
        _server_restore(url=url, backup_file=backup_file, mark=mark)
    return RestoreResult(restored_from=backup_file, safety_copy=safety, backup_at=info.backup_at,
                         same_database=info.database_id == current_id,
                         upgraded_from=info.schema_version if info.schema_version < SCHEMA_VERSION else None)


def _refuse_unwritable(path: Path) -> None:
    """Restoring writes the database file and a staging copy beside it: say before anything happens when
    the file, its folder or the file system cannot be written."""
    folder = path.parent
    if (not os.access(path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK)
            or file_faults.read_only_file_system(folder)):
        raise file_faults.cannot_write(path, done=NOT_RESTORED, what="復元先のデータベース")


def _sqlite_step(path: Path, step: Any, *, what: str | None = None) -> Any:
    """One step of a restore on the SQLite file ``path``, its failures in true words."""
    try:
        return step()
    except sqlite3.Error as exc:
        fault = file_faults.sqlite_failure(exc, path=path, done=NOT_RESTORED,
                                           writing_what=what or f"データベース {path.name}")
        if fault is None:
            raise DatabaseError(f"データベース {path} に復元できませんでした（{exc}）。{NOT_RESTORED}",
                                "fitgap check で状態を確かめてください。") from exc
        raise fault from exc


def _safety_copy(*, url: str, path: Path | None, exports_dir: Path) -> Path:
    """A backup of the current content before it is replaced (of a damaged database: what can be read, or
    else the file itself, kept as it is)."""
    target = _prepare_output(None, url=url, exports_dir=exports_dir, prefix="before-restore")
    try:
        return backup(url=url, exports_dir=exports_dir, output=target).path
    except DamagedDatabaseError:
        if path is None:
            raise
        try:  # nothing of it can be read row by row either: keep the damaged file itself, for the record
            shutil.copyfile(path, target)
        except OSError as exc:
            raise file_error(exc, target, writing=True) from None
        return target
    except FitGapError as exc:
        raise type(exc)(f"復元の前に取る安全のためのコピーを作れませんでした: {exc.message} {NOT_RESTORED}",
                        exc.hint) from exc


def _sqlite_restore(*, path: Path, backup_file: Path, mark: dict[str, Any]) -> None:
    """Stage the backup beside the database (upgraded, with its restore record), then copy it in at once."""
    leftovers.sweep(path.parent)  # staging copies a killed restore left here more than a day ago
    staging = path.with_name(f".{path.name}.restore-{uuid.uuid4().hex[:8]}")
    try:
        staged_what = f"復元の作業用コピー（{path.parent / staging.name}）"
        _sqlite_step(staging, lambda: sqlite_backup.copy_file(source=backup_file, target=staging), what=staged_what)
        try:
            staged = open_database(f"sqlite:///{staging}")  # upgrades a backup from an older fitgap
            try:
                with staged.write() as session:
                    restore_record.mark_restored(session.connection(), **mark)
            finally:
                staged.dispose()
        except DatabaseError as exc:
            raise type(exc)(f"{exc.message} {NOT_RESTORED}", exc.hint) from exc
        _sqlite_step(staging, lambda: sqlite_backup.settle(staging), what=staged_what)
        _sqlite_step(path, lambda: sqlite_backup.ensure_not_in_use(path))
        _sqlite_step(path, lambda: sqlite_backup.restore_into(backup=staging, target=path))
    finally:
        sqlite_backup.remove_with_work_files(staging)


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


def check(*, url: str, exports_dir: Path | None = None) -> CheckReport:
    """Every health check, read-only; problems in plain words. Temporary files a killed write left beside
    the database or in the exports folder (and its subfolders) are listed too."""
    report = CheckReport(database=sa.engine.make_url(url).render_as_string(hide_password=True))
    path = sqlite_path(url)
    report.results.append(_leftover_check([*([path.parent] if path is not None else []),
                                           *(_with_subfolders(exports_dir) if exports_dir is not None else [])]))
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
        unreachable = server_unreachable(exc, url) if path is None else None
        if unreachable is not None:  # nothing can be checked: said as every command says it
            raise unreachable from None
        cause = integrity.DAMAGE if path is not None and file_faults.is_corruption(exc) else ""
        if path is not None and not cause and isinstance(exc.orig, sqlite3.Error):
            cause = integrity.ACCESS
        report.results.append(integrity.CheckResult("データベースへの接続", problems=[f"読めません: {exc.orig}"],
                                                    cause=cause))
    finally:
        engine.dispose()
    return report
