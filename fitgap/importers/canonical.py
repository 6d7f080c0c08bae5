"""The canonical requirement file format fitgap ships and can read back (see standard_specs/README.md).

A list is two files side by side: ``NAME.csv`` (UTF-8, one requirement per row) and ``NAME.toml``
(operation, version label, dates, source and credit line).
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fitgap.domain.enums import Kubun, RequirementKind
from fitgap.domain.records import Problem, RequirementRecord, SpecVersionInfo
from fitgap.domain.req_ids import check_requirement_id
from fitgap.errors import InvalidInputError

COLUMNS = (
    "req_id",
    "kind",
    "kubun",
    "transitional",
    "category",
    "name",
    "text",
    "reason",
    "remarks",
    "source_file",
    "source_sheet",
    "source_row",
)


@dataclass(frozen=True)
class CanonicalList:
    info: SpecVersionInfo
    requirements: list[RequirementRecord]
    problems: list[Problem]
    csv_path: Path


def _date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def read_info(toml_path: Path) -> SpecVersionInfo:
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        return SpecVersionInfo(
            operation_code=str(data["operation"]),
            label=str(data["version"]),
            title=data.get("title", ""),
            published_on=_date(data.get("published")),
            effective_on=_date(data.get("effective")),
            source=data.get("source", ""),
            credit=data.get("credit", ""),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, ValueError) as exc:
        raise InvalidInputError(
            f"{toml_path} を読めません: {exc}",
            "standard_specs/README.md の形式（operation, version は必須）に合わせてください。",
        ) from exc


def read_canonical(csv_path: Path) -> CanonicalList:
    """Read NAME.csv with its NAME.toml; every unreadable row is reported, none silently dropped."""
    info = read_info(csv_path.with_suffix(".toml"))
    problems: list[Problem] = []
    records: list[RequirementRecord] = []
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("req_id", "kubun", "name", "text") if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInputError(
                f"{csv_path.name} に列 {', '.join(missing)} がありません。",
                f"1行目は {','.join(COLUMNS)} にしてください。",
            )
        for rowno, row in enumerate(reader, start=2):
            checked = check_requirement_id(row.get("req_id"))
            req_id = checked.req_id
            kubun = Kubun.parse(row.get("kubun"))
            if not req_id:
                problems.append(Problem("要件IDがありません", "req_id を入れてください", row=rowno))
                continue
            if checked.problem:
                problems.append(Problem(checked.problem, "req_id を直してください", row=rowno))
                continue
            if kubun is None:
                problems.append(Problem(f"実装区分 {row.get('kubun')!r} が読めません", "実装必須機能/標準オプション機能/実装不可機能", row=rowno))
                continue
            kind_raw = (row.get("kind") or "機能").strip()
            kind = RequirementKind.FORM if kind_raw in ("帳票", "form") else RequirementKind.FUNCTION
            src_row = (row.get("source_row") or "").strip()
            records.append(
                RequirementRecord(
                    req_id=req_id,
                    kubun=kubun,
                    name=row.get("name") or "",
                    text=row.get("text") or "",
                    kind=kind,
                    transitional=(row.get("transitional") or "").strip() in ("1", "true", "True", "経過措置"),
                    category=row.get("category") or "",
                    reason=row.get("reason") or "",
                    remarks=row.get("remarks") or "",
                    source_file=row.get("source_file") or csv_path.name,
                    source_sheet=row.get("source_sheet") or None,
                    source_row=int(src_row) if src_row.isdigit() else rowno,
                )
            )
    return CanonicalList(info=info, requirements=records, problems=problems, csv_path=csv_path)


def write_canonical(csv_path: Path, info: SpecVersionInfo, records: list[RequirementRecord]) -> None:
    """Write a list in the canonical format (CSV + TOML sidecar)."""
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in records:
            w.writerow(
                [r.req_id, r.kind.value, r.kubun.value, int(r.transitional), r.category, r.name, r.text,
                 r.reason, r.remarks, r.source_file or "", r.source_sheet or "", r.source_row or ""]
            )
    lines = [
        f'operation = "{info.operation_code}"',
        f'version = "{info.label}"',
        f'title = "{info.title}"',
    ]
    if info.published_on:
        lines.append(f"published = {info.published_on.isoformat()}")
    if info.effective_on:
        lines.append(f"effective = {info.effective_on.isoformat()}")
    lines += [f'source = "{info.source}"', f'credit = "{info.credit}"']
    csv_path.with_suffix(".toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def bundled_lists(folder: Path) -> list[Path]:
    """The canonical lists shipped in a folder (every NAME.csv that has a NAME.toml)."""
    return sorted(p for p in folder.glob("*.csv") if p.with_suffix(".toml").exists())
