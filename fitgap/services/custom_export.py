"""Writing the current-function inventory (with mappings and dispositions) and its vendor variant."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fitgap.domain.custom import Coverage
from fitgap.errors import InvalidInputError
from fitgap.reports.custom_workbook import (
    InventoryData,
    InventoryLine,
    InventoryPart,
    write_inventory_workbook,
)
from fitgap.reports.output_file import write_atomically
from fitgap.services.custom import FunctionFilter, FunctionRow, list_functions
from fitgap.storage import custom as store
from fitgap.storage import operations, vendors
from fitgap.storage.db import Database

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
ALL = FunctionFilter()


@dataclass(frozen=True)
class CustomExportResult:
    path: Path
    functions: int
    operations: int
    demo: bool


def _line(r: FunctionRow, description: str, basis_detail: str) -> InventoryLine:
    mapped = "; ".join(m.key.label if m.key.operation_code == r.key.operation_code else str(m.key) for m in r.mapped)
    return InventoryLine(
        key=r.key.audit_key, operation_code=r.key.operation_code, code=r.key.code, name=r.name, kind=r.kind.value,
        description=description, department=r.department, frequency=r.frequency,
        basis=r.basis.value if r.basis else "", basis_detail=basis_detail, yearly_cost_kyen=r.yearly_cost_kyen,
        system=r.system or "", mapped=mapped, outside_spec="あり" if r.coverage == Coverage.OUTSIDE else "",
        disposition=r.disposition.value if r.disposition else "", note=r.note, target_system=r.target_system or "",
        verdict=r.verdict,
    )


def export_inventory(*, db: Database, user: str, exports_dir: Path, operation_codes: Sequence[str] | None = None,
                     flt: FunctionFilter = ALL, vendor: str | None = None, path: Path | None = None,
                     now: datetime | None = None) -> CustomExportResult:
    """The inventory workbook (read back by import), or with ``vendor`` the sheet asking that vendor
    (for reading: import refuses it)."""
    now = now or datetime.now(UTC)
    vendor = vendor.strip() if vendor is not None else None
    if vendor is not None and not vendor:
        raise InvalidInputError("ベンダ名が空です。", "--vendor にベンダ名を指定してください。")
    rows = list_functions(db=db, flt=flt)
    with db.read() as session:
        ops = {o.code: o for o in operations.list_operations(session=session)}
        muni = operations.get_municipality(session=session)
        db_id = vendors.database_id(session=session)
        extra = {(f.operation_code, f.code): (f.description, f.basis_detail) for f in store.list_functions(session=session)}
    wanted = set(operation_codes or ())
    unknown = sorted(wanted - set(ops))
    if unknown:
        raise InvalidInputError(f"業務コード {'、'.join(unknown)} はありません。", "fitgap operations で確かめてください。")
    rows = [r for r in rows if not wanted or r.key.operation_code in wanted]
    if vendor is not None:
        rows = [r for r in rows if r.coverage == Coverage.OUTSIDE or r.reverse_gap]
    if not rows:
        raise InvalidInputError("書き出す現行機能がありません。ファイルは作っていません。",
                                "fitgap custom import で現行機能一覧を取り込んでください"
                                + ("（ベンダ向けは標準外・要廃止の機能だけを書き出します）。" if vendor else "。"))
    by_op: dict[str, list[InventoryLine]] = {}
    for r in rows:
        desc, detail = extra.get((r.key.operation_code, r.key.code), ("", ""))
        by_op.setdefault(r.key.operation_code, []).append(_line(r, desc, detail))
    parts = [InventoryPart(code, ops[code].short_name, lines) for code, lines in
             sorted(by_op.items(), key=lambda kv: ops[kv[0]].order)]
    demo = any(r.demo for r in rows)
    data = InventoryData(municipality=muni.name if muni else "（団体未設定）", created_at=now, database_id=db_id,
                         export_id=str(uuid.uuid4()), parts=parts, demo=demo, vendor=vendor)
    if path is None:
        stem = f"独自機能_ベンダ_{_UNSAFE.sub('_', vendor)[:40]}" if vendor else "独自機能一覧"
        path = exports_dir / f"{stem}_{now:%Y%m%d-%H%M%S}{'_デモ' if demo else ''}.xlsx"
    if path.suffix.lower() != ".xlsx":
        raise InvalidInputError(f"{path.name}: 書き出し先は .xlsx にしてください。")
    write_atomically(path, lambda tmp: write_inventory_workbook(data, tmp))
    return CustomExportResult(path=path, functions=len(rows), operations=len(parts), demo=demo)
