"""The workbook of the current-function inventory (独自機能), written by its round trip's declaration
(domain.round_trips.INVENTORY): one sheet per operation, every column editable, read back by
``fitgap custom import``. Its vendor variant (CUSTOM_VENDOR) is written by services.custom_vendor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fitgap.domain.custom import INVENTORY_HEADERS
from fitgap.domain.round_trips import INVENTORY
from fitgap.reports.answer_workbook import Outgoing, Part, write_book


@dataclass(frozen=True, slots=True)
class InventoryLine:
    key: str  # "001:独自:F-001"
    operation_code: str
    code: str
    name: str
    kind: str
    description: str
    department: str
    frequency: str
    basis: str
    basis_detail: str
    yearly_cost_kyen: float | None
    system: str
    mapped: str  # "機能 0010001; 帳票 0020001"
    outside_spec: str  # あり / ""
    disposition: str
    note: str
    target_system: str
    verdict: str


@dataclass(frozen=True)
class InventoryPart:
    code: str
    name: str
    lines: Sequence[InventoryLine]


@dataclass(frozen=True)
class InventoryData:
    municipality: str
    created_at: datetime
    database_id: str
    export_id: str
    parts: Sequence[InventoryPart]
    demo: bool = False


def _rows(part: InventoryPart) -> list[tuple[dict[str, Any], str]]:
    return [({f: getattr(ln, f) for f in INVENTORY_HEADERS} | {"verdict": ln.verdict}, ln.key) for ln in part.lines]


def _outgoing(data: InventoryData) -> Outgoing:
    mark = "【デモ】" if data.demo else ""
    target = "、".join(f"{p.code} {p.name}（{len(p.lines)} 件）" for p in data.parts) or "（なし）"
    parts = [Part(p.code, f"{p.code} {p.name}", f"{mark}{p.code} {p.name} — 現行機能一覧（独自機能）", _rows(p))
             for p in data.parts]
    cover = [("対象", target), ("件数", f"{sum(len(p.lines) for p in data.parts)} 件")]
    return Outgoing(trip=INVENTORY, export_id=data.export_id, database_id=data.database_id,
                    municipality=data.municipality, created_at=data.created_at, parts=parts, demo=data.demo,
                    cover=cover, demo_note="このブックはデモデータ（架空の現行機能）から作成したものです。")


def write_inventory_workbook(data: InventoryData, path: Path) -> Path:
    return write_book(_outgoing(data), path)
