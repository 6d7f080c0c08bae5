"""The 改修 list round trip with the vendors of linked systems: export a protected workbook, import status back.

The hidden key of every row carries the link, the item's revision and a hash of the answers as exported.
On import (services.round_trip) a row nobody edited is skipped; an edited row whose item changed in fitgap
since the export is a conflict (reported, never overwritten); a row whose link was removed is a problem.
Everything valid is applied in one transaction, or tried and rolled back with --dry-run. A workbook from
another database, for another purpose, or whose export this database does not know is refused with the
database unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from fitgap.domain.answer_sheet import SheetProblem, values_hash
from fitgap.domain.enums import ChangeStatus
from fitgap.domain.models import VendorExport
from fitgap.domain.round_trip import answers_hash
from fitgap.domain.round_trips import CHANGE, CHANGE_CODE, CHANGE_SHEET, link_key, pair_of
from fitgap.errors import InvalidInputError
from fitgap.services.changes import FIELDS, apply_in, current_row, get_changes
from fitgap.services.recorded_export import ExportRecord
from fitgap.services.round_trip import ImportReport, export_book, import_book, new_export_id, safe_file_part
from fitgap.services.system_graph import AuditedEdit, load_graph_in
from fitgap.storage import operations, vendors
from fitgap.storage.db import Database

if TYPE_CHECKING:
    from fitgap.importers.returned_book import ReturnedBook, ReturnedRow


@dataclass(frozen=True)
class ChangeExportResult:
    path: Path
    export_id: str
    vendor: str
    items: int


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def slash_dates(text: str) -> str:
    """Dates in text written as the sheet's date cells show them (2027-01-04 → 2027/01/04)."""
    return _ISO_DATE.sub(r"\1/\2/\3", text)


def export_change_sheet(*, db: Database, user: str, exports_dir: Path, vendor: str | None = None,
                        system: str | None = None, path: Path | None = None, today: date | None = None,
                        now: datetime | None = None, overwrite: bool = False) -> ChangeExportResult:
    """One protected workbook with the 改修 items (of one vendor, or one system's links), late first."""
    from fitgap.reports.answer_workbook import Outgoing, Part

    now = now or datetime.now(UTC)
    view = get_changes(db=db, today=today or now.date(), system=system, vendor=vendor)
    if not view.items:
        who = f"ベンダ「{vendor}」の" if vendor else ""
        raise InvalidInputError(f"書き出す{who}改修項目がありません。",
                                "fitgap systems changes で改修項目とベンダを確かめてください。")
    with db.read() as session:
        muni = operations.get_municipality(session=session)
        db_id = vendors.database_id(session=session)
    export_id = new_export_id()
    rows = []
    for no, v in enumerate(view.items, 1):
        it, st = v.item, v.state
        reason = f"{st.reason}。{st.steps}" if st.steps else st.reason
        values = {"no": no, "provider": v.provider, "consumer": v.consumer, "data": f"{v.data or '—'}（{v.method}）",
                  "change": it.change, "vendor": it.vendor or "", "step": st.step.label if st.step else st.verdict,
                  "needed_by": st.needed_by or "未定", "verdict": st.verdict or "—", "reason": slash_dates(reason),
                  "status": it.status.value, "planned": it.planned, "actual": it.actual, "cost_kyen": it.cost_kyen,
                  "interim": it.interim or None, "note": it.note or None}
        rows.append((values, link_key(v.provider_id, v.consumer_id, values_hash(it.change), it.revision,
                                      answers_hash(CHANGE, values))))
    addressee = (vendor or "").strip()
    to = f"（{addressee} 様）" if addressee else ""
    out = Outgoing(trip=CHANGE, export_id=export_id, database_id=db_id,
                   municipality=muni.name if muni else "（団体未設定）", created_at=now, created_by=user,
                   vendor=addressee, addressee=("宛先", addressee or "（全ベンダ）"),
                   parts=[Part(CHANGE_CODE, CHANGE_SHEET, f"連携の改修一覧{to} — 黄色の欄を記入してください", rows)],
                   cover=[("改修項目", f"{len(rows)} 件")])
    path = export_book(
        db=db, out=out, path=path, exports_dir=exports_dir, overwrite=overwrite,
        default_name=f"改修一覧_{safe_file_part(vendor) if vendor else '全ベンダ'}_{now:%Y%m%d-%H%M%S}.xlsx",
        record=ExportRecord(export_id=export_id, purpose=CHANGE.purpose, created_at=now, created_by=user,
                            scope=addressee, action="change.export", entity="interface_change",
                            entity_key=addressee or "*", summary=f"{export_id} {len(rows)} items"))
    return ChangeExportResult(path, export_id, addressee, len(rows))


@dataclass(frozen=True)
class PlannedChange:
    row: ReturnedRow
    pair: tuple[int, int]
    label: str
    shown: dict[str, str]  # field label → "old → new"
    values: dict[str, Any]


@dataclass
class ChangeImportReport(ImportReport):
    changes: list[PlannedChange] = field(default_factory=list)


LABELS = {"status": "状況", "planned": "完了予定日", "actual": "完了日", "cost_kyen": "概算費用", "interim": "暫定連携",
          "note": "備考"}


def _show(v: Any) -> str:
    if v is None or v == "":
        return "（空）"
    return getattr(v, "value", None) or (v.isoformat() if isinstance(v, date) else f"{v:g}" if isinstance(v, float)
                                          else str(v))


def import_change_sheet(*, db: Database, user: str, path: Path, report_dir: Path, dry_run: bool = False,
                        problems_path: Path | None = None, today: date | None = None) -> ChangeImportReport:
    day = today or date.today()

    def start(session: Session, export: VendorExport, book: ReturnedBook) -> ChangeImportReport:
        return ChangeImportReport(source=path.name, export_id=export.id, dry_run=dry_run)

    def apply(session: Session, rep: ChangeImportReport) -> None:
        edit, sg = AuditedEdit(session, user), load_graph_in(session)
        for ch in rep.changes:  # the revision was checked in _plan, inside this same write transaction
            res = apply_in(session, edit, *ch.pair, ch.values, expected_revision=ch.row.key.revision, today=day,
                           sg=sg)
            rep.taken += 1
            rep.notices += [f"{ch.label}: {n}" for n in res.notes]

    return import_book(db=db, trip=CHANGE, path=path, report_dir=report_dir, dry_run=dry_run,
                       problems_path=problems_path, start=start, plan=_plan, apply=apply, names=_names)


def _names(session: Session) -> Callable[[SheetProblem], SheetProblem]:
    """Problems name a link by its systems, as the sheet and fitgap show it, never by the numbers of its key
    (``1-17``); a system deleted since the export is said to be so."""
    sg = load_graph_in(session)

    def name(p: SheetProblem) -> SheetProblem:
        ids = p.key.split("-")
        if len(ids) != 2 or not all(i.isdigit() for i in ids):
            return p
        shown = " → ".join(sg.name(int(i)) if int(i) in sg.systems else "（削除されたシステム）" for i in ids)
        named = f"改修項目（{shown}）"
        message = p.message.replace(f"改修項目 {p.key} ", named).replace(f"改修項目 {p.key}", named)
        return replace(p, key=shown, message=message)

    return name


def _plan(session: Session, rep: ChangeImportReport, book: ReturnedBook) -> None:
    sg = load_graph_in(session)
    for row in book.rows:
        _plan_row(session, sg, rep, row)


def _plan_row(session: Session, sg: Any, rep: ChangeImportReport, row: ReturnedRow) -> None:
    pair = pair_of(row.key)
    assert pair is not None  # the reader takes 改修 keys only
    p, c = pair
    if p not in sg.systems or c not in sg.systems or (p, c) not in sg.links:
        rep.problems.append(SheetProblem(row.sheet, row.row, "この行の連携は、書き出し後に削除されています。取り込みません。",
                                         "fitgap systems links で連携を確かめてください。", row.key.req_id))
        return
    label = f"{sg.name(p)} → {sg.name(c)}"
    cur = current_row(session, p, c, sg)
    new = dict(row.values)
    new["status"] = ChangeStatus(new["status"])
    now = {k: getattr(cur, k) for k in new}
    if now == new:
        rep.untouched += 1
        return
    if cur.revision != row.key.revision:
        who = f"（{cur.updated_by} が {cur.updated_at:%Y/%m/%d %H:%M} に変更）" if cur.updated_at else ""
        rep.conflict(row.sheet, row.row, "", f"{label} は書き出し後に fitgap で変更されました{who}",
                     "fitgap systems changes で現在の内容を確かめ、必要なら書き出し直して記入してもらってください。", label)
        return
    diff = {k: v for k, v in new.items() if now[k] != v}
    assert set(diff) <= set(FIELDS)
    rep.changes.append(PlannedChange(row, pair, label,
                                     {LABELS[k]: f"{_show(now[k])} → {_show(v)}" for k, v in diff.items()}, diff))
