"""The 改修 list round trip with the vendors of linked systems: export a protected workbook, import status back.

The hidden key of every row carries the link, the item's revision and a hash of the values as exported.
On import a row nobody edited is skipped; an edited row whose item changed in fitgap since the export
is a conflict (reported, never overwritten); a row whose link was removed is a problem. Everything valid
is applied in one transaction, or nothing with --dry-run. A workbook from another database, for another
purpose, or whose export this database does not know is refused with the database unchanged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fitgap.domain.answer_sheet import PURPOSE_CHANGE, SheetProblem, values_hash
from fitgap.errors import InvalidInputError
from fitgap.importers.change_sheet import ChangeSheetRow, encode_key, exported_values_hash, read_change_sheet
from fitgap.reports.change_sheet import ChangeRow, ChangeSheetData, write_change_workbook
from fitgap.reports.output_file import staged_file, unused_name
from fitgap.services.changes import FIELDS, apply_in, current_row, get_changes
from fitgap.services.problem_file import after_saving, write_import_problems
from fitgap.services.systems import AuditedEdit, load_graph_in
from fitgap.services.vendors import _safe_file_part, check_workbook_meta  # the vendor sheets' file names
from fitgap.storage import audit, operations, vendors
from fitgap.storage.db import Database


@dataclass(frozen=True)
class ChangeExportResult:
    path: Path
    export_id: str
    vendor: str
    items: int


def export_change_sheet(*, db: Database, user: str, exports_dir: Path, vendor: str | None = None,
                        system: str | None = None, path: Path | None = None, today: date | None = None,
                        now: datetime | None = None, overwrite: bool = False) -> ChangeExportResult:
    """One protected workbook with the 改修 items (of one vendor, or one system's links), late first."""
    now = now or datetime.now(UTC)
    view = get_changes(db=db, today=today or now.date(), system=system, vendor=vendor)
    if not view.items:
        who = f"ベンダ「{vendor}」の" if vendor else ""
        raise InvalidInputError(f"書き出す{who}改修項目がありません。",
                                "fitgap systems changes で改修項目とベンダを確かめてください。")
    with db.read() as session:
        muni = operations.get_municipality(session=session)
        db_id = vendors.database_id(session=session)
    export_id = str(uuid.uuid4())
    rows = []
    for v in view.items:
        it, st = v.item, v.state
        key = encode_key(v.provider_id, v.consumer_id, values_hash(it.change), it.revision,
                         exported_values_hash(it.status.value, it.planned, it.actual, it.cost_kyen, it.interim,
                                              it.note))
        rows.append(ChangeRow(key=key, provider=v.provider, consumer=v.consumer,
                              data=f"{v.data or '—'}（{v.method}）", change=it.change, vendor=it.vendor or "",
                              step=st.step.label if st.step else st.verdict, needed_by=st.needed_by,
                              reason=f"{st.reason}。{st.steps}" if st.steps else st.reason, status=it.status.value,
                              planned=it.planned, actual=it.actual, cost_kyen=it.cost_kyen, interim=it.interim,
                              note=it.note, verdict=st.verdict))
    data = ChangeSheetData(export_id=export_id, database_id=db_id, municipality=muni.name if muni else "（団体未設定）",
                           vendor=(vendor or "").strip(), created_at=now, created_by=user, rows=rows)
    if path is None:
        part = _safe_file_part(vendor) if vendor else "全ベンダ"
        path = unused_name(exports_dir / f"改修一覧_{part}_{now:%Y%m%d-%H%M%S}.xlsx")
    if path.suffix.lower() != ".xlsx":
        raise InvalidInputError(f"{path.name}: 書き出し先は .xlsx にしてください。")
    with staged_file(path, overwrite=overwrite) as tmp:  # the file appears only once its export is recorded
        write_change_workbook(data, tmp)
        with db.write() as session:
            vendors.add_export(session=session, export_id=export_id, vendor_id=None, purpose=PURPOSE_CHANGE,
                               created_at=now, created_by=user, scope=data.vendor, answer_by=None, file_name=path.name)
            audit.record(session=session, user=user, at=now, batch=audit.new_batch(), action="change.export",
                         entity="interface_change", entity_key=data.vendor or "*", new=f"{export_id} {len(rows)} items")
    return ChangeExportResult(path, export_id, data.vendor, len(rows))


@dataclass(frozen=True)
class PlannedChange:
    row: ChangeSheetRow
    label: str
    shown: dict[str, str]  # field label → "old → new"
    values: dict[str, Any]


@dataclass
class ChangeImportReport:
    source: str
    export_id: str
    dry_run: bool
    changes: list[PlannedChange] = field(default_factory=list)
    untouched: int = 0
    conflicts: list[str] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    problems_file: Path | None = None
    problems_file_error: str | None = None  # why the problem list could not be written (the rows are shown)
    applied: int = 0
    stripped_chars: int = 0  # control and invisible characters removed from the vendors' texts

    @property
    def taken(self) -> int:
        """The rows applied, or that a dry run would apply."""
        return len(self.changes) if self.dry_run else self.applied

    @property
    def refused(self) -> int:
        return len(self.problems)


LABELS = {"status": "状況", "planned": "完了予定日", "actual": "完了日", "cost_kyen": "概算費用", "interim": "暫定連携",
          "note": "備考"}


def _show(v: Any) -> str:
    if v is None or v == "":
        return "（空）"
    return getattr(v, "value", None) or (v.isoformat() if isinstance(v, date) else f"{v:g}" if isinstance(v, float)
                                          else str(v))


def import_change_sheet(*, db: Database, user: str, path: Path, report_dir: Path, dry_run: bool = False,
                        problems_path: Path | None = None, today: date | None = None) -> ChangeImportReport:
    parsed = read_change_sheet(path)
    today = today or date.today()
    with (db.read() if dry_run else db.write()) as session:
        export = check_workbook_meta(session, parsed.meta, purpose=PURPOSE_CHANGE, source=path.name)
        rep = ChangeImportReport(source=path.name, export_id=export.id, dry_run=dry_run, untouched=parsed.untouched,
                                 problems=list(parsed.problems), notices=list(parsed.notices),
                                 stripped_chars=parsed.stripped_chars)
        sg = load_graph_in(session)
        for row in parsed.edited:
            _plan(session, sg, rep, row)
        if not dry_run and rep.changes:
            edit = AuditedEdit(session, user)
            for ch in rep.changes:
                # the revision was checked in _plan, inside this same write transaction
                res = apply_in(session, edit, *ch.row.pair, ch.values, expected_revision=ch.row.key.revision,
                               today=today, sg=sg)
                rep.applied += 1
                rep.notices += [f"{ch.label}: {n}" for n in res.notes]
    rep.problems_file, rep.problems_file_error = after_saving(lambda: write_import_problems(
        rep.problems, source=path, report_dir=report_dir, problems_path=problems_path, dry_run=dry_run))
    return rep


def _conflict(rep: ChangeImportReport, row: ChangeSheetRow, label: str, why: str) -> None:
    rep.conflicts.append(f"{row.sheet} {row.row}行目 {label}: {why}")
    rep.problems.append(SheetProblem(row.sheet, row.row, f"競合: {label} は{why}。上書きしていません。",
                                     "fitgap systems changes で現在の内容を確かめ、必要なら書き出し直して記入してもらってください。",
                                     label))


def _plan(session: Any, sg: Any, rep: ChangeImportReport, row: ChangeSheetRow) -> None:
    p, c = row.pair
    if p not in sg.systems or c not in sg.systems or (p, c) not in sg.links:
        rep.problems.append(SheetProblem(row.sheet, row.row, "この行の連携は、書き出し後に削除されています。取り込みません。",
                                         "fitgap systems links で連携を確かめてください。", row.key.req_id))
        return
    label = f"{sg.name(p)} → {sg.name(c)}"
    cur = current_row(session, p, c, sg)
    new = row.values()
    now = {k: getattr(cur, k) for k in new}
    if now == new:
        rep.untouched += 1
        return
    if cur.revision != row.key.revision:
        who = f"（{cur.updated_by} が {cur.updated_at:%Y/%m/%d %H:%M} に変更）" if cur.updated_at else ""
        _conflict(rep, row, label, f"書き出し後に fitgap で変更されました{who}")
        return
    diff = {k: v for k, v in new.items() if now[k] != v}
    assert set(diff) <= set(FIELDS)
    rep.changes.append(PlannedChange(row, label, {LABELS[k]: f"{_show(now[k])} → {_show(v)}" for k, v in diff.items()},
                                     diff))
