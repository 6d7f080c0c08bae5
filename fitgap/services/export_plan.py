"""What an export of answer workbooks would write, counted as the export itself counts it (the same
operations from the same codes or names, the same scope rule), for a preview before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fitgap.storage import sheet_items
from fitgap.storage.db import Database


@dataclass(frozen=True)
class ExportPlan:
    codes: list[str]  # the operations the export covers, in 政令順
    items: int  # the rows it would write


def plan_export(*, db: Database, operation_keys: Sequence[str] | None, scope: str = "all") -> ExportPlan:
    """The operations and the number of rows ``export vendor`` / ``export review`` would write."""
    from fitgap.services.vendors import resolve_operations  # (the export's own resolution of codes and names)

    with db.read() as session:
        ops = resolve_operations(session, operation_keys)
        counts = sheet_items.count_sheet_items(session=session, operation_codes=[o.code for o in ops], scope=scope)
    return ExportPlan([o.code for o in ops], sum(counts.values()))
