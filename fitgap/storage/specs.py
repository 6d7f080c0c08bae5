"""Queries on specs, spec versions and requirements (bulk paths use Core executemany)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from fitgap.domain.enums import Kubun, RequirementKind
from fitgap.domain.models import Requirement, Spec, SpecSource, SpecVersion
from fitgap.domain.records import RequirementRecord, SpecVersionInfo
from fitgap.domain.text import natural_id_key, text_hash
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
    before_seq: int | None = None,
) -> SpecVersion:
    """A new version, placed after the existing ones (it becomes the current version), or, with
    ``before_seq``, before the version at that place (an older publication imported later)."""
    if before_seq is None:
        last = session.exec(select(func.max(SpecVersion.seq)).where(SpecVersion.spec_id == spec.id)).one()
        seq = (last or 0) + 1
    else:
        t = SpecVersion.__table__  # type: ignore[attr-defined]
        session.execute(sa.update(t).where(t.c.spec_id == spec.id, t.c.seq >= before_seq).values(seq=t.c.seq + 1))
        seq = before_seq
    version = SpecVersion(
        spec_id=spec.id,  # type: ignore[arg-type]
        label=info.label,
        seq=seq,
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
    "name", "text", "text_hash", "reason", "remarks", "doc_order", "id_sort", "source_file", "source_sheet",
    "source_row",
)


def insert_records(
    *, session: Session, records: Iterable[RequirementRecord], spec_version_id: int, operation_code: str,
    current: bool = True, first_order: int = 1,
) -> int:
    """Bulk insert of requirements through the driver's executemany, in chunks.

    No per-row ORM or type processing: enum columns get their values, exactly as the ORM stores them.
    ``doc_order`` runs from ``first_order`` in the order given (the document's order).
    """
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {REQUIREMENT_TABLE.name} ({', '.join(INSERT_COLUMNS)}) "
        f"VALUES ({', '.join([mark] * len(INSERT_COLUMNS))})"
    )
    kinds = {k: k.value for k in RequirementKind}  # a dict lookup costs less than the enum's .value
    kubuns = {k: k.value for k in Kubun}
    params = [
        (spec_version_id, operation_code, current, r.req_id, kinds[r.kind], kubuns[r.kubun], r.transitional,
         r.category, r.name, r.text, text_hash(r.text), r.reason, r.remarks, n, natural_id_key(r.req_id),
         r.source_file, r.source_sheet, r.source_row)
        for n, r in enumerate(records, first_order)
    ]
    chunk = 5000
    for i in range(0, len(params), chunk):
        conn.exec_driver_sql(sql, params[i : i + chunk])  # type: ignore[arg-type]
    return len(params)


def max_doc_order(*, session: Session, spec_version_id: int) -> int:
    t = REQUIREMENT_TABLE
    return int(session.connection().execute(
        sa.select(sa.func.coalesce(sa.func.max(t.c.doc_order), 0)).where(t.c.spec_version_id == spec_version_id)
    ).scalar_one())


def add_source(*, session: Session, spec_version_id: int, file_name: str, sha256: str, requirements: int,
               removed_rows: int, imported_at: datetime, imported_by: str | None) -> SpecSource:
    source = SpecSource(spec_version_id=spec_version_id, file_name=file_name, sha256=sha256,
                        requirements=requirements, removed_rows=removed_rows, imported_at=imported_at,
                        imported_by=imported_by)
    session.add(source)
    session.flush()
    return source


def list_sources(*, session: Session, spec_version_id: int) -> list[SpecSource]:
    stmt = select(SpecSource).where(SpecSource.spec_version_id == spec_version_id).order_by(col(SpecSource.id))
    return list(session.exec(stmt))


def sources_by_sha(*, session: Session, operation_code: str) -> dict[str, tuple[SpecVersion, SpecSource]]:
    """Every file already imported into a version of the operation's spec, by its SHA-256."""
    stmt = (
        select(SpecVersion, SpecSource)
        .join(SpecSource, col(SpecSource.spec_version_id) == SpecVersion.id)
        .join(Spec, col(Spec.id) == SpecVersion.spec_id)
        .where(Spec.operation_code == operation_code)
    )
    return {src.sha256: (v, src) for v, src in session.exec(stmt)}


def delete_versions(*, session: Session, version_ids: Sequence[int]) -> None:
    """Delete spec versions with their requirements and their search index entries (demo data only)."""
    if not version_ids:
        return
    t = REQUIREMENT_TABLE
    conn = session.connection()
    ids = [r[0] for r in conn.execute(sa.select(t.c.id).where(t.c.spec_version_id.in_(version_ids)))]
    conn.execute(sa.delete(t).where(t.c.spec_version_id.in_(version_ids)))
    search_index.remove(conn, ids=ids)
    conn.execute(sa.delete(SpecSource.__table__).where(SpecSource.__table__.c.spec_version_id.in_(version_ids)))  # type: ignore[attr-defined]
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
