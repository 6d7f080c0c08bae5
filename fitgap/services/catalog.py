"""The catalog: operations, the municipality, deadlines, bundled requirement lists. ``fitgap init``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from sqlmodel import Session

from fitgap.config import bundled_dir
from fitgap.domain.calendar import FY2025_END, FY2030_END
from fitgap.domain.enums import DeadlineKind
from fitgap.domain.models import Operation
from fitgap.domain.standing import PREFECTURE_KIND, DeadlineSource, prefecture_scope
from fitgap.errors import AmbiguousError, NotFoundError
from fitgap.importers.canonical import bundled_lists, read_canonical
from fitgap.importers.catalog import (
    MunicipalityEntry,
    OperationEntry,
    find_municipality,
    read_municipalities,
    read_operations,
)
from fitgap.services.system_seed import remove_unconfirmed_systems, seed_typical_systems
from fitgap.storage import audit, operations, specs
from fitgap.storage.db import Database
from fitgap.storage.overview import OFFICIAL_AS_OF_KEY
from fitgap.storage.schema import open_database


@dataclass
class InitResult:
    database: str
    created: bool
    operations_added: int = 0
    municipality: str | None = None
    tokutei: list[str] = field(default_factory=list)
    bundled_loaded: list[str] = field(default_factory=list)
    deadlines_changed: list[str] = field(default_factory=list)
    municipality_changed: bool = False
    manual_kept: list[str] = field(default_factory=list)  # operations whose hand-set deadline init left alone
    prefecture_scope: list[str] = field(default_factory=list)  # a prefecture: the operations it runs
    out_of_scope_systems: list[str] = field(default_factory=list)  # unconfirmed typical systems removed
    systems_added: int = 0  # typical systems seeded from catalog/systems.toml (first init only)
    changes_added: int = 0  # 改修 items created for the links that need one
    changes_removed: int = 0  # 改修 items nobody touched that no link needs any more (an older database)
    official_kept: str = ""  # the date of a newer official list whose flags init left alone (e.g. 2026-06)
    survey_loaded: str = ""  # the bundled progress survey, read when the database held none

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.operations_added or self.bundled_loaded or self.deadlines_changed
            or self.municipality_changed or self.systems_added or self.changes_added or self.changes_removed
            or self.out_of_scope_systems or self.survey_loaded
        )


OFFICIAL_AS_OF = "2025-12"  # the bundled official 特定移行支援 list (catalog/tokutei_2025-12.csv)


@cache
def catalog_operations() -> tuple[OperationEntry, ...]:
    return tuple(read_operations(bundled_dir("catalog") / "operations.toml"))


@cache
def municipality_directory() -> tuple[MunicipalityEntry, ...]:
    return tuple(read_municipalities(bundled_dir("catalog")))


def lookup_municipality(*, name: str | None = None, prefecture: str | None = None, code: str | None = None) -> MunicipalityEntry:
    return find_municipality(list(municipality_directory()), name=name, prefecture=prefecture, code=code)


def operation_by_code_or_name(*, session: Session, key: str) -> Operation:
    """An operation by 業務コード (primary or sub-code), name or short name."""
    ops = operations.list_operations(session=session)
    k = key.strip()
    for op in ops:
        if k == op.code or k in op.all_codes() or k in (op.name, op.short_name):
            return op
    partial = [op for op in ops if k and (k in op.name or k in op.short_name)]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise AmbiguousError(
            f"業務 {key!r} は複数に当てはまります: {'、'.join(f'{o.code} {o.name}' for o in partial)}",
            "業務コード（例: 001）で指定してください。",
        )
    listing = " / ".join(f"{o.code} {o.short_name}" for o in ops if not o.cross_cutting)
    raise NotFoundError(f"業務 {key!r} はありません。", f"業務コードか業務名で指定してください: {listing}")


def _sync_operations(session: Session, result: InitResult) -> None:
    existing = {op.code: op for op in operations.list_operations(session=session)}
    for entry in catalog_operations():
        op = existing.get(entry.code)
        if op is None:
            op = Operation(code=entry.code, order=entry.order, name=entry.name, short_name=entry.short_name,
                           group=entry.group, ministry=entry.ministry, spec_document=entry.spec_document,
                           sub_codes=",".join(entry.sub_codes), cross_cutting=entry.cross_cutting,
                           serves=",".join(entry.serves), deadline=FY2025_END, deadline_kind=DeadlineKind.FY2025)
            session.add(op)
            result.operations_added += 1
            continue
        fields = {"order": entry.order, "name": entry.name, "short_name": entry.short_name, "group": entry.group,
                  "ministry": entry.ministry, "spec_document": entry.spec_document,
                  "sub_codes": ",".join(entry.sub_codes), "cross_cutting": entry.cross_cutting,
                  "serves": ",".join(entry.serves)}
        for name, value in fields.items():
            if getattr(op, name) != value:
                setattr(op, name, value)
                session.add(op)
    session.flush()


def _apply_municipality(session: Session, entry: MunicipalityEntry, *, user: str, now: datetime,
                        batch: str, result: InitResult) -> None:
    result.municipality_changed = operations.set_municipality(
        session=session, name=entry.name, prefecture=entry.prefecture, code=entry.code, kind=entry.kind, at=now
    )
    result.municipality = entry.label
    ops = operations.list_operations(session=session)
    recorded = operations.get_setting(session=session, key=OFFICIAL_AS_OF_KEY)
    if not result.municipality_changed and recorded > OFFICIAL_AS_OF:
        # flags from a newer official list (fitgap deadline import-official): the bundled list never undoes them
        result.official_kept = recorded
        result.tokutei = [op.name for op in ops if op.tokutei_flag]
        result.manual_kept = [op.name for op in ops if op.deadline_source == DeadlineSource.MANUAL]
        result.prefecture_scope = [op.name for op in ops if op.in_scope] if entry.kind == PREFECTURE_KIND else []
        return
    scope, flags = official_flags(entry, ops)
    result.prefecture_scope = [op.name for op in ops if op.code in scope] if entry.kind == PREFECTURE_KIND else []
    for op in ops:
        operations.set_in_scope(session=session, code=op.code, in_scope=op.code in scope)
    operations.set_setting(session=session, key=OFFICIAL_AS_OF_KEY, value=OFFICIAL_AS_OF)
    for op in ops:
        flagged = flags[op.code]
        if flagged:
            result.tokutei.append(op.name)
        if apply_official_flag(session, op, flagged=flagged, user=user, now=now, batch=batch):
            result.deadlines_changed.append(op.name)
        if op.deadline_source == DeadlineSource.MANUAL:
            result.manual_kept.append(op.name)
    if entry.kind == PREFECTURE_KIND:
        result.out_of_scope_systems = remove_unconfirmed_systems(session, keep=scope, user=user, now=now,
                                                                 batch=batch)


def official_flags(entry: MunicipalityEntry, ops: list[Operation]) -> tuple[set[str], dict[str, bool]]:
    """The operations a body runs and, per operation, whether the official list's columns flagged for the
    body (``entry.tokutei_columns``) flag it: the bundled list at init, a newer one when it is read."""
    by_code = {e.code: e for e in catalog_operations()}
    scope = _scope(entry, ops)
    flags = {}
    for op in ops:
        column = by_code[op.code].tokutei_column if op.code in by_code else op.name
        flags[op.code] = column in entry.tokutei_columns and op.code in scope
    return scope, flags


def official_deadline(flagged: bool) -> tuple[date, DeadlineKind, DeadlineSource]:
    """The deadline the official list gives an operation that nobody set by hand."""
    if flagged:
        return FY2030_END, DeadlineKind.TOKUTEI, DeadlineSource.OFFICIAL
    return FY2025_END, DeadlineKind.FY2025, DeadlineSource.DEFAULT


def apply_official_flag(session: Session, op: Operation, *, flagged: bool, user: str, now: datetime,
                        batch: str, action: str = "init.deadline") -> bool:
    """Record the official list's flag for one operation and, unless its deadline was set by hand, the
    deadline it gives; returns True when the deadline changed (audited)."""
    if op.tokutei_flag != flagged:
        op.tokutei_flag = flagged
        session.add(op)
    if op.deadline_source == DeadlineSource.MANUAL:
        return False  # a deadline set by hand is never overwritten
    deadline, kind, source = official_deadline(flagged)
    if (op.deadline, op.deadline_kind, op.deadline_source) == (deadline, kind, source):
        return False
    audit.record(session=session, user=user, at=now, batch=batch, action=action,
                 entity="operation", entity_key=op.code, field="deadline",
                 old=f"{op.deadline} {op.deadline_kind.value}", new=f"{deadline} {kind.value}")
    operations.set_deadline(session=session, code=op.code, deadline=deadline, kind=kind, source=source)
    return True


def _scope(entry: MunicipalityEntry, ops: list[Operation]) -> set[str]:
    """The operations this body runs: all for a municipality; for a prefecture 児童扶養手当 and 生活保護, and
    the 共通機能 where the official list flags them."""
    codes = [op.code for op in ops]
    if entry.kind != PREFECTURE_KIND:
        return set(codes)
    common = [op.code for op in ops if op.cross_cutting and op.group == "共通機能"]
    return prefecture_scope(codes, common_flagged="共通機能" in entry.tokutei_columns, common_codes=common)


def load_bundled_specs(session: Session, *, user: str, now: datetime, folder: Path | None = None) -> list[str]:
    """Load each bundled list whose operation has no spec version yet. Returns the labels loaded."""
    loaded = []
    for path in bundled_lists(folder or bundled_dir("standard_specs")):
        lst = read_canonical(path)
        code = lst.info.operation_code
        if specs.list_versions(session=session, operation_code=code):
            continue
        op = operations.get_operation(session=session, code=code)
        if op is None:
            continue
        spec = specs.get_or_create_spec(session=session, operation_code=code, title=lst.info.title or op.spec_document)
        version = specs.add_version(session=session, spec=spec, info=lst.info, imported_at=now, imported_by=user,
                                    source_file=path.name, bundled=True)
        n = specs.insert_records(session=session, records=lst.requirements, spec_version_id=version.id or 0,
                                 operation_code=code)
        specs.add_source(session=session, spec_version_id=version.id or 0, file_name=path.name,
                         sha256=hashlib.sha256(path.read_bytes()).hexdigest(), requirements=n, removed_rows=0,
                         imported_at=now, imported_by=user)
        specs.mark_current(session=session, operation_code=code, spec_version_id=version.id or 0)
        loaded.append(f"{op.name} {lst.info.label}（{n}件）")
    return loaded


def _populate(session: Session, *, entry: MunicipalityEntry | None, user: str, result: InitResult) -> None:
    now = datetime.now(UTC)
    batch = audit.new_batch()
    _sync_operations(session, result)
    if entry is not None:
        _apply_municipality(session, entry, user=user, now=now, batch=batch, result=result)
    result.bundled_loaded = load_bundled_specs(session, user=user, now=now)
    from fitgap.services.data_items import load_bundled_lists  # the 項目定義書 reader only when init runs

    result.bundled_loaded += load_bundled_lists(session, user=user)
    result.systems_added = seed_typical_systems(session, user=user, now=now, batch=batch)
    from fitgap.services.progress_survey import load_bundled_survey  # the survey's reader only when init runs

    result.survey_loaded = load_bundled_survey(session, user=user, now=now)
    from fitgap.services.change_sync import sync_changes  # the graph libraries only when init runs
    from fitgap.services.system_graph import AuditedEdit

    sync = sync_changes(session, edit=AuditedEdit(session, user))
    result.changes_added, result.changes_removed = sync.created, sync.removed
    if result.changed:
        audit.record(session=session, user=user, at=now, batch=batch, action="init", entity="database",
                     entity_key="catalog", new=entry.label if entry else None)


def init_database(
    *,
    url: str,
    user: str,
    municipality: str | None = None,
    prefecture: str | None = None,
    code: str | None = None,
) -> InitResult:
    """Create or update a database with the bundled catalog, in one transaction. Idempotent."""
    entry = None
    if municipality or code:
        entry = lookup_municipality(name=municipality, prefecture=prefecture, code=code)
    result = InitResult(database=url, created=False)

    def on_create(session: Session) -> None:
        result.created = True
        _populate(session, entry=entry, user=user, result=result)

    db = open_database(url, create=True, initialise=on_create)
    try:
        if not result.created:
            with db.write() as session:
                _populate(session, entry=entry, user=user, result=result)
    finally:
        db.dispose()
    return result


def ensure_initialised(*, url: str, user: str) -> Database:
    """Open the database for everyday use, creating it with the bundled catalog when it does not exist."""
    result = InitResult(database=url, created=True)
    return open_database(
        url, create=True, initialise=lambda session: _populate(session, entry=None, user=user, result=result)
    )


__all__ = ["Database", "InitResult", "ensure_initialised", "init_database", "lookup_municipality",
           "operation_by_code_or_name"]
