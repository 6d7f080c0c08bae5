"""Health checks of a fitgap database, on SQLite and PostgreSQL alike, without writing anything.

Each check returns a :class:`CheckResult` whose problems are sentences a user can read. The SQLite file
checks (header, integrity_check) run on a read-only sqlite3 connection; the rest run as plain SELECTs on
any SQLAlchemy connection.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain import models as m
from fitgap.storage import file_faults
from fitgap.storage.db import SQLITE_MAGIC

MAX_LISTED = 10


DAMAGE = "damage"  # the file itself is damaged: copy what can be read, restore
ACCESS = "access"  # the file could not be examined (permissions, folder, disk): the file may well be intact


@dataclass
class CheckResult:
    title: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: str | None = None  # why the check could not run
    cause: str = ""  # DAMAGE, ACCESS or "" (what the database holds)

    @property
    def ok(self) -> bool:
        return not self.problems and self.skipped is None


def sqlite_file_checks(path: Path) -> tuple[list[CheckResult], bool]:
    """Header and PRAGMA integrity_check; returns the results and whether the file can be read further."""
    header = CheckResult("ファイルの形式")
    if not path.exists():
        header.problems.append(f"{path} がありません。")
        return [header], False
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            header.problems.append(f"{path.name} は SQLite データベースではありません（先頭の印が違います）。")
            return [header], False
    integrity = CheckResult("ファイルの整合性（integrity_check）")
    try:
        con = sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True, timeout=15)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check(50)")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        fault = None if file_faults.is_corruption(exc) else file_faults.sqlite_failure(
            exc, path=path, done="そのため中身を検査できませんでした（ファイルが壊れているとは限りません）。")
        if fault is not None:
            integrity.problems.append(fault.message + (f" 対処: {fault.hint}" if fault.hint else ""))
            integrity.cause = ACCESS
        else:
            integrity.problems.append(f"ファイルを読めません: {exc}。ファイルが壊れています。")
            integrity.cause = DAMAGE
        return [header, integrity, write_access_check(path)], False
    if rows != ["ok"]:
        integrity.cause = DAMAGE
        integrity.problems.append(f"ページや索引に {len(rows)} 件の破損があります（例: {' '.join(rows[0].split())}）。")
        integrity.problems.extend(f"  {r}" for r in rows[1:MAX_LISTED])
    return [header, integrity, write_access_check(path)], True


def write_access_check(path: Path) -> CheckResult:
    """Whether fitgap can write the database: the file, its folder, the free space and the size limit
    (warnings: the file is fine, but changes would be refused)."""
    result = CheckResult("書き込み（権限・空き容量）", cause=ACCESS)
    folder = path.parent
    if file_faults.read_only_file_system(folder):
        result.warnings.append(f"{folder} は読み取り専用のファイルシステムです。変更は保存できません。")
    elif not os.access(path, os.W_OK):
        result.warnings.append(f"{path.name} は読み取り専用です。見ることはできますが、変更は保存できません。")
    elif not os.access(folder, os.W_OK | os.X_OK):
        result.warnings.append(f"フォルダ {folder} に書き込めません。SQLite が作業用のファイル（-wal・-shm）を作れないため、"
                               "変更は保存できません。")
    free = file_faults.free_bytes(folder)
    if free is not None and free < file_faults.NEARLY_FULL_BYTES:
        result.warnings.append(f"ディスクの空きがほとんどありません（{free / 1048576:.1f} MB）。変更が保存できないことがあります。")
    limit = file_faults.limit_bytes()
    if limit is not None:
        result.warnings.append(f"ファイルサイズの上限（ulimit -f、{limit / 1048576:,.1f} MB）が設定されています。"
                               "データベースやバックアップがこれを超えると書き込めません。")
    return result


def schema_check(conn: sa.Connection, *, expected_version: int) -> tuple[CheckResult, bool]:
    """fitgap_meta, the schema version and every expected table and column."""
    result = CheckResult("スキーマ（表の構成と版）")
    insp = sa.inspect(conn)
    tables = set(insp.get_table_names())
    if "fitgap_meta" not in tables:
        result.problems.append("fitgap の管理表（fitgap_meta）がありません。fitgap のデータベースではありません。")
        return result, False
    meta: dict[str, str] = {k: v for k, v in conn.execute(sa.text("SELECT key, value FROM fitgap_meta")).all()}
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        result.problems.append("スキーマ版が記録されていません。")
        return result, False
    if version > expected_version:
        result.problems.append(f"スキーマ版 {version} は、この fitgap（版 {expected_version} まで）より新しいものです。")
        return result, False
    if version < expected_version:
        result.warnings.append(f"スキーマ版 {version} は古い版です。次に開いたときに版 {expected_version} へ自動更新されます。")
    if not meta.get("database_id"):
        result.problems.append("データベース ID が記録されていません。")
    if version == expected_version:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in tables:
                result.problems.append(f"表 {table.name} がありません。")
                continue
            have = {c["name"] for c in insp.get_columns(table.name)}
            missing = [c.name for c in table.columns if c.name not in have]
            if missing:
                result.problems.append(f"表 {table.name} に列 {', '.join(missing)} がありません。")
    return result, not result.problems


def foreign_key_check(conn: sa.Connection) -> CheckResult:
    """Rows pointing at a row that does not exist (what PRAGMA foreign_key_check reports, on any backend)."""
    result = CheckResult("参照の整合性（外部キー）")
    present = set(sa.inspect(conn).get_table_names())
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in present:
            continue
        for fk in table.foreign_keys:
            parent = fk.column.table
            if parent.name not in present:
                continue
            child_col, parent_col = fk.parent, fk.column
            stmt = (
                sa.select(sa.func.count())
                .select_from(table)
                .where(child_col.is_not(None))
                .where(~sa.exists().where(parent_col == child_col))
            )
            n = conn.execute(stmt).scalar_one()
            if n:
                result.problems.append(
                    f"表 {table.name} の {n} 行が、表 {parent.name} にない {parent_col.name} を指しています"
                    f"（列 {child_col.name}）。"
                )
    return result


def orphan_check(conn: sa.Connection) -> CheckResult:
    """Rows that are valid one by one but make no sense together."""
    result = CheckResult("孤立した行・版の印")
    req = m.Requirement.__table__  # type: ignore[attr-defined]
    ver = m.SpecVersion.__table__  # type: ignore[attr-defined]
    for label, table in (("確認結果", m.Assessment.__table__), ("ベンダー回答", m.VendorAnswer.__table__)):  # type: ignore[attr-defined]
        stmt = (
            sa.select(table.c.operation_code, table.c.kind, table.c.req_id)
            .where(~sa.exists().where(sa.and_(req.c.operation_code == table.c.operation_code,
                                              req.c.kind == table.c.kind, req.c.req_id == table.c.req_id)))
            .order_by(table.c.operation_code, table.c.req_id, table.c.kind)
        )
        rows = conn.execute(stmt).all()
        if rows:
            shown = "、".join(f"{o}:{k}:{r}" for o, k, r in rows[:MAX_LISTED]) + (" …" if len(rows) > MAX_LISTED else "")
            result.problems.append(f"どの版の要件にも対応しない{label}が {len(rows)} 件あります（{shown}）。")
    # the requirements marked current must all belong to the operation's latest version
    latest = (
        sa.select(m.Spec.__table__.c.operation_code, sa.func.max(ver.c.seq).label("seq"))  # type: ignore[attr-defined]
        .join(ver, ver.c.spec_id == m.Spec.__table__.c.id)  # type: ignore[attr-defined]
        .group_by(m.Spec.__table__.c.operation_code)  # type: ignore[attr-defined]
        .subquery()
    )
    stmt = (
        sa.select(req.c.operation_code, sa.func.count())
        .join(ver, ver.c.id == req.c.spec_version_id)
        .join(latest, latest.c.operation_code == req.c.operation_code)
        .where(sa.or_(sa.and_(req.c.current == sa.true(), ver.c.seq != latest.c.seq),
                      sa.and_(req.c.current == sa.false(), ver.c.seq == latest.c.seq)))
        .group_by(req.c.operation_code)
        .order_by(req.c.operation_code)
    )
    for code, n in conn.execute(stmt).all():
        result.problems.append(f"業務 {code}: {n} 件の要件で「現在の版」の印が最新の版と一致しません。")
    return result
