"""Department review workbooks: staff mark status, disposition and note in Excel; import without overwriting.

The hidden key of every row carries the assessment revision and a hash of the values as exported. On import
a row nobody edited is skipped; an edited row whose item changed in the database since the export (another
revision, or new requirement text) is a conflict: reported, never overwritten. The rest go through
assessment.apply_changes with expected revisions, so a change made while the import runs is a conflict too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fitgap.domain.answer_sheet import PURPOSE_REVIEW, SheetKey, SheetProblem, resolve_kind
from fitgap.domain.enums import Disposition, Status
from fitgap.errors import InvalidInputError
from fitgap.importers.review_sheet import ReviewRow, exported_values_hash, read_review_sheet
from fitgap.reports.output_file import unused_name
from fitgap.reports.review_sheet import ReviewItem, ReviewPart, ReviewSheetData, write_review_workbook
from fitgap.services.assessment import UNSET, ItemChange, apply_changes
from fitgap.services.items import ItemKey
from fitgap.services.problem_file import after_saving, write_import_problems
from fitgap.services.recorded_export import ExportRecord, check_xlsx, publish_export
from fitgap.services.vendors import ExportResult, check_workbook_meta, resolve_operations
from fitgap.storage import items, operations, sheet_items, specs, vendors
from fitgap.storage.db import Database


def export_review_sheet(*, db: Database, user: str, operation_keys: Sequence[str], exports_dir: Path,
                        path: Path | None = None, now: datetime | None = None, overwrite: bool = False) -> ExportResult:
    """Write the review workbook; like the vendor sheet, the file appears only once its export is recorded."""
    now = now or datetime.now(UTC)
    export_id = str(uuid.uuid4())
    check_xlsx(path)
    with db.read() as session:  # rows stream from this read straight into the workbook
        ops = resolve_operations(session, operation_keys)
        versions = specs.current_versions(session=session)
        counts = sheet_items.count_sheet_items(session=session, operation_codes=[o.code for o in ops], scope="all")
        muni = operations.get_municipality(session=session)
        db_id = vendors.database_id(session=session)
        total = sum(counts.values())
        if not total:
            raise InvalidInputError("書き出す要件がありません（この業務の要件一覧が取り込まれていません）。",
                                    "fitgap import-spec で要件一覧を取り込んでください。")

        labels: dict[int, str] = {}
        reviews = sheet_items.count_needs_review(session=session, operation_codes=list(counts))

        def items(code: str) -> Iterator[ReviewItem]:
            for r in sheet_items.iter_sheet_items(session=session, operation_code=code, scope="all"):
                old_label, old_text, old_kubun = _old_text(session, r, labels)
                disp = r.disposition.value if r.disposition else ""
                key = SheetKey(r.operation_code, r.kind.value, r.req_id, r.text_hash, r.revision,
                               exported_values_hash(r.status.value, disp, r.note))
                assessed = f"{r.assessed_at:%Y/%m/%d} {r.assessed_by or ''}".strip() if r.assessed_at else ""
                yield ReviewItem(
                    key=key.encode(), req_id=r.req_id, kubun=r.kubun.value + ("（経過措置）" if r.transitional else ""),
                    name=r.name, text=r.text, assessed=assessed, status=r.status.value, disposition=disp, note=r.note,
                    kind=r.kind.value, reason=r.reason, remarks=r.remarks, needs_review=r.needs_review,
                    old_text=old_text, old_label=old_label, old_kubun=old_kubun)

        parts, demo = [], False
        for op in ops:
            if counts.get(op.code):
                v = versions.get(op.code)
                demo = demo or bool(v and v.demo)
                parts.append(ReviewPart(op.code, op.short_name, v.label if v else "—", items(op.code),
                                        count=counts[op.code], review_count=reviews.get(op.code, 0)))
        data = ReviewSheetData(export_id=export_id, database_id=db_id,
                               municipality=muni.name if muni else "（団体未設定）",
                               created_at=now, created_by=user, demo=demo, operations=parts)
        if path is None:
            codes = "-".join(p.code for p in parts)
            path = unused_name(exports_dir / f"確認シート_{codes[:40]}_{now:%Y%m%d-%H%M%S}{'_デモ' if demo else ''}.xlsx")
        scope = ",".join(p.code for p in parts)
        publish_export(db=db, path=path, overwrite=overwrite, write=lambda tmp: write_review_workbook(data, tmp),
                       record=ExportRecord(export_id=export_id, purpose=PURPOSE_REVIEW, created_at=now,
                                           created_by=user, scope=scope, action="review.export", entity="review",
                                           entity_key=scope, summary=f"書き出しID {export_id}、要件 {total}件"))
    return ExportResult(path, export_id, "", total, [p.code for p in parts], demo)


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
    row: ReviewRow
    expected_revision: int
    fields: dict[str, Any]  # status / disposition / note → new value (only what changed)


@dataclass
class ReviewImportReport:
    source: str
    export_id: str
    dry_run: bool
    changes: list[ReviewChange] = field(default_factory=list)
    untouched: int = 0
    conflicts: list[str] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    problems_file: Path | None = None
    problems_file_error: str | None = None  # why the problem list could not be written (the rows are shown)
    applied: int = 0
    batches: list[str] = field(default_factory=list)
    stripped_chars: int = 0  # control and invisible characters removed from edited notes

    @property
    def taken(self) -> int:
        """The rows applied, or that a dry run would apply."""
        return len(self.changes) if self.dry_run else self.applied

    @property
    def refused(self) -> int:
        return len(self.problems)


def import_review_sheet(*, db: Database, user: str, path: Path, report_dir: Path, dry_run: bool = False,
                        problems_path: Path | None = None) -> ReviewImportReport:
    parsed = read_review_sheet(path)
    with db.read() as session:
        export = check_workbook_meta(session, parsed.meta, purpose=PURPOSE_REVIEW, source=path.name)
        codes = {r.key.operation_code for r in parsed.edited}
        current = {(r.operation_code, r.kind.value, r.req_id): r
                   for r in sheet_items.sheet_items(session=session, operation_codes=codes, scope="all")}
    kinds_of = sheet_items.kinds_by_id(current)
    rep = ReviewImportReport(source=path.name, export_id=export.id, dry_run=dry_run, untouched=parsed.untouched,
                             problems=list(parsed.problems), notices=list(parsed.notices),
                             stripped_chars=parsed.stripped_chars)
    for row in parsed.edited:
        row = replace(row, key=resolve_kind(row.key, kinds_of))
        _plan_row(rep, row, current.get(row.key.item))
    if rep.changes:  # a dry run makes the same checks in a transaction that is rolled back
        _apply(db, user, rep, dry_run=dry_run)
    rep.problems_file, rep.problems_file_error = after_saving(lambda: write_import_problems(
        rep.problems, source=path, report_dir=report_dir, problems_path=problems_path, dry_run=dry_run))
    return rep


def _conflict(rep: ReviewImportReport, row: ReviewRow, why: str) -> None:
    text = f"{row.sheet} {row.row}行目 {row.key.label}: {why}"
    rep.conflicts.append(text)
    rep.problems.append(SheetProblem(row.sheet, row.row, f"競合: {why}。上書きしていません。",
                                     "fitgap で現在の内容を確かめ、必要なら書き出し直して記入してください。",
                                     str(row.key)))


def _plan_row(rep: ReviewImportReport, row: ReviewRow, cur: sheet_items.SheetItemRow | None) -> None:
    if cur is None:
        rep.problems.append(SheetProblem(row.sheet, row.row, f"{row.key.label} は現行の仕様書にない要件です。",
                                         "最新の要件で書き出し直してください。", str(row.key)))
        return
    same_now = (cur.status, cur.disposition, cur.note) == (row.status, row.disposition, row.note)
    if same_now:
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
    if row.status != cur.status:
        fields["status"] = row.status
    target_disp = row.disposition if row.status == Status.GAP else None
    if target_disp != cur.disposition:
        fields["disposition"] = target_disp
    if row.note != cur.note:
        fields["note"] = row.note
    rep.changes.append(ReviewChange(row, cur.revision, fields))


def _apply(db: Database, user: str, rep: ReviewImportReport, *, dry_run: bool = False) -> None:
    """All changes of the workbook in one transaction; items changed meanwhile are conflicts."""
    by_key = {ItemKey.of(*c.row.key.item): c for c in rep.changes}
    changes = {
        key: ItemChange(status=c.fields.get("status", UNSET), disposition=_disp(c.fields.get("disposition", UNSET)),
                        note=c.fields.get("note", UNSET))
        for key, c in by_key.items()
    }
    res = apply_changes(db=db, user=user, changes=changes,
                        expected_revisions={key: c.expected_revision for key, c in by_key.items()},
                        action="review.import", dry_run=dry_run)
    if not dry_run:
        rep.applied += len(res.changed)
        if res.batch:
            rep.batches.append(res.batch)
    for conflict in res.conflicts:
        _conflict(rep, by_key[conflict.key].row, "取り込み中に他の利用者が変更しました")
    for key, why in res.rejected:
        row = by_key[key].row
        rep.problems.append(SheetProblem(row.sheet, row.row, f"取り込めません: {why}。", "メモを記入してください。", str(key)))


def _disp(value: Any) -> Any:
    return value if value is UNSET or value is None else Disposition(value)
