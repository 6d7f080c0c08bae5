"""What the systems and their 改修 items both stand on: the graph as one session reads it, a system found
by name, and one user action with its audit events. The lowest of the systems' services
(services.change_sync, services.changes and services.systems build on it; it imports none of them)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from fitgap.domain.models import System
from fitgap.errors import AmbiguousError, NotFoundError
from fitgap.graph.build import SystemGraph, build_graph, links_from_domain, nodes_from_domain
from fitgap.graph.needed_by import with_needed_by
from fitgap.storage import audit, operations, systems
from fitgap.storage.overview import OFFICIAL_AS_OF_KEY


def load_graph_in(session: Session) -> SystemGraph:
    nodes = nodes_from_domain(
        systems=systems.list_systems(session=session),
        system_operations=systems.list_system_operations(session=session),
        milestones=systems.list_milestones(session=session),
        operations=operations.list_operations(session=session),
        official_as_of=operations.get_setting(session=session, key=OFFICIAL_AS_OF_KEY),
    )
    return with_needed_by(build_graph(nodes, links_from_domain(systems.list_integrations(session=session))))


def match_system(key: str, ids: dict[str, int]) -> int:
    """A system by exact name, by id, or by a unique part of its name."""
    k = key.strip()
    if k in ids:
        return ids[k]
    if k.isdigit() and int(k) in ids.values():
        return int(k)
    partial = [name for name in ids if k and k in name]
    if len(partial) == 1:
        return ids[partial[0]]
    if len(partial) > 1:
        raise AmbiguousError(
            f"システム {key!r} は複数に当てはまります: {'、'.join(sorted(partial))}",
            "システム名を正確に指定してください。",
        )
    raise NotFoundError(f"システム {key!r} はありません。", "fitgap systems list で名前を確かめてください。")


def resolve_system(session: Session, key: str) -> System:
    sid = match_system(key, systems.system_ids_by_name(session=session))
    found = systems.get_system(session=session, system_id=sid)
    assert found is not None
    return found


class AuditedEdit:
    """One user action: a write session, a timestamp and an audit batch."""

    def __init__(self, session: Session, user: str) -> None:
        self.session, self.user = session, user
        self.at, self.batch = datetime.now(UTC), audit.new_batch()

    def log(
        self,
        action: str,
        entity: str,
        key: str,
        field: str | None = None,
        old: object = None,
        new: object = None,
    ) -> None:
        audit.record(
            session=self.session,
            user=self.user,
            at=self.at,
            batch=self.batch,
            action=action,
            entity=entity,
            entity_key=key,
            field=field,
            old=old,
            new=new,
        )
