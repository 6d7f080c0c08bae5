"""Vendor gap sheets: export a workbook per vendor, import it back, and show answers per item."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from fitgap.domain.answer_sheet import PURPOSE_VENDOR, SheetKey, SheetProblem, resolve_kind
from fitgap.domain.enums import Status
from fitgap.domain.models import Operation, Vendor, VendorExport
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.reports.output_file import unused_name
from fitgap.reports.vendor_sheet import OperationPart, VendorItem, VendorSheetData, write_vendor_workbook
from fitgap.services import status
from fitgap.services.choices import VENDOR_SCOPES
from fitgap.services.recorded_export import ExportRecord, check_xlsx, publish_export
from fitgap.storage import audit, operations, sheet_items, specs, vendors
from fitgap.storage.db import Database, session_rows
from fitgap.storage.vendors import CurrentAnswer, VendorAnswerView

if TYPE_CHECKING:  # the reading side is imported by the imports only: an export loads the writer alone
    from fitgap.importers.answer_workbook import WorkbookMeta
    from fitgap.importers.vendor_sheet import VendorAnswerRow

SCOPE_LABELS = VENDOR_SCOPES


@dataclass(frozen=True)
class ExportResult:
    path: Path
    export_id: str
    vendor: str
    items: int
    operations: list[str]
    demo: bool


def _safe_file_part(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "vendor"


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
    vendor = vendor.strip()
    if not vendor:
        raise InvalidInputError("ベンダ名が空です。", "--vendor にベンダ名を指定してください。")
    if scope not in SCOPE_LABELS:
        raise InvalidInputError(f"対象 {scope!r} はありません。", "--scope は gaps / must / all のどれかです。")
    now = now or datetime.now(UTC)
    export_id = str(uuid.uuid4())
    check_xlsx(path)
    with db.read() as session:  # rows stream from this read straight into the workbook
        ops = resolve_operations(session, operation_keys)
        versions = specs.current_versions(session=session)
        due = status.dues(session_rows(session))  # the date each operation answers to (domain.standing)
        counts = sheet_items.count_sheet_items(session=session, operation_codes=[o.code for o in ops], scope=scope)
        muni = operations.get_municipality(session=session)
        db_id = vendors.database_id(session=session)
        existing = vendors.get_vendor(session=session, name=vendor)
        vendor_id = existing.id if existing else None  # its answers of record are pre-filled
        total = sum(counts.values())
        if not total:
            raise InvalidInputError(
                f"書き出す要件がありません（対象: {SCOPE_LABELS[scope]}）。ファイルは作っていません。",
                "要件一覧を取り込むか（fitgap import-spec）、--scope all を指定してください。",
            )

        def items(code: str) -> Iterator[VendorItem]:
            transitional_mark = "（経過措置）"
            unchecked = Status.UNCHECKED.value
            for (req_id, kind, kubun, transitional, name, text, th, reason, remarks, status, note, answer, planned,
                 cost, comment) in sheet_items.iter_vendor_sheet_rows(session=session, operation_code=code, scope=scope,
                                                                      vendor_id=vendor_id):
                yield VendorItem(
                    key=SheetKey(code, kind, req_id, th).encode(), req_id=req_id, kind=kind, reason=reason or "",
                    remarks=remarks or "", kubun=kubun + transitional_mark if transitional else kubun,
                    name=name or "", text=text or "", status=status or unchecked, note=note or "",
                    answer=answer, planned_date=planned, cost_kyen=cost, comment=comment or "",
                )

        parts = []
        demo = False
        for op in ops:
            if not counts.get(op.code):
                continue
            v = versions.get(op.code)
            demo = demo or bool(v and v.demo)
            parts.append(OperationPart(op.code, op.short_name, v.label if v else "—", due[op.code].date, items(op.code),
                                       count=counts[op.code]))
        data = VendorSheetData(
            export_id=export_id, database_id=db_id, municipality=muni.name if muni else "（団体未設定）",
            vendor=vendor, created_at=now, answer_by=answer_by, scope_label=SCOPE_LABELS[scope], demo=demo,
            operations=parts,
        )
        if path is None:
            name = f"ベンダ回答_{_safe_file_part(vendor)}_{now:%Y%m%d-%H%M%S}{'_デモ' if demo else ''}.xlsx"
            path = unused_name(exports_dir / name)
        publish_export(db=db, path=path, overwrite=overwrite, write=lambda tmp: write_vendor_workbook(data, tmp),
                       record=ExportRecord(export_id=export_id, purpose=PURPOSE_VENDOR, created_at=now,
                                           created_by=user, scope=scope, answer_by=answer_by, vendor=vendor,
                                           action="vendor.export", entity="vendor", entity_key=vendor,
                                           summary=f"書き出しID {export_id}、要件 {total}件"))
    return ExportResult(path, export_id, vendor, total, [p.code for p in parts], demo)


# ---- import -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerChange:
    sheet: str
    row: int
    key: SheetKey
    new: VendorAnswerRow
    old: CurrentAnswer | None  # None: the vendor's first answer to the item


@dataclass
class VendorImportReport:
    source: str
    vendor: str
    export_id: str
    dry_run: bool
    added: list[AnswerChange] = field(default_factory=list)
    changed: list[AnswerChange] = field(default_factory=list)
    unchanged: int = 0
    unanswered: int = 0
    older: list[AnswerChange] = field(default_factory=list)  # the sheet is older than the answer of record
    accept_older: bool = False
    exported_at: datetime | None = None  # when this workbook was exported
    stripped_chars: int = 0  # control and invisible characters removed from comments
    problems: list[SheetProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    problems_file: Path | None = None
    problems_file_error: str | None = None  # why the problem list could not be written (the rows are shown)

    @property
    def applied(self) -> int:
        return 0 if self.dry_run else len(self.added) + len(self.changed)

    @property
    def taken(self) -> int:
        """The answers applied, or that a dry run would apply."""
        return len(self.added) + len(self.changed)

    @property
    def refused(self) -> int:
        """Rows of the workbook that were not taken (deleted rows count as unanswered, not refused)."""
        return sum(1 for p in self.problems if p.row is not None)


def check_workbook_meta(session: Session, meta: WorkbookMeta, *, purpose: str, source: str) -> VendorExport:
    """Refuse a workbook from another database, for another purpose, or whose export this database lacks."""
    if meta.get("purpose") != purpose:
        kinds = {"vendor": "ベンダ回答シート", "review": "確認シート", "change": "改修一覧"}
        raise InvalidInputError(
            f"{source} は{kinds.get(meta.get('purpose'), '別の用途')}です（{kinds[purpose]}ではありません）。"
            "データベースは変更していません。",
            "fitgap systems changes-import で取り込んでください。" if meta.get("purpose") == "change"
            else f"fitgap import {meta.get('purpose') or '…'} で取り込んでください。",
        )
    db_id = vendors.database_id(session=session)
    if meta.get("database_id") != db_id:
        raise InvalidInputError(
            f"{source} は別のデータベースから書き出されたブックです（書き出し元 {meta.get('database_id') or '不明'}）。"
            "データベースは変更していません。",
            "このブックを書き出したデータベースを --db で指定してください。",
        )
    export = vendors.get_export(session=session, export_id=meta.get("export_id"))
    if export is None:
        raise InvalidInputError(
            f"{source} の書き出し記録（ID {meta.get('export_id')}）がこのデータベースにありません"
            "（書き出し後に古いバックアップから戻したなど）。データベースは変更していません。",
            "書き出し記録のあるデータベースで取り込むか、もう一度書き出して回答してもらってください。",
        )
    return export


def import_vendor_sheet(
    *, db: Database, user: str, path: Path, report_dir: Path, dry_run: bool = False,
    expected_vendor: str | None = None, problems_path: Path | None = None, now: datetime | None = None,
    accept_older: bool = False,
) -> VendorImportReport:
    """Read a returned vendor sheet, show what would change and (unless dry-run) apply every valid answer
    in one transaction. A foreign or stale workbook is refused with the database unchanged.

    An answer in a workbook exported before the one the vendor's answer of record came back in is a
    conflict, reported per row with both answers and dates and not applied unless ``accept_older``."""
    from fitgap.importers.vendor_sheet import read_vendor_sheet
    from fitgap.services.problem_file import after_saving, write_import_problems

    now = now or datetime.now(UTC)
    parsed = read_vendor_sheet(path)
    meta = parsed.meta
    with (db.read() if dry_run else db.write()) as session:
        export = check_workbook_meta(session, meta, purpose=PURPOSE_VENDOR, source=path.name)
        vendor = session.get(Vendor, export.vendor_id) if export.vendor_id else None
        vendor_name = vendor.name if vendor else ""
        if vendor is None or vendor.id is None or meta.get("vendor") != vendor_name:
            raise InvalidInputError(
                f"{path.name} の宛先ベンダ「{meta.get('vendor')}」が書き出し記録（{vendor_name or '不明'}）と一致しません。"
                "データベースは変更していません。", "書き出したままのブックを指定してください。")
        if expected_vendor is not None and expected_vendor.strip() != vendor_name:
            raise InvalidInputError(
                f"{path.name} は「{vendor_name}」宛てのブックです（指定: {expected_vendor}）。データベースは変更していません。",
                "宛先ベンダの回答ファイルか確かめてください。")
        rep = VendorImportReport(source=path.name, vendor=vendor_name, export_id=export.id, dry_run=dry_run,
                                 problems=list(parsed.problems), notices=list(parsed.notices),
                                 unanswered=len(parsed.unanswered), accept_older=accept_older,
                                 stripped_chars=parsed.stripped_chars,
                                 exported_at=export.created_at)
        _plan(session, rep, parsed.answers, meta, vendor.id)
        if not dry_run:
            _apply(session, rep, vendor.id, export.id, now)
            if rep.applied:
                audit.record(session=session, user=user, at=now, batch=audit.new_batch(), action="vendor.import",
                             entity="vendor", entity_key=vendor_name,
                             new=f"{path.name}: 新規 {len(rep.added)}件、変更 {len(rep.changed)}件")
    rep.problems_file, rep.problems_file_error = after_saving(lambda: write_import_problems(
        rep.problems, source=path, report_dir=report_dir, problems_path=problems_path, dry_run=dry_run))
    return rep


def _plan(session: Session, rep: VendorImportReport, answers: list[VendorAnswerRow], meta: WorkbookMeta,
          vendor_id: int) -> None:
    codes = {a.key.operation_code for a in answers}
    hashes = sheet_items.current_hashes(session=session, operation_codes=codes)
    kinds_of = sheet_items.kinds_by_id(hashes)
    current = vendors.current_answers(session=session, vendor_id=vendor_id, operation_codes=codes)
    exported = set(meta.keys)
    for a in answers:
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
        change = AnswerChange(a.sheet, a.row, key, a, old)
        if old is None:
            rep.added.append(change)
        elif (old.answer, old.planned_date, old.cost_kyen, old.comment) == (a.answer, a.planned_date, a.cost_kyen, a.comment):
            rep.unchanged += 1
        elif _older(rep.exported_at, old.exported_at) and not rep.accept_older:
            rep.older.append(change)
            rep.problems.append(SheetProblem(a.sheet, a.row, older_message(change, rep.exported_at),
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


def _apply(session: Session, rep: VendorImportReport, vendor_id: int, export_id: str, now: datetime) -> None:
    vendors.supersede(session=session, answer_ids=[c.old.id for c in rep.changed if c.old is not None])
    rows = [{
        "vendor_id": vendor_id, "operation_code": c.key.operation_code, "kind": c.key.kind, "req_id": c.key.req_id,
        "answer": c.new.answer.value, "planned_date": c.new.planned_date, "cost_kyen": c.new.cost_kyen,
        "comment": c.new.comment, "export_id": export_id, "text_hash": c.key.text_hash, "received_at": now,
        "superseded": False,
    } for c in [*rep.added, *rep.changed]]
    vendors.insert_answers(session=session, rows=rows)


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

