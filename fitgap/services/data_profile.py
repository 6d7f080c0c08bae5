"""データ要件, profiling an extract of the current data: counts per item, never a record.

:func:`profile_extract` streams the extract (``importers.data_extract``), matches its columns to the current
items (``domain.data_profile.match_columns``), counts each item's values (``ItemProfiler``) and then, in one
write transaction, replaces each matched item's :class:`~fitgap.domain.models.DataProfile` and records one
audit event with the counts. What is stored is counts, the extract's file name and column names, and the
外字候補 characters with their counts — no record and no other value; a value outside the code mapping is
counted, never kept. Nothing is written when the extract cannot be read to its end.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path

from sqlmodel import Session

from fitgap.domain import data_items as d
from fitgap.domain.data_profile import (
    ColumnMatch,
    ItemProfiler,
    ProfileCounts,
    UnmatchedColumn,
    allows_unknown_date,
    header_key,
    match_columns,
)
from fitgap.domain.models import DataItem
from fitgap.errors import InvalidInputError
from fitgap.importers.data_extract import open_extract, read_column_map
from fitgap.storage import audit
from fitgap.storage import data_items as store
from fitgap.storage.data_profile import replace_profiles
from fitgap.storage.db import Database

ENTITY = "data_profile"


@dataclass(frozen=True)
class ItemProfile:
    item_id: str
    name: str
    column: str  # the extract's column read for it
    how: str  # how the column was matched: データ項目ID, データ項目, ローマ字, 対応表
    data_type: str
    length: str
    condition: str
    required: bool  # データ出力条件 必須: every record must have a value, so an empty one is a gap
    code_check: str  # what values were checked against: 対応表 (the current codes mapped), 標準コード, or ""
    counts: ProfileCounts

    @property
    def gaiji(self) -> list[tuple[str, int]]:
        """外字候補, most frequent first."""
        return sorted(self.counts.gaiji.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass
class ProfileResult:
    file: str
    encoding: str
    rows: int = 0
    ragged_rows: int = 0  # records with more or fewer fields than the header
    items: list[ItemProfile] = field(default_factory=list)
    unmatched: list[UnmatchedColumn] = field(default_factory=list)
    unused_mapping: list[str] = field(default_factory=list)  # mapping-file columns the extract does not have
    replaced: int = 0  # earlier profiles replaced


def _required(i: DataItem) -> bool:
    return i.condition == d.OutputCondition.REQUIRED


def profile_extract(*, db: Database, user: str, path: Path, mapping: Path | None = None,
                    operation_code: str | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ProfileResult:
    """Profile an extract of the current data against the current items (of one operation, or all)."""
    colmap = read_column_map(mapping) if mapping is not None else None
    with open_extract(path) as ex:
        with db.read() as session:  # what the columns are checked against, read before the extract is
            items = store.current_items(session, operation_code)
            if not items:
                if operation_code:
                    raise InvalidInputError(
                        f"業務 {operation_code} の基本データリストが取り込まれていません。何も変更していません。",
                        "fitgap data status で業務コードを確かめるか、fitgap data import で項目定義書を取り込んでください。")
                raise InvalidInputError("基本データリストがまだ取り込まれていません。何も変更していません。",
                                        "fitgap data import FILE で項目定義書を取り込んでから、プロファイルしてください。")
            by_id = {i.item_id: i for i in items}
            if colmap is not None:
                unknown = sorted({iid for iid in colmap.columns.values() if iid not in by_id})
                if unknown:
                    where = f"業務 {operation_code} の" if operation_code else ""
                    raise InvalidInputError(
                        f"対応表 {colmap.path.name} のデータ項目ID {'、'.join(unknown[:10])}"
                        f"{' ほか' if len(unknown) > 10 else ''} は{where}現行の基本データリストにありません。"
                        "何も変更していません。", "fitgap data list で 8桁のデータ項目ID を確かめてください。")
            matches, unmatched = match_columns(ex.header, items, colmap.columns if colmap else None)
            result = ProfileResult(file=path.name, encoding=ex.encoding_label, unmatched=unmatched)
            if colmap is not None:
                present = {header_key(h) for h in ex.header}
                result.unused_mapping = [c for c in colmap.columns if header_key(c) not in present]
            if not matches:
                shown = "、".join(f"「{u.header}」" for u in unmatched[:8] if u.header.strip())
                raise InvalidInputError(
                    f"{path.name} の列がどのデータ項目にも対応しません（見出し: {shown or 'なし'}"
                    f"{' ほか' if len(unmatched) > 8 else ''}）。何も変更していません。",
                    "見出しを 8桁のデータ項目ID かデータ項目名（ローマ字も可）にするか、--map で「列名,データ項目ID」の"
                    "対応表（CSV か TOML）を指定してください。")
            profilers = [(m, _profiler(session, by_id[m.item_id])) for m in matches]
        columns = [(itemgetter(m.index), prof.add) for m, (prof, _check) in profilers]
        for batch in ex.batches(progress=progress):
            for get, add in columns:
                add(map(get, batch))
        result.rows, result.ragged_rows = ex.rows, ex.ragged
    result.items = [_item_profile(by_id[m.item_id], m, prof, check) for m, (prof, check) in profilers]
    now = datetime.now(UTC)
    rows = [{"item_id": p.item_id, "operation_code": by_id[p.item_id].operation_code, "source_file": path.name,
             "column": p.column, "profiled_at": now, "profiled_by": user, "rows": p.counts.rows,
             "empty": p.counts.empty, "max_length": p.counts.max_length, "over_length": p.counts.over_length,
             "halfwidth_in_n": p.counts.halfwidth_in_n, "fullwidth_in_x": p.counts.fullwidth_in_x,
             "bad_dates": p.counts.bad_dates, "outside_codes": p.counts.outside_codes,
             "gaiji": json.dumps(dict(p.gaiji), ensure_ascii=False)} for p in result.items]
    with db.write() as session:
        result.replaced = replace_profiles(session, rows)
        summary = {"items": len(rows), "rows": result.rows, "empty": sum(p.counts.empty for p in result.items),
                   "over_length": sum(p.counts.over_length for p in result.items),
                   "bad_dates": sum(p.counts.bad_dates for p in result.items),
                   "outside_codes": sum(p.counts.outside_codes for p in result.items),
                   "gaiji_chars": len({ch for p in result.items for ch in p.counts.gaiji}),
                   "unmatched_columns": len(result.unmatched)}
        audit.record(session=session, user=user, at=now, batch=audit.new_batch(), action="data.profile",
                     entity=ENTITY, entity_key=path.name, field="counts", old=None,
                     new=json.dumps(summary, ensure_ascii=False))
    return result


def _profiler(session: Session, item: DataItem) -> tuple[ItemProfiler, str]:
    """A profiler for the item, with the codes its values are checked against: the current codes of its code
    mapping when it has one, else its standard code list (none for 999, 自治体固有コード)."""
    codes: list[str] | None = None
    check = ""
    if item.code_list:
        maps = store.code_maps(session, [item.item_id]).get(item.item_id, [])
        if maps:
            codes, check = [m.current_code for m in maps], "対応表"
        elif item.code_list != d.FREE_CODE_LIST:
            std = store.codes(session, [item.version_id]).get((item.version_id, item.code_list), [])
            if std:
                codes, check = [c.code for c in std], "標準コード"
    prof = ItemProfiler(data_type=item.data_type, length=item.length, codes=codes,
                        unknown_dates=allows_unknown_date(item.description))
    return prof, check


def _item_profile(item: DataItem, m: ColumnMatch, prof: ItemProfiler, check: str) -> ItemProfile:
    return ItemProfile(item_id=item.item_id, name=item.name, column=m.header, how=m.how, data_type=item.data_type,
                       length=item.length, condition=item.condition, required=_required(item), code_check=check,
                       counts=prof.counts)
