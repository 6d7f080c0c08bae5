"""The mark a restore leaves in the database it restored, written in the same transaction as the data.

A backup file carries ``backup_at`` / ``backup_with`` / ``backup_source`` in its fitgap_meta. When it is
restored, those rows are replaced by ``restored_at`` / ``restored_from`` / ``restore_batch`` and the
``maintenance.restore`` audit event of that batch, all in the one transaction that swaps the data. So a
database is either as it was, or restored with its record; ``check`` reports anything else (content that
came back from a backup without a restore record, or a record without its audit event).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from fitgap.storage.audit import AUDIT_TABLE, new_batch
from fitgap.storage.integrity import CheckResult

META = sa.table("fitgap_meta", sa.column("key"), sa.column("value"))
BACKUP_KEYS = ("backup_at", "backup_with", "backup_source")
RESTORE_KEYS = ("restored_at", "restored_from", "restore_batch")
ACTION = "maintenance.restore"


def set_meta(conn: sa.Connection, values: dict[str, str]) -> None:
    """Insert or replace meta rows (no upsert syntax: the same statements on SQLite and PostgreSQL)."""
    conn.execute(sa.delete(META).where(META.c.key.in_(list(values))))
    for key, value in values.items():
        conn.execute(sa.insert(META).values(key=key, value=value))


def mark_restored(conn: sa.Connection, *, user: str, at: datetime, backup_name: str, safety_name: str) -> str:
    """In the restoring transaction: drop the backup's stamp, record the restore; returns the audit batch."""
    batch = new_batch()
    conn.execute(sa.delete(META).where(META.c.key.in_(BACKUP_KEYS)))
    set_meta(conn, {"restored_at": at.isoformat(timespec="seconds"), "restored_from": backup_name,
                    "restore_batch": batch})
    conn.execute(sa.insert(AUDIT_TABLE), [{
        "at": at, "user": user, "batch": batch, "action": ACTION, "entity": "database", "entity_key": "database",
        "field": None, "old_value": safety_name, "new_value": backup_name,
    }])
    return batch


def restore_check(conn: sa.Connection) -> CheckResult:
    """A database whose content came from a backup must carry the record of the restore that put it there."""
    result = CheckResult("復元の記録")
    meta = {k: v for k, v in conn.execute(sa.select(META.c.key, META.c.value)).all()}
    if meta.get("backup_at"):
        result.problems.append(
            f"内容が {meta['backup_at']} のバックアップのままで、復元の記録（変更履歴の {ACTION}）がありません。"
            "バックアップのファイルそのものか、fitgap restore を通さずに（または途中で止まった古い fitgap で）"
            "戻されたデータベースです。")
    batch = meta.get("restore_batch")
    if batch:
        found = conn.execute(sa.select(sa.func.count()).select_from(AUDIT_TABLE).where(
            AUDIT_TABLE.c.batch == batch, AUDIT_TABLE.c.action == ACTION)).scalar_one()
        if not found:
            result.problems.append(
                f"{meta.get('restored_at', '')} の復元（{meta.get('restored_from', '')}）の変更履歴がありません。")
    return result
