"""``fitgap import-spec``: read a requirement list, add it as a new spec version, carry assessments over.

Reading happens first and writes nothing. The write is ONE transaction: the new version, its requirements,
the carried assessments and the audit events land together or not at all.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session

from fitgap.domain.models import Operation, SpecVersion
from fitgap.domain.records import Problem, RequirementRecord, SpecVersionInfo
from fitgap.domain.spec_carry import CarryStep, plan_carry
from fitgap.domain.spec_diff import Change, SpecDiff, diff_versions
from fitgap.errors import InvalidInputError
from fitgap.importers.canonical import read_canonical
from fitgap.importers.mapping_profile import load_profile
from fitgap.importers.spec_file import read_spec_file
from fitgap.importers.spec_result import SkippedSheet, id_prefix
from fitgap.reports.output_file import staged_file
from fitgap.services.catalog import operation_by_code_or_name
from fitgap.storage import audit, operations, spec_carry, specs
from fitgap.storage.db import Database

Progress = Callable[[str, int], None]
MAX_PROBLEMS_SHOWN = 20


class BadRowsError(InvalidInputError):
    """The list has rows that cannot be read; nothing was imported."""

    def __init__(self, message: str, hint: str, problems: list[Problem]) -> None:
        super().__init__(message, hint)
        self.problems = problems


@dataclass
class ParsedList:
    source: Path
    requirements: list[RequirementRecord]
    problems: list[Problem]
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)
    info: SpecVersionInfo | None = None  # canonical lists say which operation and version they are
    stripped_chars: int = 0  # control and invisible characters removed from names and texts


@dataclass
class ImportReport:
    source_file: str
    operation_code: str
    operation_name: str
    version_label: str
    previous_label: str | None
    requirements: int
    counts: dict[Change, int]
    diff: SpecDiff
    carry: list[CarryStep]
    problems: list[Problem]
    skipped_sheets: list[SkippedSheet]
    dry_run: bool
    already_imported: bool = False  # the same file is already a version of this spec: nothing changed
    written: bool = False
    problems_file: Path | None = None
    stripped_chars: int = 0  # control and invisible characters removed from names and texts

    def carried(self, reason: str) -> int:
        return sum(1 for s in self.carry if s.reason == reason)


def read_list(path: Path, *, mapping: Path | None, progress: Progress | None = None) -> ParsedList:
    """Parse any accepted file. A .csv with a .toml beside it is the canonical format fitgap ships."""
    if path.suffix.lower() == ".csv" and path.with_suffix(".toml").exists() and mapping is None:
        lst = read_canonical(path)
        return ParsedList(path, lst.requirements, lst.problems, info=lst.info)
    profile = load_profile(mapping) if mapping is not None else None
    result = read_spec_file(path, profile=profile, progress=(lambda n: progress("読み込み", n)) if progress else None)
    return ParsedList(path, result.requirements, result.problems, result.skipped_sheets,
                      stripped_chars=result.stripped_chars)


_LABEL_RE = re.compile(r"第\s*(\d+(?:\.\d+)?)\s*版|[vV](?:er)?\.?\s*(\d+(?:\.\d+)?)")


def label_from_name(name: str) -> str | None:
    """'住民記録_第6.1版_機能要件.xlsx' → '第6.1版'; 'spec_v2.0.xlsx' → '第2.0版'."""
    m = _LABEL_RE.search(unicodedata.normalize("NFKC", name))
    if not m:
        return None
    num = m.group(1) or m.group(2)
    return f"第{num if '.' in num else num + '.0'}版"


def _resolve_operation(session: Session, parsed: ParsedList, operation: str | None) -> Operation:
    prefixes = {p for r in parsed.requirements if (p := id_prefix(r.req_id))}
    ops = operations.list_operations(session=session)
    owner = {c: op for op in ops for c in op.all_codes()}
    if operation:
        op = operation_by_code_or_name(session=session, key=operation)
    elif parsed.info is not None:
        op = operation_by_code_or_name(session=session, key=parsed.info.operation_code)
    else:
        found = {owner[p].code: owner[p] for p in prefixes if p in owner}
        if len(found) == 1:
            return next(iter(found.values()))
        if not found:
            raise InvalidInputError(
                "ID から業務を判別できません (7桁の機能ID/帳票ID がありません)。",
                "--operation で業務コードか業務名を指定してください (例: --operation 001)。",
            )
        names = "、".join(f"{o.code} {o.name}" for o in found.values())
        raise InvalidInputError(f"複数の業務の ID が含まれています: {names}", "業務ごとにファイルを分けて取り込んでください。")
    if parsed.info is not None and parsed.info.operation_code not in op.all_codes():
        raise InvalidInputError(
            f"このファイルは業務コード {parsed.info.operation_code} の一覧ですが、{op.code} {op.name} が指定されました。",
            "--operation を確かめてください。",
        )
    foreign = sorted(p for p in prefixes if p not in op.all_codes())
    if foreign:
        example = next(r.req_id for r in parsed.requirements if id_prefix(r.req_id) == foreign[0])
        raise InvalidInputError(
            f"{op.code} {op.name} を指定しましたが、業務コード {'、'.join(foreign)} の ID があります (例: {example})。",
            "--operation を確かめるか、省略して ID から判別させてください。",
        )
    return op


def _problems_error(parsed: ParsedList) -> BadRowsError:
    lines = [f"{parsed.source.name} に読めない行が {len(parsed.problems)} 件あるため、何も取り込みませんでした:"]
    for p in parsed.problems[:MAX_PROBLEMS_SHOWN]:
        lines.append(f"  {p}")
    if len(parsed.problems) > MAX_PROBLEMS_SHOWN:
        lines.append(f"  … 他 {len(parsed.problems) - MAX_PROBLEMS_SHOWN} 件")
    return BadRowsError(
        "\n".join(lines), "ファイルを直してから再実行するか、--skip-bad-rows で読める行だけを取り込んでください。",
        parsed.problems,
    )


def save_problems(source: Path, problems: list[Problem]) -> Path:
    """The problem list next to the source file, as a CSV Excel opens (UTF-8 with BOM)."""
    out = source.with_name(f"{source.stem}_取込エラー.csv")
    with staged_file(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["シート", "行", "内容", "対処"])
        for p in problems:
            w.writerow([p.sheet or "", p.row or "", p.message, p.hint])
    return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Reading a big list allocates hundreds of thousands of long-lived objects, and CPython's cyclic GC
    would rescan them again and again (a third of the import's time on 30,000 rows). Pause it for the
    import; whatever cycles openpyxl leaves are collected when it is re-enabled."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_gc_paused()
def import_spec(
    *,
    db: Database,
    path: Path,
    user: str,
    operation: str | None = None,
    version: str | None = None,
    published: date | None = None,
    mapping: Path | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import one requirement list as a new version of its operation's spec (see the module docstring)."""
    parsed = read_list(path, mapping=mapping, progress=progress)
    if parsed.problems and not skip_bad_rows:
        raise _problems_error(parsed)
    if not parsed.requirements:
        raise InvalidInputError(f"{path.name} から取り込める要件がありません。", "ファイルの内容を確かめてください。")
    label = version or (parsed.info.label if parsed.info else None) or label_from_name(path.name)
    if not label:
        raise InvalidInputError("版を判別できません。", "--version で版を指定してください (例: --version 第6.1版)。")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    if dry_run:
        with db.read() as session:
            return _run(session, parsed, operation, label, published, sha, user, now, dry_run=True, progress=progress)
    with db.write() as session:
        report = _run(session, parsed, operation, label, published, sha, user, now, dry_run=False, progress=progress)
    if parsed.problems and report.written:
        report.problems_file = save_problems(path, parsed.problems)
    return report


def _run(session: Session, parsed: ParsedList, operation: str | None, label: str, published: date | None,
         sha: str, user: str, now: datetime | None, *, dry_run: bool, progress: Progress | None) -> ImportReport:
    op = _resolve_operation(session, parsed, operation)
    versions = specs.list_versions(session=session, operation_code=op.code)
    previous = versions[-1] if versions else None
    same_file = next((v for v in versions if v.source_sha256 == sha), None)
    same_label = next((v for v in versions if v.label == label), None)
    if same_file is None and same_label is not None:
        # the same list again (e.g. re-saved, or the bundled list itself): nothing to do
        existing = spec_carry.version_requirements(session=session, spec_version_id=same_label.id or 0)
        if diff_versions(existing, parsed.requirements).is_empty:
            same_file = same_label
    if same_file is None and same_label is not None:
        raise InvalidInputError(
            f"{op.name} の {label} はすでに取り込まれています (内容の違うファイルです)。",
            "新しい版なら --version で別の版名を指定してください。",
        )
    old_reqs = spec_carry.version_requirements(session=session, spec_version_id=previous.id or 0) if previous else []
    diff = diff_versions(old_reqs, parsed.requirements)
    assessments = spec_carry.assessments_by_req_id(session=session, operation_code=op.code)
    carry = plan_carry(diff, assessments, old_version_id=previous.id if previous else None)
    report = ImportReport(
        source_file=parsed.source.name, operation_code=op.code, operation_name=op.name,
        version_label=same_file.label if same_file else label, previous_label=previous.label if previous else None,
        requirements=len(parsed.requirements), counts=diff.counts(), diff=diff, carry=carry,
        problems=parsed.problems, skipped_sheets=parsed.skipped_sheets, dry_run=dry_run,
        already_imported=same_file is not None, stripped_chars=parsed.stripped_chars,
    )
    if dry_run or same_file is not None:
        return report
    if progress:
        progress("書き込み", len(parsed.requirements))
    at = now or datetime.now(UTC)
    _write(session, op, parsed, label, published, sha, user, at, previous, report)
    report.written = True
    return report


def _write(session: Session, op: Operation, parsed: ParsedList, label: str, published: date | None, sha: str,
           user: str, at: datetime, previous: SpecVersion | None, report: ImportReport) -> None:
    title = parsed.info.title if parsed.info and parsed.info.title else op.spec_document
    spec = specs.get_or_create_spec(session=session, operation_code=op.code, title=title)
    info = SpecVersionInfo(
        operation_code=op.code, label=label, title=title,
        published_on=published or (parsed.info.published_on if parsed.info else None),
        effective_on=parsed.info.effective_on if parsed.info else None,
    )
    version = specs.add_version(session=session, spec=spec, info=info, imported_at=at, imported_by=user,
                                source_file=parsed.source.name, source_sha256=sha)
    vid = version.id or 0
    specs.insert_records(session=session, records=parsed.requirements, spec_version_id=vid, operation_code=op.code)
    spec_carry.retire_other_versions(session=session, operation_code=op.code, spec_version_id=vid)
    spec_carry.update_assessments(session=session, rows=[s.row() for s in report.carry])
    batch = audit.new_batch()
    summary = " ".join(f"{c.value}{n}" for c, n in report.counts.items())
    events = [_event(at, user, batch, "spec.import", "spec_version", f"{op.code}:{label}", None,
                     previous.label if previous else None, f"{parsed.source.name} {summary}")]
    for s in report.carry:
        key = f"{op.code}:{s.req_id}"
        if s.reason == "review":
            events.append(_event(at, user, batch, "spec.import.review", "assessment", key, "needs_review", False, True))
        else:
            events.append(_event(at, user, batch, f"spec.import.{s.reason}", "assessment", key, "archived",
                                 s.old_archived, s.archived))
    audit.record_many(session=session, rows=events)


def _event(at: datetime, user: str, batch: str, action: str, entity: str, key: str, field_: str | None,
           old: object, new: object) -> dict[str, object]:
    return {"at": at, "user": user, "batch": batch, "action": action, "entity": entity, "entity_key": key,
            "field": field_, "old_value": None if old is None else str(old),
            "new_value": None if new is None else str(new)}
