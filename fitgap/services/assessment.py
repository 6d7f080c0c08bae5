"""Marking items: status, disposition, note; bulk; undo and redo; conflicts between users.

Every call is one transaction with its audit events, all under one batch id. An item changed by someone
else since the caller read it (its revision differs) is not overwritten: it is reported as a conflict
with its current state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from fitgap.domain import dispositions as decision_rules
from fitgap.domain.enums import Disposition, Kubun, Status
from fitgap.domain.models import Assessment, AuditEvent
from fitgap.domain.rules import note_missing
from fitgap.errors import FitGapError, InvalidInputError, NotFoundError
from fitgap.services import bpr
from fitgap.services.bpr import BprResult
from fitgap.services.items import NOTE_RULE_KEY, ItemKey, ItemRow, note_rule, to_row
from fitgap.services.system_graph import match_system
from fitgap.storage import audit, items, operations, systems
from fitgap.storage.db import Database


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
SYSTEM_NAME = "system_name"  # a change's system as the user named it, before it is resolved
FIELDS = ("status", "disposition", "note", "needs_review", "disposition_detail", "target_system_id")
ASSESSMENT: sa.Table = Assessment.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Conflict:
    key: ItemKey
    expected: int | None
    current: ItemRow


@dataclass
class UpdateResult:
    batch: str | None = None
    changed: list[ItemKey] = field(default_factory=list)
    unchanged: list[ItemKey] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: list[tuple[ItemKey, str]] = field(default_factory=list)
    bpr: BprResult | None = None  # the 業務見直し items the decisions created, joined or left
    added_systems: list[str] = field(default_factory=list)  # new 独自施策システム a decision named


def _state(row: Any) -> dict[str, Any]:
    return {
        "status": Status(row.status),
        "disposition": Disposition(row.disposition) if row.disposition else None,
        "note": row.note or "",
        "needs_review": bool(row.needs_review),
        "disposition_detail": row.disposition_detail or "",
        "target_system_id": row.target_system_id,
    }


def _text(field_name: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value.value if hasattr(value, "value") else value)


def _parse(field_name: str, text: str | None) -> Any:
    if field_name == "status":
        return Status(text) if text else Status.UNCHECKED
    if field_name == "disposition":
        return Disposition(text) if text else None
    if field_name == "needs_review":
        return text == "1"
    if field_name == "target_system_id":
        return int(text) if text else None
    return text or ""


def _apply(
    session: Session,
    *,
    user: str,
    action: str,
    targets: Mapping[ItemKey, dict[str, Any]],
    expected_revisions: Mapping[ItemKey, int] | None,
    guards: Mapping[ItemKey, dict[str, Any]] | None,
    enforce_note_rule: bool,
    blank_is_unjudged: bool = False,
    join_bpr: int | None = None,
) -> UpdateResult:
    """Write the target values of each item, checking revisions/guards and the note rule.

    ``blank_is_unjudged`` (undo and redo): an item put back to 未確認 with no disposition and no note is
    as it was before anyone judged it, so it shows no 最終更新 (who and when) either; its history keeps
    every step, the undo included."""
    result = UpdateResult(batch=audit.new_batch())
    now = datetime.now(UTC)
    rows = {ItemKey.of(r.operation_code, r.kind, r.req_id): r
            for r in items.rows_for_keys(session=session, keys=list(targets))}
    missing = [k for k in targets if k not in rows]
    if missing:
        shown = "、".join(str(k) for k in missing[:5])
        raise NotFoundError(f"要件 {shown} は現行の版にありません。", "画面を更新してから、もう一度操作してください。")
    required = note_rule(session) if enforce_note_rule else frozenset()
    systems_named = {i: n for n, i in systems.system_ids_by_name(session=session).items()} if enforce_note_rule else {}
    inserts, updates, events = [], [], []
    attach: list[tuple[bpr.Target, str]] = []  # decisions that now change the work: a 業務見直し item
    detach: list[bpr.Target] = []
    for key, wanted in targets.items():
        row = rows[key]
        cur = _state(row)
        if expected_revisions is not None and key in expected_revisions and expected_revisions[key] != row.revision:
            result.conflicts.append(Conflict(key, expected_revisions[key], to_row(row)))
            continue
        if guards is not None and any(cur[f] != v for f, v in guards.get(key, {}).items()):
            result.conflicts.append(Conflict(key, None, to_row(row)))
            continue
        new = {**cur, **wanted}
        if "status" in wanted and new["status"] != Status.GAP:
            new["disposition"] = None
        _follow_decision(new, cur, wanted)
        _canonical_option(new)
        if new == cur:
            result.unchanged.append(key)
            continue
        if required and note_missing(new["status"], new["note"], required):
            result.rejected.append((key, f"{new['status'].value} にはメモ（理由）が必要です"))
            continue
        if enforce_note_rule and wanted.keys() & {"disposition", "disposition_detail", "target_system_id"}:
            wrong = _decision_problem(session, key, new, systems_named)
            if wrong:
                result.rejected.append((key, wrong))
                continue
        target = bpr.Target(key.operation_code, key.kind.value, key.req_id)
        if decision_rules.changes_work(new["disposition"]) and not decision_rules.changes_work(cur["disposition"]):
            attach.append((target, row.name or key.label))
        elif decision_rules.changes_work(cur["disposition"]) and not decision_rules.changes_work(new["disposition"]):
            detach.append(target)
        unjudged = blank_is_unjudged and (new["status"], new["disposition"], new["note"]) == (Status.UNCHECKED, None, "")
        values = {
            "status": new["status"].value, "disposition": new["disposition"].value if new["disposition"] else None,
            "note": new["note"], "needs_review": new["needs_review"],
            "disposition_detail": new["disposition_detail"], "target_system_id": new["target_system_id"],
            "assessed_by": None if unjudged else user, "assessed_at": None if unjudged else now,
        }
        if "status" in wanted:
            values["basis_version_id"] = row.spec_version_id
        if row.assessment_id is None:
            inserts.append({"operation_code": key.operation_code, "kind": key.kind.value, "req_id": key.req_id,
                            "archived": False,
                            "revision": 1, "basis_version_id": row.spec_version_id, **values})
        else:
            updates.append({"_id": row.assessment_id, **values})
        for f in FIELDS:
            if new[f] != cur[f]:
                events.append({"at": now, "user": user, "batch": result.batch, "action": action,
                               "entity": "assessment", "entity_key": str(key), "field": f,
                               "old_value": _text(f, cur[f]), "new_value": _text(f, new[f])})
        result.changed.append(key)
    if inserts:
        session.execute(sa.insert(ASSESSMENT), inserts)
    for u in updates:
        params = {k: v for k, v in u.items() if k != "_id"}
        session.execute(sa.update(ASSESSMENT).where(ASSESSMENT.c.id == u["_id"]).values(**params, revision=ASSESSMENT.c.revision + 1))
    audit.record_many(session=session, rows=events)
    if (attach or detach) and result.batch:
        joined = bpr.attach_in(session, user=user, batch=result.batch, targets=attach, join=join_bpr,
                               today=now.date())
        left = bpr.detach_in(session, user=user, batch=result.batch, targets=detach)
        joined.unlinked, joined.emptied = left.unlinked, left.emptied
        result.bpr = joined
    if not result.changed:
        result.batch = None
    return result


def _follow_decision(new: dict[str, Any], cur: dict[str, Any], wanted: Mapping[str, Any]) -> None:
    """What a decision names goes with it: a new decision drops the option / 共通機能 and the system the old
    one named (the system stays when both name one), unless the change names them itself."""
    d = new["disposition"]
    if d == cur["disposition"] and new["status"] == Status.GAP:
        return
    if "disposition_detail" not in wanted:
        new["disposition_detail"] = ""
    if "target_system_id" not in wanted and not (decision_rules.needs_system(d)
                                                 and decision_rules.needs_system(cur["disposition"])):
        new["target_system_id"] = None



def _canonical_option(new: dict[str, Any]) -> None:
    """The option a 標準オプションで対応 names is stored as ``機能:ID`` (the form the readiness query joins on)."""
    if new["disposition"] == Disposition.OPTION and new["disposition_detail"]:
        key = decision_rules.option_key(new["disposition_detail"])
        if key is not None:
            new["disposition_detail"] = ":".join(key)


def _decision_problem(session: Session, key: ItemKey, new: Mapping[str, Any], names: Mapping[int, str]) -> str | None:
    """Why this gap's decision cannot be recorded as given: the rule of :mod:`fitgap.domain.dispositions`, and
    what it names exists (the option: a 標準オプション requirement of the operation; the system)."""
    d = new["disposition"]
    if d is None:
        if new["disposition_detail"] or new["target_system_id"] is not None:
            return "方針の詳細・移行先システムは対応方針と一緒に設定します"
        return None
    if new["target_system_id"] is not None and not decision_rules.needs_system(d):
        return ("移行先システムは対応方針が 独自施策システム・既存の別システムで実現・標準の連携で他システムが取得 の"
                "ギャップにだけ設定できます")
    if new["disposition_detail"] and not decision_rules.takes_detail(d):
        return "方針の詳細（オプション・共通機能）は 標準オプションで対応・共通機能で対応 のギャップにだけ設定できます"
    system = names.get(new["target_system_id"]) if new["target_system_id"] is not None else None
    wrong = decision_rules.problem(d, for_function=False, note=new["note"], detail=new["disposition_detail"],
                                   system=system)
    if wrong or d != Disposition.OPTION:
        return wrong
    kind, rid = decision_rules.option_key(new["disposition_detail"]) or ("", "")
    found = items.rows_for_keys(session=session, keys=[(key.operation_code, kind, rid)])
    if not found or found[0].kubun != Kubun.OPTION.value:
        return (f"{kind}:{rid} は{key.operation_code}の現行の版の標準オプションの要件ではありません"
                "（採用する標準オプション機能の要件 ID を指定してください）")
    return None


def _target(*, status: Any, disposition: Any, note: Any, detail: Any = UNSET, system: Any = UNSET) -> dict[str, Any]:
    """The fields one change sets. Setting a status confirms the item: it clears 要再確認. ``detail`` names the
    option or the 共通機能 of the decision, ``system`` (a name) the system that takes it over."""
    wanted: dict[str, Any] = {}
    if status is not UNSET:
        wanted["status"] = Status(status)
        wanted["needs_review"] = False
    if disposition is not UNSET:
        wanted["disposition"] = Disposition(disposition) if disposition else None
    if note is not UNSET:
        wanted["note"] = str(note)
    if detail is not UNSET:
        wanted["disposition_detail"] = " ".join(str(detail or "").split())
    if system is not UNSET:
        wanted[SYSTEM_NAME] = str(system or "").strip()  # resolved to its id in the writing transaction
    if not wanted:
        raise InvalidInputError("変更する内容（状態、対応方針、メモ）が指定されていません。")
    if wanted.get("disposition") is not None and wanted.get("status", Status.GAP) != Status.GAP:
        raise InvalidInputError("対応方針はギャップの項目にだけ設定できます。")
    return wanted


def _check_dispositions_on_gaps(session: Session, targets: Mapping[ItemKey, dict[str, Any]]) -> None:
    only_disp = [k for k, w in targets.items() if w.get("disposition") is not None and "status" not in w]
    if not only_disp:
        return
    rows = items.rows_for_keys(session=session, keys=only_disp)
    not_gap = [ItemKey.of(r.operation_code, r.kind, r.req_id) for r in rows if r.status != Status.GAP.value]
    if not_gap:
        raise InvalidInputError(
            f"対応方針はギャップの項目にだけ設定できます（ギャップでない項目: {len(not_gap)}件、例 {not_gap[0]}）。",
            "先に状態をギャップにするか、ギャップの項目だけを選んでください。",
        )


def update_items(
    *,
    db: Database,
    user: str,
    keys: Sequence[ItemKey],
    status: Status | Any = UNSET,
    disposition: Disposition | Any | None = UNSET,
    note: str | Any = UNSET,
    detail: str | Any = UNSET,
    system: str | Any | None = UNSET,
    expected_revisions: Mapping[ItemKey, int] | None = None,
    action: str = "assessment.update",
    enforce_note_rule: bool = True,
    join_bpr: int | None = None,
) -> UpdateResult:
    """Set the same status, disposition and/or note on the given items, in one transaction. A decision that
    changes the work (業務見直し, 運用で対応) joins the 業務見直し item ``join_bpr``, or a new one. ``detail``
    names the option (機能:0010005) or the 共通機能; ``system`` the system that takes the work over (an
    existing one; for 独自施策システム a new name adds it as a 関連システム)."""
    wanted = _target(status=status, disposition=disposition, note=note, detail=detail, system=system)
    return apply_changes(db=db, user=user, changes={ItemKey.of(*k): wanted for k in dict.fromkeys(keys)},
                         expected_revisions=expected_revisions, action=action, enforce_note_rule=enforce_note_rule,
                         join_bpr=join_bpr)


@dataclass(frozen=True)
class ItemChange:
    """What one item should become; UNSET fields stay as they are."""

    status: Status | Any = UNSET
    disposition: Disposition | Any | None = UNSET
    note: str | Any = UNSET
    detail: str | Any = UNSET  # the option or the 共通機能 the decision names
    system: str | Any | None = UNSET  # the system (by name) that takes the work over


def apply_changes(
    *,
    db: Database,
    user: str,
    changes: Mapping[ItemKey, ItemChange | dict[str, Any]],
    expected_revisions: Mapping[ItemKey, int] | None = None,
    action: str = "assessment.update",
    enforce_note_rule: bool = True,
    dry_run: bool = False,
    join_bpr: int | None = None,
) -> UpdateResult:
    """Different changes for different items (e.g. a returned review workbook), in one transaction.

    ``dry_run`` makes every check of the real run (revisions, dispositions, the note rule) and rolls the
    transaction back: the result says what would happen, nothing is written."""
    try:
        with db.write() as session:
            result = apply_changes_in(session, user=user, changes=changes, expected_revisions=expected_revisions,
                                      action=action, enforce_note_rule=enforce_note_rule, join_bpr=join_bpr)
            if result.added_systems and not result.changed:
                result.added_systems = []  # no gap moved there: the new system is not kept either
                raise _RolledBack(result)
            if dry_run:
                raise _RolledBack(result)
            return result
    except _RolledBack as done:
        return done.result


def apply_changes_in(session: Session, *, user: str, changes: Mapping[ItemKey, ItemChange | dict[str, Any]],
                     expected_revisions: Mapping[ItemKey, int] | None = None, action: str = "assessment.update",
                     enforce_note_rule: bool = True, join_bpr: int | None = None) -> UpdateResult:
    """:func:`apply_changes` inside the caller's write transaction (an import applies a workbook in one)."""
    targets = {ItemKey.of(*key): (_target(status=c.status, disposition=c.disposition, note=c.note, detail=c.detail,
                                          system=c.system)
                                  if isinstance(c, ItemChange) else dict(c)) for key, c in changes.items()}
    _check_dispositions_on_gaps(session, targets)
    refused, added = _resolve_systems(session, targets, user=user)
    result = _apply(session, user=user, action=action, targets=targets, expected_revisions=expected_revisions,
                    guards=None, enforce_note_rule=enforce_note_rule, join_bpr=join_bpr)
    result.rejected[:0] = refused
    result.added_systems = added
    return result


def _resolve_systems(session: Session, targets: dict[ItemKey, dict[str, Any]], *,
                     user: str) -> tuple[list[tuple[ItemKey, str]], list[str]]:
    """Turn the system names of ``targets`` into ids: an existing system (exact name, id or a unique part);
    for 独自施策システム a new name adds the system as a 関連システム of the operation. Items naming an unknown
    system are taken out of ``targets`` and returned as refused, with the reason."""
    named = {k: w for k, w in targets.items() if SYSTEM_NAME in w}
    if not named:
        return [], []
    from fitgap.services import custom_systems

    refused: list[tuple[ItemKey, str]] = []
    holder = UpdateResult()
    current = {ItemKey.of(r.operation_code, r.kind, r.req_id): r.disposition
               for r in items.rows_for_keys(session=session, keys=[k for k, w in named.items() if "disposition" not in w])}
    ids = systems.system_ids_by_name(session=session)
    for key, wanted in named.items():
        name = wanted.pop(SYSTEM_NAME)
        if not name:
            wanted["target_system_id"] = None
            continue
        decision = wanted["disposition"] if "disposition" in wanted else (
            Disposition(current[key]) if current.get(key) else None)
        try:
            if decision == Disposition.SEPARATE_SYSTEM:
                wanted["target_system_id"] = custom_systems.ensure_separate_system(
                    session, name=name, operation_code=key.operation_code, result=holder, user=user)
                ids = systems.system_ids_by_name(session=session)
            else:
                wanted["target_system_id"] = match_system(name, ids)
        except FitGapError as exc:
            refused.append((key, exc.message))
            del targets[key]
    return refused, holder.added_systems


class _RolledBack(Exception):
    """Leaves a dry run's write transaction without committing it."""

    def __init__(self, result: UpdateResult) -> None:
        super().__init__("dry run")
        self.result = result


def _batch_events(session: Session, batch: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.batch == batch, AuditEvent.entity == "assessment")
    return list(session.exec(stmt))


def _revert(db: Database, *, user: str, batch: str, direction: str) -> UpdateResult:
    with db.write() as session:
        events = _batch_events(session, batch)
        if not events:
            raise NotFoundError("取り消す（やり直す）変更が見つかりません。", "画面を更新してください。")
        targets: dict[ItemKey, dict[str, Any]] = {}
        guards: dict[ItemKey, dict[str, Any]] = {}
        for e in events:
            key = ItemKey.parse(e.entity_key)
            to, expect = (e.old_value, e.new_value) if direction == "undo" else (e.new_value, e.old_value)
            targets.setdefault(key, {})[e.field or ""] = _parse(e.field or "", to)
            guards.setdefault(key, {})[e.field or ""] = _parse(e.field or "", expect)
        return _apply(session, user=user, action=f"assessment.{direction}", targets=targets,
                      expected_revisions=None, guards=guards, enforce_note_rule=False, blank_is_unjudged=True)


def undo(*, db: Database, user: str, batch: str) -> UpdateResult:
    """Revert one batch, as a new batch. Items changed since by anyone are conflicts and stay as they are."""
    return _revert(db, user=user, batch=batch, direction="undo")


def redo(*, db: Database, user: str, batch: str) -> UpdateResult:
    """Re-apply a batch that was undone, as a new batch."""
    return _revert(db, user=user, batch=batch, direction="redo")


def get_note_rule(*, db: Database) -> frozenset[Status]:
    with db.read() as session:
        return note_rule(session)


def set_note_rule(*, db: Database, user: str, statuses: Sequence[Status]) -> None:
    value = ",".join(s.value for s in Status if s in set(statuses))
    with db.write() as session:
        old = operations.get_setting(session=session, key=NOTE_RULE_KEY, default="")
        operations.set_setting(session=session, key=NOTE_RULE_KEY, value=value)
        audit.record(session=session, user=user, at=datetime.now(UTC), batch=audit.new_batch(),
                     action="setting.update", entity="setting", entity_key=NOTE_RULE_KEY, old=old, new=value)


@dataclass
class BulkPlan:
    """What one bulk change would do to each selected item, read before anything is written.

    ``changes`` are the exact per-item changes to apply (a disposition on an item that is not a gap makes
    it a gap, as the picker says); every item that would not change is in one of the lists with its reason,
    and ``cleared_dispositions`` names the gaps whose disposition the new status removes."""

    changes: dict[ItemKey, ItemChange] = field(default_factory=dict)
    need_note: dict[ItemKey, ItemChange] = field(default_factory=dict)  # would change, but a note is required
    unchanged: list[ItemKey] = field(default_factory=list)  # already so
    conflicts: list[ItemKey] = field(default_factory=list)  # changed by someone since they were selected
    not_gap: list[ItemKey] = field(default_factory=list)  # "no disposition" asked of an item that is no gap
    made_gap: list[ItemKey] = field(default_factory=list)  # will become gaps (a disposition was chosen)
    cleared_dispositions: list[ItemKey] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return len(self.need_note) + len(self.unchanged) + len(self.conflicts) + len(self.not_gap)


def plan_bulk(
    *,
    db: Database,
    keys: Sequence[ItemKey],
    expected_revisions: Mapping[ItemKey, int] | None = None,
    status: Status | Any = UNSET,
    disposition: Disposition | Any | None = UNSET,
    note: str | Any = UNSET,
    detail: str | Any = UNSET,
    system: str | Any | None = UNSET,
) -> BulkPlan:
    """The preview of setting the same status / disposition / note on ``keys`` (nothing is written); what the
    decision names (``detail``, ``system``) goes with every item it is set on."""
    _target(status=status, disposition=disposition, note=note)  # the same checks of the request as update_items
    plan = BulkPlan()
    with db.read() as session:
        rows = {ItemKey.of(r.operation_code, r.kind, r.req_id): r
                for r in items.rows_for_keys(session=session, keys=list(dict.fromkeys(keys)))}
        required = note_rule(session)
    missing = [k for k in keys if k not in rows]
    if missing:
        shown = "、".join(str(k) for k in missing[:5])
        raise NotFoundError(f"要件 {shown} は現行の版にありません。", "画面を更新してから、もう一度操作してください。")
    for key in dict.fromkeys(keys):
        row = rows[key]
        cur = _state(row)
        if expected_revisions is not None and key in expected_revisions and expected_revisions[key] != row.revision:
            plan.conflicts.append(key)
            continue
        change: dict[str, Any] = {}
        if status is not UNSET:
            change["status"] = Status(status)
        if disposition is not UNSET:
            wanted = Disposition(disposition) if disposition else None
            if change.get("status", cur["status"]) != Status.GAP:
                if wanted is None:
                    plan.not_gap.append(key)
                    continue
                change["status"] = Status.GAP
                plan.made_gap.append(key)
            change["disposition"] = wanted
        if note is not UNSET:
            change["note"] = str(note)
        if detail is not UNSET:
            change["detail"] = detail
        if system is not UNSET:
            change["system"] = system
        new = {**cur, **{k: v for k, v in change.items() if k in cur}}
        if detail is not UNSET and new["disposition"] is not None:
            new["disposition_detail"] = " ".join(str(detail or "").split())
        if system is not UNSET and new["disposition"] is not None:
            new["target_system_id"] = ("named", system)  # resolved when written; the write says if it was already so
        if "status" in change:
            new["needs_review"] = False
            if new["status"] != Status.GAP:
                new["disposition"] = None
        item = ItemChange(**change)
        if new == cur:
            plan.unchanged.append(key)
            if key in plan.made_gap:
                plan.made_gap.remove(key)
        elif ((required and note_missing(new["status"], new["note"], required))
              or decision_rules.reason_missing(new["disposition"], new["note"])):  # カスタマイズ without its reason
            plan.need_note[key] = item
            if key in plan.made_gap:
                plan.made_gap.remove(key)
        else:
            plan.changes[key] = item
            if cur["disposition"] is not None and new["disposition"] is None:
                plan.cleared_dispositions.append(key)
    return plan
