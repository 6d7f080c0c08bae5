"""The typical systems and links of the catalog, seeded once per database by ``fitgap init``."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlmodel import Session

from fitgap.config import bundled_dir
from fitgap.importers.system_catalog import SystemCatalog, read_system_catalog
from fitgap.storage import audit, operations, systems

SEEDED_KEY = "systems.catalog_seeded"


@cache
def system_catalog() -> SystemCatalog:
    return read_system_catalog(bundled_dir("catalog") / "systems.toml")


def seed_typical_systems(session: Session, *, user: str, now: datetime, batch: str) -> int:
    """Add the catalog's typical systems and links, once per database; returns how many systems were added.

    Runs inside ``fitgap init``. After the first time it does nothing, so systems the municipality
    renamed, edited or deleted are never brought back or overwritten. A system whose name is already
    taken is left as it is.
    """
    if operations.get_setting(session=session, key=SEEDED_KEY):
        return 0
    catalog = system_catalog()
    existing = systems.system_ids_by_name(session=session)
    known_ops = {op.code for op in operations.list_operations(session=session) if op.in_scope}
    # a system of operations this body does not run (a prefecture runs 2 of the 20) is not seeded
    new = [s for s in catalog.systems
           if s.name not in existing and (not s.operations or any(c in known_ops for c in s.operations))]
    ids = systems.insert_systems(
        session=session,
        rows=[
            {"name": s.name, "kind": s.kind, "vendor": s.vendor, "note": s.note, "typical": True} for s in new
        ],
    )
    systems.insert_system_operations(
        session=session,
        rows=[
            {"system_id": ids[s.name], "operation_code": c}
            for s in new
            for c in s.operations
            if c in known_ops
        ],
    )
    new_names = {s.name for s in new}
    ids = {**existing, **ids}
    systems.insert_integrations(
        session=session,
        rows=[
            {
                "provider_id": ids[lk.provider],
                "consumer_id": ids[lk.consumer],
                "data": lk.data,
                "method": lk.method,
                "interim_interface": False,
                "typical": True,
            }
            for lk in catalog.links
            if (lk.provider in new_names or lk.consumer in new_names) and lk.provider in ids and lk.consumer in ids
        ],
    )
    operations.set_setting(session=session, key=SEEDED_KEY, value=now.date().isoformat())
    if new:
        audit.record(
            session=session,
            user=user,
            at=now,
            batch=batch,
            action="init.systems",
            entity="system",
            entity_key="catalog",
            new=f"典型例のシステム {len(new)}件",
        )
    return len(new)


def remove_unconfirmed_systems(session: Session, *, keep: set[str], user: str, now: datetime, batch: str) -> list[str]:
    """Remove the typical systems nobody has confirmed or dated whose operations this body does not run
    (``keep`` is the set it runs), with their links; returns their names. Used when init learns that the
    body is a prefecture after the systems were seeded."""
    ops_of: dict[int, set[str]] = {}
    for so in systems.list_system_operations(session=session):
        ops_of.setdefault(so.system_id, set()).add(so.operation_code)
    removed = []
    for row in systems.list_systems(session=session):
        codes = ops_of.get(row.id or 0, set())
        untouched = row.typical and row.planned_cutover is None and row.actual_cutover is None and row.deadline is None
        if untouched and codes and not codes & keep and not systems.list_milestones(session=session, system_id=row.id):
            systems.delete_system(session=session, system_id=row.id or 0)
            removed.append(row.name)
    if removed:
        audit.record(session=session, user=user, at=now, batch=batch, action="init.systems", entity="system",
                     entity_key="catalog", old=f"対象外の業務の典型例 {len(removed)}件", new=None)
    return removed
