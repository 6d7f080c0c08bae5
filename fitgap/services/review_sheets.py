"""Department review workbooks: staff mark status, disposition and note in Excel; import without overwriting.

The hidden key of every row carries the assessment revision and a hash of the answers as exported. On import
a row nobody edited is skipped; an edited row whose item changed in the database since the export (another
revision, or new requirement text) is a conflict: reported, never overwritten. The rest are applied with
expected revisions in the import's one transaction (services.round_trip), so nothing changed meanwhile is
overwritten either.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from fitgap.domain.answer_sheet import SheetKey, SheetProblem, resolve_kind
from fitgap.domain.enums import Disposition, Status
from fitgap.domain.models import VendorExport
from fitgap.domain.round_trip import answers_hash
from fitgap.domain.round_trips import REVIEW
from fitgap.errors import InvalidInputError
from fitgap.services.assessment import UNSET, ItemChange, apply_changes_in
from fitgap.services.items import ItemKey
from fitgap.services.recorded_export import ExportRecord
from fitgap.services.round_trip import ImportReport, export_book, import_book, new_export_id, safe_file_part
from fitgap.services.vendors import ExportResult, resolve_operations
from fitgap.storage import items, operations, sheet_items, specs, vendors
from fitgap.storage.db import Database

if TYPE_CHECKING:
    from fitgap.importers.returned_book import ReturnedBook, ReturnedRow


def export_review_sheet(*, db: Database, user: str, operation_keys: Sequence[str], exports_dir: Path,
                        path: Path | None = None, now: datetime | None = None, overwrite: bool = False,
                        department: str | None = None) -> ExportResult:
    """Write the review workbook; like the vendor sheet, the file appears only once its export is recorded.

    With ``department`` (a 担当課), only the requirements whose assessment names it, of the operations given
    or, without any, of every operation where it has some; the file name says the department. A department
    with no requirement assigned is refused, naming the departments that have some."""
    from fitgap.reports.answer_workbook import Outgoing, Part

    now = now or datetime.now(UTC)
    export_id = new_export_id()
    if department is not None:
        department = department.strip()
        if not department:
            raise InvalidInputError("担当課の名前が空です。", "--department に担当課を指定してください（例: 市民課）。")
    elif not operation_keys:
        raise InvalidInputError("書き出す業務が指定されていません。",
                                "--operation で業務を指定してください（--department で担当課ごとにも書き出せます）。")
    with db.read() as session:  # rows stream from this read straight into the workbook
        ops = (resolve_operations(session, operation_keys) if operation_keys
               else operations.list_operations(session=session, include_cross_cutting=True))
        versions = specs.current_versions(session=session)
        counts = sheet_items.count_sheet_items(session=session, operation_codes=[o.code for o in ops], scope="all",
                                               department=department)
        muni = operations.get_municipality(session=session)
        total = sum(counts.values())
        if not total and department is not None:
            assigned = sheet_items.assigned_departments(session=session)
            where = f"（業務 {'、'.join(o.code for o in ops)}）" if operation_keys else ""
            raise InvalidInputError(
                f"担当課「{department}」に割り当てた要件がありません{where}。書き出していません。",
                f"割り当てのある担当課: {'、'.join(assigned)}" if assigned
                else "要件に担当課を割り当ててから書き出してください（まだどの要件にも担当課がありません）。")
        if not total:
            raise InvalidInputError("書き出す要件がありません（この業務の要件一覧が取り込まれていません）。",
                                    "fitgap import-spec で要件一覧を取り込んでください。")

        labels: dict[int, str] = {}
        reviews = sheet_items.count_needs_review(session=session, operation_codes=list(counts), department=department)

        def rows(code: str) -> Iterator[tuple[Mapping[str, Any], str]]:
            for r in sheet_items.iter_sheet_items(session=session, operation_code=code, scope="all",
                                                  department=department):
                values = {"req_id": r.req_id, "kind": r.kind.value, "name": r.name, "text": r.text,
                          "kubun": r.kubun.value + ("（経過措置）" if r.transitional else ""),
                          "needs_review": "要再確認" if r.needs_review else "", "reason": r.reason,
                          "remarks": r.remarks, "status": r.status.value,
                          "disposition": r.disposition.value if r.disposition else None, "note": r.note,
                          "detail": r.detail or None, "system": r.target_system,
                          "assessed": f"{r.assessed_at:%Y/%m/%d} {r.assessed_by or ''}".strip() if r.assessed_at else "",
                          "assessed_on": _assessed_on(session, r, labels)}
                key = SheetKey(r.operation_code, r.kind.value, r.req_id, r.text_hash, r.revision,
                               answers_hash(REVIEW, values))
                yield values, key.encode()

        shown = [(op, versions.get(op.code)) for op in ops if counts.get(op.code)]
        demo = any(v is not None and v.demo for _, v in shown)
        parts, lines = [], []
        for op, v in shown:
            label, n, review = v.label if v else "—", counts[op.code], reviews.get(op.code, 0)
            lines.append(f"{op.code} {op.short_name}: {label}（{n} 件" + (f"、うち要再確認 {review} 件）" if review else "）"))
            parts.append(Part(op.code, f"{op.code} {op.short_name}",
                              f"{'【デモ】' if demo else ''}{op.code} {op.short_name}（{label}） 確認シート — "
                              "黄色の欄を記入してください", rows(op.code), count=n))
        cover = [("業務と仕様書の版", "\n".join(lines))]
        if department is not None:
            cover.insert(0, ("担当課", f"{department}（この課が担当する要件だけ）"))
        out = Outgoing(trip=REVIEW, export_id=export_id, database_id=vendors.database_id(session=session),
                       municipality=muni.name if muni else "（団体未設定）", created_at=now, created_by=user,
                       demo=demo, parts=parts, cover=cover)
        codes = "-".join(p.code for p in parts)
        whose = f"{safe_file_part(department)[:20]}_" if department is not None else ""
        path = export_book(
            db=db, out=out, path=path, exports_dir=exports_dir, overwrite=overwrite,
            default_name=f"確認シート_{whose}{codes[:40]}_{now:%Y%m%d-%H%M%S}{'_デモ' if demo else ''}.xlsx",
            record=ExportRecord(export_id=export_id, purpose=REVIEW.purpose, created_at=now, created_by=user,
                                scope=",".join(p.code for p in parts), action="review.export", entity="review",
                                entity_key=",".join(p.code for p in parts),
                                summary=f"書き出しID {export_id}、要件 {total}件"
                                + (f"、担当課 {department}" if department is not None else "")))
    return ExportResult(path, export_id, "", total, [p.code for p in parts], demo)


def _assessed_on(session: Any, r: sheet_items.SheetItemRow, labels: dict[int, str]) -> str:
    """What the 前の版 column shows of a 要再確認 item: the version, a changed 実装区分, the old text."""
    label, text, kubun = _old_text(session, r, labels)
    if not (text or kubun):
        return ""
    return "\n".join([f"（{label}）", *([f"実装区分: {kubun} → {r.kubun.value}"] if kubun else []), *([text] if text else [])])


def _old_text(session: Any, r: sheet_items.SheetItemRow, labels: dict[int, str]) -> tuple[str, str, str]:
    """(version label, text, 実装区分 when it changed) a 要再確認 item was assessed on; ("", "", "") for the others."""
    if not r.needs_review or r.basis_version_id is None or r.basis_version_id == r.spec_version_id:
        return "", "", ""
    if r.basis_version_id not in labels:
        labels.update({v.id: v.label for v in specs.list_versions(session=session, operation_code=r.operation_code)
                       if v.id is not None})
    old = items.requirement_in_version(session=session, spec_version_id=r.basis_version_id, kind=r.kind.value,
                                       req_id=r.req_id)
    if old is None:
        return "", "", ""
    was = str(getattr(old.kubun, "value", old.kubun) or "")
    kubun = was if was and was != r.kubun.value else ""
    return labels.get(r.basis_version_id, "前の版"), old.text or "", kubun


@dataclass(frozen=True, slots=True)
class ReviewChange:
    row: ReturnedRow
    expected_revision: int
    fields: dict[str, Any]  # status / disposition / note / detail / system → new value (only what changed)


@dataclass
class ReviewImportReport(ImportReport):
    changes: list[ReviewChange] = field(default_factory=list)


def import_review_sheet(*, db: Database, user: str, path: Path, report_dir: Path, dry_run: bool = False,
                        problems_path: Path | None = None) -> ReviewImportReport:
    def start(session: Session, export: VendorExport, book: ReturnedBook) -> ReviewImportReport:
        return ReviewImportReport(source=path.name, export_id=export.id, dry_run=dry_run)

    return import_book(db=db, trip=REVIEW, path=path, report_dir=report_dir, dry_run=dry_run,
                       problems_path=problems_path, start=start, plan=_plan,
                       apply=lambda session, rep: _apply(session, user, rep))


def _plan(session: Session, rep: ReviewImportReport, book: ReturnedBook) -> None:
    codes = {r.key.operation_code for r in book.rows}
    current = {(r.operation_code, r.kind.value, r.req_id): r
               for r in sheet_items.sheet_items(session=session, operation_codes=codes, scope="all")}
    kinds_of = sheet_items.kinds_by_id(current)
    for row in book.rows:
        row = replace(row, key=resolve_kind(row.key, kinds_of))
        _plan_row(rep, row, current.get(row.key.item))


def _conflict(rep: ReviewImportReport, row: ReturnedRow, why: str) -> None:
    rep.conflict(row.sheet, row.row, row.key.label, why,
                 "fitgap で現在の内容を確かめ、必要なら書き出し直して記入してください。", str(row.key))


def _plan_row(rep: ReviewImportReport, row: ReturnedRow, cur: sheet_items.SheetItemRow | None) -> None:
    if cur is None:
        rep.problems.append(SheetProblem(row.sheet, row.row, f"{row.key.label} は現行の仕様書にない要件です。",
                                         "最新の要件で書き出し直してください。", str(row.key)))
        return
    v = row.values
    status, note = Status(v["status"]), v["note"]
    disposition = Disposition(v["disposition"]) if v["disposition"] else None
    # what the decision names: a blank cell (or a sheet written before the columns) keeps what is recorded
    detail = " ".join(str(v.get("detail") or "").split()) or None
    system = str(v.get("system") or "").strip() or None
    detail_changed = detail is not None and detail != cur.detail
    system_changed = system is not None and system != (cur.target_system or "")
    if (cur.status, cur.disposition, cur.note) == (status, disposition, note) and not detail_changed \
            and not system_changed:
        rep.untouched += 1
        return
    if cur.text_hash != row.key.text_hash:
        _conflict(rep, row, "書き出し後に要件の本文が変わりました")
        return
    if cur.revision != row.key.revision:
        who = f"（{cur.assessed_by} が {cur.assessed_at:%Y/%m/%d %H:%M} に変更）" if cur.assessed_at else ""
        _conflict(rep, row, f"書き出し後にデータベースで変更されました{who}")
        return
    fields: dict[str, Any] = {}
    if status != cur.status:
        fields["status"] = status
    target_disp = disposition if status == Status.GAP else None
    if target_disp != cur.disposition:
        fields["disposition"] = target_disp
    if note != cur.note:
        fields["note"] = note
    if detail_changed:
        fields["detail"] = detail
    if system_changed:
        fields["system"] = system
    rep.changes.append(ReviewChange(row, cur.revision, fields))


def _apply(session: Session, user: str, rep: ReviewImportReport) -> None:
    """Every change of the workbook, with the revisions it was planned on; items changed meanwhile are
    conflicts, and a change the rules refuse (a gap without a note) is a problem of its row."""
    if not rep.changes:
        return
    by_key = {ItemKey.of(*c.row.key.item): c for c in rep.changes}
    changes = {key: ItemChange(status=c.fields.get("status", UNSET), disposition=c.fields.get("disposition", UNSET),
                               note=c.fields.get("note", UNSET), detail=c.fields.get("detail", UNSET),
                               system=c.fields.get("system", UNSET)) for key, c in by_key.items()}
    res = apply_changes_in(session, user=user, changes=changes,
                           expected_revisions={key: c.expected_revision for key, c in by_key.items()},
                           action="review.import")
    rep.taken = len(res.changed)
    if res.batch and not rep.dry_run:
        rep.batches.append(res.batch)
    for conflict in res.conflicts:
        _conflict(rep, by_key[conflict.key].row, "取り込み中に他の利用者が変更しました")
    for key, why in res.rejected:
        row = by_key[key].row
        hint = ("メモを記入してください。" if "メモ" in why or "理由" in why
                else "方針の詳細・移行先システムの欄を確かめてください（fitgap systems list でシステム名を確かめられます）。")
        rep.problems.append(SheetProblem(row.sheet, row.row, f"取り込めません: {why}。", hint, str(key)))
