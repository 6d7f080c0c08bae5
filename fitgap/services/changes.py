"""改修 items: the change every data link needs when it crosses a cut-over, their lifecycle and editing.

Items are created (status 未着手) for every link that crosses a cut-over when the typical systems are
seeded, when a link is added and whenever a system's dates change; a link that crosses but has no saved
item yet (a database upgraded from an older fitgap) is shown with a default one, saved by the next init
or edit. An item is removed with its link, and that is reported. Every edit is one transaction with its
audit events; bad input raises a FitGapError and changes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from fitgap.domain.enums import ChangeStatus
from fitgap.domain.models import InterfaceChange
from fitgap.domain.text import nfkc
from fitgap.errors import ConflictError, InvalidInputError, NotFoundError
from fitgap.graph.build import SystemGraph
from fitgap.graph.changes import (
    ChangeItem,
    ChangeState,
    change_states,
    default_change,
    default_vendor,
    needed_links,
)
from fitgap.importers.vendor_sheet import parse_cost
from fitgap.services.systems import UNSET, AuditedEdit, load_graph_in, resolve_system
from fitgap.storage import changes as store
from fitgap.storage import systems as system_store
from fitgap.storage.db import Database

FIELDS = ("change", "vendor", "status", "planned", "actual", "cost_kyen", "interim", "note")


def item_of(row: InterfaceChange) -> ChangeItem:
    return ChangeItem(
        provider=row.provider_id, consumer=row.consumer_id, change=row.change, vendor=row.vendor,
        status=row.status, planned=row.planned, actual=row.actual, cost_kyen=row.cost_kyen,
        interim=row.interim, note=row.note, typical=row.typical, revision=row.revision,
    )


def _default_row(sg: SystemGraph, pair: tuple[int, int]) -> dict[str, Any]:
    link = sg.link(*pair)
    return {
        "provider_id": pair[0], "consumer_id": pair[1], "change": default_change(sg, link),
        "vendor": default_vendor(sg, *pair), "status": ChangeStatus.NOT_STARTED, "interim": "",
        "note": "", "typical": link.typical, "revision": 0,
    }


def items_in(session: Session, sg: SystemGraph) -> tuple[list[ChangeItem], set[tuple[int, int]]]:
    """Saved items plus a default one for every crossing link without one; and the pairs that are saved."""
    saved = [item_of(r) for r in store.list_changes(session=session)]
    have = {it.pair for it in saved}
    missing = [p for p in needed_links(sg) if p not in have]
    defaults = [ChangeItem(provider=p, consumer=c, change=d["change"], vendor=d["vendor"], typical=d["typical"])
                for p, c in missing for d in [_default_row(sg, (p, c))]]
    return saved + defaults, have


def sync_changes(session: Session, *, edit: AuditedEdit | None = None) -> int:
    """Create the items of crossing links that have none (inside the caller's transaction); returns how
    many were created."""
    session.flush()
    sg = load_graph_in(session)
    have = {(r.provider_id, r.consumer_id) for r in store.list_changes(session=session)}
    rows = [_default_row(sg, p) for p in needed_links(sg) if p not in have]
    store.insert_changes(session=session, rows=rows)
    if rows and edit is not None:
        edit.log("change.create", "interface_change", "links", new=f"{len(rows)} items")
    return len(rows)


# ---- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeView:
    """One 改修 item as screens, commands and workbooks show it."""

    provider: str
    consumer: str
    provider_id: int
    consumer_id: int
    data: str
    method: str
    interim_link: bool  # the link is marked as having an interim interface
    state: ChangeState
    saved: bool

    @property
    def item(self) -> ChangeItem:
        return self.state.item

    @property
    def label(self) -> str:
        return f"{self.provider} → {self.consumer}"


@dataclass(frozen=True)
class ChangesView:
    today: date
    graph: SystemGraph
    items: list[ChangeView]  # late first

    @property
    def late(self) -> list[ChangeView]:
        return [v for v in self.items if v.state.late is not None]


def views_from(sg: SystemGraph, items: list[ChangeItem], saved: set[tuple[int, int]], *,
               today: date) -> list[ChangeView]:
    out = []
    for st in change_states(sg, items, today=today):
        p, c = st.item.pair
        link = sg.link(p, c)
        out.append(ChangeView(sg.name(p), sg.name(c), p, c, ",".join(link.data), link.method.value,
                              link.interim_interface, st, st.item.pair in saved))
    return out


def get_changes(*, db: Database, today: date, system: str | None = None, late_only: bool = False,
                vendor: str | None = None) -> ChangesView:
    """Every 改修 item (late first), or those of one system's links, of one vendor, or the late ones."""
    with db.read() as session:
        sg = load_graph_in(session)
        items, saved = items_in(session, sg)
        sid = resolve_system(session, system).id if system else None
    views = views_from(sg, items, saved, today=today)
    if sid is not None:
        views = [v for v in views if sid in (v.provider_id, v.consumer_id)]
    if vendor is not None:
        views = [v for v in views if (v.item.vendor or "") == vendor.strip()]
    if late_only:
        views = [v for v in views if v.state.late is not None]
    return ChangesView(today=today, graph=sg, items=views)


# ---- editing --------------------------------------------------------------------------------------


@dataclass
class ChangeEdit:
    """What one edit did: the values before and after (for undo) and what fitgap did on its own."""

    provider: str
    consumer: str
    before: dict[str, Any]
    after: dict[str, Any]
    revision: int
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.before != self.after


def check_cost(value: Any) -> float | None:
    """A cost in thousand yen as typed (read as the workbooks read it: commas, full-width digits); None
    when empty. Not a finite number (nan, inf) or negative: InvalidInputError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    cost = parse_cost(value)
    if cost is None or not math.isfinite(cost):
        raise InvalidInputError(f"概算費用「{value}」は数値ではありません。", "千円単位の数値で入力してください。")
    if cost < 0:
        raise InvalidInputError(f"概算費用 {value} は負の値です。", "0 以上の数値で入力してください。")
    return cost


def _resolve_pair(session: Session, provider: str, consumer: str) -> tuple[Any, Any]:
    p, c = resolve_system(session, provider), resolve_system(session, consumer)
    if system_store.get_integration(session=session, provider_id=p.id or 0, consumer_id=c.id or 0) is None:
        raise NotFoundError(f"{p.name} → {c.name} の連携はありません。", "fitgap systems links で確かめてください。")
    return p, c


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """The given fields (UNSET dropped), typed and checked; InvalidInputError for a bad one."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    values = {k: v for k, v in values.items() if v is not UNSET}
    if "status" in values and not isinstance(values["status"], ChangeStatus):
        values["status"] = parse_status(values["status"])
    if "cost_kyen" in values:
        values["cost_kyen"] = check_cost(values["cost_kyen"])
    for k in ("change", "interim", "note"):
        if k in values:
            values[k] = (values[k] or "").strip()
    if "vendor" in values:
        values["vendor"] = (values["vendor"] or "").strip() or None
    return values


def update_change(
    *,
    db: Database,
    user: str,
    provider: str,
    consumer: str,
    expected_revision: int | None = None,
    today: date | None = None,
    **values: Any,
) -> ChangeEdit:
    """Set the given fields of a link's 改修 item (others stay); creates the item when it was not saved yet.

    Setting 完了 without a completion date records today (said in ``notes``); a completion date with no
    status given sets 完了; leaving 完了 clears the completion date. ``expected_revision`` refuses the edit
    (ConflictError) when someone changed the item since it was read.
    """
    values = clean_values(values)
    with db.write() as session:
        p, c = _resolve_pair(session, provider, consumer)
        return apply_in(session, AuditedEdit(session, user), p.id or 0, c.id or 0, values,
                        expected_revision=expected_revision, today=today or date.today())


def current_row(session: Session, provider_id: int, consumer_id: int,
                sg: SystemGraph | None = None) -> InterfaceChange:
    """The saved item of a link, or the default one it would get (not added to the session)."""
    row = store.get_change(session=session, provider_id=provider_id, consumer_id=consumer_id)
    if row is None:
        row = InterfaceChange(**_default_row(sg or load_graph_in(session), (provider_id, consumer_id)))
    return row


def apply_in(session: Session, edit: AuditedEdit, provider_id: int, consumer_id: int, values: dict[str, Any], *,
             expected_revision: int | None, today: date, sg: SystemGraph | None = None) -> ChangeEdit:
    """One item's edit inside the caller's transaction (``values`` already cleaned)."""
    sg = sg or load_graph_in(session)
    p_name, c_name = sg.name(provider_id), sg.name(consumer_id)
    row = current_row(session, provider_id, consumer_id, sg)
    if expected_revision is not None and row.revision != expected_revision:
        raise ConflictError(
            f"{p_name} → {c_name} の改修項目は、読み込んだ後に変更されています（{row.updated_by or '他の利用者'}）。"
            "上書きしていません。",
            "読み直してから、もう一度編集してください。",
        )
    values = dict(values)
    before = {k: getattr(row, k) for k in FIELDS}
    notes = _complete(values, before, today)
    key = f"{p_name}→{c_name}"
    for k, v in values.items():
        if getattr(row, k) == v:
            continue
        edit.log("change.update", "interface_change", key, k, getattr(row, k), v)
        setattr(row, k, v)
    after = {k: getattr(row, k) for k in FIELDS}
    if after != before:
        row.revision += 1
        row.updated_at, row.updated_by = edit.at, edit.user
        session.add(row)
        session.flush()
    return ChangeEdit(p_name, c_name, before, after, row.revision, notes)


def _complete(values: dict[str, Any], before: dict[str, Any], today: date) -> list[str]:
    notes: list[str] = []
    status = values.get("status", before["status"])
    if "actual" in values and values["actual"] is not None and "status" not in values:
        values["status"] = status = ChangeStatus.DONE
        notes.append("完了日を入れたので状況を「完了」にしました。")
    actual = values.get("actual", before["actual"])
    if status == ChangeStatus.DONE and actual is None:
        values["actual"] = today
        notes.append(f"完了日がないため今日 {today.isoformat()} を完了日にしました。")
    elif status != ChangeStatus.DONE and actual is not None:
        if "actual" in values and "status" in values:
            raise InvalidInputError(
                f"完了日 {actual.isoformat()} は状況が「完了」のときだけ入れられます（状況: {status.value}）。",
                "状況を「完了」にするか、完了日を空にしてください。",
            )
        values["actual"] = None
        notes.append(f"状況を「{status.value}」に戻したので完了日 {actual.isoformat()} を消しました。")
    return notes


def undo_edit(*, db: Database, user: str, edit: ChangeEdit) -> ChangeEdit:
    """Put an item back as it was before ``edit``; refused (ConflictError) when it changed since."""
    return update_change(db=db, user=user, provider=edit.provider, consumer=edit.consumer,
                         expected_revision=edit.revision, **edit.before)


def parse_status(text: Any) -> ChangeStatus:
    s = "".join(nfkc(str(text or "")).split())
    for st in ChangeStatus:
        if s == st.value:
            return st
    raise InvalidInputError(f"状況「{text}」は選択肢にありません。",
                            f"{' / '.join(st.value for st in ChangeStatus)} から選んでください。")
