"""Undo and redo of system edits, links and milestones (the systems screen's own kind of change).

Before and after an edit the screen takes a :class:`SystemsState` of the systems it touched: their fields,
their milestones and every link that starts or ends at one of them. Undo writes the "before" state back,
redo the "after" state, in one audited transaction, and only when the database still holds the state the
step left: a change made since by anyone is never reverted silently (the caller is told, nothing changes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from fitgap.domain.enums import LinkMethod, MilestoneKind
from fitgap.errors import ConflictError, NotFoundError
from fitgap.services.system_graph import AuditedEdit
from fitgap.storage import systems
from fitgap.storage.db import Database

SYSTEM_FIELDS = ("vendor", "kind", "planned_cutover", "actual_cutover", "deadline_kind", "deadline", "typical",
                 "note")
LINK_FIELDS = ("data", "method", "interim_interface", "typical")

LinkKey = tuple[int, int]  # provider id, consumer id


@dataclass(frozen=True)
class SystemsState:
    """What the systems ``ids`` (and their links and milestones) look like at one moment."""

    ids: frozenset[int]
    names: Mapping[int, str]
    fields: Mapping[int, tuple[Any, ...]]  # SYSTEM_FIELDS per system
    milestones: Mapping[tuple[int, MilestoneKind], tuple[date | None, date | None]]
    links: Mapping[LinkKey, tuple[Any, ...]]  # LINK_FIELDS per link

    def same_as(self, other: SystemsState) -> bool:
        return (self.fields, self.milestones, self.links) == (other.fields, other.milestones, other.links)


def _state_in(session: Session, ids: frozenset[int]) -> SystemsState:
    names: dict[int, str] = {}
    fields: dict[int, tuple[Any, ...]] = {}
    for sid in sorted(ids):
        row = systems.get_system(session=session, system_id=sid)
        if row is None:
            raise NotFoundError("元に戻すシステムが見つかりません（削除されています）。", "r で読み直してください。")
        names[sid] = row.name
        fields[sid] = tuple(getattr(row, f) for f in SYSTEM_FIELDS)
    milestones = {(m.system_id, MilestoneKind(m.kind)): (m.planned, m.actual)
                  for m in systems.list_milestones(session=session) if m.system_id in ids}
    links = {(lk.provider_id, lk.consumer_id): tuple(getattr(lk, f) for f in LINK_FIELDS)
             for lk in systems.list_integrations(session=session)
             if lk.provider_id in ids or lk.consumer_id in ids}
    return SystemsState(ids=ids, names=names, fields=fields, milestones=milestones, links=links)


def capture(*, db: Database, names: Iterable[str]) -> SystemsState:
    """The state of the named systems (as the screen shows them) with their links and milestones."""
    with db.read() as session:
        by_name = systems.system_ids_by_name(session=session)
        return _state_in(session, frozenset(by_name[n] for n in names if n in by_name))


def restore(*, db: Database, user: str, target: SystemsState, expect: SystemsState, action: str) -> int:
    """Write ``target`` back when the database still holds ``expect``; returns how many things changed.

    Raises ConflictError (nothing written) when someone changed these systems since."""
    with db.write() as session:
        current = _state_in(session, target.ids)
        if not current.same_as(expect):
            raise ConflictError(
                "このシステムはその後に変更されているため、元に戻していません（やり直していません）。",
                "r で読み直して、いまの内容を確かめてから編集してください。",
            )
        edit = AuditedEdit(session, user)
        changed = 0
        for sid, wanted in target.fields.items():
            if current.fields.get(sid) == wanted:
                continue
            row = systems.get_system(session=session, system_id=sid)
            assert row is not None
            for name, old, new in zip(SYSTEM_FIELDS, current.fields[sid], wanted, strict=True):
                if old != new:
                    edit.log(action, "system", row.name, name, old, new)
                    setattr(row, name, new)
            session.add(row)
            changed += 1
        for key in set(current.milestones) | set(target.milestones):
            before, after = current.milestones.get(key, (None, None)), target.milestones.get(key, (None, None))
            if before != after:
                sid, kind = key
                systems.set_milestone(session=session, system_id=sid, kind=kind, planned=after[0], actual=after[1])
                edit.log(action, "system", target.names[sid], kind.value, before, after)
                changed += 1
        changed += _restore_links(session, edit, action, current.links, target.links, target.names)
        return changed


def _restore_links(session: Session, edit: AuditedEdit, action: str, current: Mapping[LinkKey, tuple[Any, ...]],
                   target: Mapping[LinkKey, tuple[Any, ...]], names: Mapping[int, str]) -> int:
    changed = 0

    def label(key: LinkKey) -> str:
        p = names.get(key[0]) or _name(session, key[0])
        c = names.get(key[1]) or _name(session, key[1])
        return f"{p}→{c}"

    for key in set(current) | set(target):
        before, after = current.get(key), target.get(key)
        if before == after:
            continue
        if after is None:
            systems.delete_integration(session=session, provider_id=key[0], consumer_id=key[1])
            edit.log(action, "integration", label(key), old="削除")
        elif before is None:
            systems.insert_integrations(session=session, rows=[{
                "provider_id": key[0], "consumer_id": key[1], **dict(zip(LINK_FIELDS, after, strict=True))}])
            edit.log(action, "integration", label(key), new="追加")
        else:
            row = systems.get_integration(session=session, provider_id=key[0], consumer_id=key[1])
            assert row is not None
            for name, old, new in zip(LINK_FIELDS, before, after, strict=True):
                if old != new:
                    edit.log(action, "integration", label(key), name, old, new)
                    setattr(row, name, LinkMethod(new) if name == "method" else new)
            session.add(row)
        changed += 1
    return changed


def _name(session: Session, system_id: int) -> str:
    row = systems.get_system(session=session, system_id=system_id)
    return row.name if row is not None else str(system_id)
