"""移行後の経過措置: requirements the vendor implements after the cut-over (filed with デジタル庁 under its
届出要領 of 2025-10), one record per requirement (operation, kind, ID): planned date, 届出 date, done date.

Set (create or update), mark done, remove and list; the CLI (``fitgap post-cutover``), the workbench's
requirement views and the readiness report all come here. Whether a measure is overdue is the domain's
rule (:mod:`fitgap.domain.post_cutover`), computed against the ``today`` given. Every change is one
transaction with its audit events (under the requirement's key, so the requirement's history shows it);
bad input raises a FitGapError and changes nothing; an edit made on a record someone changed since it was
read (``expected_revision``) is a ConflictError, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from fitgap.domain.enums import RequirementKind
from fitgap.domain.models import PostCutoverMeasure
from fitgap.domain.post_cutover import MeasureRecord, MeasureState, check_measure
from fitgap.domain.standing import Standing, standings
from fitgap.errors import ConflictError, InvalidInputError, NotFoundError
from fitgap.reports.readiness_model import PostCutoverLine
from fitgap.services.edit_input import UNSET
from fitgap.services.items import ItemKey
from fitgap.storage import audit, operations, overview
from fitgap.storage import post_cutover as store
from fitgap.storage.db import Database, session_rows

ENTITY = "post_cutover_measure"
FIELDS = ("planned", "notified_on", "done_on", "vendor", "note")
FIELD_LABELS = {"planned": "予定日", "notified_on": "届出日", "done_on": "完了日", "vendor": "ベンダ", "note": "メモ"}
KEY_HINT = "業務コード:種別:要件ID の形で指定してください（例 001:機能:1.1.1-必須、種別を省くと機能: 001:1.1.1-必須）。"


def parse_key(text: str) -> ItemKey:
    """A requirement as users type it: 「001:機能:ID」「001:帳票:ID」, or 「001:ID」 for a 機能."""
    parts = [p.strip() for p in text.replace("：", ":").split(":", 2)]
    kinds = [k.value for k in RequirementKind]
    if len(parts) == 2 and parts[1] not in kinds:
        parts = [parts[0], RequirementKind.FUNCTION.value, parts[1]]
    if len(parts) == 3 and parts[0].isdigit() and parts[1] in kinds and parts[2]:
        return ItemKey.of(parts[0].zfill(3), parts[1], parts[2])
    raise InvalidInputError(f"要件 {text!r} の指定が読めません。", KEY_HINT)


# ---- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureView:
    """One measure as the list, the workbench and the report show it."""

    key: ItemKey
    operation: str  # the operation's name
    name: str  # the requirement's current name; "" when it is no longer in the current list
    record: MeasureRecord
    standing: Standing | None  # where the operation stands (domain.standing)
    today: date

    @property
    def overdue(self) -> bool:
        return self.record.overdue(self.today)

    @property
    def state(self) -> MeasureState:
        return self.record.state(self.today)

    @property
    def label(self) -> str:
        return self.record.label(self.today)


def _context(session: Session, today: date) -> tuple[dict[str, str], dict[str, int], dict[str, Standing]]:
    """Operation names, catalogue order and standings (the one rule), from the overview's reads."""
    rows = session_rows(session)
    ops = overview.operations(rows)
    stand = standings([op.standing_input for op in ops], overview.systems(rows), today=today,
                      official_as_of=overview.official_as_of(rows))
    return {op.code: op.name for op in ops}, {op.code: op.order for op in ops}, dict(stand.operations)


def list_measures(*, db: Database, today: date, operation: str | None = None,
                  overdue_only: bool = False) -> list[MeasureView]:
    """Every measure in the catalogue's order (of one operation: code or name), or only the overdue ones."""
    code = None
    if operation is not None:
        from fitgap.services.catalog import operation_by_code_or_name  # the catalog: only to resolve a name

        with db.read() as session:
            code = operation_by_code_or_name(session=session, key=operation).code
    views = _views(db, today, code)
    return [v for v in views if v.overdue] if overdue_only else views


def get_measure(*, db: Database, key: ItemKey, today: date) -> MeasureView | None:
    """The measure of one requirement, or None when none is recorded."""
    return next((v for v in _views(db, today, key.operation_code) if v.key == key), None)


def _views(db: Database, today: date, code: str | None) -> list[MeasureView]:
    with db.read() as session:
        names, order, stand = _context(session, today)
        found = store.list_measures(session=session, operation_code=code)
    views = [MeasureView(ItemKey(m.operation_code, RequirementKind(m.kind), m.req_id), names.get(m.operation_code, ""),
                         name, store.record_of(m), stand.get(m.operation_code), today) for m, name in found]
    return sorted(views, key=lambda v: (order.get(v.key.operation_code, 999), v.key.operation_code,
                                        v.key.kind.value, v.key.req_id))


def report_lines(*, db: Database, today: date, names: Mapping[str, str]) -> list[PostCutoverLine]:
    """The readiness report's list: the measures of the operations in ``names`` (this body's)."""
    return [
        PostCutoverLine(
            operation_code=v.key.operation_code, operation=names[v.key.operation_code], req_id=v.key.label,
            name=v.name or "（現在の版にない要件）", planned=v.record.planned, notified_on=v.record.notified_on,
            done_on=v.record.done_on, overdue=v.overdue, status=v.label, vendor=v.record.vendor or "",
            note=v.record.note, operation_state=v.standing.label if v.standing else "",
        )
        for v in list_measures(db=db, today=today) if v.key.operation_code in names
    ]


# ---- editing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureEdit:
    """What one change did: the record before and after (None: there was none / it was removed)."""

    key: ItemKey
    name: str
    before: MeasureRecord | None
    after: MeasureRecord | None

    @property
    def changed(self) -> bool:
        return _values(self.before) != _values(self.after)

    @property
    def created(self) -> bool:
        return self.before is None and self.after is not None


def _values(r: MeasureRecord | None) -> dict[str, Any] | None:
    return None if r is None else {f: getattr(r, f) for f in FIELDS}


def describe(r: MeasureRecord | None) -> str:
    """A record in words: 「予定 2027-03-31・届出 2026-02-01・未完了」."""
    if r is None:
        return "記録なし"
    parts = [f"予定 {r.planned.isoformat() if r.planned else '未定'}",
             f"届出 {r.notified_on.isoformat()}" if r.notified_on else "届出未了",
             f"完了 {r.done_on.isoformat()}" if r.done_on else "未完了"]
    return "・".join(parts)


def _requirement_name(session: Session, key: ItemKey) -> str:
    op = operations.get_operation(session=session, code=key.operation_code)
    if op is None:
        raise NotFoundError(f"業務コード {key.operation_code} の業務はありません。", KEY_HINT)
    name = store.requirement_name(session=session, operation_code=key.operation_code, kind=key.kind,
                                  req_id=key.req_id)
    if name is None:
        raise NotFoundError(f"{op.name}（{key.operation_code}）の現在の要件一覧に {key.label} はありません。",
                            "種別（機能/帳票）と要件IDを確かめてください（要件一覧は作業画面で見られます）。")
    return name


def _check_revision(key: ItemKey, row: PostCutoverMeasure | None, expected: int | None) -> None:
    if expected is None:
        return
    current = int(row.revision or 0) if row is not None else 0
    if current != expected:
        what = "記録" if expected == 0 else ("削除" if row is None else "変更")
        who = (row.updated_by if row is not None else None) or "他の利用者"
        raise ConflictError(f"{key} の移行後の経過措置は、読み込んだ後に{what}されています（{who}）。上書きしていません。",
                            "読み直してから、もう一度編集してください。")


def _clean(given: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in given.items() if v is not UNSET}
    if "vendor" in out:
        out["vendor"] = (out["vendor"] or "").strip() or None
    if "note" in out:
        out["note"] = (out["note"] or "").strip()
    return out


def set_measure(*, db: Database, user: str, key: ItemKey, today: date, planned: Any = UNSET, notified_on: Any = UNSET,
                done_on: Any = UNSET, vendor: Any = UNSET, note: Any = UNSET,
                expected_revision: int | None = None) -> MeasureEdit:
    """Record (or change) the measure of one requirement; the fields not given stay as they are. A new
    record needs its planned date and a requirement of the current list; ``expected_revision`` (0: none
    was recorded when read) refuses the edit when someone changed the record since it was read."""
    given = _clean({"planned": planned, "notified_on": notified_on, "done_on": done_on, "vendor": vendor,
                    "note": note})
    return _write(db=db, user=user, key=key, today=today, given=given, expected_revision=expected_revision,
                  action="post_cutover.set")


def mark_done(*, db: Database, user: str, key: ItemKey, today: date, done_on: date | None = None,
              expected_revision: int | None = None) -> MeasureEdit:
    """The vendor implemented it: the done date (today when not given)."""
    return _write(db=db, user=user, key=key, today=today, given={"done_on": done_on or today},
                  expected_revision=expected_revision, action="post_cutover.done", must_exist=True)


def _write(*, db: Database, user: str, key: ItemKey, today: date, given: dict[str, Any],
           expected_revision: int | None, action: str, must_exist: bool = False) -> MeasureEdit:
    with db.write() as session:
        row = store.get_measure(session=session, operation_code=key.operation_code, kind=key.kind,
                                req_id=key.req_id)
        if row is None and must_exist:
            raise NotFoundError(f"{key} に移行後の経過措置の記録はありません。",
                                "先に fitgap post-cutover set で予定日とともに記録してください。")
        # an existing record of a requirement the current list no longer has can still be completed or changed
        name = _requirement_name(session, key) if row is None else (store.requirement_name(
            session=session, operation_code=key.operation_code, kind=key.kind, req_id=key.req_id) or "")
        _check_revision(key, row, expected_revision)
        before = store.record_of(row) if row is not None else None
        after = replace(before or MeasureRecord(planned=None), **given)
        check_measure(after, today=today)
        if before is not None and _values(before) == _values(after):
            return MeasureEdit(key, name, before, before)
        at, batch = datetime.now(UTC), audit.new_batch()
        if row is None:
            row = PostCutoverMeasure(operation_code=key.operation_code, kind=key.kind, req_id=key.req_id, revision=0)
        for f in FIELDS:
            old, new = (getattr(before, f) if before is not None else None), getattr(after, f)
            if old != new and not (before is None and new in (None, "")):
                audit.record(session=session, user=user, at=at, batch=batch, action=action, entity=ENTITY,
                             entity_key=str(key), field=f, old=old, new=new)
            setattr(row, f, new)
        row.revision = int(row.revision or 0) + 1
        row.updated_by, row.updated_at = user, at
        store.add_measure(session=session, measure=row)
        return MeasureEdit(key, name, before, store.record_of(row))


def remove_measure(*, db: Database, user: str, key: ItemKey, expected_revision: int | None = None) -> MeasureEdit:
    """Drop the record of one requirement (recorded by mistake, or the vendor's plan changed)."""
    with db.write() as session:
        row = store.get_measure(session=session, operation_code=key.operation_code, kind=key.kind,
                                req_id=key.req_id)
        if row is None:
            raise NotFoundError(f"{key} に移行後の経過措置の記録はありません。",
                                "記録は fitgap post-cutover list で確かめてください。")
        _check_revision(key, row, expected_revision)
        before = store.record_of(row)
        name = store.requirement_name(session=session, operation_code=key.operation_code, kind=key.kind,
                                      req_id=key.req_id) or ""
        audit.record(session=session, user=user, at=datetime.now(UTC), batch=audit.new_batch(),
                     action="post_cutover.remove", entity=ENTITY, entity_key=str(key), old=describe(before))
        store.delete_measure(session=session, measure=row)
        return MeasureEdit(key, name, before, None)
