"""Schema step 3 → 4: a requirement is identified by (operation, kind 機能/帳票, ID).

The ministries number 機能ID and 帳票ID independently, so the same ID can be a 機能 and a 帳票 of one
operation. This step
- rebuilds ``requirement`` with the unique key (version, kind, ID) and the new columns 要件の考え方・理由
  (``reason``), 備考 (``remarks``) and the document order (``doc_order``), keeping every row id (the search
  index refers to them);
- rebuilds ``assessment`` and ``vendor_answer`` with a ``kind`` column, filled from the requirement each
  row belongs to (before this step an ID was unique within an operation's version, so the lookup is
  unambiguous; rows whose requirement no longer exists are 機能, the only kind old lists could repeat);
- rewrites the audit trail's item keys from ``001:0010001`` to ``001:機能:0010001`` so an item's history
  stays whole;
- adds ``spec_source`` (the files each version was read from), one row per existing version.

Works on SQLite and PostgreSQL alike by copying each table into a new one built from today's models.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain import models as m
from fitgap.domain.text import natural_id_key

FUNCTION = "機能"


def _columns(conn: sa.Connection, table: str) -> list[str]:
    return [c["name"] for c in sa.inspect(conn).get_columns(table)]


def _rebuild(conn: sa.Connection, model: Any, fill: dict[str, str]) -> None:
    """Copy ``model``'s table into a new one of today's shape; ``fill`` gives SQL for columns it lacks."""
    table: sa.Table = model.__table__
    name = table.name
    old = f"_old_{name}"
    have = set(_columns(conn, name))
    conn.exec_driver_sql(f'ALTER TABLE "{name}" RENAME TO "{old}"')
    if conn.dialect.name == "postgresql":
        # the renamed table keeps its index and constraint names; free them for the new table
        for ix in sa.inspect(conn).get_indexes(old):
            if ix.get("duplicates_constraint"):
                continue
            conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{ix["name"]}"')
        for uc in sa.inspect(conn).get_unique_constraints(old):
            conn.exec_driver_sql(f'ALTER TABLE "{old}" DROP CONSTRAINT IF EXISTS "{uc["name"]}"')
    elif conn.dialect.name == "sqlite":
        for (ix,) in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (old,)
        ).all():
            conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{ix}"')
    SQLModel.metadata.create_all(conn, tables=[table])
    cols = [c.name for c in table.columns]
    select = []
    for c in cols:
        if c in have:
            select.append(f'o."{c}"')
        elif c in fill:
            select.append(fill[c])
        else:
            default = table.c[c].default
            value = getattr(default, "arg", None) if default is not None else None
            value = None if callable(value) else value
            select.append(_literal(value))
    conn.exec_driver_sql(
        f'INSERT INTO "{name}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)}) '
        f'SELECT {", ".join(select)} FROM "{old}" o'
    )
    conn.exec_driver_sql(f'DROP TABLE "{old}"')
    if conn.dialect.name == "postgresql" and "id" in cols:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), COALESCE((SELECT MAX(id) FROM \"{name}\"), 0) + 1, false)"
        )


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value.value if hasattr(value, "value") else value).replace("'", "''") + "'"


_KIND_OF = (
    "COALESCE((SELECT r.kind FROM requirement r WHERE r.operation_code = o.operation_code AND r.req_id = o.req_id "
    "ORDER BY r.current DESC, r.spec_version_id DESC LIMIT 1), '" + FUNCTION + "')"
)


def step_3_to_4(conn: sa.Connection) -> None:
    # the requirement table first: its kinds are what the assessments and answers are matched to
    _rebuild(conn, m.Requirement, {"doc_order": "o.id"})
    ids = conn.exec_driver_sql("SELECT id, req_id FROM requirement").all()
    if ids:
        conn.execute(sa.text("UPDATE requirement SET id_sort = :s WHERE id = :i"),
                     [{"s": natural_id_key(r), "i": i} for i, r in ids])
    _rebuild(conn, m.Assessment, {"kind": _KIND_OF})
    _rebuild(conn, m.VendorAnswer, {"kind": _KIND_OF})
    SQLModel.metadata.create_all(conn, tables=[m.SpecSource.__table__])  # type: ignore[attr-defined]
    conn.exec_driver_sql(
        "INSERT INTO spec_source (spec_version_id, file_name, sha256, requirements, removed_rows, imported_at, imported_by) "
        "SELECT v.id, COALESCE(v.source_file, v.label), COALESCE(v.source_sha256, 'v' || CAST(v.id AS VARCHAR)), "
        "(SELECT COUNT(*) FROM requirement r WHERE r.spec_version_id = v.id), 0, v.imported_at, v.imported_by "
        "FROM spec_version v"
    )
    _rekey_audit(conn)


def _rekey_audit(conn: sa.Connection) -> None:
    kinds: dict[str, str] = {}
    for op, kind, req in conn.exec_driver_sql("SELECT operation_code, kind, req_id FROM assessment"):
        kinds[f"{op}:{req}"] = kind
    for op, kind, req in conn.exec_driver_sql("SELECT DISTINCT operation_code, kind, req_id FROM vendor_answer"):
        kinds.setdefault(f"{op}:{req}", kind)
    rows = conn.exec_driver_sql(
        "SELECT DISTINCT entity_key FROM audit_event WHERE entity IN ('assessment', 'vendor_answer')"
    ).all()
    updates = []
    for (key,) in rows:
        op, sep, req = key.partition(":")
        if not sep or ":" in req or len(op) != 3:
            continue  # already in the new form, or not an item key
        updates.append({"new": f"{op}:{kinds.get(key, FUNCTION)}:{req}", "old": key})
    if updates:
        conn.execute(sa.text("UPDATE audit_event SET entity_key = :new WHERE entity_key = :old "
                             "AND entity IN ('assessment', 'vendor_answer')"), updates)
