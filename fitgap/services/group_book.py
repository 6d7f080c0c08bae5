"""共同利用: the group's decision workbook, out and back (docs/groups.md).

:func:`export_group_book` writes the comparison (services.group) as a protected workbook: one row per compared
item, each body's status, decision and note locked beside it, the group issues first, and answer cells for
the group's agreed decision. The bodies' databases are only read (read-only, as for the comparison) and
nothing is recorded in them: the workbook carries what it needs in itself, the group's bodies in its
metadata and, in the hidden key of every row, the item's assessment revision in each body at export.

:func:`apply_group_book` reads the decisions back (importers.returned_book: rows left blank are not read)
and applies them to each body's database, opened normally, through services.assessment.apply_changes with
the revisions of the export: a body that changed the item since is that body's conflict (listed, not
applied) while the others take the decision. With ``dry_run`` every check runs and nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fitgap.domain.answer_sheet import SheetProblem
from fitgap.domain.body_group import Answer, disagreement_label
from fitgap.domain.enums import Disposition, Status
from fitgap.domain.round_trip import answers_hash
from fitgap.domain.round_trips import (
    GROUP,
    GROUP_BODIES_META,
    GROUP_CODE,
    NOT_COMPARED,
    PURPOSE_GROUP,
    group_key,
    group_revisions,
    group_trip,
)
from fitgap.domain.text import nfkc
from fitgap.errors import FitGapError, InvalidInputError, NotFoundError
from fitgap.importers.group_file import read_group
from fitgap.services.assessment import UNSET, ItemChange, apply_changes
from fitgap.services.group import GroupItem, compare_group
from fitgap.services.items import ItemKey
from fitgap.storage import items

APPLY_ACTION = "group.apply"


@dataclass(frozen=True)
class GroupExport:
    path: Path
    bodies: list[str]
    rows: int
    issues: int


def _decision(answer: Answer) -> str:
    if answer.disposition is None:
        return ""
    named = answer.names()
    return f"{answer.disposition.value}（{named}）" if named else answer.disposition.value


def _row(item: GroupItem, blank: str) -> tuple[dict[str, Any], str]:
    values: dict[str, Any] = {"operation": item.operation_code, "req_id": item.req_id, "kind": item.kind,
                              "kubun": item.kubun.value, "name": item.name, "version": item.label,
                              "issues": disagreement_label(item.issues) if item.issues else "一致"}
    for i, answer in enumerate(item.answers):
        if answer is None:
            values[f"b{i}_status"] = NOT_COMPARED
            continue
        values[f"b{i}_status"] = answer.status.value
        values[f"b{i}_decision"] = _decision(answer)
        values[f"b{i}_note"] = answer.note
    key = group_key(item.operation_code, item.kind, item.req_id,
                    [a.revision if a is not None else None for a in item.answers], blank)
    return values, key


def export_group_book(*, path: Path, user: str, operation: str | None = None, output: Path | None = None,
                      overwrite: bool = False, now: datetime | None = None) -> GroupExport:
    """Write the group workbook of the group file at ``path`` (of one operation with ``operation``). Every
    body's database is opened read-only; nothing is written to any of them."""
    from fitgap.reports.answer_workbook import Outgoing, Part, build_book, write_answer_book
    from fitgap.reports.output_file import refuse_existing, unused_name
    from fitgap.services.recorded_export import check_xlsx
    from fitgap.services.round_trip import new_export_id, safe_file_part

    check_xlsx(output)
    now = now or datetime.now(UTC)
    with compare_group(path=path, operation=operation) as comparison:
        names = comparison.names
        trip = group_trip(names)
        blank = answers_hash(trip, {})
        issues: list[tuple[dict[str, Any], str]] = []
        agreed: list[tuple[dict[str, Any], str]] = []
        for item in comparison.items():
            (issues if item.issues else agreed).append(_row(item, blank))
    rows = [*issues, *agreed]
    if not rows:
        raise NotFoundError("グループの団体どうしで比較できる要件がありません（書き出していません）。",
                            "仕様書の版が同じ団体が2つ以上あるか、fitgap group compare で確かめてください。")
    scope = f"（業務 {comparison.operation}）" if comparison.operation else ""
    out = Outgoing(trip=trip, export_id=new_export_id(), database_id=f"group:{path.name}",
                   municipality="、".join(names), created_at=now, created_by=user,
                   parts=[Part(code=GROUP_CODE, name="グループ", title=f"共同利用 グループの決定{scope}", rows=rows)],
                   cover=[("グループファイル", path.name), ("不一致", f"{len(issues)} 件（先頭に並べています）"),
                          ("反映", f"fitgap group apply {path.name} <このブック>")])
    book = build_book(out)
    book = replace(book, meta=[*book.meta, (GROUP_BODIES_META, json.dumps(names, ensure_ascii=False))])
    default = path.parent / f"グループ決定_{safe_file_part(path.stem)}{'_' + comparison.operation if comparison.operation else ''}_{now:%Y%m%d}.xlsx"
    target = output if output is not None else unused_name(default)
    if not overwrite:
        refuse_existing(target)
    write_answer_book(book, target)
    return GroupExport(path=target, bodies=names, rows=len(rows), issues=len(issues))


# ---- apply ----------------------------------------------------------------------------------------------


@dataclass
class BodyApply:
    """What the group's decisions did (or, in a dry run, would do) in one body."""

    name: str
    changed: list[str] = field(default_factory=list)  # the items changed (機能 0030001 …)
    unchanged: int = 0  # the body had the decision already
    not_compared: int = 0  # decisions on items this body was not compared on (another version)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (item, why): changed since the export
    problems: list[tuple[str, str]] = field(default_factory=list)  # (item or "", why): refused
    error: str = ""  # the database could not be used: nothing applied in this body


@dataclass
class GroupApply:
    source: str
    dry_run: bool
    decisions: int  # rows with the group's decision
    untouched: int  # rows left blank (as exported)
    problems: list[SheetProblem]  # the workbook's own (rows not read)
    bodies: list[BodyApply]


def _label(key: ItemKey) -> str:
    return f"{key.operation_code} {key.label}"


def _change(values: dict[str, Any]) -> ItemChange:
    status = Status(values["status"])
    disposition = Disposition(values["disposition"]) if values.get("disposition") else UNSET
    detail = " ".join(str(values.get("detail") or "").split())
    note = values.get("note") or ""
    return ItemChange(status=status, disposition=disposition if status == Status.GAP else UNSET,
                      note=note if note else UNSET, detail=detail if detail else UNSET)


def _already(row: Any, change: ItemChange) -> bool:
    """The body's item is as the group decided (where the decision says something)."""
    wanted = {"status": change.status, "disposition": change.disposition, "disposition_detail": change.detail,
              "note": change.note}
    if change.status != Status.GAP:
        wanted["disposition"] = None
    current = {"status": Status(row.status), "disposition": Disposition(row.disposition) if row.disposition else None,
               "disposition_detail": row.disposition_detail or "", "note": row.note or ""}
    return all(v is UNSET or current[f] == v for f, v in wanted.items())


def apply_group_book(*, path: Path, workbook: Path, user: str, dry_run: bool = False,
                     body: str | None = None) -> GroupApply:
    """Apply the group's decisions of ``workbook`` to each body of the group file at ``path`` (only to
    ``body`` when named). Per body, one transaction with audit action ``group.apply``; an item changed in a
    body since the export is that body's conflict."""
    from fitgap.importers.returned_book import read_returned
    from fitgap.services.database import open_db

    group = read_group(path)
    book = read_returned(workbook, GROUP)
    if book.meta.get("purpose") != PURPOSE_GROUP:
        raise InvalidInputError(f"{workbook.name} はグループの決定シートではありません。",
                                "fitgap group export で書き出したブックを指定してください。")
    try:
        exported = json.loads(book.meta.get(GROUP_BODIES_META) or "[]")
    except ValueError:
        exported = []
    names = [b.name for b in group.bodies]
    if exported != names:
        raise InvalidInputError(
            f"{workbook.name} は別のグループ（{'、'.join(map(str, exported)) or '不明'}）のブックです"
            f"（{path.name}: {'、'.join(names)}）。",
            "書き出したときと同じグループファイルを指定してください（団体の名前と順序も同じに）。")
    chosen = range(len(names))
    if body is not None:
        wanted = [i for i, n in enumerate(names) if nfkc(n).strip() == nfkc(body).strip()]
        if not wanted:
            raise NotFoundError(f"団体「{body}」はグループ {path.name} にありません。",
                                f"団体名は {'、'.join(names)} のどれかです。")
        chosen = range(wanted[0], wanted[0] + 1)
    result = GroupApply(source=workbook.name, dry_run=dry_run, decisions=len(book.rows), untouched=book.untouched,
                        problems=list(book.problems), bodies=[])
    for i in chosen:
        done = BodyApply(names[i])
        result.bodies.append(done)
        changes: dict[ItemKey, ItemChange] = {}
        expected: dict[ItemKey, int] = {}
        for row in book.rows:
            revisions = group_revisions(row.key)
            if revisions is None or len(revisions) != len(names):  # said, never skipped unseen
                done.problems.append((f"{row.sheet} {row.row}行目",
                                      "行のキー（隠し列）が書き出したときのものと違うため、取り込みません"))
                continue
            revision = revisions[i]
            if revision is None:
                done.not_compared += 1
                continue
            key = ItemKey.of(*row.key.item)
            changes[key] = _change(row.values)
            expected[key] = revision
        if not changes:
            continue
        source = group.bodies[i]
        try:
            db = open_db(url=source.url)
        except FitGapError as exc:
            done.error = f"{source.source}: {exc.message}"
            continue
        try:
            with db.read() as session:
                present = {ItemKey.of(r.operation_code, r.kind, r.req_id): r
                           for r in items.rows_for_keys(session=session, keys=list(changes))}
            for key in list(changes):
                current = present.get(key)
                if current is None:
                    done.problems.append((_label(key), "この団体の現行の仕様書にない要件です（版が変わりました）"))
                    del changes[key]
                elif current.revision != expected[key] and _already(current, changes[key]):
                    done.unchanged += 1  # changed since the export, to the group's decision (applied before)
                    del changes[key]
            if not changes:
                continue
            res = apply_changes(db=db, user=user, changes=changes,
                                expected_revisions={k: expected[k] for k in changes}, action=APPLY_ACTION,
                                dry_run=dry_run)
        except FitGapError as exc:
            done.error = exc.message
            continue
        finally:
            db.dispose()
        done.changed = [_label(k) for k in res.changed]
        done.unchanged += len(res.unchanged)
        for conflict in res.conflicts:
            cur = conflict.current
            who = f"（{cur.assessed_by} が {cur.assessed_at:%Y/%m/%d %H:%M} に変更）" if cur.assessed_at else ""
            done.conflicts.append((_label(conflict.key), f"書き出し後にこの団体で変更されました{who}"))
        done.problems.extend((_label(key), why) for key, why in res.rejected)
    return result


__all__ = ["APPLY_ACTION", "BodyApply", "GroupApply", "GroupExport", "apply_group_book", "export_group_book"]
