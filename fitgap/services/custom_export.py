"""Writing the current-function inventory (with mappings and dispositions). Its vendor variant, the
独自機能回答票, is a round trip of its own (services.custom_vendor).

Every row of the inventory carries a stamp in its hidden key column (domain.row_stamp): the export, the
function's ID and the hash of what it held, all read in one snapshot, so that an import of this workbook
after later changes lists those rows as conflicts instead of undoing the changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fitgap.domain.custom import Coverage
from fitgap.domain.row_stamp import make_stamp
from fitgap.errors import InvalidInputError
from fitgap.reports.custom_workbook import (
    InventoryData,
    InventoryLine,
    InventoryPart,
    write_inventory_workbook,
)
from fitgap.reports.output_file import unused_name, write_atomically
from fitgap.services.custom import FunctionFilter, FunctionRow, rows_in
from fitgap.services.custom_stamp import stored_state
from fitgap.services.recorded_export import check_xlsx
from fitgap.storage import audit, operations, systems, vendors
from fitgap.storage.db import Database

ALL = FunctionFilter()


@dataclass(frozen=True)
class CustomExportResult:
    path: Path
    functions: int
    operations: int
    demo: bool


def _line(r: FunctionRow, description: str, basis_detail: str, key: str) -> InventoryLine:
    mapped = "; ".join(m.key.label if m.key.operation_code == r.key.operation_code else str(m.key) for m in r.mapped)
    return InventoryLine(
        key=key, operation_code=r.key.operation_code, code=r.key.code, name=r.name, kind=r.kind.value,
        description=description, department=r.department, frequency=r.frequency,
        basis=r.basis.value if r.basis else "", basis_detail=basis_detail, yearly_cost_kyen=r.yearly_cost_kyen,
        system=r.system or "", mapped=mapped, outside_spec="あり" if r.coverage == Coverage.OUTSIDE else "",
        disposition=r.disposition.value if r.disposition else "", note=r.note, target_system=r.target_system or "",
        verdict=r.verdict,
    )


def export_inventory(*, db: Database, user: str, exports_dir: Path, operation_codes: Sequence[str] | None = None,
                     flt: FunctionFilter = ALL, path: Path | None = None,
                     now: datetime | None = None, overwrite: bool = False) -> CustomExportResult:
    """The inventory workbook (read back by ``fitgap custom import``)."""
    now = now or datetime.now(UTC)
    check_xlsx(path)
    with db.read() as session:  # the rows and their stamps from one snapshot
        pairs = rows_in(session, flt)
        ops = {o.code: o for o in operations.list_operations(session=session)}
        muni = operations.get_municipality(session=session)
        db_id = vendors.database_id(session=session)
        names = {s.id: s.name for s in systems.list_systems(session=session) if s.id is not None}
        mark = audit.last_event_id(session=session)  # the export, as the database stood
    wanted = set(operation_codes or ())
    unknown = sorted(wanted - set(ops))
    if unknown:
        raise InvalidInputError(f"業務コード {'、'.join(unknown)} はありません。", "fitgap operations で確かめてください。")
    pairs = [(r, f) for r, f in pairs if not wanted or r.key.operation_code in wanted]
    rows = [r for r, _f in pairs]
    if not rows:
        raise InvalidInputError("書き出す現行機能がありません。ファイルは作っていません。",
                                "fitgap custom import で現行機能一覧を取り込んでください。")
    export_id = str(uuid.uuid4())
    by_op: dict[str, list[InventoryLine]] = {}
    for r, f in pairs:
        keys = [(m.key.operation_code, m.key.kind.value, m.key.req_id) for m in r.mapped]
        key = make_stamp(database_id=db_id, export=mark, entity=str(f.id), keys=(r.key.operation_code, r.key.code),
                         state=stored_state(f, keys, names)).encode()
        by_op.setdefault(r.key.operation_code, []).append(_line(r, f.description, f.basis_detail, key))
    parts = [InventoryPart(code, ops[code].short_name, lines) for code, lines in
             sorted(by_op.items(), key=lambda kv: ops[kv[0]].order)]
    demo = any(r.demo for r in rows)
    data = InventoryData(municipality=muni.name if muni else "（団体未設定）", created_at=now, database_id=db_id,
                         export_id=export_id, parts=parts, demo=demo)
    if path is None:  # never over an earlier export of the same second
        path = unused_name(exports_dir / f"独自機能一覧_{now:%Y%m%d-%H%M%S}{'_デモ' if demo else ''}.xlsx")
    write_atomically(path, lambda tmp: write_inventory_workbook(data, tmp), overwrite=overwrite)
    return CustomExportResult(path=path, functions=len(rows), operations=len(parts), demo=demo)
