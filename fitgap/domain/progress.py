"""The 40 steps of the migration procedure and the national progress survey: the rules every surface reads.

Progress is reported to the 総務省 PMO tool as the share of the procedure manual's 40 steps that are done
(完了済み + 対象外). fitgap keeps it as a whole number of steps (0–40), the survey's shares included
(every published share is a multiple of 1/40), and computes the peers' figures from the survey's rows
each time they are shown (never stored):

- the prefecture's median (:func:`median`);
- the national distribution: quartiles by :func:`quartiles` (the inclusive method of ``statistics``,
  the way a spreadsheet's QUARTILE.INC counts) and the share of bodies complete (:func:`share_complete`).

Every figure from the survey carries the survey's month; a figure entered by the body carries its own.
The two are shown side by side and never combined into one comparison.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

TOTAL_STEPS = 40

BUNDLED_SURVEY_FILE = "progress_2026-01.csv"
BUNDLED_SURVEY_MONTH = "2026-01"
BUNDLED_SURVEY_CREDIT = "出典：総務省「地方公共団体情報システムの標準化に係る進捗状況」（令和8年1月）を加工"
SURVEY_FIXED = ("都道府県", "団体名", "全体完了率")  # the rest: one column per operation

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class ProgressState(StrEnum):
    """Where a system stands in the 40 steps (the state of the monthly report)."""

    NOT_STARTED = "未着手"
    IN_PROGRESS = "作業中"
    DONE = "完了"


def state_of(steps: int) -> ProgressState:
    if steps >= TOTAL_STEPS:
        return ProgressState.DONE
    return ProgressState.IN_PROGRESS if steps > 0 else ProgressState.NOT_STARTED


def steps_of_share(share: float) -> int | None:
    """A published share (0.675) as steps (27); None when it is not a multiple of 1/40 within 0–1."""
    steps = share * TOTAL_STEPS
    whole = round(steps)
    if abs(steps - whole) > 1e-6 or not 0 <= whole <= TOTAL_STEPS:
        return None
    return whole


def percent(steps: float) -> str:
    """Steps as the percentage the PMO tool shows (27 → 67.5%)."""
    value = steps * 100 / TOTAL_STEPS
    return f"{value:.1f}%".replace(".0%", "%")


def steps_label(steps: float) -> str:
    """``27/40（67.5%）``; a median or a quartile may be a half step (27.5/40)."""
    shown = f"{steps:g}"
    return f"{shown}/{TOTAL_STEPS}（{percent(steps)}）"


def valid_month(text: str) -> str | None:
    """``2026-01`` as it is; None for anything else."""
    text = text.strip()
    return text if _MONTH.match(text) else None


def month_label(month: str) -> str:
    """``2026-01`` as reports print it: 2026年1月 (a printed line never breaks it as it may break 2026-01)."""
    found = _MONTH.match(month)
    return f"{found.group(1)}年{int(found.group(2))}月" if found else month


def month_of_file_name(name: str) -> str | None:
    """The survey month in a published file's name (``progress_2026-01.csv`` → ``2026-01``)."""
    found = re.search(r"(\d{4})-(0[1-9]|1[0-2])", name)
    return f"{found.group(1)}-{found.group(2)}" if found else None


def median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def quartiles(values: Sequence[int]) -> tuple[float, float, float] | None:
    """Q1, median, Q3 of the values (inclusive method, as QUARTILE.INC); None without values."""
    if not values:
        return None
    if len(values) == 1:
        v = float(values[0])
        return v, v, v
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return float(q1), float(q2), float(q3)


def share_complete(values: Sequence[int]) -> float | None:
    """The share of bodies with all 40 steps done (0–1)."""
    if not values:
        return None
    return sum(1 for v in values if v >= TOTAL_STEPS) / len(values)


def overall(steps: Sequence[int]) -> float | None:
    """A body's overall progress in steps: the mean over its operations (the survey's 全体完了率 × 40)."""
    return sum(steps) / len(steps) if steps else None


@dataclass(frozen=True)
class SurveyRecord:
    """One figure of the survey: a body's steps in one operation."""

    prefecture: str
    body_name: str
    body_code: str | None
    operation_code: str
    operation: str  # the survey's column as published
    steps: int


# the 20 指定都市 (地方自治法 §252-19, as of 2026): cities of their own class among the 市
DESIGNATED_CITIES = frozenset({
    "札幌市", "仙台市", "さいたま市", "千葉市", "横浜市", "川崎市", "相模原市", "新潟市", "静岡市", "浜松市", "名古屋市",
    "京都市", "大阪市", "堺市", "神戸市", "岡山市", "広島市", "北九州市", "福岡市", "熊本市",
})


def body_class(name: str) -> str:
    """The body's class (団体区分) as its name says it: 指定都市, 市, 特別区, 町, 村 ("" for another name)."""
    if name in DESIGNATED_CITIES:
        return "指定都市"
    for suffix, cls in (("市", "市"), ("区", "特別区"), ("町", "町"), ("村", "村")):
        if name.endswith(suffix):
            return cls
    return ""


@dataclass(frozen=True)
class Peers:
    """The survey's figures for one operation: this body, its prefecture, the nation. One survey month."""

    month: str
    operation_code: str
    operation: str
    own: int | None  # this body's steps in the survey (None: the body is not in it)
    prefecture: str
    prefecture_median: float | None
    prefecture_bodies: int
    national: tuple[float, float, float] | None  # Q1, median, Q3
    national_complete: float | None  # share of bodies complete
    national_bodies: int
    rank_below: int = 0  # bodies in the nation with fewer steps than this body (its standing)
    body_class: str = ""  # this body's class (団体区分: 指定都市, 市, 特別区, 町, 村)
    class_median: float | None = None  # the median of the bodies of that class in the nation
    class_bodies: int = 0

    @property
    def versus_prefecture(self) -> float | None:
        if self.own is None or self.prefecture_median is None:
            return None
        return self.own - self.prefecture_median

    @property
    def quartile(self) -> str:
        """Where this body stands in the nation: 上位25% / 中央値より上 / 中央値より下 / 下位25%."""
        if self.own is None or self.national is None:
            return "—"
        q1, q2, q3 = self.national
        if self.own >= q3 and self.own > q2:
            return "上位25%"
        if self.own > q2:
            return "中央値より上"
        if self.own == q2:
            return "中央値"
        if self.own > q1:
            return "中央値より下"
        return "下位25%"


def peers(*, month: str, operation_code: str, operation: str, own: int | None, prefecture: str,
          prefecture_values: Sequence[int], national_values: Sequence[int], body_class: str = "",
          class_values: Sequence[int] = ()) -> Peers:
    """The one rule for the peer figures of an operation, from the survey's values of one month (the bodies
    of the same class: ``class_values``)."""
    return Peers(
        month=month, operation_code=operation_code, operation=operation, own=own, prefecture=prefecture,
        prefecture_median=median(prefecture_values), prefecture_bodies=len(prefecture_values),
        national=quartiles(national_values), national_complete=share_complete(national_values),
        national_bodies=len(national_values),
        rank_below=sum(1 for v in national_values if own is not None and v < own),
        body_class=body_class, class_median=median(class_values) if class_values else None,
        class_bodies=len(class_values),
    )


@dataclass(frozen=True)
class PeerRow:
    """One operation of the comparison: the survey's figures (one month) and, apart, what the body entered."""

    peers: Peers
    entered: int | None = None  # the body's own figure for the operation (its systems' latest, the lowest)
    entered_month: str = ""  # the month of that figure ('' when none)


@dataclass(frozen=True)
class PeerComparison:
    """This body beside its prefecture and the nation, per operation, from one survey."""

    month: str
    credit: str
    body: str  # 都道府県 団体名 ('' when no body is set)
    prefecture: str
    in_survey: bool
    rows: tuple[PeerRow, ...]


def operation_entered(figures: Sequence[tuple[int, str]]) -> tuple[int | None, str]:
    """An operation's own figure from its systems' latest (steps, month): the lowest (the operation is as far as
    its least advanced system), with that figure's month."""
    if not figures:
        return None, ""
    steps, month = min(figures)
    return steps, month


PEER_COLUMNS = ("業務", "この団体", "県の中央値", "県との差", "同区分の中央値", "全国Q1", "全国中央値", "全国Q3",
                "全国の完了", "全国での位置", "入力値", "入力の月")


def peer_values(row: PeerRow) -> tuple[str | float | None, ...]:
    """One row of the comparison as every surface shows it (PEER_COLUMNS): steps, the share complete in %."""
    p = row.peers
    q: tuple[float | None, ...] = p.national or (None, None, None)
    complete = None if p.national_complete is None else round(p.national_complete * 100, 1)
    return (p.operation, None if p.own is None else float(p.own), p.prefecture_median, p.versus_prefecture,
            p.class_median, q[0], q[1], q[2], complete, p.quartile, None if row.entered is None else float(row.entered),
            month_label(row.entered_month) if row.entered_month else None)


def peer_text(value: str | float | None, column: str) -> str:
    """A value of :func:`peer_values` as text (``—`` for none; the difference signed; the share with %)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if column == "県との差":
        return "±0" if value == 0 else f"{value:+g}"
    if column == "全国の完了":
        return f"{value:.1f}%"
    return f"{value:g}"


@dataclass(frozen=True)
class ReportRow:
    """One row of the monthly progress report: a system in one of its operations."""

    operation_code: str
    operation: str
    system: str
    steps: int | None  # None: nothing entered up to the report's month
    state: str  # 完了 / 作業中 / 未着手 / 未入力
    entered_month: str  # the month the figure was entered for ('' when none)
    planned: date | None  # 移行予定日
    deadline: date | None
    delay_reason: str


@dataclass(frozen=True)
class BodyStanding:
    """A municipality of a prefecture in the survey: how far it is overall and where it is behind."""

    name: str
    overall: float  # mean steps over its operations
    complete: int  # operations at 40/40
    below_median: tuple[str, ...]  # operations under the nation's median (names)
    operations: int


def standing_of(name: str, steps: dict[str, int], *, national_medians: dict[str, float],
                names: dict[str, str]) -> BodyStanding:
    """One body's standing from its steps per operation code and the nation's median of each (one survey)."""
    below = tuple(names.get(c, c) for c, s in sorted(steps.items()) if c in national_medians and s < national_medians[c])
    return BodyStanding(name, overall(list(steps.values())) or 0.0, sum(1 for s in steps.values() if s >= TOTAL_STEPS),
                        below, len(steps))
