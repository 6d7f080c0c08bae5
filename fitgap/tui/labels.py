"""How domain values look on screen: short labels and the style each one gets."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fitgap.domain.enums import Disposition, Kubun, Severity, Status
from fitgap.domain.standing import Standing, system_label

STATUS_STYLE: dict[Status, str] = {
    Status.UNCHECKED: "muted",
    Status.FIT: "good",
    Status.GAP: "warn",
    Status.NOT_APPLICABLE: "info",
}

KUBUN_SHORT: dict[Kubun, str] = {Kubun.MUST: "必須", Kubun.FORBIDDEN: "不可", Kubun.OPTION: "オプション"}

DISPOSITION_SHORT: dict[Disposition, str] = {
    Disposition.BPR: "業務見直し",
    Disposition.OPERATION: "運用で対応",
    Disposition.OPTION: "オプション",
    Disposition.PARAMETER: "パラメータ",
    Disposition.COMMON: "共通機能",
    Disposition.EXISTING_SYSTEM: "既存システム",
    Disposition.SEPARATE_SYSTEM: "独自施策",
    Disposition.STANDARD_LINK: "標準連携",
    Disposition.CUSTOMIZE: "カスタマイズ",
    Disposition.DROP: "廃止",
    Disposition.VENDOR: "ベンダ協議",
    Disposition.UNDECIDED: "要検討",
}

SEVERITY_STYLE: dict[Severity, str] = {
    Severity.MUST_CLOSE: "must",
    Severity.MUST_REMOVE: "must",
    Severity.DECIDE: "warn",
}

FLAG_LEGEND = "再=要再確認  経=経過措置  注=メモ未記入（必須）  メ=メモあり"


TONE_STYLE = {"done": "muted", "overdue": "must", "soon": "warn", "open": ""}


def standing_cell(st: Standing) -> tuple[str, str]:
    """Where an operation stands, as the standing rule words it: 「移行済 2026-01-05」 in neutral colour
    (history, never a risk), 「期限超過 237日」 in red, 「残り 128日」 amber within 180 days."""
    return st.label, TONE_STYLE[st.tone]


def system_cell(*, deadline: date | None, planned: date | None, actual: date | None, today: date) -> tuple[str, str]:
    """The same for one system (its date from the rule, its own cut-over)."""
    text = system_label(deadline=deadline, planned=planned, actual=actual, today=today)
    if actual is not None or deadline is None:
        return text, "muted"
    n = (deadline - today).days
    return text, "must" if n < 0 else "warn" if n <= 180 else ""


def when(at: datetime | None) -> str:
    """A stored time (UTC; naive from SQLite) as the user's local time, e.g. '2026-11-23 10:15'."""
    if at is None:
        return "—"
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def count(n: int) -> str:
    return f"{n:,}"
