"""Rows of the requirements table, read a page at a time; the database filters and sorts."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
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
from fitgap.tui.widgets.virtual_table import NEAR, Cell, Column


@dataclass(frozen=True)
class Prepared:
    """What a new list needs first, read ahead in a worker (a search as it is typed): the count, where the
    cursor's requirement stands, and the pages about it. Handed to the source it was read from."""

    count: int
    located: tuple[Hashable, int] | None
    anchor: Hashable | None
    page_size: int
    pages: dict[int, Sequence[ItemRow]] = field(default_factory=dict)


class ItemSource:
    def __init__(self, *, db: Database, flt: ItemFilter, sort: ItemSort) -> None:
        self.db = db
        self.flt = flt
        self.sort = sort
        self.prepared: Prepared | None = None  # answers read ahead, until the list is read again (forget)

    def count(self) -> int:
        if self.prepared is not None:
            return self.prepared.count
        return count_items(db=self.db, flt=self.flt)

    def fetch(self, offset: int, limit: int) -> Sequence[ItemRow]:
        p = self.prepared
        if p is not None and limit == p.page_size and offset % limit == 0 and offset // limit in p.pages:
            return p.pages[offset // limit]
        return list_items(db=self.db, flt=self.flt, sort=self.sort, offset=offset, limit=limit)

    def locate(self, keys: Sequence[Hashable]) -> tuple[Hashable, int] | None:
        """The first of these requirements that is in the list, and its row: how the cursor finds its own."""
        p = self.prepared
        if p is not None and list(keys) == [p.anchor]:
            return p.located
        return locate_item(db=self.db, flt=self.flt, sort=self.sort, keys=[cast(ItemKey, k) for k in keys])

    def forget(self) -> None:
        """The list is read again (someone changed something): nothing read ahead is used any more."""
        self.prepared = None

    def prepare(self, *, anchor: Hashable | None, around: int, window: int, page_size: int) -> None:
        """Read ahead (in a worker) what showing this list needs first: the count, where ``anchor`` (the
        cursor's requirement) stands, and the pages of the rows about it and about the old cursor row
        ``around`` (``window`` rows either side). Showing the list then reads nothing more."""
        n = count_items(db=self.db, flt=self.flt)
        located = None
        if anchor is not None and n:
            located = locate_item(db=self.db, flt=self.flt, sort=self.sort, keys=[cast(ItemKey, anchor)])
        index = located[1] if located is not None else 0
        pages: dict[int, Sequence[ItemRow]] = {}
        for lo, hi in ((around - NEAR, around + NEAR), (index - window, index + window)):
            lo, hi = max(lo, 0), min(hi, n - 1)
            for page in range(lo // page_size, hi // page_size + 1 if hi >= lo else 0):
                if page not in pages:
                    pages[page] = list_items(db=self.db, flt=self.flt, sort=self.sort, offset=page * page_size,
                                             limit=page_size)
        self.prepared = Prepared(n, located, anchor, page_size, pages)


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
