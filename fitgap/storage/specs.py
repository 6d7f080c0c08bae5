"""Queries on specs, spec versions and requirements (bulk paths use Core executemany)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from fitgap.domain.models import Requirement, Spec, SpecVersion
from fitgap.domain.records import RequirementRecord, SpecVersionInfo
from fitgap.domain.text import text_hash
from fitgap.storage import search_index

REQUIREMENT_TABLE: sa.Table = Requirement.__table__  # type: ignore[attr-defined]


def get_or_create_spec(*, session: Session, operation_code: str, title: str) -> Spec:
    spec = session.exec(select(Spec).where(Spec.operation_code == operation_code)).first()
    if spec is None:
        spec = Spec(operation_code=operation_code, title=title)
        session.add(spec)
        session.flush()
    return spec


def list_versions(*, session: Session, operation_code: str) -> list[SpecVersion]:
    stmt = (
        select(SpecVersion)
        .join(Spec, col(Spec.id) == SpecVersion.spec_id)
        .where(Spec.operation_code == operation_code)
        .order_by(col(SpecVersion.seq))
    )
    return list(session.exec(stmt))


def current_version(*, session: Session, operation_code: str) -> SpecVersion | None:
    versions = list_versions(session=session, operation_code=operation_code)
    return versions[-1] if versions else None


def current_versions(*, session: Session) -> dict[str, SpecVersion]:
    """The latest version of every operation that has one, by operation code."""
    stmt = select(Spec.operation_code, SpecVersion).join(SpecVersion, col(SpecVersion.spec_id) == Spec.id)
    out: dict[str, SpecVersion] = {}
    for code, version in session.exec(stmt):
        if code not in out or version.seq > out[code].seq:
            out[code] = version
    return out


def find_version(*, session: Session, operation_code: str, label: str) -> SpecVersion | None:
    for v in list_versions(session=session, operation_code=operation_code):
        if v.label == label:
            return v
    return None


def add_version(
    *,
    session: Session,
    spec: Spec,
    info: SpecVersionInfo,
    imported_at: datetime,
    imported_by: str | None,
    source_file: str | None = None,
    source_sha256: str | None = None,
    demo: bool = False,
    bundled: bool = False,
) -> SpecVersion:
    """A new version, placed after the existing ones (it becomes the current version)."""
    last = session.exec(select(func.max(SpecVersion.seq)).where(SpecVersion.spec_id == spec.id)).one()
    version = SpecVersion(
        spec_id=spec.id,  # type: ignore[arg-type]
        label=info.label,
        seq=(last or 0) + 1,
        published_on=info.published_on,
        effective_on=info.effective_on,
        source_file=source_file,
        source_sha256=source_sha256,
        imported_at=imported_at,
        imported_by=imported_by,
        demo=demo,
        bundled=bundled,
    )
    session.add(version)
    session.flush()
    return version


INSERT_COLUMNS = (
    "spec_version_id", "operation_code", "current", "req_id", "kind", "kubun", "transitional", "category",
    "name", "text", "text_hash", "source_file", "source_sheet", "source_row",
)


def insert_records(
    *, session: Session, records: Iterable[RequirementRecord], spec_version_id: int, operation_code: str,
    current: bool = True,
) -> int:
    """Bulk insert of requirements through the driver's executemany, in chunks.

    No per-row ORM or type processing: enum columns get their values, exactly as the ORM stores them.
    """
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {REQUIREMENT_TABLE.name} ({', '.join(INSERT_COLUMNS)}) "
        f"VALUES ({', '.join([mark] * len(INSERT_COLUMNS))})"
    )
    params = [
        (spec_version_id, operation_code, current, r.req_id, r.kind.value, r.kubun.value, r.transitional,
         r.category, r.name, r.text, text_hash(r.text), r.source_file, r.source_sheet, r.source_row)
        for r in records
    ]
    chunk = 5000
    for i in range(0, len(params), chunk):
        conn.exec_driver_sql(sql, params[i : i + chunk])  # type: ignore[arg-type]
    return len(params)


def delete_versions(*, session: Session, version_ids: Sequence[int]) -> None:
    """Delete spec versions with their requirements and their search index entries (demo data only)."""
    if not version_ids:
        return
    t = REQUIREMENT_TABLE
    conn = session.connection()
    ids = [r[0] for r in conn.execute(sa.select(t.c.id).where(t.c.spec_version_id.in_(version_ids)))]
    conn.execute(sa.delete(t).where(t.c.spec_version_id.in_(version_ids)))
    search_index.remove(conn, ids=ids)
    conn.execute(sa.delete(SpecVersion.__table__).where(SpecVersion.__table__.c.id.in_(version_ids)))  # type: ignore[attr-defined]


def mark_current(*, session: Session, operation_code: str, spec_version_id: int) -> None:
    """Make one version's requirements the current ones of the operation."""
    t = REQUIREMENT_TABLE
    session.execute(
        sa.update(t)
        .where(t.c.operation_code == operation_code)
        .values(current=sa.case((t.c.spec_version_id == spec_version_id, sa.true()), else_=sa.false()))
    )


def count_requirements(*, session: Session, operation_code: str | None = None, current: bool = True) -> int:
    stmt = select(func.count()).select_from(Requirement).where(Requirement.current == current)
    if operation_code:
        stmt = stmt.where(Requirement.operation_code == operation_code)
    return int(session.exec(stmt).one())
