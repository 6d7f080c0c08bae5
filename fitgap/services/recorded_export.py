"""A workbook that comes back (vendor, review and change sheets): written, recorded, then given its name.

The workbook is written to a temporary file beside its final name, the export and its audit event are
recorded in one write transaction, and only then is the file renamed into place: a file at the final path
always has its export record, so it is always importable (a kill at any moment leaves no half-written or
unrecorded workbook). An existing file is replaced only with ``overwrite``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fitgap.errors import InvalidInputError
from fitgap.reports.output_file import staged_file
from fitgap.storage import audit, vendors
from fitgap.storage.db import Database


@dataclass(frozen=True, slots=True)
class ExportRecord:
    export_id: str
    purpose: str
    created_at: datetime
    created_by: str
    scope: str
    action: str  # the audit event: action, entity, key and text
    entity: str
    entity_key: str
    summary: str
    vendor: str | None = None  # the vendor the workbook goes to (recorded as one if new); None: an internal sheet
    answer_by: date | None = None


def check_xlsx(path: Path | None) -> None:
    """A returned workbook is always .xlsx (refused before any work is done)."""
    if path is not None and path.suffix.lower() != ".xlsx":
        raise InvalidInputError(f"{path.name}: 書き出し先は .xlsx にしてください。")


def publish_export(*, db: Database, path: Path, overwrite: bool, write: Callable[[Path], object],
                   record: ExportRecord) -> Path:
    """``write`` the workbook to a temporary path, record the export, then move the file to ``path``."""
    with staged_file(path, overwrite=overwrite) as tmp:
        write(tmp)
        with db.write() as session:
            vendor_id = (vendors.get_or_create_vendor(session=session, name=record.vendor).id
                         if record.vendor is not None else None)
            vendors.add_export(session=session, export_id=record.export_id, vendor_id=vendor_id,
                               purpose=record.purpose, created_at=record.created_at, created_by=record.created_by,
                               scope=record.scope, answer_by=record.answer_by, file_name=path.name)
            audit.record(session=session, user=record.created_by, at=record.created_at, batch=audit.new_batch(),
                         action=record.action, entity=record.entity, entity_key=record.entity_key,
                         new=record.summary)
    return path
