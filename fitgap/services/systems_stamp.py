"""The stamps of the systems files' rows (see domain.row_stamp): what one system or link holds, hashed the
same way from the database's row (at export and again at import) and from a row read back from a file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fitgap.domain.enums import MilestoneKind
from fitgap.domain.row_stamp import state_hash
from fitgap.graph.build import split_data
from fitgap.importers.systems_csv import LinkRecord, SystemRecord

Milestones = Mapping[MilestoneKind, tuple[date | None, date | None]]


def _system(*, vendor: Any, kind: Any, operations: Iterable[str], planned: Any, actual: Any, deadline_kind: Any,
            deadline: Any, typical: bool, note: Any, milestones: Milestones) -> str:
    points = tuple(f"{k.value}:{_iso(milestones.get(k, (None, None))[0])}:{_iso(milestones.get(k, (None, None))[1])}"
                   for k in MilestoneKind)
    return state_hash([vendor, kind, tuple(sorted(operations)), planned, actual, deadline_kind, deadline, typical,
                       note, points])


def _iso(d: date | None) -> str:
    return "" if d is None else d.isoformat()


def stored_system_state(s: Any, operations: Iterable[str], milestones: Milestones) -> str:
    """A system row with its operations and milestones, as the files show it."""
    return _system(vendor=s.vendor, kind=s.kind, operations=operations, planned=s.planned_cutover,
                   actual=s.actual_cutover, deadline_kind=s.deadline_kind, deadline=s.deadline,
                   typical=bool(s.typical), note=s.note, milestones=milestones)


def record_system_state(r: SystemRecord, operations: Iterable[str], stored: Milestones) -> str:
    """A row read from a file (``operations``: its codes as stored; milestones the file lacks as stored)."""
    ms = dict(stored) if r.milestones is None else {m.kind: (m.planned, m.actual) for m in r.milestones}
    return _system(vendor=r.vendor, kind=r.kind, operations=operations, planned=r.planned_cutover,
                   actual=r.actual_cutover, deadline_kind=r.deadline_kind, deadline=r.deadline, typical=r.typical,
                   note=r.note, milestones=ms)


def _link(*, data: str, method: Any, interim: bool, typical: bool) -> str:
    return state_hash([",".join(split_data(data)), method, interim, typical])


def stored_link_state(i: Any) -> str:
    return _link(data=i.data, method=i.method, interim=bool(i.interim_interface), typical=bool(i.typical))


def record_link_state(r: LinkRecord) -> str:
    return _link(data=r.data, method=r.method, interim=r.interim_interface, typical=r.typical)
