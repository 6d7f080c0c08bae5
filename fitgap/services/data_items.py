"""データ要件: the data items of the 基本データリスト, item by item.

One row per item (:class:`DataRow`) carries everything a surface shows — the definition, the assessment,
what follows from the current type, the code coverage, the profile and the vendor's answer — and its
:class:`~fitgap.domain.data_items.DataVerdict`; the counts of every surface (`fitgap data status`,
`fitgap status`, the home screen, the readiness reports) come from :func:`counts_in` over those rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from fitgap.domain import data_items as d
from fitgap.domain.data_items import DataAnswer, DataCounts, DataVerdict, FieldMethod, Holding
from fitgap.domain.models import DataItem, DataListVersion, Operation, Requirement
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.importers.data_list import DataListFile, DataListProblem, read_data_list
from fitgap.storage import audit, data_overview
from fitgap.storage import data_items as store
from fitgap.storage.db import Database, session_rows

ENTITY = "data_item"
CODE_ENTITY = "data_code_map"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def audit_key(operation_code: str, item_id: str) -> str:
    return f"{operation_code}:データ:{item_id}"


# ---- one row per item ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DataRow:
    item_id: str
    operation_code: str
    name: str
    group_name: str
    primary_key: bool
    data_type: str
    length: str
    code_list: str
    condition: str
    condition_note: str
    output_required: bool
    function_ids: tuple[str, ...]
    holding: Holding | None
    method: FieldMethod | None
    current_fields: str
    current_type: str
    current_length: str
    note: str
    needs_review: bool
    revision: int
    assessed_by: str | None
    assessed_at: datetime | None
    findings: tuple[str, ...]
    mapped_codes: int
    unmapped_codes: int
    vendor_answer: DataAnswer | None
    vendor: str | None
    profiled: bool
    gaiji: tuple[tuple[str, int], ...]  # 外字候補 of the profile: (character, count), most frequent first
    required: bool
    verdict: DataVerdict

    @property
    def condition_text(self) -> str:
        """データ出力条件 as users read it: 条件付き必須 with its condition."""
        if self.condition == d.OutputCondition.CONDITIONAL and self.condition_note:
            return f"{self.condition}（{self.condition_note.splitlines()[0]}）"
        return self.condition

    @property
    def blocker_reason(self) -> str:
        return d.blocker_reason(holding=self.holding, vendor_answer=self.vendor_answer) \
            if self.verdict == DataVerdict.BLOCKER else ""


def rows_in(session: Session, operation_code: str | None = None,
            item_ids: Iterable[str] | None = None) -> list[DataRow]:
    ids = list(item_ids) if item_ids is not None else None
    items = store.current_items(session, operation_code, ids)
    keys = [i.item_id for i in items] if ids is not None else None
    marks = store.assessments(session, keys, operation_code if ids is None else None)
    maps = store.code_maps(session, keys)
    profiles = store.profiles(session, keys)
    answers = store.latest_answers(session, keys)
    lists = store.codes(session, {i.version_id for i in items})
    return [_row(i, marks.get(i.item_id), maps.get(i.item_id, []), profiles.get(i.item_id),
                 answers.get(i.item_id), lists) for i in items]


def _row(i: DataItem, a: Any, maps: list[Any], profile: Any, answer: Any,
         lists: Mapping[tuple[int, str], list[Any]]) -> DataRow:
    holding = Holding(a.holding) if a is not None and a.holding else None
    method = FieldMethod(a.method) if a is not None and a.method else None
    cur_type = a.current_type if a is not None else ""
    cur_len = a.current_length if a is not None else ""
    std_codes = [c.code for c in lists.get((i.version_id, i.code_list), [])]
    vendor_answer = DataAnswer(answer[0].answer) if answer is not None else None
    needs_review = bool(a is not None and a.needs_review)
    out = d.item_outcome(name=i.name, data_type=i.data_type, length=i.length, code_list=i.code_list,
                         condition=i.condition, output_required=i.output_required, holding=holding, method=method,
                         current_type=cur_type, current_length=cur_len, needs_review=needs_review,
                         mapping=[(m.current_code, m.standard_code) for m in maps], standard_codes=std_codes,
                         profiled=profile is not None, outside_codes=profile.outside_codes if profile is not None else 0,
                         gaiji_json=profile.gaiji if profile is not None else None, vendor_answer=vendor_answer)
    return DataRow(
        item_id=i.item_id, operation_code=i.operation_code, name=i.name, group_name=i.group_name,
        primary_key=i.primary_key, data_type=i.data_type, length=i.length, code_list=i.code_list,
        condition=i.condition, condition_note=i.condition_note, output_required=i.output_required,
        function_ids=tuple(f for f in i.function_ids.split(",") if f), holding=holding, method=method,
        current_fields=a.current_fields if a is not None else "", current_type=cur_type, current_length=cur_len,
        note=a.note if a is not None else "", needs_review=needs_review, revision=a.revision if a is not None else 0,
        assessed_by=a.assessed_by if a is not None else None, assessed_at=a.assessed_at if a is not None else None,
        findings=out.findings, mapped_codes=out.mapped_codes, unmapped_codes=out.unmapped_codes,
        vendor_answer=vendor_answer, vendor=answer[1] if answer is not None else None, profiled=profile is not None,
        gaiji=out.gaiji, required=out.required, verdict=out.verdict)


@dataclass(frozen=True)
class DataFilter:
    operation_code: str | None = None
    verdicts: frozenset[DataVerdict] = frozenset()
    holding: Holding | None = None
    unchecked: bool = False  # 保持状況 未確認 only
    required_only: bool = False
    group: str | None = None
    text: str = ""  # substring of the ID, name, group or current fields
    gaiji_only: bool = False

    def matches(self, row: DataRow) -> bool:
        if self.operation_code and row.operation_code != self.operation_code:
            return False
        if self.verdicts and row.verdict not in self.verdicts:
            return False
        if self.unchecked and row.holding is not None:
            return False
        if self.holding is not None and row.holding != self.holding:
            return False
        if self.required_only and not row.required:
            return False
        if self.group and row.group_name != self.group:
            return False
        if self.gaiji_only and not row.gaiji:
            return False
        if self.text:
            t = self.text.casefold()
            if not any(t in s.casefold() for s in (row.item_id, row.name, row.group_name, row.current_fields)):
                return False
        return True


def list_items(*, db: Database, flt: DataFilter = DataFilter()) -> list[DataRow]:
    with db.read() as session:
        return [r for r in rows_in(session, flt.operation_code) if flt.matches(r)]


# ---- counts: the one place every surface reads ------------------------------------------------------


def counts_in(session: Session) -> dict[str, DataCounts]:
    """Per operation with a list imported, in 政令順: the one count (storage.data_overview, plain SQL, which
    ``fitgap status`` also reads before SQLAlchemy is loaded; each item's outcome as in rows_in)."""
    return data_overview.counts_by_operation(session_rows(session))


def counts_by_operation(*, db: Database) -> dict[str, DataCounts]:
    with db.read() as session:
        return counts_in(session)


# ---- one item in full ---------------------------------------------------------------------------


@dataclass
class CodeLine:
    code: str
    meaning: str


@dataclass
class MapLine:
    current_code: str
    current_meaning: str
    standard_code: str
    standard_meaning: str
    mapped: bool


@dataclass
class DataDetail:
    row: DataRow
    item: DataItem
    version: str
    codes: list[CodeLine]  # the standard code list of the item
    code_list_name: str
    mapping: list[MapLine]
    profile: dict[str, Any] | None
    answers: list[tuple[str, str, str, str]]  # (vendor, answer, planned date, comment), oldest first
    functions: list[tuple[str, str]]  # (機能ID, 機能名) the item serves, where the current spec has it
    history: list[tuple[str, list[str]]]  # (version, changed fields) per version it changed in


def get_item(*, db: Database, item_id: str) -> DataDetail:
    iid = d.parse_item_id(item_id)
    with db.read() as session:
        rows = rows_in(session, item_ids=[iid] if iid else [])
        if not rows:
            raise NotFoundError(f"データ項目 {item_id} は現行の基本データリストにありません。",
                                "fitgap data list で 8桁のデータ項目ID を確かめてください。")
        row = rows[0]
        item = store.current_items(session, item_ids=[row.item_id])[0]
        version = session.get(DataListVersion, item.version_id)
        lst = store.codes(session, [item.version_id]).get((item.version_id, item.code_list), [])
        std = {c.code: c.meaning for c in lst}
        mapping = [MapLine(m.current_code, m.current_meaning, m.standard_code, std.get(m.standard_code, ""),
                           bool(m.standard_code) and (item.code_list == d.FREE_CODE_LIST or not std
                                                      or m.standard_code in std))
                   for m in store.code_maps(session, [row.item_id]).get(row.item_id, [])]
        p = store.profiles(session, [row.item_id]).get(row.item_id)
        profile = None if p is None else {
            "source_file": p.source_file, "column": p.column, "profiled_at": p.profiled_at, "rows": p.rows,
            "empty": p.empty, "max_length": p.max_length, "over_length": p.over_length,
            "halfwidth_in_n": p.halfwidth_in_n, "fullwidth_in_x": p.fullwidth_in_x, "bad_dates": p.bad_dates,
            "outside_codes": p.outside_codes, "gaiji": dict(row.gaiji)}
        answers = [(n, a.answer, a.planned_date.isoformat() if a.planned_date else "", a.comment)
                   for a, n in store.answer_history(session, row.item_id)]
        functions = _functions(session, row.function_ids)
        history: list[tuple[str, list[str]]] = []
        prev: DataItem | None = None
        for v, it in store.item_history(session, row.item_id):
            changed = [d.FIELD_LABELS[f] for f in d.DIFF_FIELDS if prev is not None
                       and getattr(prev, f) != getattr(it, f)]
            if prev is None or changed:
                history.append((v.label, changed or ["追加"]))
            prev = it
        return DataDetail(row=row, item=item, version=version.label if version else "",
                          codes=[CodeLine(c.code, c.meaning) for c in lst],
                          code_list_name=lst[0].list_name if lst else "", mapping=mapping, profile=profile,
                          answers=answers, functions=functions, history=history)


def _functions(session: Session, function_ids: Sequence[str]) -> list[tuple[str, str]]:
    if not function_ids:
        return []
    found = {r.req_id: r.name for r in session.exec(
        select(Requirement).where(Requirement.current == True, col(Requirement.req_id).in_(function_ids)))}  # noqa: E712
    return [(f, found.get(f, "（現行の標準仕様書にありません）")) for f in function_ids]


def items_for_function(*, db: Database, req_id: str) -> list[DataRow]:
    """The data items whose 標準仕様書関連箇所 names this 機能ID (a requirement's detail shows them)."""
    with db.read() as session:
        return items_for_function_in(session, req_id)


def items_for_function_in(session: Session, req_id: str) -> list[DataRow]:
    ids = [i.item_id for i in session.exec(select(DataItem).where(
        DataItem.current == True, col(DataItem.function_ids).contains(req_id)))]  # noqa: E712
    return [r for r in rows_in(session, item_ids=ids) if req_id in r.function_ids]


# ---- editing ------------------------------------------------------------------------------------


@dataclass
class DataConflict:
    item_id: str
    expected: int | None
    current: DataRow


@dataclass
class DataUpdateResult:
    batch: str | None = None
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[DataConflict] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


def _state(a: Any) -> dict[str, Any]:
    if a is None:
        return {"holding": None, "method": None, "current_fields": "", "current_type": "", "current_length": "",
                "note": ""}
    return {f: getattr(a, f) or (None if f in ("holding", "method") else "") for f in store.ASSESSMENT_FIELDS}


def normalise(field_name: str, value: Any) -> Any:
    """A typed value as it is stored; refuses what is not one of the words of the field."""
    if field_name in ("holding", "method"):
        enum_cls = Holding if field_name == "holding" else FieldMethod
        if value is None or str(value).strip() in ("", "未確認"):
            return None
        parsed = d.parse_label(enum_cls, value)
        if parsed is None:
            what = "保持状況" if field_name == "holding" else "移行方法"
            raise InvalidInputError(f"{what}「{value}」は使えません。", f"{d.labels(enum_cls)} のどれかを指定してください。")
        return parsed.value
    if field_name == "current_type":
        if value is None or not str(value).strip():
            return ""
        t = d.parse_type(value)
        if t is None:
            raise InvalidInputError(f"現行の型「{value}」が読めません。", f"{'、'.join(d.CURRENT_TYPES)} のどれかを指定してください。")
        return t
    if field_name == "current_length":
        if value is None or not str(value).strip():
            return ""
        n = d.parse_length(value)
        if n is None:
            raise InvalidInputError(f"現行の桁数「{value}」が読めません。", "文字数を数字で（小数付きは 5,2 のように）指定してください。")
        return d.length_text(n)
    return "" if value is None else str(value).strip()


def set_items(*, db: Database, user: str, item_ids: Sequence[str], values: Mapping[str, Any],
              expected_revisions: Mapping[str, int] | None = None, action: str = "data.update") -> DataUpdateResult:
    """Set fields of the assessment of one or more items in one transaction (one undoable batch)."""
    unknown = [k for k in values if k not in store.ASSESSMENT_FIELDS]
    if unknown or not values:
        raise InvalidInputError("変更する内容（保持状況、移行方法、現行項目、現行の型・桁数、メモ）が指定されていません。")
    want = {k: normalise(k, v) for k, v in values.items()}
    ids = _ids(item_ids)
    with db.write() as session:
        return _apply(session, user=user, action=action, targets={i: dict(want) for i in ids},
                      expected=expected_revisions, guards=None)


def _ids(item_ids: Iterable[str]) -> list[str]:
    out = []
    bad = []
    for raw in item_ids:
        iid = d.parse_item_id(raw)
        if iid is None:
            bad.append(str(raw))
        else:
            out.append(iid)
    if bad:
        raise InvalidInputError(f"データ項目ID「{'、'.join(bad[:5])}」が読めません（8桁: 業務コード3桁＋番号5桁）。変更していません。")
    return list(dict.fromkeys(out))


def _apply(session: Session, *, user: str, action: str, targets: Mapping[str, dict[str, Any]],
           expected: Mapping[str, int] | None, guards: Mapping[str, dict[str, Any]] | None) -> DataUpdateResult:
    result = DataUpdateResult(batch=audit.new_batch())
    items = {i.item_id: i for i in store.current_items(session, item_ids=list(targets))}
    missing = [k for k in targets if k not in items]
    if missing and guards is None:
        raise NotFoundError(f"データ項目 {'、'.join(missing[:5])} は現行の基本データリストにありません（{len(missing)}件）。"
                            "変更していません。", "fitgap data list で 8桁のデータ項目ID を確かめてください。")
    marks = store.assessments(session, list(targets))
    now = datetime.now(UTC)
    events = []
    for iid, want in targets.items():
        if iid not in items:
            continue
        a = marks.get(iid)
        cur = _state(a)
        rev = a.revision if a is not None else 0
        if expected is not None and iid in expected and expected[iid] != rev:
            result.conflicts.append(DataConflict(iid, expected[iid], rows_in(session, item_ids=[iid])[0]))
            continue
        if guards is not None and any(cur[n] != v for n, v in guards.get(iid, {}).items()):
            result.conflicts.append(DataConflict(iid, None, rows_in(session, item_ids=[iid])[0]))
            continue
        new = {**cur, **want}
        if new == cur and not (a is not None and a.needs_review and "holding" in want):
            result.unchanged.append(iid)
            continue
        item = items[iid]
        store.save_assessment(session, item_id=iid, operation_code=item.operation_code,
                              values={**new, "assessed_by": user, "assessed_at": now, "needs_review": False,
                                      "basis_hash": item.def_hash, "archived": False})
        for n in store.ASSESSMENT_FIELDS:
            if new[n] != cur[n]:
                events.append({"at": now, "user": user, "batch": result.batch, "action": action, "entity": ENTITY,
                               "entity_key": audit_key(item.operation_code, iid), "field": n,
                               "old_value": cur[n], "new_value": new[n]})
        result.changed.append(iid)
    audit.record_many(session=session, rows=events)
    if not result.changed:
        result.batch = None
    return result


def _revert(db: Database, *, user: str, batch: str, direction: str) -> DataUpdateResult:
    with db.write() as session:
        events = [e for e in audit.batch_events(session=session, batch=batch) if e.entity == ENTITY]
        if not events:
            raise NotFoundError("取り消す（やり直す）変更が見つかりません。", "画面を更新してください。")
        targets: dict[str, dict[str, Any]] = {}
        guards: dict[str, dict[str, Any]] = {}
        for e in events:
            iid = e.entity_key.rpartition(":")[2]
            to, expect = (e.old_value, e.new_value) if direction == "undo" else (e.new_value, e.old_value)
            f = e.field or ""
            targets.setdefault(iid, {})[f] = to if to is not None else (None if f in ("holding", "method") else "")
            guards.setdefault(iid, {})[f] = expect if expect is not None else (None if f in ("holding", "method") else "")
        return _apply(session, user=user, action=f"data.{direction}", targets=targets, expected=None, guards=guards)


def undo(*, db: Database, user: str, batch: str) -> DataUpdateResult:
    """Revert one batch, as a new batch. Items changed since by anyone are conflicts and stay as they are."""
    return _revert(db, user=user, batch=batch, direction="undo")


def redo(*, db: Database, user: str, batch: str) -> DataUpdateResult:
    return _revert(db, user=user, batch=batch, direction="redo")


def last_batch(*, db: Database, user: str) -> str | None:
    with db.read() as session:
        return audit.last_batch(session=session, user=user, entity=ENTITY,
                                actions=("data.update", "data.redo", "data.vendor"))


# ---- code mappings ------------------------------------------------------------------------------


@dataclass
class CodeMapResult:
    item_id: str
    set: list[tuple[str, str | None, str]] = field(default_factory=list)  # (current, before, after)
    removed: list[str] = field(default_factory=list)
    not_in_list: list[str] = field(default_factory=list)  # standard codes the list does not have (kept, counted)
    unmapped: int = 0  # after the change


def set_codes(*, db: Database, user: str, item_id: str, pairs: Sequence[tuple[str, str]] = (),
              meanings: Mapping[str, str] | None = None, remove: Sequence[str] = ()) -> CodeMapResult:
    """Map current codes of an item to standard codes (an empty standard code: seen, not mapped yet)."""
    iid = _ids([item_id])[0]
    with db.write() as session:
        items = store.current_items(session, item_ids=[iid])
        if not items:
            raise NotFoundError(f"データ項目 {iid} は現行の基本データリストにありません。",
                                "fitgap data list で 8桁のデータ項目ID を確かめてください。")
        item = items[0]
        if not item.code_list:
            raise InvalidInputError(f"データ項目 {iid}（{item.name}）にはコードがありません（コード欄が空）。変更していません。",
                                    "コード欄のある項目を指定してください（fitgap data list --codes）。")
        std = {c.code for c in store.codes(session, [item.version_id]).get((item.version_id, item.code_list), [])}
        result = CodeMapResult(iid)
        now = datetime.now(UTC)
        batch = audit.new_batch()
        key = audit_key(item.operation_code, iid)
        for current, target in pairs:
            current, target = current.strip(), target.strip()
            if not current:
                raise InvalidInputError("現行コードが空です。", "現行コード=標準コード の形で指定してください。")
            if target and std and item.code_list != d.FREE_CODE_LIST and target not in std:
                result.not_in_list.append(target)
            old, new = store.set_code_map(session, item_id=iid, operation_code=item.operation_code,
                                          current_code=current, standard_code=target,
                                          meaning=(meanings or {}).get(current), user=user, at=now)
            if old != new:
                result.set.append((current, old, new))
                audit.record(session=session, user=user, at=now, batch=batch, action="data.codes",
                             entity=CODE_ENTITY, entity_key=f"{key}:{current}", field="standard_code", old=old,
                             new=new)
        for current in remove:
            gone = store.drop_code_map(session, item_id=iid, current_code=current.strip())
            if gone is not None:
                result.removed.append(current.strip())
                audit.record(session=session, user=user, at=now, batch=batch, action="data.codes",
                             entity=CODE_ENTITY, entity_key=f"{key}:{current.strip()}", field="standard_code",
                             old=gone.standard_code, new=None)
        result.unmapped = rows_in(session, item_ids=[iid])[0].unmapped_codes
        return result


# ---- importing a 基本データリスト -----------------------------------------------------------------------


@dataclass
class ItemChange:
    item_id: str
    name: str
    fields: list[str]  # labels of the changed fields


@dataclass
class OperationImport:
    operation_code: str
    operation_name: str
    version: str
    previous: str | None
    items: int = 0
    codes: int = 0
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    carried: int = 0  # assessments kept as they were
    to_review: int = 0  # assessments marked 要再確認 (the definition changed)
    archived: int = 0  # assessments of removed items, kept aside
    already: str | None = None  # the same file(s) were imported as this version: nothing done


@dataclass
class DataImportResult:
    files: list[str]
    operations: list[OperationImport] = field(default_factory=list)
    problems: list[DataListProblem] = field(default_factory=list)
    dry_run: bool = False


class _DryRun(Exception):
    def __init__(self, result: DataImportResult) -> None:
        self.result = result


def import_lists(*, db: Database, user: str, paths: Sequence[Path], label: str | None = None,
                 dry_run: bool = False, demo: bool = False) -> DataImportResult:
    """Import one version of the 基本データリスト of each operation the files hold (several files of one
    version: several groups). Compares with the version before: items added, removed and changed; keeps
    assessments where the definition is the same and marks them 要再確認 where it changed."""
    files = [read_data_list(p) for p in paths]
    result = DataImportResult(files=[p.name for p in paths], dry_run=dry_run)
    for f in files:
        result.problems.extend(DataListProblem(f"{f.path.name} / {p.sheet}", p.row, p.message) for p in f.problems)
    try:
        with db.write() as session:
            _import_in(session, user=user, files=files, label=label, result=result, demo=demo)
            if dry_run:
                raise _DryRun(result)
    except _DryRun as dr:
        return dr.result
    return result


def _operation_of(session: Session) -> dict[str, Operation]:
    out = {}
    for op in session.exec(select(Operation)):
        for code in op.all_codes():
            out[code] = op
    return out


def _import_in(session: Session, *, user: str, files: Sequence[DataListFile], label: str | None,
               result: DataImportResult, demo: bool) -> None:
    ops = _operation_of(session)
    by_op: dict[str, list[tuple[DataListFile, Any]]] = {}
    unknown: dict[str, int] = {}
    for f in files:
        for rec in f.items:
            op = ops.get(rec.item_id[:3])
            if op is None:
                unknown[rec.item_id[:3]] = unknown.get(rec.item_id[:3], 0) + 1
                continue
            by_op.setdefault(op.code, []).append((f, rec))
    if unknown:
        shown = "、".join(f"{c}（{n}項目）" for c, n in sorted(unknown.items()))
        raise InvalidInputError(f"業務コード {shown} はどの業務にもありません。何も読み込んでいません。",
                                "fitgap operations で業務コードを確かめてください（データ項目IDの先頭3桁が業務コードです）。")
    if not by_op:
        raise InvalidInputError("読み込めるデータ項目が1件もありません。何も読み込んでいません。",
                                "問題の一覧を確かめ、項目定義書の形式のブックを指定してください。")
    now = datetime.now(UTC)
    batch = audit.new_batch()
    for op_code, recs in by_op.items():
        op = ops[op_code] if op_code in ops else session.get(Operation, op_code)
        assert op is not None
        op_files = list({id(f): f for f, _ in recs}.values())
        prev = store.current_version(session, op_code)
        shas = [f.sha256 for f in op_files]
        same = prev is not None and prev.source_sha256.split("\n") == shas
        found = None if same else next((v for v in store.versions(session, op_code)
                                        if v.source_sha256.split("\n") == shas), None)
        if same or found is not None:
            already = prev if same else found
            assert already is not None
            result.operations.append(OperationImport(op_code, op.name, already.label, None,
                                                     items=len(recs), already=already.label))
            continue
        wanted = label or next((f.version_label for f in op_files if f.version_label), None) \
            or f"{now.date().isoformat()} 取込"
        taken = {v.label for v in store.versions(session, op_code)}
        name = wanted
        n = 2
        while name in taken:
            name, n = f"{wanted}（{n}）", n + 1
        oi = OperationImport(op_code, op.name, name, prev.label if prev else None)
        old = {i.item_id: i for i in store.current_items(session, op_code)}
        version = store.add_version(session, operation_code=op_code, label=name, files=[f.path.name for f in op_files],
                                    sha256s=shas, at=now, user=user, demo=demo)
        seen: set[str] = set()
        rows = []
        for order, (_f, rec) in enumerate(recs):
            if rec.item_id in seen:
                result.problems.append(DataListProblem(rec.sheet, rec.row, f"{rec.item_id}: データ項目IDが重複しています。"
                                                                           "最初の行を使いました。"))
                continue
            seen.add(rec.item_id)
            values = dict(rec.values)
            values["def_hash"] = d.definition_hash(values)
            rows.append({"version_id": version.id, "operation_code": op_code, "current": True, "item_id": rec.item_id,
                         "doc_order": order, "source_sheet": rec.sheet, "source_row": rec.row, **values})
            before = old.get(rec.item_id)
            if before is None:
                oi.added.append(rec.item_id)
            else:
                changed = [d.FIELD_LABELS[k] for k in d.DIFF_FIELDS if getattr(before, k) != values.get(k)]
                if changed:
                    oi.changed.append(ItemChange(rec.item_id, values["name"], changed))
        store.add_items(session, rows)
        codes = []
        for f in op_files:
            for i, c in enumerate(f.codes):
                codes.append({"version_id": version.id, "operation_code": op_code, "list_id": c.list_id,
                              "list_name": c.list_name, "code": c.code, "meaning": c.meaning, "remarks": c.remarks,
                              "doc_order": i})
        store.add_codes(session, codes)
        oi.items, oi.codes = len(rows), len(codes)
        oi.removed = sorted(set(old) - seen)
        marks = store.assessments(session, operation_code=op_code)
        new_hash = {r["item_id"]: r["def_hash"] for r in rows}
        review = [i for i, a in marks.items() if i in new_hash and a.holding and not a.needs_review
                  and a.basis_hash and a.basis_hash != new_hash[i]]
        archive = [i for i, a in marks.items() if i not in new_hash and not a.archived]
        restore = [i for i, a in marks.items() if i in new_hash and a.archived]
        store.mark_assessments(session, review=review, archive=archive, restore=restore)
        oi.to_review, oi.archived = len(review), len(archive)
        oi.carried = sum(1 for i, a in marks.items() if i in new_hash and a.holding) - len(review)
        audit.record(session=session, user=user, at=now, batch=batch, action="data.import", entity="data_list",
                     entity_key=op_code, field="version", old=prev.label if prev else None, new=name)
        result.operations.append(oi)


def load_bundled_lists(session: Session, *, user: str, folder: Path | None = None) -> list[str]:
    """Load each bundled 項目定義書 (standard_specs/data_lists/NAME.xlsx with NAME.toml) whose operation has no
    data item list yet, inside the caller's transaction. Returns what was loaded, as users read it."""
    import tomllib

    from fitgap.config import bundled_dir

    base = folder or (bundled_dir("standard_specs") / "data_lists")
    loaded = []
    for meta_path in sorted(base.glob("*.toml")) if base.is_dir() else []:
        book = meta_path.with_suffix(".xlsx")
        if not book.exists():
            continue
        info = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        code = str(info.get("operation", ""))
        if not code or session.get(Operation, code) is None or store.current_version(session, code) is not None:
            continue
        result = DataImportResult(files=[book.name])
        _import_in(session, user=user, files=[read_data_list(book)], label=str(info.get("version") or ""),
                   result=result, demo=False)
        for o in result.operations:
            loaded.append(f"{o.operation_name} 基本データリスト {o.version}（{o.items}項目）")
    return loaded


@dataclass
class VersionDiff:
    operation_code: str
    old: str
    new: str
    added: list[tuple[str, str]] = field(default_factory=list)  # (ID, name)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, list[tuple[str, str, str]]]] = field(default_factory=list)  # (ID, name, [(field, old, new)])


def list_versions(*, db: Database, operation_code: str | None = None) -> list[tuple[str, str, int, str]]:
    """(業務コード, 版, 項目数, 取込日) of every imported version, oldest first per operation."""
    with db.read() as session:
        out = []
        for v in store.versions(session, operation_code):
            out.append((v.operation_code, v.label, len(store.items_of_version(session, v.id or 0)),
                        v.imported_at.date().isoformat()))
        return out


def diff_versions(*, db: Database, operation_code: str, old: str | None = None, new: str | None = None) -> VersionDiff:
    """What changed between two versions of an operation's list (by default: the last two)."""
    with db.read() as session:
        versions = store.versions(session, operation_code)
        if len(versions) < 2 and (old is None or new is None):
            raise NotFoundError(f"業務 {operation_code} の基本データリストは版が {len(versions)} つしかなく、比べられません。",
                                "新しい版を fitgap data import で取り込んでから比べてください。")
        by_label = {v.label: v for v in versions}
        for label in (old, new):
            if label is not None and label not in by_label:
                raise NotFoundError(f"版「{label}」はありません。", f"版は {'、'.join(by_label)} です（fitgap data versions）。")
        a = by_label[old] if old else versions[-2]
        b = by_label[new] if new else versions[-1]
        before = {i.item_id: i for i in store.items_of_version(session, a.id or 0)}
        after = {i.item_id: i for i in store.items_of_version(session, b.id or 0)}
        out = VersionDiff(operation_code, a.label, b.label)
        out.added = [(k, after[k].name) for k in sorted(set(after) - set(before))]
        out.removed = [(k, before[k].name) for k in sorted(set(before) - set(after))]
        for k in sorted(set(before) & set(after)):
            fields = [(d.FIELD_LABELS[f], str(getattr(before[k], f)), str(getattr(after[k], f))) for f in d.DIFF_FIELDS
                      if getattr(before[k], f) != getattr(after[k], f)]
            if fields:
                out.changed.append((k, after[k].name, fields))
        return out
