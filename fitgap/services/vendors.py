"""Vendor gap sheets: export a workbook per vendor, import it back, and show answers per item.

The round trip itself (writing, reading, checking every row, the transaction) is services.round_trip's;
this module says what goes into the vendor's workbook and what an answer changes: a new answer of record,
the previous one kept as history, and an answer from a workbook older than the one the answer of record
came back in refused as a conflict (unless ``accept_older``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from fitgap.domain.answer_sheet import SheetKey, SheetProblem, resolve_kind
from fitgap.domain.enums import Status, VendorAnswerKind
from fitgap.domain.models import Operation, VendorExport
from fitgap.domain.round_trips import VENDOR
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.services import status
from fitgap.services.choices import VENDOR_SCOPES
from fitgap.services.recorded_export import ExportRecord
from fitgap.services.round_trip import (
    ImportReport,
    addressed_vendor,
    export_book,
    import_book,
    new_export_id,
    safe_file_part,
)
from fitgap.storage import audit, operations, sheet_items, specs, vendors
from fitgap.storage.db import Database, session_rows
from fitgap.storage.vendors import CurrentAnswer, VendorAnswerView

if TYPE_CHECKING:  # the reading side is imported by the imports only: an export loads the writer alone
    from fitgap.importers.returned_book import ReturnedBook, ReturnedRow

SCOPE_LABELS = VENDOR_SCOPES


@dataclass(frozen=True)
class ExportResult:
    path: Path
    export_id: str
    vendor: str
    items: int
    operations: list[str]
    demo: bool


def resolve_operations(session: Session, keys: Sequence[str] | None) -> list[Operation]:
    """The operations named (code or name), or every standardised operation with a spec version."""
    if keys:
        from fitgap.services.catalog import operation_by_code_or_name

        ops = [operation_by_code_or_name(session=session, key=k) for k in keys]
        return list({op.code: op for op in ops}.values())
    return operations.list_operations(session=session, include_cross_cutting=False)


def export_vendor_sheet(
    *, db: Database, user: str, vendor: str, exports_dir: Path, operation_keys: Sequence[str] | None = None,
    scope: str = "all", answer_by: date | None = None, path: Path | None = None, now: datetime | None = None,
    overwrite: bool = False,
) -> ExportResult:
    """Write the vendor's workbook and record the export; the file appears only once its export is recorded
    (``recorded_export.publish_export``). An existing file is replaced only with ``overwrite``."""
    from fitgap.reports.answer_workbook import Outgoing, Part

    vendor = vendor.strip()
    if not vendor:
        raise InvalidInputError("ベンダ名が空です。", "--vendor にベンダ名を指定してください。")
    if scope not in SCOPE_LABELS:
        raise InvalidInputError(f"対象 {scope!r} はありません。", "--scope は gaps / must / all のどれかです。")
    now = now or datetime.now(UTC)
    export_id = new_export_id()
    with db.read() as session:  # rows stream from this read straight into the workbook
        ops = resolve_operations(session, operation_keys)
        versions = specs.current_versions(session=session)
        due = status.dues(session_rows(session))  # the date each operation answers to (domain.standing)
        counts = sheet_items.count_sheet_items(session=session, operation_codes=[o.code for o in ops], scope=scope)
        muni = operations.get_municipality(session=session)
        existing = vendors.get_vendor(session=session, name=vendor)
        vendor_id = existing.id if existing else None  # its answers of record are pre-filled
        total = sum(counts.values())
        if not total:
            raise InvalidInputError(
                f"書き出す要件がありません（対象: {SCOPE_LABELS[scope]}）。ファイルは作っていません。",
                "要件一覧を取り込むか（fitgap import-spec）、--scope all を指定してください。",
            )

        def rows(code: str) -> Iterator[tuple[Mapping[str, Any], str]]:
            unchecked = Status.UNCHECKED.value
            for (req_id, kind, kubun, transitional, name, text, th, reason, remarks, state, note, answer, planned,
                 cost, comment) in sheet_items.iter_vendor_sheet_rows(session=session, operation_code=code, scope=scope,
                                                                      vendor_id=vendor_id):
                yield ({"req_id": req_id, "kind": kind, "kubun": kubun + "（経過措置）" if transitional else kubun,
                        "name": name, "text": text, "reason": reason, "remarks": remarks, "status": state or unchecked,
                        "note": note, "answer": answer, "planned_date": planned, "cost_kyen": cost,
                        "comment": comment}, SheetKey(code, kind, req_id, th).encode())

        shown = [(op, versions.get(op.code)) for op in ops if counts.get(op.code)]
        demo = any(v is not None and v.demo for _, v in shown)
        parts, lines = [], []
        for op, v in shown:
            label = v.label if v else "—"
            lines.append(f"{op.code} {op.short_name}: {label}（期限 {due[op.code].date:%Y/%m/%d}、{counts[op.code]} 件）")
            parts.append(Part(op.code, f"{op.code} {op.short_name}",
                              f"{'【デモ】' if demo else ''}{op.code} {op.short_name}（{label}） — "
                              f"{vendor} 御中 — 黄色の欄に回答してください", rows(op.code), count=counts[op.code]))
        out = Outgoing(
            trip=VENDOR, export_id=export_id, database_id=vendors.database_id(session=session),
            municipality=muni.name if muni else "（団体未設定）", created_at=now, created_by=user, vendor=vendor,
            demo=demo, addressee=("回答をお願いするベンダ", f"{vendor} 御中"), parts=parts,
            cover=[("回答期限", f"{answer_by:%Y/%m/%d}" if answer_by else "（別途ご連絡します）"),
                   ("対象", SCOPE_LABELS[scope]), ("仕様書の版", "\n".join(lines))])
        path = export_book(
            db=db, out=out, path=path, exports_dir=exports_dir, overwrite=overwrite,
            default_name=f"ベンダ回答_{safe_file_part(vendor)}_{now:%Y%m%d-%H%M%S}{'_デモ' if demo else ''}.xlsx",
            record=ExportRecord(export_id=export_id, purpose=VENDOR.purpose, created_at=now, created_by=user,
                                scope=scope, answer_by=answer_by, vendor=vendor, action="vendor.export",
                                entity="vendor", entity_key=vendor, summary=f"書き出しID {export_id}、要件 {total}件"))
    return ExportResult(path, export_id, vendor, total, [p.code for p in parts], demo)


# ---- import -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VendorAnswer:
    """An answer as read from the workbook."""

    answer: VendorAnswerKind
    planned_date: date | None
    cost_kyen: float | None
    comment: str

    @classmethod
    def of(cls, row: ReturnedRow) -> VendorAnswer:
        v = row.values
        return cls(VendorAnswerKind(v["answer"]), v["planned_date"], v["cost_kyen"], v["comment"])


@dataclass(frozen=True, slots=True)
class AnswerChange:
    sheet: str
    row: int
    key: SheetKey
    new: VendorAnswer
    old: CurrentAnswer | None  # None: the vendor's first answer to the item


@dataclass
class VendorImportReport(ImportReport):
    vendor: str = ""
    vendor_id: int = 0
    added: list[AnswerChange] = field(default_factory=list)
    changed: list[AnswerChange] = field(default_factory=list)
    unchanged: int = 0
    older: list[AnswerChange] = field(default_factory=list)  # the sheet is older than the answer of record
    accept_older: bool = False


def import_vendor_sheet(
    *, db: Database, user: str, path: Path, report_dir: Path, dry_run: bool = False,
    expected_vendor: str | None = None, problems_path: Path | None = None, now: datetime | None = None,
    accept_older: bool = False,
) -> VendorImportReport:
    """Read a returned vendor sheet, show what would change and (unless dry-run) apply every valid answer
    in one transaction. A foreign or stale workbook is refused with the database unchanged.

    An answer in a workbook exported before the one the vendor's answer of record came back in is a
    conflict, reported per row with both answers and dates and not applied unless ``accept_older``."""
    at = now or datetime.now(UTC)

    def start(session: Session, export: VendorExport, book: ReturnedBook) -> VendorImportReport:
        vendor_id, vendor_name = addressed_vendor(session, export, book.meta, source=path.name,
                                                  expected=expected_vendor)
        return VendorImportReport(source=path.name, export_id=export.id, dry_run=dry_run, vendor=vendor_name,
                                  vendor_id=vendor_id, accept_older=accept_older)

    def apply(session: Session, rep: VendorImportReport) -> None:
        _apply(session, rep, at)
        if rep.taken:  # (a dry run rolls it back with the rest)
            audit.record(session=session, user=user, at=at, batch=audit.new_batch(), action="vendor.import",
                         entity="vendor", entity_key=rep.vendor,
                         new=f"{path.name}: 新規 {len(rep.added)}件、変更 {len(rep.changed)}件")

    return import_book(db=db, trip=VENDOR, path=path, report_dir=report_dir, dry_run=dry_run,
                       problems_path=problems_path, start=start, plan=_plan, apply=apply)


def _plan(session: Session, rep: VendorImportReport, book: ReturnedBook) -> None:
    codes = {a.key.operation_code for a in book.rows}
    hashes = sheet_items.current_hashes(session=session, operation_codes=codes)
    kinds_of = sheet_items.kinds_by_id(hashes)
    current = vendors.current_answers(session=session, vendor_id=rep.vendor_id, operation_codes=codes)
    exported = set(book.meta.keys)
    for a in book.rows:
        key = resolve_kind(a.key, kinds_of)
        item = key.item
        label = str(key)
        if exported and key.cell not in exported:
            rep.problems.append(SheetProblem(a.sheet, a.row, f"{key.label} はこのブックで書き出した要件ではありません。",
                                             "別のブックから行をコピーしないでください。", label))
            continue
        th = hashes.get(item)
        if th is None:
            rep.problems.append(SheetProblem(a.sheet, a.row, f"{key.label} は現行の仕様書にない要件です（削除された可能性）。",
                                             "最新の要件で書き出し直してください。", label))
            continue
        if th != key.text_hash:
            rep.problems.append(SheetProblem(a.sheet, a.row, f"{key.label} は書き出し後に要件の本文が変わりました。回答は取り込みません。",
                                             "新しい本文で書き出し直し、改めて回答してもらってください。", label))
            continue
        old = current.get(item)
        new = VendorAnswer.of(a)
        change = AnswerChange(a.sheet, a.row, key, new, old)
        if old is None:
            rep.added.append(change)
        elif (old.answer, old.planned_date, old.cost_kyen, old.comment) == (new.answer, new.planned_date,
                                                                            new.cost_kyen, new.comment):
            rep.unchanged += 1
        elif _older(rep.exported_at, old.exported_at) and not rep.accept_older:
            rep.older.append(change)
            rep.conflict_rows.append(SheetProblem(a.sheet, a.row, older_message(change, rep.exported_at),
                                             "新しいブックの回答を残すならこのままで構いません。古いブックの回答で"
                                             "上書きするなら --accept-older を付けて取り込んでください。", label))
        else:
            rep.changed.append(change)


def _older(sheet_exported: datetime | None, record_exported: datetime | None) -> bool:
    if sheet_exported is None or record_exported is None:
        return False
    return _utc(sheet_exported) < _utc(record_exported)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _local(value: datetime) -> datetime:
    return _utc(value).astimezone()


def _answer_text(answer: str, planned: date | None, cost: float | None, comment: str) -> str:
    parts = [answer]
    if planned:
        parts.append(f"予定日 {planned:%Y/%m/%d}")
    if cost is not None:
        parts.append(f"費用 {cost:g}千円")
    if comment:
        parts.append(f"回答「{comment[:40]}」")
    return "、".join(parts)


def older_message(change: AnswerChange, sheet_exported: datetime | None) -> str:
    """A stale answer, with both values and dates."""
    old, new = change.old, change.new
    assert old is not None
    when = f"{_local(sheet_exported):%Y/%m/%d %H:%M}" if sheet_exported else "不明"
    rec = f"{_local(old.exported_at):%Y/%m/%d %H:%M} 書き出し" if old.exported_at else "書き出し日不明"
    if old.received_at:
        rec += f"、{_local(old.received_at):%Y/%m/%d %H:%M} 取込"
    return (f"競合: このブック（{when} 書き出し）の回答「{_answer_text(new.answer.value, new.planned_date, new.cost_kyen, new.comment)}」"
            f"は、より新しいブック（{rec}）の回答「{_answer_text(old.answer.value, old.planned_date, old.cost_kyen, old.comment)}」"
            "より古いため、取り込みません")


def _apply(session: Session, rep: VendorImportReport, now: datetime) -> None:
    vendors.supersede(session=session, answer_ids=[c.old.id for c in rep.changed if c.old is not None])
    rows = [{
        "vendor_id": rep.vendor_id, "operation_code": c.key.operation_code, "kind": c.key.kind,
        "req_id": c.key.req_id, "answer": c.new.answer.value, "planned_date": c.new.planned_date,
        "cost_kyen": c.new.cost_kyen, "comment": c.new.comment, "export_id": rep.export_id,
        "text_hash": c.key.text_hash, "received_at": now, "superseded": False,
    } for c in [*rep.added, *rep.changed]]
    vendors.insert_answers(session=session, rows=rows)
    rep.taken = len(rows)


# ---- queries ------------------------------------------------------------------------------------------


def vendor_answers_for_item(*, db: Database, operation_code: str, req_id: str, kind: str = "機能",
                            include_superseded: bool = False) -> list[VendorAnswerView]:
    """Every vendor's answer to one requirement, newest first, answers missing the deadline flagged."""
    with db.read() as session:
        op = operations.get_operation(session=session, code=operation_code)
        if op is None:
            raise NotFoundError(f"業務 {operation_code} はありません。")
        due = status.dues(session_rows(session))[op.code]
        return vendors.answers_for_item(session=session, operation_code=operation_code, kind=kind, req_id=req_id,
                                        deadline=due.date, include_superseded=include_superseded)

