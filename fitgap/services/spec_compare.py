"""``fitgap spec-diff``: what changed between two versions of an operation's spec."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fitgap.domain.models import SpecVersion
from fitgap.domain.spec_diff import SpecDiff, diff_versions
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.reports.spec_diff import DiffSheetData, write_spec_diff_workbook
from fitgap.services.catalog import operation_by_code_or_name
from fitgap.storage import spec_carry, specs
from fitgap.storage.db import Database


@dataclass
class SpecDiffView:
    operation_code: str
    operation_name: str
    from_label: str
    to_label: str
    diff: SpecDiff
    # every version of the operation in order (the last is the current one): label, 公開日, 適用日
    versions: list[tuple[str, date | None, date | None]] = field(default_factory=list)


def _pick(versions: list[SpecVersion], label: str | None, *, default: SpecVersion, op_name: str) -> SpecVersion:
    if label is None:
        return default
    for v in versions:
        if v.label == label:
            return v
    known = "、".join(v.label for v in versions)
    raise NotFoundError(f"{op_name} に版 {label!r} はありません。", f"取り込み済みの版: {known}")


def compare_versions(
    *, db: Database, operation: str, from_label: str | None = None, to_label: str | None = None
) -> SpecDiffView:
    """Diff two versions; by default the current one against the one before it."""
    with db.read() as session:
        op = operation_by_code_or_name(session=session, key=operation)
        versions = specs.list_versions(session=session, operation_code=op.code)
        if len(versions) < 2 and not (from_label and to_label):
            have = "、".join(v.label for v in versions) or "なし"
            raise InvalidInputError(
                f"{op.name} の版が2つ以上ないため比較できません (取り込み済み: {have})。",
                "新しい版を fitgap import-spec で取り込んでから比較してください。",
            )
        to_v = _pick(versions, to_label, default=versions[-1], op_name=op.name)
        earlier = [v for v in versions if v.seq < to_v.seq]
        if from_label is None and not earlier:
            raise InvalidInputError(f"{to_v.label} より前の版がありません。", "--from で比較元の版を指定してください。")
        from_v = _pick(versions, from_label, default=earlier[-1] if earlier else versions[0], op_name=op.name)
        old = spec_carry.version_requirements(session=session, spec_version_id=from_v.id or 0)
        new = spec_carry.version_requirements(session=session, spec_version_id=to_v.id or 0)
        return SpecDiffView(op.code, op.name, from_v.label, to_v.label, diff_versions(old, new),
                            [(v.label, v.published_on, v.effective_on) for v in versions])


def export_spec_diff(*, view: SpecDiffView, path: Path) -> Path:
    data = DiffSheetData(
        operation=f"{view.operation_code} {view.operation_name}",
        from_label=view.from_label,
        to_label=view.to_label,
        diff=view.diff,
    )
    return write_spec_diff_workbook(data, path)
