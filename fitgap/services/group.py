"""共同利用: compare the Fit & Gap of the bodies that share one system, read-only, streamed.

Each body keeps its own database; the group file lists them (importers.group_file). :func:`compare_group`
opens every database read-only (storage.group_read), reads each one's current requirements with their
assessments in one ordered query, and merges the bodies row by row: an item is held in memory only while it
is compared. Bodies compare an operation only on the same spec version (by label); a body alone on its
version is not compared for that operation, and says so. The figures (per body and for the group) are
complete when the items have all been read; :func:`group_figures` reads them and returns only the figures.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from fitgap.domain.body_group import Answer, BodyFigures, Group, GroupFigures, IssueKind, issue_kinds
from fitgap.domain.dispositions import Disposition
from fitgap.domain.enums import Kubun, Severity, Status
from fitgap.domain.rules import severity
from fitgap.errors import DatabaseError, NotFoundError
from fitgap.importers.group_file import read_group
from fitgap.storage import group_read
from fitgap.storage.db import Database
from fitgap.storage.group_read import BodyInfo


@dataclass(frozen=True, slots=True)
class VersionSplit:
    """One operation across the group: which bodies are on which current version."""

    code: str
    name: str
    labels: dict[str, tuple[int, ...]]  # version label → the bodies on it (group order)
    without: tuple[int, ...]  # bodies with no version of the operation

    @property
    def compared(self) -> dict[str, tuple[int, ...]]:
        """The versions that two or more bodies share: compared among themselves."""
        return {label: b for label, b in self.labels.items() if len(b) > 1}

    @property
    def alone(self) -> dict[str, int]:
        """Bodies alone on their version: not compared for this operation."""
        return {label: b[0] for label, b in self.labels.items() if len(b) == 1}

    @property
    def split(self) -> bool:
        return len(self.labels) > 1


@dataclass(frozen=True, slots=True)
class GroupItem:
    """One requirement compared between the bodies on the same version of its operation."""

    operation_code: str
    kind: str
    req_id: str
    label: str  # the spec version
    kubun: Kubun
    name: str
    answers: tuple[Answer | None, ...]  # per body in group order; None: not compared here (another version)
    issues: tuple[IssueKind, ...]  # empty when the bodies agree


@dataclass
class _OpenBody:
    name: str
    source: str
    db: Database
    conn: sa.Connection
    info: BodyInfo


@dataclass
class Comparison:
    """An open comparison: the bodies, each operation's versions, the items (read once, streamed) and the
    figures (complete once :meth:`items` is exhausted). Close it (or use it in ``with``)."""

    group: Group
    operation: str | None
    splits: dict[str, VersionSplit]
    figures: GroupFigures
    _bodies: list[_OpenBody]
    _stack: ExitStack = field(repr=False)
    _read: bool = False

    @property
    def names(self) -> list[str]:
        return [b.name for b in self._bodies]

    def municipality(self, index: int) -> str | None:
        return self._bodies[index].info.municipality

    def items(self) -> Iterator[GroupItem]:
        """Every compared item in (operation, kind, ID) order; a second call reads nothing."""
        if self._read:
            return
        self._read = True
        streams = [self._stream(i, b) for i, b in enumerate(self._bodies)]
        key: tuple[str, str, str] | None = None
        rows: list[tuple[Any, ...]] = []
        for row in heapq.merge(*streams):
            if row[:3] != key:
                if rows:
                    yield from self._judge(rows)
                key, rows = row[:3], []
            rows.append(row)
        if rows:
            yield from self._judge(rows)

    def _stream(self, index: int, body: _OpenBody) -> Iterator[tuple[Any, ...]]:
        try:
            for r in group_read.current_rows(body.conn, operation=self.operation):
                yield (r[0], r[1], r[2], index, *r[3:])
        except SQLAlchemyError as exc:
            raise DatabaseError(f"{body.name} のデータベース {body.source} を読めませんでした（{str(exc).splitlines()[0]}）。"
                                f"{group_read.NOT_WRITTEN}", "少し待ってからもう一度実行してください。") from exc

    def _judge(self, rows: list[tuple[Any, ...]]) -> Iterator[GroupItem]:
        code = rows[0][0]
        by_label: dict[str, list[tuple[int, Answer, tuple[Any, ...]]]] = {}
        for row in rows:
            index = row[3]
            kubun, status, disposition = _KUBUN[row[4]], _STATUS[row[6]], _disposition(row[7])
            fig = self.figures.bodies[index]
            fig.requirements += 1
            if status != Status.UNCHECKED:
                fig.reviewed += 1
            fig.open_must_gaps += row[11]
            if severity(kubun, status, disposition) == Severity.DECIDE:
                fig.options_undecided += 1
            answer = Answer(status, disposition, row[8] or "", row[9] or "", row[10] or "", row[12])
            label = self._bodies[index].info.versions.get(code, "")
            by_label.setdefault(label, []).append((index, answer, row))
        for label, found in by_label.items():
            if len(found) < 2:
                self.figures.not_compared += 1
                continue
            answers: list[Answer | None] = [None] * len(self._bodies)
            for index, answer, _row in found:
                answers[index] = answer
            issues = issue_kinds([a for _i, a, _r in found])
            self.figures.compared += 1
            if issues:
                self.figures.disagreements += 1
                for k in issues:
                    self.figures.by_kind[k] = self.figures.by_kind.get(k, 0) + 1
            for index, _a, _r in found:
                self.figures.bodies[index].compared += 1
                if issues:
                    self.figures.bodies[index].disagreements += 1
            first = found[0][2]
            yield GroupItem(code, first[1], first[2], label, _KUBUN[first[4]], first[5] or "", tuple(answers), issues)

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Comparison:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


_KUBUN = {k.value: k for k in Kubun}
_STATUS = {s.value: s for s in Status}


def _disposition(value: str | None) -> Disposition | None:
    if not value:
        return None
    try:
        return Disposition(value)
    except ValueError:
        from fitgap.domain.dispositions import MIGRATED

        return MIGRATED[value][0] if value in MIGRATED else Disposition.UNDECIDED


def load_group(*, path: Path) -> Group:
    """The group file at ``path`` (refused in words when it cannot be used)."""
    return read_group(path)


def compare_group(*, path: Path, operation: str | None = None) -> Comparison:
    """Open every body of the group at ``path`` read-only and prepare their comparison (of one operation
    with ``operation``). Nothing is written to any database; one of another schema version is refused."""
    group = read_group(path)
    stack = ExitStack()
    bodies: list[_OpenBody] = []
    try:
        for body in group.bodies:
            try:
                db = group_read.open_readonly(body.url, label=body.name, where=body.source)
            except DatabaseError as exc:
                if exc.message.startswith(body.name):
                    raise
                raise type(exc)(f"{body.name}（{body.source}）: {exc.message}", exc.hint) from exc
            stack.callback(db.dispose)
            conn = stack.enter_context(db.connection())
            conn.begin()  # one read transaction per body: its versions and its rows are one state
            bodies.append(_OpenBody(body.name, body.source, db, conn, group_read.body_info(conn)))
        code = operation.zfill(3) if operation and operation.isdigit() else operation
        if code is not None and not any(code in b.info.operation_names for b in bodies):
            raise NotFoundError(f"業務コード {operation} の業務はグループのどの団体にもありません。",
                                "001（住民基本台帳）のように業務コードで指定してください。")
        splits = _splits(bodies, code)
    except BaseException:
        stack.close()
        raise
    figures = GroupFigures(bodies=[BodyFigures(name=b.name) for b in bodies])
    return Comparison(group=group, operation=code, splits=splits, figures=figures, _bodies=bodies, _stack=stack)


def _splits(bodies: list[_OpenBody], operation: str | None) -> dict[str, VersionSplit]:
    codes = sorted({c for b in bodies for c in b.info.versions} if operation is None else {operation})
    splits = {}
    for code in codes:
        labels: dict[str, list[int]] = {}
        without = []
        for i, b in enumerate(bodies):
            label = b.info.versions.get(code)
            if label is None:
                without.append(i)
            else:
                labels.setdefault(label, []).append(i)
        name = next((b.info.operation_names[code] for b in bodies if code in b.info.operation_names), code)
        splits[code] = VersionSplit(code, name, {k: tuple(v) for k, v in labels.items()}, tuple(without))
    return splits


def group_figures(*, path: Path, operation: str | None = None) -> GroupFigures:
    """Per body and for the group: reviewed %, open must-gaps, undecided options, disagreements."""
    with compare_group(path=path, operation=operation) as comparison:
        for _item in comparison.items():
            pass
        return comparison.figures


__all__ = ["Comparison", "GroupItem", "VersionSplit", "compare_group", "group_figures", "load_group"]
