"""Workbooks of the current-function inventory (独自機能), written by their round trips' declarations
(domain.round_trips: INVENTORY and CUSTOM_VENDOR):

- the inventory: one sheet per operation, every column editable, read back by ``fitgap custom import``;
- the vendor variant: the functions with the municipality's plan, locked, and unlocked answer cells
  asking whether the vendor's standard product or a 独自施策システム can cover each one. It is for
  reading: its purpose mark makes ``fitgap custom import`` refuse it, the answers are recorded by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fitgap.domain.custom import INVENTORY_HEADERS
from fitgap.domain.round_trips import CUSTOM_VENDOR, INVENTORY
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
    vendor: str | None = None  # the vendor variant when set


def _rows(part: InventoryPart, vendor: bool) -> list[tuple[dict[str, Any], str]]:
    rows = []
    for ln in part.lines:
        values = {f: getattr(ln, f) for f in INVENTORY_HEADERS} | {"verdict": ln.verdict}
        if vendor:  # the vendor answers in empty cells; the municipality's plan is context
            values |= {"answer": "", "cost_kyen": None, "comment": ""}
        rows.append((values, ln.key))
    return rows


def _outgoing(data: InventoryData) -> Outgoing:
    vendor = bool(data.vendor)
    mark = "【デモ】" if data.demo else ""
    target = "、".join(f"{p.code} {p.name}（{len(p.lines)} 件）" for p in data.parts) or "（なし）"
    if vendor:
        parts = [Part(p.code, f"{p.code} {p.name}", f"{mark}{p.code} {p.name} — {data.vendor} 御中 — 黄色の欄に回答してください",
                      _rows(p, True)) for p in data.parts]
        cover = [("対象", target)]
    else:
        parts = [Part(p.code, f"{p.code} {p.name}", f"{mark}{p.code} {p.name} — 現行機能一覧（独自機能）", _rows(p, False))
                 for p in data.parts]
        cover = [("対象", target), ("件数", f"{sum(len(p.lines) for p in data.parts)} 件")]
    return Outgoing(trip=CUSTOM_VENDOR if vendor else INVENTORY, export_id=data.export_id,
                    database_id=data.database_id, municipality=data.municipality, created_at=data.created_at,
                    parts=parts, vendor=data.vendor or "", demo=data.demo, cover=cover,
                    addressee=("回答をお願いするベンダ", f"{data.vendor} 御中") if vendor else None,
                    demo_note="このブックはデモデータ（架空の現行機能）から作成したものです。")


def write_inventory_workbook(data: InventoryData, path: Path) -> Path:
    return write_book(_outgoing(data), path)
