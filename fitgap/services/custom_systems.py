"""A current function moved to a 独自施策システム: the system appears in the dependency graph as a
関連システム, fed by the operation's standard system through a data link (疎結合)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from fitgap.domain.enums import LinkMethod, SystemKind
from fitgap.errors import NotFoundError
from fitgap.services.system_graph import AuditedEdit, match_system
from fitgap.storage import systems

SEPARATE_NOTE = "独自施策システム（独自機能の移行先）"
LINK_DATA = "独自機能"


def ensure_separate_system(session: Session, *, name: str, operation_code: str, result: Any, user: str = "") -> int:
    """The system of that name (exact, or a unique part of a name); a new 関連システム when there is none,
    linked to the operation and fed by each standard system of the operation. New names go to
    ``result.added_systems``."""
    name = name.strip()
    ids = systems.system_ids_by_name(session=session)
    try:
        return match_system(name, ids)
    except NotFoundError:
        pass
    new_ids = systems.insert_systems(session=session, rows=[{"name": name, "kind": SystemKind.RELATED,
                                                              "note": SEPARATE_NOTE, "typical": False}])
    sid = new_ids[name]
    systems.set_system_operations(session=session, system_id=sid, codes=[operation_code])
    standard = {s.id for s in systems.list_systems(session=session) if s.kind == SystemKind.STANDARD}
    providers = sorted({so.system_id for so in systems.list_system_operations(session=session)
                        if so.operation_code == operation_code and so.system_id in standard})
    systems.insert_integrations(session=session, rows=[
        {"provider_id": p, "consumer_id": sid, "data": LINK_DATA, "method": LinkMethod.API, "interim_interface": False,
         "typical": False} for p in providers])
    edit = AuditedEdit(session, user or "fitgap")
    edit.log("system.add", "system", name, new=SystemKind.RELATED.value)
    for p in providers:
        edit.log("link.add", "integration", f"{p}→{name}", new=LINK_DATA)
    result.added_systems.append(name)
    return sid
