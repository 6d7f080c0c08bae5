"""改修 items: the changes of data links where the municipality must act (see graph.changes), their
lifecycle and editing.

Items are created (status 未着手) for every link the rule asks for when the typical systems are seeded,
when a link is added and whenever a system's dates or kind change; a link that needs one but has no saved
item yet (a database upgraded from an older fitgap) is shown with a default one, saved by the next init or
edit. The same sync removes the items nobody ever touched that the rule no longer asks for, and says how
many; an item someone touched is never removed that way (it is shown as 不要か確認). An item is removed
with its link, and that is reported. A two-step item (two standard systems moving on different days)
tracks the interim step (暫定連携) first: marking it 完了 records the interim step as done and moves the
item to the final one. Every edit is one transaction with its audit events; bad input raises a
FitGapError and changes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from fitgap.domain.enums import ChangeStatus
from fitgap.domain.models import InterfaceChange
from fitgap.domain.round_trip import parse_cost
from fitgap.domain.text import nfkc
from fitgap.errors import ConflictError, InvalidInputError, NotFoundError
from fitgap.graph.build import SystemGraph
from fitgap.graph.changes import (
    NOT_STANDARD,
    TO_CONFIRM,
    UNDECIDED,
    ChangeItem,
    ChangeState,
    Step,
    change_states,
    needed_links,
    not_standard,
    undated_systems,
)
from fitgap.services.change_sync import default_row, unwanted
from fitgap.services.edit_input import UNSET
from fitgap.services.system_graph import AuditedEdit, load_graph_in, resolve_system
from fitgap.storage import changes as store
from fitgap.storage import systems as system_store
from fitgap.storage.db import Database

FIELDS = ("change", "vendor", "status", "planned", "actual", "cost_kyen", "interim", "note", "interim_done")


def item_of(row: InterfaceChange) -> ChangeItem:
    return ChangeItem(
        provider=row.provider_id, consumer=row.consumer_id, change=row.change, vendor=row.vendor,
        status=row.status, planned=row.planned, actual=row.actual, cost_kyen=row.cost_kyen,
        interim=row.interim, note=row.note, typical=row.typical, revision=row.revision,
        interim_done=row.interim_done,
    )


def items_in(session: Session, sg: SystemGraph) -> tuple[list[ChangeItem], set[tuple[int, int]]]:
    """Saved items (but those nobody touched that the rule no longer asks for) plus a default one for every
    link the rule asks for that has none; and the pairs that are saved."""
    rows = store.list_changes(session=session)
    saved = [item_of(r) for r in rows if not unwanted(r, sg)]
    have = {(r.provider_id, r.consumer_id) for r in rows}
    missing = [p for p in needed_links(sg) if p not in have]
    defaults = [ChangeItem(provider=p, consumer=c, change=d["change"], vendor=d["vendor"], typical=d["typical"])
                for p, c in missing for d in [default_row(sg, (p, c))]]
    return saved + defaults, {it.pair for it in saved}


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
    flag: str = ""  # 「標準の連携ではない（DB共有…）」: not a standard interface into a standard system

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

    @property
    def undated(self) -> list[str]:
        """Standard systems without a date (日程未定): said once, instead of one late item per link."""
        return self.graph.names(undated_systems(self.graph))


def undated_line(names: list[str]) -> str:
    """The one line that names the standard systems without a date (the CLI, the report and the screen)."""
    return (f"日程未定のシステム {len(names)}件: {'、'.join(names)}。移行予定日（または移行実施日）がないため、"
            "標準準拠システム同士の連携の改修が要るか（移行日が異なるか）と必要日はまだ決まりません。遅れには数えていません。")


def footnotes(view: ChangesView, *, filtered: bool = False) -> list[str]:
    """What the list of items says under its table: both steps of each two-step item, the items kept though
    the rule no longer asks for them, the flag, and (unless the list is filtered) the undated systems once."""
    lines = [f"  {c.label}: {c.state.steps}" for c in view.items if c.state.steps]
    unsure = sum(1 for c in view.items if not c.state.needed)
    if unsure:
        lines.append(f"{TO_CONFIRM}・{UNDECIDED}: 誰かが記録した項目ですが、今の日程では改修の対象にあたりません"
                     f"（{unsure}件。削除はしていません）。")
    if any(c.flag for c in view.items):
        lines.append(f"{NOT_STANDARD}: DB共有や、関連システムから標準準拠システムへの連携は、標準仕様書の連携機能ではありません。")
    if view.undated and not filtered:
        lines.append(undated_line(view.undated))
    return lines


def views_from(sg: SystemGraph, items: list[ChangeItem], saved: set[tuple[int, int]], *,
               today: date) -> list[ChangeView]:
    out = []
    for st in change_states(sg, items, today=today):
        p, c = st.item.pair
        link = sg.link(p, c)
        out.append(ChangeView(sg.name(p), sg.name(c), p, c, ",".join(link.data), link.method.value,
                              link.interim_interface, st, st.item.pair in saved, not_standard(sg, p, c)))
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
    advance: bool = True,
    **values: Any,
) -> ChangeEdit:
    """Set the given fields of a link's 改修 item (others stay); creates the item when it was not saved yet.

    Setting 完了 without a completion date records today (said in ``notes``); a completion date with no
    status given sets 完了; leaving 完了 clears the completion date. At the interim step of a two-step item,
    完了 records the interim step as done on that date and moves the item to the final step (status 未着手,
    no dates; said in ``notes``), unless ``advance`` is False (undo puts values back as they were).
    ``expected_revision`` refuses the edit (ConflictError) when someone changed the item since it was read.
    """
    values = clean_values(values)
    with db.write() as session:
        p, c = _resolve_pair(session, provider, consumer)
        return apply_in(session, AuditedEdit(session, user), p.id or 0, c.id or 0, values,
                        expected_revision=expected_revision, today=today or date.today(), advance=advance)


def current_row(session: Session, provider_id: int, consumer_id: int,
                sg: SystemGraph | None = None) -> InterfaceChange:
    """The saved item of a link, or the default one it would get (not added to the session)."""
    row = store.get_change(session=session, provider_id=provider_id, consumer_id=consumer_id)
    if row is None:
        row = InterfaceChange(**default_row(sg or load_graph_in(session), (provider_id, consumer_id)))
    return row


def apply_in(session: Session, edit: AuditedEdit, provider_id: int, consumer_id: int, values: dict[str, Any], *,
             expected_revision: int | None, today: date, sg: SystemGraph | None = None,
             advance: bool = True) -> ChangeEdit:
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
    if advance and "interim_done" not in values:
        notes += _step(values, before, change_states(sg, [item_of(row)], today=today)[0])
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


def _step(values: dict[str, Any], before: dict[str, Any], state: ChangeState) -> list[str]:
    """A two-step item: completing the interim step records it and moves the item to the final one; an
    edit at the final step that was only implied (the first side cut over, nobody tracked the interim step)
    records the day the interim step began, so later date changes do not move the item back."""
    if state.step == Step.FINAL and before["interim_done"] is None and state.interim_done is not None:
        if any(before[k] != v for k, v in values.items()):  # a real edit: not a save of the same values
            values["interim_done"] = state.interim_done
        return []
    if (state.step != Step.INTERIM or not {"status", "actual"} & set(values)
            or values.get("status", before["status"]) != ChangeStatus.DONE):
        return []
    done = values.get("actual", before["actual"])
    values.update(interim_done=done, status=ChangeStatus.NOT_STARTED, planned=None, actual=None)
    return [f"暫定連携を {done.isoformat()} に完了として記録し、本連携の段階にしました"
            f"（状況・完了予定日・完了日はこれから本連携のものです。本連携の必要日 "
            f"{state.final_needed.isoformat() if state.final_needed else '未定'}）。"]


def undo_edit(*, db: Database, user: str, edit: ChangeEdit) -> ChangeEdit:
    """Put an item back as it was before ``edit``; refused (ConflictError) when it changed since."""
    return update_change(db=db, user=user, provider=edit.provider, consumer=edit.consumer,
                         expected_revision=edit.revision, advance=False, **edit.before)


def parse_status(text: Any) -> ChangeStatus:
    s = "".join(nfkc(str(text or "")).split())
    for st in ChangeStatus:
        if s == st.value:
            return st
    raise InvalidInputError(f"状況「{text}」は選択肢にありません。",
                            f"{' / '.join(st.value for st in ChangeStatus)} から選んでください。")
