"""The vendor's answers for the data items of the 基本データリスト: the データ項目回答票 round trip.

Out: one workbook per vendor (domain.round_trips.DATA_VENDOR) with the current items of the operations
chosen — every item but those the municipality marked 対象外 — their definition, the municipality's 保持状況,
現行項目 and 現行の型・桁数, and the answer cells (回答 移行可 / 変換要 / 手入力 / 移行不可, 予定日, コメント),
the vendor's answers of record filled in. Each row's hidden key carries the item's definition hash.

Back (services.round_trip.import_book): an answer to an item whose definition changed since the export is a
conflict (listed, in the problem report, never stored); an answer from a workbook exported before the one
the vendor's answer of record came back in is refused as a conflict too (unless ``accept_older``); a new
answer supersedes the old one, which is kept as history, with an audit event per item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from fitgap.domain import data_items as d
from fitgap.domain.answer_sheet import SheetKey, SheetProblem
from fitgap.domain.data_items import DataAnswer, Holding
from fitgap.domain.models import Operation, VendorExport
from fitgap.domain.round_trips import DATA_VENDOR, data_key
from fitgap.errors import InvalidInputError
from fitgap.services.data_items import DataRow, audit_key, rows_in
from fitgap.services.recorded_export import ExportRecord
from fitgap.services.round_trip import (
    ImportReport,
    addressed_vendor,
    export_book,
    import_book,
    new_export_id,
    safe_file_part,
)
from fitgap.storage import audit, operations, vendors
from fitgap.storage import data_items as items_store
from fitgap.storage import data_vendor as store
from fitgap.storage.data_vendor import DataAnswerOfRecord
from fitgap.storage.db import Database

if TYPE_CHECKING:  # the reading side is imported by the imports only: an export loads the writer alone
    from fitgap.importers.returned_book import ReturnedBook, ReturnedRow

ENTITY = "data_vendor_answer"
EXPORT_ACTION = "data.vendor_export"
IMPORT_ACTION = "data.vendor_import"


@dataclass(frozen=True)
class DataExportResult:
    path: Path
    export_id: str
    vendor: str
    items: int
    operations: list[str]
    demo: bool


def _operations(session: Session, codes: Sequence[str] | None) -> list[tuple[Operation, str, bool]]:
    """(operation, version label, demo) of the operations asked for (every one with a 基本データリスト when
    none is), refusing a code whose list was never imported."""
    latest = {v.operation_code: v for v in items_store.versions(session)}  # ordered by seq: the last is current
    wanted = list(dict.fromkeys(c.strip() for c in codes)) if codes else sorted(latest)
    out = []
    for code in wanted:
        op = operations.get_operation(session=session, code=code)
        if op is None:
            raise InvalidInputError(f"業務 {code} はありません。", "--operation には業務コード（例 031）を指定してください。")
        version = latest.get(code)
        if version is None:
            raise InvalidInputError(f"業務 {code} {op.short_name} の基本データリストはまだ取り込まれていません。ファイルは作っていません。",
                                    "fitgap data import FILE で項目定義書を取り込んでください。")
        out.append((op, version.label, version.demo))
    return out


def _condition(r: DataRow) -> str:
    if r.condition == d.OutputCondition.CONDITIONAL and r.condition_note:
        return f"{r.condition}（{' / '.join(r.condition_note.splitlines())}）"
    return r.condition


def _sheet_rows(session: Session, code: str, vendor_id: int | None) -> list[tuple[Mapping[str, Any], str]]:
    """The rows of one operation's sheet: every current item but those marked 対象外."""
    items = {i.item_id: i for i in items_store.current_items(session, code)}
    list_names = {k: v[0].list_name for k, v in items_store.codes(session, {i.version_id for i in items.values()}).items()
                  if v}
    answers = store.current_answers(session, vendor_id=vendor_id, operation_codes=[code]) if vendor_id else {}
    out: list[tuple[Mapping[str, Any], str]] = []
    for r in rows_in(session, code):
        if r.holding == Holding.NOT_APPLICABLE:
            continue
        item = items[r.item_id]
        name = list_names.get((item.version_id, r.code_list), "")
        a = answers.get(r.item_id)
        out.append(({
            "item_id": r.item_id, "name": r.name, "group_name": r.group_name, "data_type": r.data_type,
            "length": r.length, "code_list": f"{r.code_list} {name}".strip() if r.code_list else "",
            "condition": _condition(r), "output_required": "○" if r.output_required else "",
            "holding": r.holding.value if r.holding else "未確認", "current_fields": r.current_fields,
            "current": f"{r.current_type} {r.current_length}".strip(),
            "answer": a.answer if a else None, "planned_date": a.planned_date if a else None,
            "comment": a.comment if a else None,
        }, data_key(r.item_id, item.def_hash)))
    return out


def export_data_vendor_sheet(
    *, db: Database, user: str, vendor: str, exports_dir: Path, operation_codes: Sequence[str] | None = None,
    answer_by: date | None = None, path: Path | None = None, now: datetime | None = None, overwrite: bool = False,
) -> DataExportResult:
    """Write the vendor's データ項目回答票 and record the export (the file appears only once it is recorded)."""
    from fitgap.reports.answer_workbook import Outgoing, Part

    vendor = vendor.strip()
    if not vendor:
        raise InvalidInputError("ベンダ名が空です。", "--vendor にベンダ名を指定してください。")
    now = now or datetime.now(UTC)
    export_id = new_export_id()
    with db.read() as session:
        ops = _operations(session, operation_codes)
        existing = vendors.get_vendor(session=session, name=vendor)
        vendor_id = existing.id if existing else None  # its answers of record are filled in
        muni = operations.get_municipality(session=session)
        parts, lines, total = [], [], 0
        demo = any(dm for _, _, dm in ops)
        for op, label, _ in ops:
            rows = _sheet_rows(session, op.code, vendor_id)
            if not rows:
                continue
            total += len(rows)
            lines.append(f"{op.code} {op.short_name}: {label}（{len(rows)} 項目）")
            parts.append(Part(op.code, f"{op.code} {op.short_name}",
                              f"{'【デモ】' if demo else ''}{op.code} {op.short_name} 基本データリスト（{label}） — "
                              f"{vendor} 御中 — 黄色の欄に回答してください", iter(rows), count=len(rows)))
        if not total:
            raise InvalidInputError("書き出すデータ項目がありません（すべて対象外です）。ファイルは作っていません。",
                                    "fitgap data list で保持状況を確かめてください。")
        out = Outgoing(
            trip=DATA_VENDOR, export_id=export_id, database_id=vendors.database_id(session=session),
            municipality=muni.name if muni else "（団体未設定）", created_at=now, created_by=user, vendor=vendor,
            demo=demo, addressee=("回答をお願いするベンダ", f"{vendor} 御中"), parts=parts,
            cover=[("回答期限", f"{answer_by:%Y/%m/%d}" if answer_by else "（別途ご連絡します）"),
                   ("基本データリストの版", "\n".join(lines))])
        codes = [p.code for p in parts]
        path = export_book(
            db=db, out=out, path=path, exports_dir=exports_dir, overwrite=overwrite,
            default_name=f"データ項目回答_{safe_file_part(vendor)}_{now:%Y%m%d-%H%M%S}{'_デモ' if demo else ''}.xlsx",
            record=ExportRecord(export_id=export_id, purpose=DATA_VENDOR.purpose, created_at=now, created_by=user,
                                scope=",".join(codes), answer_by=answer_by, vendor=vendor, action=EXPORT_ACTION,
                                entity="vendor", entity_key=vendor,
                                summary=f"書き出しID {export_id}、データ項目 {total}件（{'、'.join(codes)}）"))
    return DataExportResult(path, export_id, vendor, total, codes, demo)


# ---- import -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataVendorAnswer:
    """An answer as read from the workbook."""

    answer: DataAnswer
    planned_date: date | None
    comment: str

    @classmethod
    def of(cls, row: ReturnedRow) -> DataVendorAnswer:
        v = row.values
        return cls(DataAnswer(v["answer"]), v["planned_date"], v["comment"])

    def text(self) -> str:
        return answer_text(self.answer.value, self.planned_date, self.comment)


@dataclass(frozen=True, slots=True)
class DataAnswerChange:
    sheet: str
    row: int
    key: SheetKey
    new: DataVendorAnswer
    old: DataAnswerOfRecord | None  # None: the vendor's first answer to the item

    @property
    def item_id(self) -> str:
        return self.key.req_id


@dataclass
class DataVendorImportReport(ImportReport):
    vendor: str = ""
    vendor_id: int = 0
    added: list[DataAnswerChange] = field(default_factory=list)
    changed: list[DataAnswerChange] = field(default_factory=list)
    unchanged: int = 0
    older: list[DataAnswerChange] = field(default_factory=list)  # the sheet is older than the answer of record
    accept_older: bool = False


def import_data_vendor_sheet(
    *, db: Database, user: str, path: Path, report_dir: Path, dry_run: bool = False,
    expected_vendor: str | None = None, problems_path: Path | None = None, now: datetime | None = None,
    accept_older: bool = False,
) -> DataVendorImportReport:
    """Read a returned データ項目回答票, show what would change and (unless dry-run) store every valid answer in
    one transaction. A workbook of another purpose, database or export is refused with the database unchanged."""
    at = now or datetime.now(UTC)

    def start(session: Session, export: VendorExport, book: ReturnedBook) -> DataVendorImportReport:
        vendor_id, vendor_name = addressed_vendor(session, export, book.meta, source=path.name,
                                                  expected=expected_vendor)
        return DataVendorImportReport(source=path.name, export_id=export.id, dry_run=dry_run, vendor=vendor_name,
                                      vendor_id=vendor_id, accept_older=accept_older)

    def apply(session: Session, rep: DataVendorImportReport) -> None:
        _apply(session, rep, user=user, at=at, source=path.name)

    return import_book(db=db, trip=DATA_VENDOR, path=path, report_dir=report_dir, dry_run=dry_run,
                       problems_path=problems_path, start=start, plan=_plan, apply=apply)


OLDER_HINT = ("新しいブックの回答を残すならこのままで構いません。古いブックの回答で上書きするなら --accept-older を付けて"
              "取り込んでください。")


def _plan(session: Session, rep: DataVendorImportReport, book: ReturnedBook) -> None:
    ids = [r.key.req_id for r in book.rows]
    items = {i.item_id: i for i in items_store.current_items(session, item_ids=ids)}
    current = store.current_answers(session, vendor_id=rep.vendor_id,
                                    operation_codes={r.key.operation_code for r in book.rows})
    exported = set(book.meta.keys)
    for a in book.rows:
        key, iid = a.key, a.key.req_id
        label, ref = f"データ項目 {iid}", iid
        if exported and key.cell not in exported:
            rep.problems.append(SheetProblem(a.sheet, a.row, f"{label} はこのブックで書き出した項目ではありません。",
                                             "別のブックから行をコピーしないでください。", ref))
            continue
        item = items.get(iid)
        if item is None:
            rep.problems.append(SheetProblem(a.sheet, a.row, f"{label} は現行の基本データリストにない項目です（削除された可能性）。",
                                             "最新の基本データリストで書き出し直してください。", ref))
            continue
        if item.def_hash != key.text_hash:
            changed = _changed_fields(session, iid, key.text_hash, item)
            rep.conflict(a.sheet, a.row, f"{label} {item.name}",
                         f"書き出し後に項目定義が変わりました（{changed}）" if changed else "書き出し後に項目定義が変わりました",
                         "新しい項目定義で書き出し直し、改めて回答してもらってください。", ref)
            continue
        old = current.get(iid)
        new = DataVendorAnswer.of(a)
        change = DataAnswerChange(a.sheet, a.row, key, new, old)
        if old is None:
            rep.added.append(change)
        elif (old.answer, old.planned_date, old.comment) == (new.answer.value, new.planned_date, new.comment):
            rep.unchanged += 1
        elif _older(rep.exported_at, old.exported_at) and not rep.accept_older:
            rep.older.append(change)
            rep.conflict_rows.append(SheetProblem(a.sheet, a.row, older_message(change, rep.exported_at), OLDER_HINT, ref))
        else:
            rep.changed.append(change)


def _changed_fields(session: Session, item_id: str, exported_hash: str, now: Any) -> str:
    """What changed in the definition since the version the workbook was exported from (by its hash)."""
    then = next((i for _, i in reversed(items_store.item_history(session, item_id)) if i.def_hash == exported_hash), None)
    if then is None:
        return ""
    return "、".join(f"{d.FIELD_LABELS[f]} {getattr(then, f)!s} → {getattr(now, f)!s}" for f in d.DEFINITION_FIELDS
                    if getattr(then, f) != getattr(now, f))


def _older(sheet_exported: datetime | None, record_exported: datetime | None) -> bool:
    if sheet_exported is None or record_exported is None:
        return False
    return _utc(sheet_exported) < _utc(record_exported)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def answer_text(answer: str, planned: date | None, comment: str) -> str:
    parts = [answer]
    if planned:
        parts.append(f"予定日 {planned:%Y/%m/%d}")
    if comment:
        parts.append(f"コメント「{comment[:40]}」")
    return "、".join(parts)


def older_message(change: DataAnswerChange, sheet_exported: datetime | None) -> str:
    old = change.old
    assert old is not None
    when = f"{_utc(sheet_exported).astimezone():%Y/%m/%d %H:%M}" if sheet_exported else "不明"
    rec = f"{_utc(old.exported_at).astimezone():%Y/%m/%d %H:%M} 書き出し" if old.exported_at else "書き出し日不明"
    return (f"競合: このブック（{when} 書き出し）の回答「{change.new.text()}」は、より新しいブック（{rec}）の回答"
            f"「{answer_text(old.answer, old.planned_date, old.comment)}」より古いため、取り込みません")


def _apply(session: Session, rep: DataVendorImportReport, *, user: str, at: datetime, source: str) -> None:
    taken = [*rep.added, *rep.changed]
    store.supersede(session, [c.old.id for c in rep.changed if c.old is not None])
    store.insert_answers(session, [{
        "vendor_id": rep.vendor_id, "item_id": c.item_id, "operation_code": c.key.operation_code,
        "answer": c.new.answer.value, "planned_date": c.new.planned_date, "comment": c.new.comment,
        "export_id": rep.export_id, "def_hash": c.key.text_hash, "received_at": at, "superseded": False,
    } for c in taken])
    rep.taken = len(taken)
    if not taken:
        return
    batch = audit.new_batch()
    audit.record_many(session=session, rows=[{
        "at": at, "user": user, "batch": batch, "action": IMPORT_ACTION, "entity": ENTITY,
        "entity_key": audit_key(c.key.operation_code, c.item_id), "field": "vendor_answer",
        "old_value": f"{rep.vendor}: {answer_text(c.old.answer, c.old.planned_date, c.old.comment)}" if c.old else None,
        "new_value": f"{rep.vendor}: {c.new.text()}",
    } for c in taken])
    audit.record(session=session, user=user, at=at, batch=batch, action=IMPORT_ACTION, entity="vendor",
                 entity_key=rep.vendor, new=f"{source}: データ項目の回答 新規 {len(rep.added)}件、変更 {len(rep.changed)}件")


__all__ = ["DataExportResult", "DataVendorImportReport", "export_data_vendor_sheet", "import_data_vendor_sheet"]
