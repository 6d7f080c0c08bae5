"""``fitgap import-spec``: read a requirement list, add it as a new spec version, carry assessments over.

- One version may come as several files (機能要件一覧, 帳票要件, one per chapter): they are read together,
  as one version, with one comparison against the previous version; a file can also be added later to an
  existing version (``add_to_version``). The same (kind, ID) in two files is a problem.
- Requirements are identified by (kind 機能/帳票, ID); rows marked 削除 / 欠番 are listed, not imported.
- Versions are kept in publication order, then in the order of the version numbers in their labels (第9.0版
  before 第10.0版 of the same date; never the order of importing): a list that comes before the current
  version is stored as history and carries nothing over.
- One document may cover several operations (税務システム標準仕様書: 個人住民税 010, 法人住民税 011, 固定資産税
  012, 軽自動車税 013 and 税務共通 014–016): a book whose IDs span operations of one spec document is split by
  the IDs' 業務コード, each operation's rows becoming that operation's new version, all in the one transaction
  (one report per operation); IDs of operations of different documents are refused.
- A list that shares less than a tenth of the IDs with the current version (of the smaller of the two), when
  someone has assessed that version, is most likely the wrong file or the wrong operation: it needs
  ``replace`` (``--replace``). Replacing a bundled or demo list nobody has assessed needs nothing.

Reading happens first and writes nothing. The write is ONE transaction: the new version, its requirements,
the carried assessments and the audit events land together or not at all.
"""

from __future__ import annotations

import csv
import dataclasses
import gc
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlmodel import Session

from fitgap.domain.enums import RequirementKind, Status
from fitgap.domain.models import Operation, SpecVersion
from fitgap.domain.records import Problem, RemovedRow, RequirementRecord, SpecVersionInfo
from fitgap.domain.spec_carry import CarryStep, plan_carry
from fitgap.domain.spec_diff import Change, SpecDiff, diff_versions
from fitgap.domain.spec_order import is_newer
from fitgap.errors import InvalidInputError
from fitgap.importers.canonical import read_canonical
from fitgap.importers.mapping_profile import load_profile
from fitgap.importers.spec_file import read_spec_file
from fitgap.importers.spec_result import SkippedSheet, id_prefix
from fitgap.reports.output_file import staged_file
from fitgap.services.catalog import operation_by_code_or_name
from fitgap.services.problem_file import after_saving
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
    removed: list[RemovedRow] = field(default_factory=list)  # rows marked 削除 / 欠番
    stated_published: date | None = None  # the date the file states (cover sheet, 変更履歴)
    stated_label: str | None = None  # the version label on the cover sheet
    sha256: str = ""


@dataclass
class FileSummary:
    """What one file of the version brought."""

    name: str
    functions: int
    forms: int
    removed: int
    already_imported: bool = False  # this very file is already part of the version: skipped
    sheets: list[tuple[str, int, int]] = field(default_factory=list)  # (sheet, 機能, 帳票) of a workbook's sheets

    @property
    def requirements(self) -> int:
        return self.functions + self.forms


@dataclass
class ImportReport:
    source_file: str  # the file names, comma-separated
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
    problems_files: list[Path] = field(default_factory=list)  # one beside each file that had problems
    problems_file_error: str | None = None  # why a problem list could not be written (the rows are shown)
    stripped_chars: int = 0  # control and invisible characters removed from names and texts
    files: list[FileSummary] = field(default_factory=list)
    removed_rows: list[RemovedRow] = field(default_factory=list)
    published_on: date | None = None
    historical: bool = False  # an older publication than the current version: stored as history only
    current_label: str | None = None  # the version that stays current when ``historical``
    undated: bool = False  # no publication date while versions with one exist: taken as the latest
    added_to: str | None = None  # the label of the existing version the files were added to
    effective_on: date | None = None  # 適用日 of the version
    # a list sharing less than a tenth of its IDs with an assessed current version (see _replacing)
    replacing: bool = False
    shared_ids: int = 0  # IDs this list shares with the current version
    list_ids: int = 0  # IDs in the smaller of this list and the current version

    def carried(self, reason: str) -> int:
        return sum(1 for s in self.carry if s.reason == reason)

    @property
    def problems_file(self) -> Path | None:
        """The first problem list (the only one when one file was read)."""
        return self.problems_files[0] if self.problems_files else None


def read_list(path: Path, *, mapping: Path | None, progress: Progress | None = None) -> ParsedList:
    """Parse any accepted file. A .csv with a .toml beside it is the canonical format fitgap ships."""
    if path.suffix.lower() == ".csv" and path.with_suffix(".toml").exists() and mapping is None:
        lst = read_canonical(path)
        return ParsedList(path, lst.requirements, lst.problems, info=lst.info, sha256=_sha256(path))
    profile = load_profile(mapping) if mapping is not None else None
    result = read_spec_file(path, profile=profile, progress=(lambda n: progress("読み込み", n)) if progress else None)
    return ParsedList(path, result.requirements, result.problems, result.skipped_sheets, removed=result.removed,
                      stated_published=result.published_on(), stated_label=result.stated_label,
                      sha256=_sha256(path), stripped_chars=result.stripped_chars)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def combine(lists: Sequence[ParsedList]) -> ParsedList:
    """Several files of one version as one list: the same (kind, ID) in two files is a problem."""
    if len(lists) == 1:
        return lists[0]
    first = lists[0]
    out = ParsedList(first.source, [], [], info=next((p.info for p in lists if p.info), None))
    seen: dict[tuple[str, str], RequirementRecord] = {}
    for p in lists:
        out.problems += p.problems
        out.skipped_sheets += p.skipped_sheets
        out.removed += p.removed
        out.stripped_chars += p.stripped_chars
        for r in p.requirements:
            other = seen.get(r.key)
            if other is not None:
                out.problems.append(Problem(
                    f"{r.label}: {other.source_file} にもあります ({other.source_sheet} {other.source_row}行目)。",
                    "同じ版のファイルが重複していないか確かめてください。", sheet=r.source_sheet, row=r.source_row,
                    file=p.source.name,
                ))
                continue
            seen[r.key] = r
            out.requirements.append(r)
    out.stated_published = next((p.stated_published for p in lists if p.stated_published), None)
    out.stated_label = next((p.stated_label for p in lists if p.stated_label), None)
    return out


_LABEL_RE = re.compile(r"第\s*(\d+(?:\.\d+)?)\s*版|[vV](?:er)?\.?\s*(\d+(?:\.\d+)?)")


def label_from_name(name: str) -> str | None:
    """'住民記録_第6.1版_機能要件.xlsx' → '第6.1版'; 'spec_v2.0.xlsx' → '第2.0版'."""
    m = _LABEL_RE.search(unicodedata.normalize("NFKC", name))
    if not m:
        return None
    num = m.group(1) or m.group(2)
    return f"第{num if '.' in num else num + '.0'}版"


def _resolve_operation(session: Session, parsed: ParsedList, operation: str | None) -> Operation:
    """The operation named, stated by a canonical list, or told by the IDs' 業務コード."""
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
        names = "、".join(f"{o.code} {o.name}（{o.spec_document}）" for o in sorted(found.values(), key=lambda o: o.code))
        raise InvalidInputError(f"別々の標準仕様書の業務の ID が含まれています: {names}",
                                "業務ごとにファイルを分けて取り込んでください（一つの仕様書の業務、例えば税務システム標準仕様書の"
                                "個人住民税・固定資産税・税務共通などは、一つのブックのまま取り込めます）。")
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
    names = "、".join(dict.fromkeys(p.file or parsed.source.name for p in parsed.problems))
    lines = [f"{names} に読めない行が {len(parsed.problems)} 件あるため、何も取り込みませんでした:"]
    for p in parsed.problems[:MAX_PROBLEMS_SHOWN]:
        lines.append(f"  {p}")
    if len(parsed.problems) > MAX_PROBLEMS_SHOWN:
        lines.append(f"  … 他 {len(parsed.problems) - MAX_PROBLEMS_SHOWN} 件")
    return BadRowsError(
        "\n".join(lines), "ファイルを直してから再実行するか、--skip-bad-rows で読める行だけを取り込んでください。",
        parsed.problems,
    )


def save_problems(sources: Sequence[Path], problems: list[Problem]) -> tuple[list[Path], str | None]:
    """A problem list next to each source file that has problems, as a CSV Excel opens (UTF-8 with BOM);
    the lists written and, when one could not be (the import is saved by then), why not.

    Problems name their file when several files were read (:func:`combine`); a problem naming none belongs
    to the first file."""
    from fitgap.reports.xlsx_cells import csv_row  # openpyxl with it: only when there is a list to write

    by_name: dict[str, Path] = {}
    for source in sources:
        by_name.setdefault(source.name, source)
    grouped: dict[Path, list[Problem]] = {}
    for p in problems:
        grouped.setdefault(by_name.get(p.file or "", sources[0]), []).append(p)
    def write(out: Path, rows: list[Problem]) -> Path:
        with staged_file(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(csv_row(["シート", "行", "内容", "対処"]))
            for p in rows:
                w.writerow(csv_row([p.sheet or "", p.row or "", p.message, p.hint]))
        return out

    written: list[Path] = []
    failures: list[str] = []
    for source in sources:
        if source not in grouped:
            continue
        out = source.with_name(f"{source.stem}_取込エラー.csv")
        done, failure = after_saving(partial(write, out, grouped[source]), target=out)
        if done is not None:
            written.append(done)
        if failure:
            failures.append(failure)
    return written, (failures[0] if failures else None)


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


def import_spec(**kwargs: Any) -> ImportReport:
    """:func:`import_specs` for a list of one operation: its report (a book of several operations: the first
    operation's report; all are imported)."""
    return import_specs(**kwargs)[0]


@_gc_paused()
def import_specs(
    *,
    db: Database,
    user: str,
    path: Path | None = None,
    paths: Sequence[Path] = (),
    operation: str | None = None,
    version: str | None = None,
    published: date | None = None,
    effective: date | None = None,
    mapping: Path | None = None,
    add_to_version: str | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    replace: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> list[ImportReport]:
    """Import one or more files as one version of their operation's spec (see the module docstring); one
    report per operation (several when the files cover several operations of one spec document).

    ``add_to_version``: add the files to that existing version instead (e.g. the 帳票要件 workbook that came
    after the 機能要件 one); what they add is compared with the previous version as if imported together.
    ``effective``: the 適用日 of the new version. ``replace``: take a list that shares less than a tenth of
    its IDs with an assessed current version (otherwise refused, saying what it would remove and archive).
    """
    files = list(dict.fromkeys([*([path] if path is not None else []), *paths]))
    if not files:
        raise InvalidInputError("取り込むファイルが指定されていません。", "要件一覧のファイルを指定してください。")
    if add_to_version is not None and version and version != add_to_version:
        raise InvalidInputError(f"版 {version} と、加える先の版 {add_to_version} が違います。",
                                "取り込み済みの版に加えるときは、加える先の版（--add-to-version）だけを指定してください。")
    if add_to_version is not None and (published is not None or effective is not None):
        what, flag = ("公開日", "--published") if published is not None else ("適用日", "--effective")
        raise InvalidInputError(f"{what}は、取り込み済みの版に加えるときには指定できません（加える先の版の{what}のままです）。",
                                f"{flag} を外してください。")
    lists = [read_list(p, mapping=mapping, progress=progress) for p in files]
    if len(lists) > 1:  # each problem names its file, in messages and for its problem list (save_problems)
        for p in lists:
            p.problems = [dataclasses.replace(q, file=p.source.name) for q in p.problems]
    parsed = combine(lists)
    if not parsed.requirements and not parsed.removed:
        if parsed.problems:
            raise _problems_error(parsed)
        names = "、".join(p.name for p in files)
        raise InvalidInputError(f"{names} から取り込める要件がありません。", "ファイルの内容を確かめてください。")
    label = (add_to_version or version or (parsed.info.label if parsed.info else None) or _label_from_names(files)
             or parsed.stated_label)
    if not label:
        raise InvalidInputError("版を判別できません。", "--version で版を指定してください (例: --version 第6.1版)。")
    published = published or (parsed.info.published_on if parsed.info else None) or parsed.stated_published
    plan = _Plan(parsed, lists, label, published, add_to_version is not None, skip_bad_rows, effective, replace)
    if dry_run:
        with db.read() as session:
            return [_run(session, part, op, user, now, dry_run=True, progress=progress)
                    for op, part in _split(session, plan, operation)]
    with db.write() as session:
        reports = [_run(session, part, op, user, now, dry_run=False, progress=progress)
                   for op, part in _split(session, plan, operation)]
    problems = [q for r in reports for q in r.problems]
    if problems and any(r.written for r in reports):  # after the commit: a list that cannot be written is a warning
        saved, failure = save_problems(files, problems)
        for r in reports:
            if r.problems:
                r.problems_files, r.problems_file_error = saved, failure
    return reports


def _label_from_names(files: Sequence[Path]) -> str | None:
    labels = {lb for p in files if (lb := label_from_name(p.name))}
    if len(labels) > 1:
        raise InvalidInputError(
            f"ファイル名の版が違います ({'、'.join(sorted(labels))})。一度に取り込めるのは一つの版のファイルだけです。",
            "版ごとに分けて取り込むか、--version で版を指定してください。",
        )
    return next(iter(labels), None)


@dataclass
class _Plan:
    parsed: ParsedList
    lists: list[ParsedList]
    label: str
    published: date | None
    adding: bool
    skip_bad_rows: bool  # otherwise the rows that cannot be read refuse the files they are in (see _check_rows)
    effective: date | None = None
    replace: bool = False


def _split(session: Session, plan: _Plan, operation: str | None) -> list[tuple[Operation, _Plan]]:
    """The operations the files are for, each with its part of the plan.

    One operation (named, stated by a canonical list, or told by the IDs): the plan as it is. IDs of several
    operations of one spec document (the 税務 book): each operation's rows from each file, the files' rows
    that cannot be read going with the first operation (they are refused, or listed, once)."""
    ops = _operations(session, plan.parsed, operation)
    if len(ops) == 1:
        return [(ops[0], plan)]
    out = []
    for n, op in enumerate(ops):
        codes = set(op.all_codes())
        parts = []
        for p in plan.lists:
            reqs = [r for r in p.requirements if id_prefix(r.req_id) in codes]
            removed = [r for r in p.removed if id_prefix(r.req_id) in codes or (n == 0 and id_prefix(r.req_id) is None)]
            if not reqs and not removed:
                continue
            parts.append(dataclasses.replace(
                p, requirements=reqs, removed=removed, problems=p.problems if n == 0 else [],
                skipped_sheets=p.skipped_sheets if n == 0 else [], stripped_chars=p.stripped_chars if n == 0 else 0))
        out.append((op, dataclasses.replace(plan, parsed=combine(parts), lists=parts)))
    return out


def _operations(session: Session, parsed: ParsedList, operation: str | None) -> list[Operation]:
    """Several operations when every ID is a 7-digit ID of an operation and those operations share one spec
    document; otherwise the one operation of :func:`_resolve_operation` (which refuses unrelated ones)."""
    if operation or parsed.info is not None:
        return [_resolve_operation(session, parsed, operation)]
    owner = {c: op for op in operations.list_operations(session=session) for c in op.all_codes()}
    prefixes = {id_prefix(r.req_id) for r in parsed.requirements}
    found = {owner[p].code: owner[p] for p in prefixes if p in owner}
    documents = {op.spec_document for op in found.values()}
    if len(found) > 1 and len(documents) == 1 and all(p in owner for p in prefixes):
        return [found[c] for c in sorted(found)]
    return [_resolve_operation(session, parsed, operation)]


def _check_rows(plan: _Plan, parsed: ParsedList) -> None:
    """Refuse the files about to be imported when rows cannot be read (a file already imported is not read
    again, so its rows, skipped then, do not matter)."""
    if parsed.problems and not plan.skip_bad_rows:
        raise _problems_error(parsed)


def _summaries(lists: Sequence[ParsedList], known: set[str]) -> list[FileSummary]:
    out = []
    for p in lists:
        sheets: dict[str, list[int]] = {}
        for r in p.requirements:
            sheets.setdefault(r.source_sheet or "", [0, 0])[r.kind is RequirementKind.FORM] += 1
        forms = sum(n[1] for n in sheets.values())
        out.append(FileSummary(p.source.name, len(p.requirements) - forms, forms, len(p.removed),
                               already_imported=p.sha256 in known,
                               sheets=[(name, f, r) for name, (f, r) in sheets.items()
                                       if name and p.source.suffix.lower() in (".xlsx", ".xlsm")]))
    return out


def _replacing(old_reqs: Sequence[Any], new_reqs: Sequence[RequirementRecord],
               assessments: dict[tuple[str, str], Any]) -> tuple[int, int] | None:
    """(shared IDs, IDs of the smaller list) when the list and the current version share less than a tenth of
    the IDs of the smaller of the two (a wrong file or operation shares none; a version that grew from 9 to
    3,000 requirements is not one) and someone (not the demo) has assessed a requirement of that version;
    else None."""
    new_ids, old_ids = {r.req_id for r in new_reqs}, {r.req_id for r in old_reqs}
    shared, smaller = len(new_ids & old_ids), min(len(new_ids), len(old_ids))
    if not smaller or shared * 10 >= smaller:
        return None
    from fitgap.services.demo import DEMO_USER  # the demo's own assessments are nobody's work

    assessed = any(
        (a := assessments.get((r.kind, r.req_id))) is not None and not a.archived and a.assessed_by != DEMO_USER
        and (a.status != Status.UNCHECKED or (a.note or "").strip() or a.disposition is not None)
        for r in old_reqs)
    return (shared, smaller) if assessed else None


def _replace_refused(report: ImportReport) -> InvalidInputError:
    return InvalidInputError(
        f"{report.operation_code} {report.operation_name}: この一覧は現在の版 {report.previous_label} と共通の ID が "
        f"{report.shared_ids:,} 件だけです（少ない方の {report.list_ids:,} 件の1割未満）。取り込むと要件 "
        f"{report.counts[Change.REMOVED]:,} 件が現在の版から外れ、確認結果 {report.carried('archive'):,} 件を保管"
        "（アーカイブ）します。何も取り込みませんでした。",
        "業務とファイルを確かめてください。この一覧で置き換えるなら --replace を付けて取り込んでください"
        "（作業画面では確認の後の「置き換えて取り込む」）。")


def _run(session: Session, plan: _Plan, op: Operation, user: str, now: datetime | None, *, dry_run: bool,
         progress: Progress | None) -> ImportReport:
    parsed = plan.parsed
    versions = specs.list_versions(session=session, operation_code=op.code)
    known = specs.sources_by_sha(session=session, operation_code=op.code)
    if plan.adding:
        return _run_add(session, plan, op, versions, known, user, now, dry_run=dry_run, progress=progress)
    current = versions[-1] if versions else None
    same_label = next((v for v in versions if v.label == plan.label), None)
    hits = [known[p.sha256][0] for p in plan.lists if p.sha256 in known]
    same_file: SpecVersion | None = None
    if hits and len(hits) == len(plan.lists) and len({v.id for v in hits}) == 1:
        same_file = hits[0]
    elif hits:
        v = hits[0]
        raise InvalidInputError(
            f"{'、'.join(p.source.name for p in plan.lists if p.sha256 in known)} はすでに {op.name} の {v.label} として"
            "取り込まれています。",
            f"残りのファイルをその版に加えるなら --add-to-version {v.label} を付けて、そのファイルだけを指定してください。",
        )
    if same_file is None and same_label is not None:
        # the same list again (e.g. re-saved, or the bundled list itself): nothing to do
        existing = spec_carry.version_requirements(session=session, spec_version_id=same_label.id or 0)
        if diff_versions(existing, parsed.requirements).is_empty:
            same_file = same_label
    if same_file is None and same_label is not None:
        raise InvalidInputError(
            f"{op.name} の {plan.label} はすでに取り込まれています (内容の違うファイルです)。",
            f"新しい版なら --version で別の版名を、同じ版の別のファイルなら --add-to-version {plan.label} を指定してください。",
        )
    if same_file is None:
        _check_rows(plan, parsed)
    newer = [v for v in versions if is_newer(v.published_on, v.label, plan.published, plan.label)]
    historical = bool(newer) and same_file is None
    previous = current
    if historical:
        # compared with the version published just before it, for the summary; nothing is carried
        older = [v for v in versions if v not in newer]
        previous = older[-1] if older else None
    old_reqs = spec_carry.version_requirements(session=session, spec_version_id=previous.id or 0) if previous else []
    diff = diff_versions(old_reqs, parsed.requirements)
    carry: list[CarryStep] = []
    replacing = None
    if not historical:
        assessments = spec_carry.assessments_by_key(session=session, operation_code=op.code)
        carry = plan_carry(diff, assessments, old_version_id=previous.id if previous else None)
        if previous is not None and same_file is None:
            replacing = _replacing(old_reqs, parsed.requirements, assessments)
    effective = plan.effective or (parsed.info.effective_on if parsed.info else None)
    report = ImportReport(
        source_file="、".join(p.source.name for p in plan.lists), operation_code=op.code, operation_name=op.name,
        version_label=same_file.label if same_file else plan.label, previous_label=previous.label if previous else None,
        requirements=len(parsed.requirements), counts=diff.counts(), diff=diff, carry=carry,
        problems=parsed.problems, skipped_sheets=parsed.skipped_sheets, dry_run=dry_run,
        already_imported=same_file is not None, files=_summaries(plan.lists, set(known)),
        removed_rows=parsed.removed, published_on=plan.published, historical=historical,
        current_label=current.label if historical and current else None,
        stripped_chars=parsed.stripped_chars,
        undated=plan.published is None and same_file is None and any(v.published_on for v in versions),
        effective_on=same_file.effective_on if same_file else effective, replacing=replacing is not None,
        shared_ids=replacing[0] if replacing else 0, list_ids=replacing[1] if replacing else 0,
    )
    if dry_run or same_file is not None:
        return report
    if replacing is not None and not plan.replace:
        raise _replace_refused(report)
    if progress:
        progress("書き込み", len(parsed.requirements))
    at = now or datetime.now(UTC)
    _write(session, op, plan, user, at, previous, report, before=newer[0] if historical else None)
    report.written = True
    return report


def _run_add(session: Session, plan: _Plan, op: Operation, versions: list[SpecVersion],
             known: dict[str, tuple[SpecVersion, Any]], user: str, now: datetime | None, *, dry_run: bool,
             progress: Progress | None) -> ImportReport:
    target = next((v for v in versions if v.label == plan.label), None)
    if target is None:
        have = "、".join(v.label for v in versions) or "(なし)"
        raise InvalidInputError(f"{op.name} に {plan.label} の版はありません (取り込み済みの版: {have})。",
                                "--add-to-version には取り込み済みの版名を指定してください。")
    elsewhere = [p.source.name for p in plan.lists if p.sha256 in known and known[p.sha256][0].id != target.id]
    if elsewhere:
        v = next(known[p.sha256][0] for p in plan.lists if p.source.name == elsewhere[0])
        raise InvalidInputError(f"{'、'.join(elsewhere)} はすでに {v.label} として取り込まれています。",
                                "ファイルと版を確かめてください。")
    new_lists = [p for p in plan.lists if p.sha256 not in known]
    parsed = combine(new_lists) if new_lists else ParsedList(plan.lists[0].source, [], [])
    _check_rows(plan, parsed)
    is_current = target.id == versions[-1].id
    existing = spec_carry.version_requirements(session=session, spec_version_id=target.id or 0)
    have_keys = {(r.kind, r.req_id): r for r in existing}
    clashes = [r for r in parsed.requirements if r.key in have_keys]
    if clashes:
        shown = "、".join(r.label for r in clashes[:10]) + (f" 他{len(clashes) - 10}件" if len(clashes) > 10 else "")
        first = have_keys[clashes[0].key]
        raise InvalidInputError(
            f"{'、'.join(p.source.name for p in new_lists)} の {len(clashes)} 件は {plan.label} にすでにあります: {shown}"
            f"（例: {clashes[0].label} は {first.source_file} {first.source_sheet} {first.source_row}行目）。何も取り込みませんでした。",
            "別の版のファイルでないか、同じファイルを二度加えていないか確かめてください。",
        )
    idx = versions.index(target)
    previous = versions[idx - 1] if idx > 0 else None
    old_reqs = spec_carry.version_requirements(session=session, spec_version_id=previous.id or 0) if previous else []
    added_diff = diff_versions(old_reqs, parsed.requirements)
    added_diff.items = [i for i in added_diff.items if i.change is not Change.REMOVED]
    carry: list[CarryStep] = []
    if is_current and parsed.requirements:
        whole = diff_versions(old_reqs, [*existing, *parsed.requirements])
        assessments = spec_carry.assessments_by_key(session=session, operation_code=op.code)
        carry = plan_carry(whole, assessments, old_version_id=previous.id if previous else None)
    report = ImportReport(
        source_file="、".join(p.source.name for p in plan.lists), operation_code=op.code, operation_name=op.name,
        version_label=target.label, previous_label=previous.label if previous else None,
        requirements=len(parsed.requirements), counts=added_diff.counts(), diff=added_diff, carry=carry,
        problems=parsed.problems, skipped_sheets=parsed.skipped_sheets, dry_run=dry_run,
        already_imported=not new_lists, files=_summaries(plan.lists, set(known)), removed_rows=parsed.removed,
        published_on=target.published_on, effective_on=target.effective_on, historical=not is_current,
        current_label=versions[-1].label if not is_current else None, added_to=target.label,
    )
    if dry_run or not new_lists:
        return report
    if progress:
        progress("書き込み", len(parsed.requirements))
    at = now or datetime.now(UTC)
    vid = target.id or 0
    specs.insert_records(session=session, records=parsed.requirements, spec_version_id=vid, operation_code=op.code,
                         current=is_current, first_order=specs.max_doc_order(session=session, spec_version_id=vid) + 1)
    _add_sources(session, new_lists, vid, user, at)
    spec_carry.update_assessments(session=session, rows=[s.row() for s in carry])
    _audit(session, op, plan.label, new_lists, user, at, previous, report, action="spec.add_files")
    report.written = True
    return report


def _add_sources(session: Session, lists: Sequence[ParsedList], version_id: int, user: str, at: datetime) -> None:
    for p in lists:
        specs.add_source(session=session, spec_version_id=version_id, file_name=p.source.name, sha256=p.sha256,
                         requirements=len(p.requirements), removed_rows=len(p.removed), imported_at=at,
                         imported_by=user)


def _write(session: Session, op: Operation, plan: _Plan, user: str, at: datetime, previous: SpecVersion | None,
           report: ImportReport, *, before: SpecVersion | None) -> None:
    parsed = plan.parsed
    title = parsed.info.title if parsed.info and parsed.info.title else op.spec_document
    spec = specs.get_or_create_spec(session=session, operation_code=op.code, title=title)
    info = SpecVersionInfo(
        operation_code=op.code, label=plan.label, title=title, published_on=plan.published,
        effective_on=report.effective_on,
    )
    version = specs.add_version(session=session, spec=spec, info=info, imported_at=at, imported_by=user,
                                source_file=plan.lists[0].source.name, source_sha256=plan.lists[0].sha256,
                                before_seq=before.seq if before is not None else None)
    vid = version.id or 0
    specs.insert_records(session=session, records=parsed.requirements, spec_version_id=vid, operation_code=op.code,
                         current=before is None)
    _add_sources(session, plan.lists, vid, user, at)
    if before is None:
        spec_carry.retire_other_versions(session=session, operation_code=op.code, spec_version_id=vid)
        spec_carry.update_assessments(session=session, rows=[s.row() for s in report.carry])
    _audit(session, op, plan.label, plan.lists, user, at, previous, report,
           action="spec.import_history" if before is not None else "spec.import")


def _audit(session: Session, op: Operation, label: str, lists: Sequence[ParsedList], user: str, at: datetime,
           previous: SpecVersion | None, report: ImportReport, *, action: str) -> None:
    batch = audit.new_batch()
    summary = " ".join(f"{c.value}{n}" for c, n in report.counts.items())
    files = "、".join(p.source.name for p in lists)
    events = [_event(at, user, batch, action, "spec_version", f"{op.code}:{label}", None,
                     previous.label if previous else None, f"{files} {summary}")]
    for s in report.carry:
        key = f"{op.code}:{s.kind}:{s.req_id}"
        if s.reason == "review":
            events.append(_event(at, user, batch, "spec.import.review", "assessment", key, "needs_review", False, True))
        else:
            events.append(_event(at, user, batch, f"spec.import.{s.reason}", "assessment", key, "archived",
                                 s.old_archived, s.archived))
            if s.needs_review != s.old_needs_review:
                events.append(_event(at, user, batch, f"spec.import.{s.reason}", "assessment", key, "needs_review",
                                     s.old_needs_review, s.needs_review))
    audit.record_many(session=session, rows=events)


def _event(at: datetime, user: str, batch: str, action: str, entity: str, key: str, field_: str | None,
           old: object, new: object) -> dict[str, object]:
    return {"at": at, "user": user, "batch": batch, "action": action, "entity": entity, "entity_key": key,
            "field": field_, "old_value": None if old is None else str(old),
            "new_value": None if new is None else str(new)}
