"""Systems, their data links and milestones: listing, editing, and seeding the typical ones.

Every edit is one transaction with its audit events; bad input raises a FitGapError and changes nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlmodel import Session

from fitgap.domain.enums import DeadlineBasis, DeadlineKind, LinkMethod, MilestoneKind, SystemKind
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.graph.build import SystemGraph
from fitgap.graph.changes import not_standard
from fitgap.graph.model import MilestonePoint
from fitgap.services.change_sync import ChangeSync, sync_changes
from fitgap.services.edit_input import UNSET
from fitgap.services.system_graph import AuditedEdit, load_graph_in, match_system, resolve_system
from fitgap.storage import changes as change_store
from fitgap.storage import operations, systems
from fitgap.storage.db import Database


@dataclass(frozen=True)
class SystemView:
    """A system as screens and commands show it (deadline is the effective one)."""

    id: int
    name: str
    vendor: str | None
    kind: SystemKind
    operations: tuple[str, ...]
    planned_cutover: date | None
    actual_cutover: date | None
    deadline_kind: DeadlineKind
    deadline: date | None
    typical: bool
    note: str
    milestones: tuple[MilestonePoint, ...]
    providers: tuple[str, ...]  # what it needs
    consumers: tuple[str, ...]  # what needs it
    deadline_basis: DeadlineBasis = DeadlineBasis.LEGAL  # 期限 / 必要日 / 手動設定
    deadline_reason: str = ""
    change_sync: ChangeSync = dataclasses.field(default_factory=ChangeSync)  # after an edit: 改修 items created / removed


@dataclass(frozen=True)
class LinkView:
    provider: str
    consumer: str
    data: str
    method: LinkMethod
    interim_interface: bool
    typical: bool
    flag: str = ""  # 「標準の連携ではない（…）」: not a standard interface into a standard system


@dataclass(frozen=True)
class LinkSaved:
    """What saving a link did: whether it was added, and the 改修 items the rule then created or removed."""

    added: bool
    change_sync: ChangeSync = dataclasses.field(default_factory=ChangeSync)


# ---- reading --------------------------------------------------------------------------------------


def load_graph(*, db: Database) -> SystemGraph:
    """Every system and link, ready for the graph analyses."""
    with db.read() as session:
        return load_graph_in(session)


def list_systems(*, db: Database) -> list[SystemView]:
    """Every system in the order they were added (the catalog's order first)."""
    sg = load_graph(db=db)
    return [_view(sg, sid) for sid in sorted(sg.systems)]


def get_system(*, db: Database, key: str) -> SystemView:
    sg = load_graph(db=db)
    return _view(sg, _resolve_in_graph(sg, key))


def list_links(*, db: Database) -> list[LinkView]:
    sg = load_graph(db=db)
    links = sorted(sg.links.values(), key=lambda lk: (sg.sort_key(lk.provider), sg.sort_key(lk.consumer)))
    return [
        LinkView(
            provider=sg.name(lk.provider),
            consumer=sg.name(lk.consumer),
            data=",".join(lk.data),
            method=lk.method,
            interim_interface=lk.interim_interface,
            typical=lk.typical,
            flag=not_standard(sg, lk.provider, lk.consumer),
        )
        for lk in links
    ]


def _view(sg: SystemGraph, sid: int) -> SystemView:
    n = sg.system(sid)
    return SystemView(
        id=n.id,
        name=n.name,
        vendor=n.vendor,
        kind=n.kind,
        operations=n.operations,
        planned_cutover=n.planned_cutover,
        actual_cutover=n.actual_cutover,
        deadline_kind=n.deadline_kind,
        deadline=n.deadline,
        typical=n.typical,
        note=n.note,
        milestones=n.milestones,
        providers=tuple(sg.names(sg.providers(sid))),
        consumers=tuple(sg.names(sg.consumers(sid))),
        deadline_basis=n.deadline_basis,
        deadline_reason=n.deadline_reason,
    )


def _resolve_in_graph(sg: SystemGraph, key: str) -> int:
    return match_system(key, {n.name: n.id for n in sg.systems.values()})


# ---- editing --------------------------------------------------------------------------------------


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInputError("システム名が空です。", "名前を入力してください。")
    return name


def operation_codes_in(session: Session, codes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Primary 業務コード for codes or sub-codes; InvalidInputError for an unknown one."""
    primary = {c: op.code for op in operations.list_operations(session=session) for c in op.all_codes()}
    unknown = [c for c in codes if c.zfill(3) not in primary]
    if unknown:
        raise InvalidInputError(
            f"業務コード {'、'.join(unknown)} はありません。",
            "fitgap status --all で業務コードを確かめてください。",
        )
    return tuple(dict.fromkeys(primary[c.zfill(3)] for c in codes))


def add_system(
    *,
    db: Database,
    user: str,
    name: str,
    kind: SystemKind = SystemKind.STANDARD,
    vendor: str | None = None,
    operations: tuple[str, ...] = (),
    note: str = "",
) -> int:
    """A new system (confirmed, not typical); returns its id."""
    name = _check_name(name)
    with db.write() as session:
        if systems.get_system_by_name(session=session, name=name) is not None:
            raise InvalidInputError(
                f"システム「{name}」はすでにあります。",
                "別の名前にするか、既存のシステムを編集してください。",
            )
        codes = operation_codes_in(session, list(operations))
        ids = systems.insert_systems(
            session=session,
            rows=[{"name": name, "kind": kind, "vendor": vendor, "note": note, "typical": False}],
        )
        systems.set_system_operations(session=session, system_id=ids[name], codes=codes)
        AuditedEdit(session, user).log("system.add", "system", name, new=kind.value)
        return ids[name]


def update_system(
    *,
    db: Database,
    user: str,
    system: str,
    name: Any = UNSET,
    vendor: Any = UNSET,
    kind: Any = UNSET,
    operations: Any = UNSET,
    planned_cutover: Any = UNSET,
    actual_cutover: Any = UNSET,
    deadline_kind: Any = UNSET,
    deadline: Any = UNSET,
    deadline_reason: Any = UNSET,
    note: Any = UNSET,
    typical: Any = UNSET,
) -> SystemView:
    """Change the given fields of a system (others stay); each change is audited."""
    with db.write() as session:
        row = resolve_system(session, system)
        edit = AuditedEdit(session, user)
        changes: dict[str, Any] = {
            "name": _check_name(name) if name is not UNSET else UNSET,
            "vendor": (vendor or None) if vendor is not UNSET else UNSET,
            "kind": kind,
            "planned_cutover": planned_cutover,
            "actual_cutover": actual_cutover,
            "deadline_kind": deadline_kind,
            "deadline": deadline,
            "deadline_reason": deadline_reason,
            "note": note,
            "typical": typical,
        }
        if changes["name"] is not UNSET and changes["name"] != row.name:
            other = systems.get_system_by_name(session=session, name=changes["name"])
            if other is not None:
                raise InvalidInputError(
                    f"システム「{changes['name']}」はすでにあります。", "別の名前にしてください。"
                )
        if deadline_kind == DeadlineKind.CUSTOM and deadline is UNSET and row.deadline is None:
            raise InvalidInputError("個別設定の期限には日付が必要です。", "期限の日付も指定してください。")
        key = row.name
        for field, value in changes.items():
            if value is UNSET or getattr(row, field) == value:
                continue
            edit.log("system.update", "system", key, field, getattr(row, field), value)
            setattr(row, field, value)
        session.add(row)
        if operations is not UNSET:
            codes = operation_codes_in(session, list(operations))
            old = sorted(
                so.operation_code
                for so in systems.list_system_operations(session=session)
                if so.system_id == row.id
            )
            if sorted(codes) != old:
                edit.log("system.update", "system", key, "operations", ",".join(old), ",".join(codes))
                systems.set_system_operations(session=session, system_id=row.id or 0, codes=codes)
        session.flush()
        sync = sync_changes(session, edit=edit)
        sg = load_graph_in(session)
        return replace(_view(sg, row.id or 0), change_sync=sync)


def delete_system(*, db: Database, user: str, system: str) -> str:
    """Remove a system with its links and milestones; returns its name."""
    with db.write() as session:
        row = resolve_system(session, system)
        n_changes = sum(1 for ch in change_store.list_changes(session=session) if row.id in (ch.provider_id, ch.consumer_id))
        systems.delete_system(session=session, system_id=row.id or 0)
        AuditedEdit(session, user).log("system.delete", "system", row.name, old=row.name,
                                       new=f"{n_changes} 改修項目" if n_changes else None)
        return row.name


def set_milestone(
    *, db: Database, user: str, system: str, kind: MilestoneKind, planned: date | None, actual: date | None
) -> None:
    """Record a milestone's planned and actual dates (both empty removes it)."""
    with db.write() as session:
        row = resolve_system(session, system)
        old = next(
            (m for m in systems.list_milestones(session=session, system_id=row.id) if m.kind == kind), None
        )
        before = (old.planned, old.actual) if old else (None, None)
        if before == (planned, actual):
            return
        systems.set_milestone(
            session=session, system_id=row.id or 0, kind=kind, planned=planned, actual=actual
        )
        AuditedEdit(session, user).log(
            "milestone.update", "system", row.name, kind.value, before, (planned, actual)
        )


def set_link(
    *,
    db: Database,
    user: str,
    provider: str,
    consumer: str,
    data: Any = UNSET,
    method: Any = UNSET,
    interim_interface: Any = UNSET,
    typical: Any = UNSET,
) -> LinkSaved:
    """Add a link provider → consumer or change the given fields of it (``added`` when it was added; a
    new link, or a changed method, may change the 改修 items the rule asks for)."""
    with db.write() as session:
        p, c = resolve_system(session, provider), resolve_system(session, consumer)
        if p.id == c.id:
            raise InvalidInputError(
                f"「{p.name}」を自分自身と連携させることはできません。",
                "提供元と利用側は別のシステムにしてください。",
            )
        edit = AuditedEdit(session, user)
        key = f"{p.name}→{c.name}"
        row = systems.get_integration(session=session, provider_id=p.id or 0, consumer_id=c.id or 0)
        fields = {"data": data, "method": method, "interim_interface": interim_interface, "typical": typical}
        if row is None:
            values = {k: v for k, v in fields.items() if v is not UNSET}
            values.setdefault("typical", False)
            systems.insert_integrations(
                session=session, rows=[{"provider_id": p.id, "consumer_id": c.id, **values}]
            )
            edit.log("link.add", "integration", key, new=values.get("data", ""))
            return LinkSaved(True, sync_changes(session, edit=edit))
        for name, value in fields.items():
            if value is UNSET or getattr(row, name) == value:
                continue
            edit.log("link.update", "integration", key, name, getattr(row, name), value)
            setattr(row, name, value)
        session.add(row)
        return LinkSaved(False, sync_changes(session, edit=edit))


def remove_link(*, db: Database, user: str, provider: str, consumer: str) -> str:
    """Remove a link with its 改修 item; returns what happened to the item ("" when it had none)."""
    with db.write() as session:
        p, c = resolve_system(session, provider), resolve_system(session, consumer)
        item = change_store.delete_changes_of_link(session=session, provider_id=p.id or 0, consumer_id=c.id or 0)
        if not systems.delete_integration(session=session, provider_id=p.id or 0, consumer_id=c.id or 0):
            raise NotFoundError(
                f"{p.name} → {c.name} の連携はありません。", "fitgap systems links で確かめてください。"
            )
        edit = AuditedEdit(session, user)
        edit.log("link.delete", "integration", f"{p.name}→{c.name}")
        if item is None:
            return ""
        edit.log("change.delete", "interface_change", f"{p.name}→{c.name}", "status", item.status.value)
        return f"この連携の改修項目（状況: {item.status.value}）も削除しました。"
