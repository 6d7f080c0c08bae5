"""A newer official list of 特定移行支援システム: ``fitgap deadline import-official FILE``.

デジタル庁 republishes 「特定移行支援システムの該当見込み一覧」; the bundled one is as of 2025-12. This reads
a newer one, finds this body's row, and for each operation records the list's flag and, unless its
deadline was set by hand, the deadline the flag gives (the same :func:`apply_official_flag` as init), then
records the list's date (shown as 「特定移行支援（公表一覧 2026-06）」). ``fitgap init`` leaves flags from
a newer list alone as long as the municipality is unchanged.

The whole list is read and checked before the database is opened for writing; anything that stops it
(not the layout, missing columns, the body not in the list, a date that cannot be told) is a FitGapError
and changes nothing. A dry run works out the same summary and writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from fitgap.config import bundled_dir
from fitgap.domain.enums import DeadlineKind
from fitgap.domain.models import Operation
from fitgap.domain.standing import PREFECTURE_KIND, DeadlineSource
from fitgap.errors import AmbiguousError, InvalidInputError, NotFoundError
from fitgap.importers.catalog import MunicipalityEntry, read_tokutei_columns
from fitgap.importers.official_list import OfficialList, OfficialRow, read_official_list
from fitgap.services.catalog import OFFICIAL_AS_OF, apply_official_flag, official_deadline, official_flags
from fitgap.storage import audit, operations
from fitgap.storage.db import Database
from fitgap.storage.overview import OFFICIAL_AS_OF_KEY

_AS_OF = re.compile(r"^(20\d{2})[-/.](\d{1,2})$")


@cache
def official_columns() -> tuple[str, ...]:
    """The operation columns of the official list, as the bundled list names them (20 operations, 共通機能)."""
    return read_tokutei_columns(bundled_dir("catalog"))


def parse_as_of(text: str) -> str:
    """--as-of: a year and month, YYYY-MM (2026-06; 2026/6 is accepted)."""
    m = _AS_OF.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InvalidInputError(f"--as-of {text!r} は年月（YYYY-MM）ではありません。",
                                "一覧の時点を --as-of 2026-06 のように指定してください。")
    return f"{m.group(1)}-{int(m.group(2)):02d}"


@dataclass(frozen=True)
class OperationChange:
    """One operation as the list leaves it: its flag and its deadline before and after."""

    code: str
    name: str
    flag_before: bool
    flag_after: bool
    deadline_before: date
    deadline_after: date
    kind_before: DeadlineKind
    kind_after: DeadlineKind
    manual: bool  # the deadline was set by hand: kept as it is, whatever the flag
    source_before: DeadlineSource = DeadlineSource.DEFAULT
    source_after: DeadlineSource = DeadlineSource.DEFAULT

    @property
    def flag_changed(self) -> bool:
        return self.flag_before != self.flag_after

    @property
    def deadline_changed(self) -> bool:
        return ((self.deadline_before, self.kind_before, self.source_before)
                != (self.deadline_after, self.kind_after, self.source_after))

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code}）"


@dataclass
class OfficialImport:
    file: str
    as_of: str  # YYYY-MM
    as_of_from: str  # 「--as-of」, 「令和8年6月末時点」 or the file name
    previous_as_of: str  # the list the flags came from before ("" when none was recorded)
    body: str  # the row matched: 「北海道 札幌市（011002）」
    matched_by: str  # 「団体コードで照合、12行目」
    bodies: int  # rows in the list
    operations: list[OperationChange] = field(default_factory=list)
    scope_changed: list[str] = field(default_factory=list)  # a prefecture: operations now run / no longer run
    dry_run: bool = False
    absent: bool = False  # the body is not in the list and --absent-as-none took it as flagging nothing

    @property
    def changed(self) -> list[OperationChange]:
        """Operations whose flag or deadline changes (a hand-set deadline only by its flag)."""
        return [c for c in self.operations if not c.manual and (c.flag_changed or c.deadline_changed)]

    @property
    def manual(self) -> list[OperationChange]:
        return [c for c in self.operations if c.manual]

    @property
    def unchanged(self) -> int:
        return sum(1 for c in self.operations if not c.manual and not c.flag_changed and not c.deadline_changed)

    @property
    def flagged(self) -> list[str]:
        return [c.name for c in self.operations if c.flag_after]

    @property
    def any_change(self) -> bool:
        return bool(self.changed or self.scope_changed or any(c.flag_changed for c in self.manual)
                    or self.as_of != self.previous_as_of)


def _body_row(lst: OfficialList, entry: MunicipalityEntry, *, absent_as_none: bool) -> tuple[OfficialRow | None, str]:
    hits, how = lst.find(code=entry.code, prefecture=entry.prefecture, name=entry.name)
    if len(hits) > 1:
        raise AmbiguousError(
            f"{lst.file} に {entry.label} の行が {len(hits)} 行あります（{'、'.join(str(r.row) + '行目' for r in hits)}）。"
            "どれを使うか決められないため、読み込みを中止しました（データベースは変更していません）。",
            "公表された一覧をそのまま指定してください（行を複製・追加していないか確かめてください）。")
    if hits:
        row = hits[0]
        if row.unreadable:
            cells = "、".join(f"{c}「{v}」" for c, v in row.unreadable)
            raise InvalidInputError(
                f"{lst.file} の {row.row}行目（{entry.label}）に該当の印として読めないセルがあります: {cells}。"
                "データベースは変更していません。",
                "該当は ●・○・1・該当、該当なしは 空欄・0・- で書かれている必要があります。公表された一覧をそのまま指定してください。")
        return row, how
    if absent_as_none:
        return None, "一覧にない（該当なし）"
    by = f"団体コード {entry.code}" if entry.code else f"{entry.prefecture} {entry.name}"
    raise NotFoundError(
        f"{entry.label} は {lst.file} にありません（{by} で探しました。一覧は {len(lst.rows)} 団体）。"
        "データベースは変更していません。",
        "別の団体の一覧や一部だけの一覧でないか確かめてください。公表一覧には該当のある団体だけが載ります。"
        "該当がなくなったため載っていないのなら --absent-as-none を付けると、すべての業務を該当なしとして取り込みます。")


def _resolve_as_of(lst: OfficialList, as_of: str | None) -> tuple[str, str]:
    if as_of:
        return parse_as_of(as_of), "--as-of"
    if lst.as_of:
        return lst.as_of, lst.as_of_text
    raise InvalidInputError(
        f"{lst.file} の時点（何年何月の一覧か）がファイル名からも表題（「令和8年6月末時点」など）からも分かりません。"
        "データベースは変更していません。",
        "一覧の時点を --as-of 2026-06 のように指定してください。")


def import_official_list(*, db: Database, user: str, path: Path, as_of: str | None = None, dry_run: bool = False,
                         absent_as_none: bool = False) -> OfficialImport:
    """Read a newer official list and update this body's flags and the deadlines they give (see the module)."""
    wanted = parse_as_of(as_of) if as_of else None  # a bad --as-of is refused before the file is read
    lst = read_official_list(path, columns=official_columns())
    when, when_from = _resolve_as_of(lst, wanted)
    with (db.read() if dry_run else db.write()) as session:
        muni = operations.get_municipality(session=session)
        if muni is None:
            raise InvalidInputError("団体が設定されていません。公表一覧のどの行を使うか決められません。データベースは変更していません。",
                                    "先に fitgap init --municipality 団体名（または --code 団体コード）で団体を設定してください。")
        here = MunicipalityEntry(muni.prefecture, muni.name, muni.code, muni.kind)
        row, how = _body_row(lst, here, absent_as_none=absent_as_none)
        entry = MunicipalityEntry(muni.prefecture, muni.name, muni.code, muni.kind,
                                  row.flags if row is not None else frozenset())
        ops = operations.list_operations(session=session)
        scope, flags = official_flags(entry, ops)
        result = OfficialImport(
            file=lst.file, as_of=when, as_of_from=when_from,
            previous_as_of=operations.get_setting(session=session, key=OFFICIAL_AS_OF_KEY),
            body=here.label, matched_by=f"{how}で照合、{row.row}行目" if row is not None else how, bodies=len(lst.rows),
            operations=[_change(op, flags[op.code]) for op in ops], dry_run=dry_run, absent=row is None,
            scope_changed=[f"{op.name}（{'対象' if op.code in scope else '対象外'}に）" for op in ops
                           if op.in_scope != (op.code in scope)] if muni.kind == PREFECTURE_KIND else [])
        if dry_run or not result.any_change:
            return result  # nothing to write: not even an audit event
        now, batch = datetime.now(UTC), audit.new_batch()
        for op in ops:
            if muni.kind == PREFECTURE_KIND:
                operations.set_in_scope(session=session, code=op.code, in_scope=op.code in scope)
            apply_official_flag(session, op, flagged=flags[op.code], user=user, now=now, batch=batch,
                                action="official.deadline")
        operations.set_setting(session=session, key=OFFICIAL_AS_OF_KEY, value=when)
        audit.record(session=session, user=user, at=now, batch=batch, action="official.import", entity="setting",
                     entity_key=OFFICIAL_AS_OF_KEY, field="official_as_of", old=result.previous_as_of or None,
                     new=f"{when}（{lst.file}、{result.body}、変更 {len(result.changed)}業務）")
        return result


def _change(op: Operation, flagged: bool) -> OperationChange:
    manual = op.deadline_source == DeadlineSource.MANUAL
    deadline, kind, source = (op.deadline, op.deadline_kind, op.deadline_source) if manual else official_deadline(flagged)
    return OperationChange(op.code, op.name, op.tokutei_flag, flagged, op.deadline, deadline, op.deadline_kind, kind,
                           manual, op.deadline_source, source)


def _flag(on: bool) -> str:
    return "該当" if on else "該当なし"


def summary(result: OfficialImport) -> list[str]:
    """What the import did (or, in a dry run, would do), in the words the CLI and the workbench show."""
    lines = [f"公表一覧 {result.as_of} を読みました（{result.file}、{result.bodies:,}団体。時点: {result.as_of_from}）。"]
    if result.absent:
        lines.append(f"団体: {result.body} — 一覧にないため、すべての業務を該当なしとして取り込みます（--absent-as-none）。")
    else:
        lines.append(f"団体: {result.body}（{result.matched_by}）")
    if result.previous_as_of and result.as_of < result.previous_as_of:
        lines.append(f"注意: 記録済みの公表一覧（{result.previous_as_of}）より古い一覧です。")
    if result.changed:
        lines.append(f"変わった業務（{len(result.changed)}）:")
        for c in result.changed:
            what = [f"{_flag(c.flag_before)} → {_flag(c.flag_after)}"] if c.flag_changed else []
            if c.deadline_changed:
                what.append(f"期限 {c.deadline_before.isoformat()} → {c.deadline_after.isoformat()}（{c.kind_after.value}）")
            lines.append(f"  {c.label}: {'、'.join(what)}")
    else:
        lines.append("該当と期限が変わる業務はありません。")
    if result.manual:
        lines.append(f"手動で設定した期限はそのままです（{len(result.manual)}）:")
        for c in result.manual:
            flag = (f"公表一覧では {_flag(c.flag_before)} → {_flag(c.flag_after)}" if c.flag_changed
                    else f"公表一覧では {_flag(c.flag_after)}")
            lines.append(f"  {c.label}: 期限 {c.deadline_before.isoformat()}（{c.kind_before.value}・手動設定）のまま、{flag}")
    if result.scope_changed:
        lines.append(f"都道府県が担う業務の変更: {'、'.join(result.scope_changed)}")
    before = sum(1 for c in result.operations if c.flag_before)
    lines.append(f"業務 {len(result.operations)}件のうち、変わった {len(result.changed)}件、手動設定のため期限を変えない "
                 f"{len(result.manual)}件、変わらない {result.unchanged}件。該当 {len(result.flagged)}件（前回 {before}件）。")
    previous = result.previous_as_of or "記録なし"
    if result.previous_as_of == result.as_of:
        lines.append(f"公表一覧の時点: {result.as_of}（変わりません）")
    else:
        lines.append(f"公表一覧の時点: {previous} → {result.as_of}"
                     + (f"（fitgap init は同梱の {OFFICIAL_AS_OF} の一覧でこの該当を上書きしません）"
                        if result.as_of > OFFICIAL_AS_OF else ""))
    return lines
