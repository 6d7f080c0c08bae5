"""The national progress survey in the database: read the bundled one at ``init``, replace it with a newer
published survey (``fitgap survey import``) saying what changed, and show where this body stood."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from sqlmodel import Session

from fitgap.config import bundled_dir
from fitgap.domain.progress import (
    BUNDLED_SURVEY_CREDIT,
    BUNDLED_SURVEY_FILE,
    BUNDLED_SURVEY_MONTH,
    SurveyRecord,
    month_of_file_name,
    valid_month,
)
from fitgap.errors import InvalidInputError, NotFoundError
from fitgap.importers.catalog import read_municipalities
from fitgap.importers.progress_survey import SurveyFile, read_survey
from fitgap.storage import audit
from fitgap.storage import progress as store
from fitgap.storage.db import Database
from fitgap.storage.operations import get_municipality, list_operations


@dataclass(frozen=True)
class SurveyInfo:
    month: str
    credit: str
    source_file: str
    bodies: int
    bundled: bool


@dataclass
class SurveyChange:
    """What replacing the survey did (or would do: ``unchanged``)."""

    old: SurveyInfo | None
    new: SurveyInfo
    bodies_added: list[str] = field(default_factory=list)
    bodies_removed: list[str] = field(default_factory=list)
    operations_added: list[str] = field(default_factory=list)
    operations_removed: list[str] = field(default_factory=list)
    figures: int = 0
    moved_up: int = 0  # figures of bodies in both surveys that rose
    moved_down: int = 0
    own_moved: list[str] = field(default_factory=list)  # this body's figures that moved, worded
    skipped: list[str] = field(default_factory=list)  # problems of rows and columns that were left out
    unchanged: bool = False


def survey_columns(session: Session) -> dict[str, str]:
    """The survey's column name → operation code: the operation's name or short name (住民記録, 戸籍附票)."""
    out: dict[str, str] = {}
    for op in list_operations(session=session):
        if op.cross_cutting:
            continue
        out.setdefault(op.name, op.code)
        out.setdefault(op.short_name, op.code)
    return out


def _codes() -> dict[tuple[str, str], str | None]:
    return {(e.prefecture, e.name): e.code for e in read_municipalities(bundled_dir("catalog")) if e.code}


def reiwa_credit(month: str) -> str:
    """The credit line of a survey of ``month`` in the wording of the bundled one."""
    year, mon = (int(p) for p in month.split("-"))
    return f"出典：総務省「地方公共団体情報システムの標準化に係る進捗状況」（令和{year - 2018}年{mon}月）を加工"


def _info(s: store.Survey) -> SurveyInfo:
    return SurveyInfo(s.month, s.credit, s.source_file, s.bodies, s.bundled)


def current(*, db: Database) -> SurveyInfo | None:
    with db.read() as session:
        s = store.current_survey(session=session)
        return _info(s) if s else None


def _store(session: Session, parsed: SurveyFile, *, month: str, credit: str, path: Path, bundled: bool,
           user: str, now: datetime) -> None:
    store.replace_survey(session=session, month=month, credit=credit, source_file=path.name,
                         sha256=hashlib.sha256(path.read_bytes()).hexdigest(), bundled=bundled,
                         rows=parsed.records, bodies=len(parsed.bodies), at=now, user=user)


@cache
def _bundled(path: Path, columns: tuple[tuple[str, str], ...]) -> SurveyFile:
    """The bundled survey as read once per process (it never changes while fitgap runs)."""
    return read_survey(path, columns=dict(columns), codes=_codes())


def load_bundled_survey(session: Session, *, user: str, now: datetime) -> str:
    """At init: the bundled survey, when the database holds none yet; returns what was read ('' if nothing)."""
    if store.current_survey(session=session) is not None:
        return ""
    path = bundled_dir("catalog") / BUNDLED_SURVEY_FILE
    parsed = _bundled(path, tuple(sorted(survey_columns(session).items())))
    _store(session, parsed, month=BUNDLED_SURVEY_MONTH, credit=BUNDLED_SURVEY_CREDIT, path=path, bundled=True,
           user=user, now=now)
    return f"進捗状況調査 {BUNDLED_SURVEY_MONTH}（{len(parsed.bodies)}団体 × {len(parsed.columns)}業務）"


def _key(r: SurveyRecord) -> tuple[str, str, str]:
    return r.prefecture, r.body_name, r.operation_code


def compare(old: Iterable[SurveyRecord], new: Iterable[SurveyRecord], *, own: tuple[str, str] | None,
            names: dict[str, str], change: SurveyChange) -> None:
    before = {_key(r): r.steps for r in old}
    after = {_key(r): r.steps for r in new}
    old_bodies = {(p, n) for p, n, _ in before}
    new_bodies = {(p, n) for p, n, _ in after}
    change.bodies_added = sorted(f"{p} {n}" for p, n in new_bodies - old_bodies)
    change.bodies_removed = sorted(f"{p} {n}" for p, n in old_bodies - new_bodies)
    old_ops = {c for _, _, c in before}
    new_ops = {c for _, _, c in after}
    change.operations_added = sorted(names.get(c, c) for c in new_ops - old_ops)
    change.operations_removed = sorted(names.get(c, c) for c in old_ops - new_ops)
    change.figures = len(after)
    for key, steps in after.items():
        was = before.get(key)
        if was is None or was == steps:
            continue
        if steps > was:
            change.moved_up += 1
        else:
            change.moved_down += 1
        if own is not None and key[:2] == own:
            change.own_moved.append(f"{names.get(key[2], key[2])} {was}→{steps}")


def import_survey(*, db: Database, path: Path, user: str, month: str | None = None, credit: str | None = None,
                  dry_run: bool = False) -> SurveyChange:
    """Replace the survey with a newer published one in the same layout; says what changed."""
    given = month
    month = valid_month(month) if month else month_of_file_name(path.name)
    if not month:
        raise InvalidInputError(
            f"調査の時点（年月）が分かりません: {given or path.name}",
            "--month 2026-04 のように調査の年月を指定してください（ファイル名に 2026-04 があればそれを使います）。")
    with db.read() as session:
        columns = survey_columns(session)
    parsed = read_survey(path, columns=columns, codes=_codes())
    if not parsed.records:
        raise InvalidInputError(f"{path.name} に読める数値がありません。変更していません。",
                                "同梱の progress_2026-01.csv と同じ形式の CSV を指定してください。"
                                + (f" 最初の問題: {parsed.problems[0]}" if parsed.problems else ""))
    names = {code: col for col, code in parsed.columns}
    now = datetime.now(UTC)
    new = SurveyInfo(month, credit or reiwa_credit(month), path.name, len(parsed.bodies), False)
    with db.write() as session:
        held = store.current_survey(session=session)
        if held is not None and month < held.month:
            raise InvalidInputError(
                f"{path.name} は {month} 時点の調査で、保持している {held.month} 時点のものより古いため置き換えません。",
                "新しい調査のファイルを指定してください（--month が正しいか確かめてください）。")
        change = SurveyChange(old=_info(held) if held else None, new=new, skipped=list(parsed.problems))
        old_rows = store.survey_rows(session=session, survey_id=held.id) if held else []
        for code, col in (store.survey_operations(session=session, survey_id=held.id) if held else []):
            names.setdefault(code, col)
        m = get_municipality(session=session)
        own = (m.prefecture, m.name) if m else None
        compare(old_rows, parsed.records, own=own, names=names, change=change)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if held is not None and held.month == month and not (change.moved_up or change.moved_down
                                                             or change.bodies_added or change.bodies_removed
                                                             or change.operations_added or change.operations_removed):
            change.unchanged = True
            return change
        if dry_run:
            return change
        store.replace_survey(session=session, month=month, credit=new.credit, source_file=path.name, sha256=digest,
                             bundled=False, rows=parsed.records, bodies=len(parsed.bodies), at=now, user=user)
        audit.record(session=session, user=user, at=now, batch=audit.new_batch(), action="survey.import",
                     entity="progress_survey", entity_key=month, old=held.month if held else None,
                     new=f"{path.name}（{len(parsed.bodies)}団体、{change.moved_up + change.moved_down}件の数値が変化）")
    return change


@dataclass(frozen=True)
class BodyFigures:
    """One body's figures in the survey, per operation code, with the survey's date and credit."""

    survey: SurveyInfo
    prefecture: str
    name: str
    steps: dict[str, int]
    operations: dict[str, str]  # code → the survey's column


def body_figures(*, db: Database, name: str | None = None, prefecture: str | None = None) -> BodyFigures:
    """The survey's figures for a body (default: the municipality set at init)."""
    with db.read() as session:
        s = store.current_survey(session=session)
        if s is None:
            raise NotFoundError("進捗状況調査が読み込まれていません。", "fitgap init を実行すると同梱の調査を読み込みます。")
        if name is None:
            m = get_municipality(session=session)
            if m is None:
                raise NotFoundError("団体が設定されていません。", "fitgap init --municipality 名前 で設定してください。")
            name, prefecture = m.name, m.prefecture
        if prefecture is None:
            hits = sorted({(r.prefecture, r.body_name) for r in store.survey_rows(session=session, survey_id=s.id)
                           if r.body_name == name})
            if len(hits) > 1:
                raise InvalidInputError(f"{name} は複数の都道府県にあります: {'、'.join(p for p, _ in hits)}",
                                        "--prefecture で都道府県を指定してください。")
            prefecture = hits[0][0] if hits else ""
        steps = store.body_figures(session=session, survey_id=s.id, prefecture=prefecture, body_name=name)
        ops = dict(store.survey_operations(session=session, survey_id=s.id))
        return BodyFigures(_info(s), prefecture, name, steps, ops)
