"""The requirements as the workbench shows them: filter, search, sort, page, and one item in detail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from fitgap.domain import dispositions
from fitgap.domain.enums import Disposition, Kubun, RequirementKind, Severity, Status
from fitgap.domain.post_cutover import MeasureRecord
from fitgap.domain.rules import DEFAULT_NOTE_REQUIRED
from fitgap.domain.text import display_width, search_form
from fitgap.errors import NotFoundError
from fitgap.storage import audit, items, operations, post_cutover, search_index, specs, systems, vendors
from fitgap.storage.db import Database
from fitgap.storage.vendors import VendorAnswerView

NOTE_RULE_KEY = "note_required_statuses"


class ItemKey(NamedTuple):
    """A requirement of an operation: 機能 and 帳票 are numbered independently, so the kind is part of it."""

    operation_code: str
    kind: RequirementKind
    req_id: str

    def __str__(self) -> str:
        return f"{self.operation_code}:{self.kind.value}:{self.req_id}"

    @property
    def label(self) -> str:
        """How users read the key: '機能 0010001'."""
        return f"{self.kind.value} {self.req_id}"

    @classmethod
    def parse(cls, text: str) -> ItemKey:
        """The key from its string form '001:機能:0010001'."""
        op, kind, req = text.split(":", 2)
        return cls(op, RequirementKind(kind), req)

    @classmethod
    def of(cls, operation_code: str, kind: str, req_id: str) -> ItemKey:
        return cls(operation_code, RequirementKind(kind), req_id)


@dataclass(frozen=True)
class ItemFilter:
    operation_code: str | None = None
    statuses: frozenset[Status] = frozenset()
    kubun: frozenset[Kubun] = frozenset()
    dispositions: frozenset[Disposition] = frozenset()
    severities: frozenset[Severity] = frozenset()
    needs_review: bool | None = None
    note_missing: bool | None = None
    text: str = ""
    departments: frozenset[str] = frozenset()  # 担当課 of the requirements ("my items"; services.owners)

    def terms(self) -> list[str]:
        """The search words in the one search form (text.search_form), as every backend compares them."""
        return search_form(self.text).split()

    def to_json(self) -> dict[str, Any]:
        return {
            "operation_code": self.operation_code,
            "statuses": sorted(s.value for s in self.statuses),
            "kubun": sorted(k.value for k in self.kubun),
            "dispositions": sorted(d.value for d in self.dispositions),
            "severities": sorted(s.value for s in self.severities),
            "needs_review": self.needs_review,
            "note_missing": self.note_missing,
            "text": self.text,
            **({"departments": sorted(self.departments)} if self.departments else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemFilter:
        return cls(
            operation_code=data.get("operation_code"),
            statuses=frozenset(Status(s) for s in data.get("statuses", [])),
            kubun=frozenset(Kubun(k) for k in data.get("kubun", [])),
            dispositions=frozenset(Disposition(d) for d in data.get("dispositions", [])),
            severities=frozenset(Severity(s) for s in data.get("severities", [])),
            needs_review=data.get("needs_review"),
            note_missing=data.get("note_missing"),
            text=data.get("text", ""),
            departments=frozenset(str(d) for d in data.get("departments", [])),
        )


@dataclass(frozen=True)
class ItemSort:
    column: str = "document"
    descending: bool = False

    COLUMNS = ("document", "operation", "req_id", "kind", "name", "kubun", "status", "disposition", "severity",
               "assessed_at")


@dataclass(frozen=True, slots=True)
class ItemRow:
    key: ItemKey
    name: str
    kind: RequirementKind
    kubun: Kubun
    transitional: bool
    status: Status
    disposition: Disposition | None
    severity: Severity | None
    needs_review: bool
    note: str
    revision: int
    assessed_by: str | None
    assessed_at: datetime | None


@dataclass(frozen=True)
class PreviousText:
    label: str
    text: str
    kubun: Kubun
    name: str = ""
    reason: str = ""
    remarks: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: str
    action: str
    field: str | None
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ItemDetail:
    row: ItemRow
    text: str
    category: str
    reason: str
    remarks: str
    source_file: str | None
    source_sheet: str | None
    source_row: int | None
    version_label: str
    previous: PreviousText | None
    history: list[HistoryEntry]
    vendor_answers: list[VendorAnswerView] = field(default_factory=list)
    post_cutover: MeasureRecord | None = None  # 移行後の経過措置 recorded for it (services.post_cutover)
    disposition_detail: str = ""  # what the decision names: the option (機能:0010005) or the 共通機能
    target_system: str | None = None  # the system that takes the work over
    option_status: Status | None = None  # 標準オプションで対応: how the named option requirement is marked


def to_row(r: Any) -> ItemRow:
    return ItemRow(
        key=ItemKey.of(r.operation_code, r.kind, r.req_id), name=r.name, kind=RequirementKind(r.kind), kubun=Kubun(r.kubun),
        transitional=bool(r.transitional), status=Status(r.status),
        disposition=Disposition(r.disposition) if r.disposition else None,
        severity=Severity(r.severity) if r.severity else None, needs_review=bool(r.needs_review), note=r.note,
        revision=int(r.revision), assessed_by=r.assessed_by, assessed_at=r.assessed_at,
    )


def note_rule(session: Any) -> frozenset[Status]:
    raw = operations.get_setting(session=session, key=NOTE_RULE_KEY, default="\0")
    if raw == "\0":
        return DEFAULT_NOTE_REQUIRED
    return frozenset(Status(s) for s in raw.split(",") if s)


def _where(session: Any, flt: ItemFilter) -> list[Any]:
    note_for = None
    if flt.note_missing:
        note_for = [s.value for s in note_rule(session)]
    return items.build_where(
        session.connection(), operation_code=flt.operation_code, statuses=[s.value for s in flt.statuses],
        kubun=[k.value for k in flt.kubun], dispositions=[d.value for d in flt.dispositions],
        severities=[s.value for s in flt.severities], needs_review=flt.needs_review, note_missing_for=note_for,
        terms=flt.terms(), departments=sorted(flt.departments),
    )


def prepare_search(*, db: Database) -> int:
    """Bring the search index up to date (after imports); returns how many requirements it indexed."""
    with db.read() as session:
        if not search_index.behind(session.connection()):
            return 0
    with db.write() as session:
        return search_index.catch_up(session.connection())


def count_items(*, db: Database, flt: ItemFilter) -> int:
    if flt.text:
        prepare_search(db=db)
    with db.read() as session:
        return items.count(session=session, where=_where(session, flt))


def list_items(*, db: Database, flt: ItemFilter, sort: ItemSort = ItemSort(), offset: int = 0,
               limit: int = 100) -> list[ItemRow]:
    if flt.text:
        prepare_search(db=db)
    with db.read() as session:
        if _by_operation(flt, sort):
            rows = items.page_by_operation(session=session, where=_where(session, flt), descending=sort.descending,
                                           offset=offset, limit=limit)
        else:
            rows = items.page(session=session, where=_where(session, flt), sort=sort.column,
                              descending=sort.descending, offset=offset, limit=limit)
    return [to_row(r) for r in rows]


def _by_operation(flt: ItemFilter, sort: ItemSort) -> bool:
    """Whether a list of several operations in 文書順 is read one operation at a time (see
    ``page_by_operation``): not for a search, whose matches are few enough to sort, and whose index is
    better asked once than once per operation."""
    return sort.column == "document" and flt.operation_code is None and not flt.text


def locate_item(*, db: Database, flt: ItemFilter, sort: ItemSort,
                keys: Sequence[ItemKey]) -> tuple[ItemKey, int] | None:
    """The first of ``keys`` that is in the list ``list_items`` pages through, and its row number there
    (0-based); None when none is. How the workbench's cursor finds its requirement again."""
    if not keys:
        return None
    if flt.text:
        prepare_search(db=db)
    with db.read() as session:
        if _by_operation(flt, sort):
            found = items.position_by_operation(session=session, where=_where(session, flt),
                                                descending=sort.descending, keys=keys)
        else:
            found = items.first_position(session=session, where=_where(session, flt), sort=sort.column,
                                         descending=sort.descending, keys=keys)
    if found is None:
        return None
    (op, kind, rid), index = found
    return ItemKey.of(op, kind, rid), index


def item_keys(*, db: Database, flt: ItemFilter) -> list[ItemKey]:
    if flt.text:
        prepare_search(db=db)
    with db.read() as session:
        return [ItemKey.of(a, k, b) for a, k, b in items.keys(session=session, where=_where(session, flt))]


def get_item(*, db: Database, key: ItemKey) -> ItemRow:
    with db.read() as session:
        rows = items.rows_for_keys(session=session, keys=[key])
    if not rows:
        raise NotFoundError(f"要件 {key} はありません。", "業務コードと要件IDを確かめてください。")
    return to_row(rows[0])


def get_item_detail(*, db: Database, key: ItemKey, full: bool = False) -> ItemDetail:
    """One item with its text, provenance, previous text, history and vendor answers. ``full``: the whole
    history and every vendor answer including the ones a later answer replaced (the full-screen view)."""
    with db.read() as session:
        r = items.detail(session=session, operation_code=key.operation_code, kind=key.kind.value, req_id=key.req_id)
        if r is None:
            raise NotFoundError(f"要件 {key} はありません。", "業務コードと要件IDを確かめてください。")
        versions = {v.id: v for v in specs.list_versions(session=session, operation_code=key.operation_code)}
        previous = None
        row = to_row(r)
        if row.needs_review and r.basis_version_id and r.basis_version_id != r.spec_version_id:
            old = items.requirement_in_version(session=session, spec_version_id=r.basis_version_id,
                                               kind=key.kind.value, req_id=key.req_id)
            if old is not None:
                label = versions[r.basis_version_id].label if r.basis_version_id in versions else "旧版"
                previous = PreviousText(label=label, text=old.text, kubun=Kubun(old.kubun), name=old.name,
                                        reason=old.reason or "", remarks=old.remarks or "")
        events = list(audit.history(session=session, entity_key=str(key), limit=1_000_000 if full else 100))
        names = {str(i): n for n, i in systems.system_ids_by_name(session=session).items()} if any(
            e.field == "target_system_id" for e in events) else {}

        def shown(e: Any, value: str | None) -> str | None:  # a system by its name, not its number
            return names.get(value, value) if value and e.field == "target_system_id" else value

        history = [HistoryEntry(at=e.at, user=e.user, action=e.action, field=e.field, old=shown(e, e.old_value),
                                new=shown(e, e.new_value)) for e in events]
        answers = _vendor_answers(session, key, include_superseded=full)
        measure = post_cutover.get_record(session=session, operation_code=key.operation_code, kind=key.kind,
                                          req_id=key.req_id)
        system = systems.get_system(session=session, system_id=r.target_system_id) if r.target_system_id else None
        option_status = None
        option = dispositions.option_key(r.disposition_detail or "") if r.disposition == Disposition.OPTION else None
        if option is not None:
            found = items.rows_for_keys(session=session, keys=[(key.operation_code, *option)])
            option_status = Status(found[0].status) if found else None
    version = versions.get(r.spec_version_id)
    return ItemDetail(
        row=row, text=r.text, category=r.category, reason=r.reason or "", remarks=r.remarks or "",
        source_file=r.source_file, source_sheet=r.source_sheet,
        source_row=r.source_row, version_label=version.label if version else "", previous=previous,
        history=history, vendor_answers=answers, post_cutover=measure, disposition_detail=r.disposition_detail or "",
        target_system=system.name if system is not None else None, option_status=option_status,
    )


def _vendor_answers(session: Any, key: ItemKey, *, include_superseded: bool = False) -> list[VendorAnswerView]:
    """Every vendor's answer to the item, newest first, answers missing the deadline flagged."""
    op = operations.get_operation(session=session, code=key.operation_code)
    return vendors.answers_for_item(session=session, operation_code=key.operation_code, kind=key.kind.value,
                                    req_id=key.req_id, deadline=op.deadline if op else None,
                                    include_superseded=include_superseded)


def dumps(flt: ItemFilter, sort: ItemSort) -> str:
    return json.dumps({"filter": flt.to_json(), "sort": {"column": sort.column, "descending": sort.descending}},
                      ensure_ascii=False)


def loads(text: str) -> tuple[ItemFilter, ItemSort]:
    data = json.loads(text)
    s = data.get("sort", {})
    column = s.get("column", "document")
    if column not in ItemSort.COLUMNS:
        column = "document"
    return ItemFilter.from_json(data.get("filter", {})), ItemSort(column, bool(s.get("descending")))


def spec_document_without_list(*, db: Database, operation_code: str) -> tuple[str, str] | None:
    """(operation name, spec document) when the operation has no requirement list yet, else None."""
    with db.read() as session:
        if specs.count_requirements(session=session, operation_code=operation_code):
            return None
        op = operations.get_operation(session=session, code=operation_code)
    return (op.name, op.spec_document) if op is not None else None


def id_width(*, db: Database, operation_code: str | None, minimum: int = 9, maximum: int = 20) -> int:
    """Terminal cells the ID column needs for the longest current ID (Japanese suffixes count two)."""
    with db.read() as session:
        ids = items.longest_ids(session=session, operation_code=operation_code)
    return max(minimum, min(maximum, max((display_width(i) for i in ids), default=minimum)))


def change_stamp(*, db: Database) -> int:
    """A number that moves whenever anyone changes anything audited (cheap: for lists that poll)."""
    with db.read() as session:
        return audit.last_event_id(session=session)
