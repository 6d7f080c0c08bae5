"""Rows of the requirements table, read a page at a time; the database filters and sorts."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import cast

from fitgap.domain.enums import Status
from fitgap.domain.rules import note_missing
from fitgap.services.database import Database
from fitgap.services.items import (
    ItemFilter,
    ItemKey,
    ItemRow,
    ItemSort,
    count_items,
    list_items,
    locate_item,
)
from fitgap.tui.labels import DISPOSITION_SHORT, KUBUN_SHORT, SEVERITY_STYLE, STATUS_STYLE, when
from fitgap.tui.widgets.virtual_table import Cell, Column


class ItemSource:
    def __init__(self, *, db: Database, flt: ItemFilter, sort: ItemSort) -> None:
        self.db = db
        self.flt = flt
        self.sort = sort

    def count(self) -> int:
        return count_items(db=self.db, flt=self.flt)

    def fetch(self, offset: int, limit: int) -> Sequence[ItemRow]:
        return list_items(db=self.db, flt=self.flt, sort=self.sort, offset=offset, limit=limit)

    def locate(self, keys: Sequence[Hashable]) -> tuple[Hashable, int] | None:
        """The first of these requirements that is in the list, and its row: how the cursor finds its own."""
        return locate_item(db=self.db, flt=self.flt, sort=self.sort, keys=[cast(ItemKey, k) for k in keys])


SORT_LABELS: dict[str, str] = {
    "document": "文書順", "req_id": "ID", "kind": "種別", "operation": "業務", "name": "名称", "kubun": "区分", "status": "状況",
    "disposition": "対応方針", "severity": "重要度", "assessed_at": "更新日時",
}


def item_columns(*, all_operations: bool, id_width: int = 11) -> list[Column]:
    # the kind sits next to the ID and is never dropped: 機能 0010001 and 帳票 0010001 are two requirements
    cols = [Column("sel", " ", 1, min_width=1), Column("req_id", "ID", id_width), Column("kind", "種別", 4)]
    if all_operations:
        cols.append(Column("operation", "業務", 10, drop_order=5))
    cols += [
        Column("name", "名称", 0, min_width=20),
        Column("kubun", "区分", 10),
        Column("status", "状況", 8),
        Column("disposition", "対応方針", 10, drop_order=3),
        Column("severity", "重要度", 6, drop_order=2),
        Column("flags", "フラグ", 6),
        Column("assessed_at", "更新", 16, drop_order=1),
    ]
    return cols


def flags(row: ItemRow, note_rule: frozenset[Status]) -> Cell:
    text, style = "", ""
    if row.needs_review:
        text, style = text + "再", "warn"
    if row.transitional:
        text += "経"
    if note_missing(row.status, row.note, note_rule):
        text, style = text + "注", "must"
    elif row.note.strip():
        text += "メ"
    return (text, style) if style else text


def format_item(row: ItemRow, *, selected: bool, note_rule: frozenset[Status],
                operation_names: dict[str, str]) -> dict[str, Cell]:
    return dict(zip(CELL_KEYS, (
        ("*", "accent") if selected else "",
        row.key.req_id,
        operation_names.get(row.key.operation_code, row.key.operation_code),
        row.name,
        (row.kind.value, "muted"),
        KUBUN_SHORT[row.kubun],
        (row.status.value, STATUS_STYLE[row.status]),
        DISPOSITION_SHORT[row.disposition] if row.disposition else "",
        (row.severity.value, SEVERITY_STYLE[row.severity]) if row.severity else "",
        flags(row, note_rule),
        (when(row.assessed_at) if row.assessed_at else "", "muted"),
    ), strict=True))


CELL_KEYS = ("sel", "req_id", "operation", "name", "kind", "kubun", "status", "disposition", "severity", "flags",
             "assessed_at")
