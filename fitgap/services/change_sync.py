"""Keeping the 改修 items in line with the rule (see graph.changes) after an edit of the systems: the items
of the links that need one are created, those nobody touched that the rule no longer asks for are removed.
Below both services.systems (whose edits run it) and services.changes (which lists and edits the items)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from fitgap.domain.enums import ChangeStatus
from fitgap.domain.models import InterfaceChange
from fitgap.graph.build import SystemGraph
from fitgap.graph.changes import STANDARD_INTERFACE, default_change, default_vendor, link_need, needed_links
from fitgap.services.system_graph import AuditedEdit, load_graph_in
from fitgap.storage import changes as store

# what a seed writes as 改修内容 (for the link's data and method as they were then)
SEEDED_CHANGE = re.compile(rf".*: (?:API|ファイル|DB共有)（現行） → {re.escape(STANDARD_INTERFACE)}")


@dataclass(frozen=True)
class ChangeSync:
    """What keeping the 改修 items in line with the rule did after an edit (sync_changes): items created
    for links that now need one, and items nobody touched that no link needs any more, removed."""

    created: int = 0
    removed: int = 0

    def lines(self) -> list[str]:
        """The same words for the CLI and the workbench."""
        out = []
        if self.created:
            out.append(f"連携の改修項目 {self.created}件を「未着手」で作成しました。")
        if self.removed:
            out.append(f"不要になった未着手の改修項目 {self.removed}件を削除しました（誰も編集していないもの）。")
        return out


def default_row(sg: SystemGraph, pair: tuple[int, int]) -> dict[str, Any]:
    """The item a link gets before anyone edits it (status 未着手), as a row to insert."""
    link = sg.link(*pair)
    return {
        "provider_id": pair[0], "consumer_id": pair[1], "change": default_change(sg, link),
        "vendor": default_vendor(sg, *pair), "status": ChangeStatus.NOT_STARTED, "interim": "",
        "note": "", "typical": link.typical, "revision": 0,
    }


def untouched(row: InterfaceChange, sg: SystemGraph) -> bool:
    """Nobody ever touched this item: never edited (revision 0, no editor) and every field as a seed writes
    it (未着手, no dates, cost, interim or note; the seeded 改修内容; no vendor or the seeded one)."""
    if row.revision or row.updated_by or row.updated_at:
        return False
    if (row.status, row.planned, row.actual, row.cost_kyen, row.interim, row.note, row.interim_done) != (
            ChangeStatus.NOT_STARTED, None, None, None, "", "", None):
        return False
    pair = (row.provider_id, row.consumer_id)
    link = sg.links.get(pair)
    if link is None:
        return True
    seeded = row.change == default_change(sg, link) or SEEDED_CHANGE.fullmatch(row.change) is not None
    return seeded and row.vendor in (None, default_vendor(sg, *pair))


def unwanted(row: InterfaceChange, sg: SystemGraph) -> bool:
    """An item nobody touched whose link the rule no longer asks for: removed by the next sync, not shown."""
    pair = (row.provider_id, row.consumer_id)
    return pair in sg.links and not link_need(sg, *pair).creates and untouched(row, sg)


def sync_changes(session: Session, *, edit: AuditedEdit | None = None) -> ChangeSync:
    """Keep the items in line with the rule (inside the caller's transaction): create the items of the
    links that need one and have none; remove the items nobody touched that the rule no longer asks for
    (each audited). Returns how many of each."""
    session.flush()
    sg = load_graph_in(session)
    rows = store.list_changes(session=session)
    have = {(r.provider_id, r.consumer_id) for r in rows}
    new = [default_row(sg, p) for p in needed_links(sg) if p not in have]
    store.insert_changes(session=session, rows=new)
    gone = [r for r in rows if unwanted(r, sg)]
    for r in gone:
        session.delete(r)
    if edit is not None:
        if new:
            edit.log("change.create", "interface_change", "links", new=f"{len(new)} items")
        for r in gone:
            edit.log("change.delete", "interface_change", f"{sg.name(r.provider_id)}→{sg.name(r.consumer_id)}",
                     "status", r.status.value, "不要（未着手・誰も編集していない）")
    return ChangeSync(created=len(new), removed=len(gone))
