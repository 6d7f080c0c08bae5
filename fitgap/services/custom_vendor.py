"""The vendor's answers to the current functions outside the spec: the 独自機能回答票 round trip.

Out: one workbook per vendor (domain.round_trips.CUSTOM_VENDOR) with the functions outside the spec and
those that map to a requirement the standard forbids (要廃止), the municipality's plan locked, and the
answer cells (回答, 代替できる標準機能ID, 概算費用, 対応予定日, 対応方法・補足), the vendor's answers of record
filled in. Each row's hidden key carries the function (業務コード, 機能番号) and its revision at export.

Back (services.round_trip.import_book): a row is checked against the function as it is now — deleted since
the export: refused; changed since (another revision): a conflict, listed and never stored; an answer that
names standard functions: each 機能ID must be a current requirement of the operation (else the row is
refused); a sheet exported before the one the answer of record came back in: a conflict too (unless
``accept_older``). A new answer supersedes the old, which is kept as history, with an audit event on the
function (so ``custom show`` lists it). An answer never changes the function's disposition: the summary says
what the municipality may record (domain.custom_vendor.IMPLIED_DISPOSITION).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from fitgap.domain.answer_sheet import SheetKey, SheetProblem
from fitgap.domain.custom import Coverage
from fitgap.domain.custom_vendor import (
    CustomVendorAnswerKind,
    custom_key,
    function_code,
    function_label,
    joined,
    parse_standard_ids,
)
from fitgap.domain.models import VendorExport
from fitgap.domain.round_trips import CUSTOM_VENDOR
from fitgap.errors import InvalidInputError
from fitgap.services.custom import FunctionFilter, FunctionKey, rows_in
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
from fitgap.storage import custom as custom_store
from fitgap.storage import custom_vendor as store
from fitgap.storage.custom_vendor import CustomAnswerOfRecord
from fitgap.storage.db import Database

if TYPE_CHECKING:  # the reading side is imported by the imports only: an export loads the writer alone
    from fitgap.importers.returned_book import ReturnedBook, ReturnedRow

ENTITY = "custom_vendor_answer"
EXPORT_ACTION = "custom.vendor_export"
IMPORT_ACTION = "custom.vendor_import"
FIELD = "vendor_answer"


@dataclass(frozen=True)
class CustomVendorExportResult:
    path: Path
    export_id: str
    vendor: str
    functions: int
    operations: list[str]
    demo: bool


def asked(row: Any) -> bool:
    """Whether the vendor is asked about a function: outside the spec, or mapped to a forbidden requirement."""
    return bool(row.coverage == Coverage.OUTSIDE or row.reverse_gap)


def export_custom_vendor_sheet(
    *, db: Database, user: str, vendor: str, exports_dir: Path, operation_codes: Sequence[str] | None = None,
    answer_by: date | None = None, path: Path | None = None, now: datetime | None = None, overwrite: bool = False,
) -> CustomVendorExportResult:
    """Write the vendor's 独自機能回答票 and record the export (the file appears only once it is recorded)."""
    from fitgap.reports.answer_workbook import Outgoing, Part

    vendor = vendor.strip()
    if not vendor:
        raise InvalidInputError("ベンダ名が空です。", "--vendor にベンダ名を指定してください。")
    now = now or datetime.now(UTC)
    export_id = new_export_id()
    with db.read() as session:  # the rows, their revisions and the answers of record from one snapshot
        ops = {o.code: o for o in operations.list_operations(session=session)}
        wanted = list(dict.fromkeys(c.strip() for c in operation_codes or ()))
        unknown = [c for c in wanted if c not in ops]
        if unknown:
            raise InvalidInputError(f"業務コード {'、'.join(unknown)} はありません。", "fitgap operations で確かめてください。")
        pairs = [(r, f) for r, f in rows_in(session, FunctionFilter())
                 if asked(r) and (not wanted or r.key.operation_code in wanted)]
        if not pairs:
            raise InvalidInputError("書き出す現行機能がありません（ベンダ向けは標準外・要廃止の機能だけを書き出します）。"
                                    "ファイルは作っていません。",
                                    "fitgap custom import で現行機能一覧を取り込み、標準外の機能に fitgap custom set --outside を"
                                    "付けてください。")
        existing = vendors.get_vendor(session=session, name=vendor)
        answers = (store.current_answers(session, vendor_id=existing.id)
                   if existing is not None and existing.id is not None else {})
        by_op: dict[str, list[tuple[Mapping[str, Any], str]]] = {}
        for r, f in pairs:
            a = answers.get((r.key.operation_code, r.key.code))
            by_op.setdefault(r.key.operation_code, []).append(({
                "code": r.key.code, "name": r.name, "kind": r.kind.value, "description": f.description,
                "department": r.department, "frequency": r.frequency, "basis": r.basis.value if r.basis else "",
                "disposition": r.verdict, "note": r.note,
                "answer": a.answer if a else None, "standard_ids": a.standard_ids if a else None,
                "cost_kyen": a.cost_kyen if a else None, "planned_date": a.planned_date if a else None,
                "comment": a.comment if a else None,
            }, custom_key(r.key.operation_code, r.key.code, r.revision)))
        codes = sorted(by_op, key=lambda c: ops[c].order)
        demo = any(r.demo for r, _ in pairs)
        mark = "【デモ】" if demo else ""
        parts = [Part(c, f"{c} {ops[c].short_name}",
                      f"{mark}{c} {ops[c].short_name} — {vendor} 御中 — 黄色の欄に回答してください", by_op[c])
                 for c in codes]
        total = len(pairs)
        muni = operations.get_municipality(session=session)
        out = Outgoing(
            trip=CUSTOM_VENDOR, export_id=export_id, database_id=vendors.database_id(session=session),
            municipality=muni.name if muni else "（団体未設定）", created_at=now, created_by=user, vendor=vendor,
            demo=demo, addressee=("回答をお願いするベンダ", f"{vendor} 御中"), parts=parts,
            cover=[("回答期限", f"{answer_by:%Y/%m/%d}" if answer_by else "（別途ご連絡します）"),
                   ("対象", "、".join(f"{c} {ops[c].short_name}（{len(by_op[c])} 件）" for c in codes))],
            demo_note="このブックはデモデータ（架空の現行機能）から作成したものです。")
    path = export_book(
        db=db, out=out, path=path, exports_dir=exports_dir, overwrite=overwrite,
        default_name=f"独自機能_ベンダ_{safe_file_part(vendor)[:40]}_{now:%Y%m%d-%H%M%S}{'_デモ' if demo else ''}.xlsx",
        record=ExportRecord(export_id=export_id, purpose=CUSTOM_VENDOR.purpose, created_at=now, created_by=user,
                            scope=",".join(codes), answer_by=answer_by, vendor=vendor, action=EXPORT_ACTION,
                            entity="vendor", entity_key=vendor,
                            summary=f"書き出しID {export_id}、独自機能 {total}件（{'、'.join(codes)}）"))
    return CustomVendorExportResult(path, export_id, vendor, total, codes, demo)


# ---- import -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomAnswer:
    """An answer as read from the workbook (the standard IDs as stored: 機能:0010005、帳票:0010010)."""

    answer: CustomVendorAnswerKind
    standard_ids: str
    cost_kyen: float | None
    planned_date: date | None
    comment: str

    @classmethod
    def of(cls, row: ReturnedRow, operation_code: str) -> CustomAnswer:
        v = row.values
        refs, _bad = parse_standard_ids(v["standard_ids"])
        return cls(CustomVendorAnswerKind(v["answer"]), joined(refs, operation_code), v["cost_kyen"],
                   v["planned_date"], v["comment"])

    def same_as(self, old: CustomAnswerOfRecord) -> bool:
        return (self.answer.value, self.standard_ids, self.cost_kyen, self.planned_date, self.comment) == (
            old.answer, old.standard_ids, old.cost_kyen, old.planned_date, old.comment)

    def text(self) -> str:
        return answer_text(self.answer.value, self.standard_ids, self.cost_kyen, self.planned_date, self.comment)


@dataclass(frozen=True, slots=True)
class CustomAnswerChange:
    sheet: str
    row: int
    key: SheetKey
    new: CustomAnswer
    old: CustomAnswerOfRecord | None  # None: the vendor's first answer to the function

    @property
    def function(self) -> FunctionKey:
        return FunctionKey(self.key.operation_code, function_code(self.key))


@dataclass
class CustomVendorImportReport(ImportReport):
    vendor: str = ""
    vendor_id: int = 0
    added: list[CustomAnswerChange] = field(default_factory=list)
    changed: list[CustomAnswerChange] = field(default_factory=list)
    unchanged: int = 0
    older: list[CustomAnswerChange] = field(default_factory=list)  # the sheet is older than the answer of record
    stale: int = 0  # answers to functions changed since the export (conflicts)
    accept_older: bool = False
    conflict_at: set[tuple[str, int]] = field(default_factory=set)  # (sheet, row) of the conflicts

    @property
    def taken_changes(self) -> list[CustomAnswerChange]:
        return [*self.added, *self.changed]

    @property
    def problem_rows(self) -> int:
        """Rows refused for a problem (a conflict is no problem here), each counted once."""
        return len({(p.sheet, p.row) for p in self.problems if p.row is not None} - self.conflict_at)

    def held(self, sheet: str, row: int, label: str, why: str, hint: str, ref: str) -> None:
        """A conflict: listed, in the problem report, never stored."""
        self.conflict_at.add((sheet, row))
        self.conflict(sheet, row, label, why, hint, ref)


def import_custom_vendor_sheet(
    *, db: Database, user: str, path: Path, report_dir: Path, dry_run: bool = False,
    expected_vendor: str | None = None, problems_path: Path | None = None, now: datetime | None = None,
    accept_older: bool = False,
) -> CustomVendorImportReport:
    """Read a returned 独自機能回答票, show what would change and (unless dry-run) store every valid answer in one
    transaction. A workbook of another purpose, database or export is refused with the database unchanged."""
    at = now or datetime.now(UTC)

    def start(session: Session, export: VendorExport, book: ReturnedBook) -> CustomVendorImportReport:
        vendor_id, vendor_name = addressed_vendor(session, export, book.meta, source=path.name,
                                                  expected=expected_vendor)
        return CustomVendorImportReport(source=path.name, export_id=export.id, dry_run=dry_run, vendor=vendor_name,
                                        vendor_id=vendor_id, accept_older=accept_older)

    def apply(session: Session, rep: CustomVendorImportReport) -> None:
        _apply(session, rep, user=user, at=at, source=path.name)

    return import_book(db=db, trip=CUSTOM_VENDOR, path=path, report_dir=report_dir, dry_run=dry_run,
                       problems_path=problems_path, start=start, plan=_plan, apply=apply)


OLDER_HINT = ("新しいブックの回答を残すならこのままで構いません。古いブックの回答で上書きするなら --accept-older を付けて"
              "取り込んでください。")
STALE_HINT = "新しい内容で書き出し直し（fitgap custom export --vendor NAME）、改めて回答してもらってください。"


def _unknown_ids(session: Session, answer: CustomAnswer, operation_code: str,
                 known: dict[str, set[tuple[str, str]] | None]) -> list[str]:
    """The standard IDs of an answer that are no current requirement of their operation."""
    refs, _bad = parse_standard_ids(answer.standard_ids)
    out = []
    for ref in refs:
        op = ref.operation_code or operation_code
        if op not in known:
            exists = operations.get_operation(session=session, code=op) is not None
            known[op] = ({(k, r) for k, r, _u in custom_store.current_requirement_keys(session=session, operation_code=op)}
                         if exists else None)
        keys = known[op]
        if keys is None or (ref.kind, ref.req_id) not in keys:
            out.append(ref.text(operation_code))
    return out


def _plan(session: Session, rep: CustomVendorImportReport, book: ReturnedBook) -> None:
    fkeys = [(r.key.operation_code, function_code(r.key)) for r in book.rows]
    functions = custom_store.functions_by_code(session=session, keys=fkeys)
    current = store.current_answers(session, vendor_id=rep.vendor_id,
                                    operation_codes={r.key.operation_code for r in book.rows})
    exported = set(book.meta.keys)
    known: dict[str, set[tuple[str, str]] | None] = {}
    for a in book.rows:
        key = a.key
        op, code = key.operation_code, function_code(key)
        label, ref = function_label(key), f"{op}:{code}"
        if exported and key.cell not in exported:
            rep.problems.append(SheetProblem(a.sheet, a.row, f"{label} はこのブックで書き出した機能ではありません。",
                                             "別のブックから行をコピーしないでください。", ref))
            continue
        f = functions.get((op, code))
        if f is None:
            rep.problems.append(SheetProblem(a.sheet, a.row, f"{label} は現行機能一覧にありません（書き出し後に削除されました）。"
                                             "取り込みません。", "最新の現行機能一覧で書き出し直してください。", ref))
            continue
        if int(f.revision) != key.revision:
            rep.stale += 1
            rep.held(a.sheet, a.row, f"{label} {f.name}",
                         f"書き出し後に当団体で内容が変わりました（版 {key.revision} → {f.revision}）",
                         STALE_HINT, ref)
            continue
        new = CustomAnswer.of(a, op)
        unknown = _unknown_ids(session, new, op, known)
        if unknown:
            rep.problems.append(SheetProblem(
                a.sheet, a.row, f"代替できる標準機能ID「{'、'.join(unknown)}」は業務 {op} の現行の標準仕様書にありません。"
                "この行は取り込みません。",
                "標準仕様書の機能ID・帳票ID（種別つき、例 機能:0010005）を確かめてください。", ref))
            continue
        old = current.get((op, code))
        change = CustomAnswerChange(a.sheet, a.row, key, new, old)
        if old is None:
            rep.added.append(change)
        elif new.same_as(old):
            rep.unchanged += 1
        elif _older(rep.exported_at, old.exported_at) and not rep.accept_older:
            rep.older.append(change)
            rep.held(a.sheet, a.row, "", older_message(change, rep.exported_at), OLDER_HINT, ref)
        else:
            rep.changed.append(change)


def _older(sheet_exported: datetime | None, record_exported: datetime | None) -> bool:
    if sheet_exported is None or record_exported is None:
        return False
    return _utc(sheet_exported) < _utc(record_exported)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def answer_text(answer: str, standard_ids: str, cost: float | None, planned: date | None, comment: str) -> str:
    parts = [answer]
    if standard_ids:
        parts.append(f"標準機能ID {standard_ids}")
    if cost is not None:
        parts.append(f"概算 {cost:,.0f} 千円")
    if planned:
        parts.append(f"予定日 {planned:%Y/%m/%d}")
    if comment:
        parts.append(f"「{comment[:40]}」")
    return "、".join(parts)


def record_text(a: CustomAnswerOfRecord) -> str:
    return answer_text(a.answer, a.standard_ids, a.cost_kyen, a.planned_date, a.comment)


def older_message(change: CustomAnswerChange, sheet_exported: datetime | None) -> str:
    old = change.old
    assert old is not None
    when = f"{_utc(sheet_exported).astimezone():%Y/%m/%d %H:%M}" if sheet_exported else "不明"
    rec = f"{_utc(old.exported_at).astimezone():%Y/%m/%d %H:%M} 書き出し" if old.exported_at else "書き出し日不明"
    return (f"{function_label(change.key)}: このブック（{when} 書き出し）の回答「{change.new.text()}」は、より新しいブック"
            f"（{rec}）の回答「{record_text(old)}」より古いため、取り込みません")


def _apply(session: Session, rep: CustomVendorImportReport, *, user: str, at: datetime, source: str) -> None:
    taken = rep.taken_changes
    store.supersede(session, [c.old.id for c in rep.changed if c.old is not None])
    store.insert_answers(session, [{
        "vendor_id": rep.vendor_id, "operation_code": c.key.operation_code, "function_code": c.function.code,
        "answer": c.new.answer.value, "standard_ids": c.new.standard_ids, "cost_kyen": c.new.cost_kyen,
        "planned_date": c.new.planned_date, "comment": c.new.comment, "export_id": rep.export_id,
        "revision": c.key.revision, "received_at": at, "superseded": False,
    } for c in taken])
    rep.taken = len(taken)
    if not taken:
        return
    batch = audit.new_batch()
    rep.batches.append(batch)
    audit.record_many(session=session, rows=[{
        "at": at, "user": user, "batch": batch, "action": IMPORT_ACTION, "entity": ENTITY,
        "entity_key": c.function.audit_key, "field": FIELD,
        "old_value": f"{rep.vendor}: {record_text(c.old)}" if c.old else None,
        "new_value": f"{rep.vendor}: {c.new.text()}",
    } for c in taken])
    audit.record(session=session, user=user, at=at, batch=batch, action=IMPORT_ACTION, entity="vendor",
                 entity_key=rep.vendor, new=f"{source}: 独自機能の回答 新規 {len(rep.added)}件、変更 {len(rep.changed)}件")


# ---- what the municipality may record, and the answers shown with a function ---------------------------


def what_to_record(key: FunctionKey, answer: CustomAnswer | CustomAnswerOfRecord, *, words: Sequence[str]) -> str:
    """What the municipality may record after reading an answer (the answer itself changes nothing):
    ``words`` are the dispositions the municipality can record today (a suggested word not among them is
    not suggested as a command)."""
    from fitgap.domain.custom_vendor import IMPLIED_DISPOSITION

    kind = CustomVendorAnswerKind(answer.answer)
    ids = [r.text(key.operation_code) for r in parse_standard_ids(answer.standard_ids)[0]]
    add = " ".join(f"--add {i}" for i in ids)
    if kind == CustomVendorAnswerKind.STANDARD:
        return f"{kind.value}: custom map {key} {add} で対応付けできます"
    word = next((w for w in IMPLIED_DISPOSITION[kind] if w in words), None)
    if kind == CustomVendorAnswerKind.OPTION and word in words:
        return (f"{kind.value}: custom set {key} --disposition {word} で対応方針を記録し、custom map {key} {add}"
                " で対応付けできます")
    if word in words:
        return f"{kind.value}: custom set {key} --disposition {word} で対応方針を記録できます"
    if kind == CustomVendorAnswerKind.IMPOSSIBLE:
        return f"{kind.value}: 廃止・業務見直しなどの対応方針を custom set {key} で記録してください"
    return f"{kind.value}: 対応方針を custom set {key} で記録できます"


def latest_answers(*, db: Database, keys: Sequence[FunctionKey] | None = None) -> dict[FunctionKey, list[CustomAnswerOfRecord]]:
    """Each vendor's answer of record per function (the latest received last)."""
    with db.read() as session:
        found = store.answers_of_record(session, None if keys is None else [(k.operation_code, k.code) for k in keys])
    return {FunctionKey(op, code): v for (op, code), v in found.items()}


__all__ = ["CustomAnswerOfRecord", "CustomVendorExportResult", "CustomVendorImportReport", "answer_text", "export_custom_vendor_sheet",
           "import_custom_vendor_sheet", "latest_answers", "record_text", "what_to_record"]
