"""The stamp of an inventory row (see domain.row_stamp): what one current function holds, hashed the same way
from the database's row (at export and again at import) and from the row read back from the workbook."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fitgap.domain.custom import FunctionRecord
from fitgap.domain.row_stamp import state_hash

Key = tuple[str, str, str]  # (operation_code, kind, req_id) of a mapped requirement


def _state(*, name: Any, kind: Any, description: Any, department: Any, frequency: Any, basis: Any,
           basis_detail: Any, yearly_cost_kyen: Any, system: Any, mapped: Iterable[Key], outside: bool,
           disposition: Any, note: Any, target_system: Any) -> str:
    return state_hash([name, kind, description, department, frequency, basis, basis_detail, yearly_cost_kyen,
                       system, tuple(":".join(k) for k in mapped), outside, disposition, note, target_system])


def stored_state(f: Any, keys: Iterable[Key], names: Mapping[int, str]) -> str:
    """A current_function row with its mappings (``names``: system ID → name), as the workbook shows it."""
    mapped = list(keys)
    return _state(name=f.name, kind=f.kind, description=f.description, department=f.department,
                  frequency=f.frequency, basis=f.basis, basis_detail=f.basis_detail,
                  yearly_cost_kyen=f.yearly_cost_kyen, system=names.get(f.system_id) if f.system_id else None,
                  mapped=mapped, outside=bool(f.outside_spec) and not mapped, disposition=f.disposition,
                  note=f.note, target_system=names.get(f.target_system_id) if f.target_system_id else None)


def record_state(rec: FunctionRecord, mapped: Iterable[Key]) -> str:
    """A row read from the workbook (``mapped``: its requirements as full keys)."""
    keys = list(mapped)
    return _state(name=rec.name, kind=rec.kind, description=rec.description, department=rec.department,
                  frequency=rec.frequency, basis=rec.basis, basis_detail=rec.basis_detail,
                  yearly_cost_kyen=rec.yearly_cost_kyen, system=rec.system, mapped=keys,
                  outside=rec.outside_spec and not keys, disposition=rec.disposition, note=rec.note,
                  target_system=rec.target_system)
