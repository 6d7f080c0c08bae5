"""業務見直し: the changes of work that decisions create, as a register of their own.

A gap or a current function whose decision changes the work (業務見直し, 運用で対応) creates, or joins, a
業務見直し item: what changes (業務フロー, 例規, 様式, 窓口手順, 研修, 住民周知), the department and person in
charge, the due date (by default the operation's date), and how far it is. One item may answer many gaps
(one 例規改正 for several). An item past its due date and not done is overdue and counts as a risk.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class BprStatus(StrEnum):
    NOT_STARTED = "未着手"
    CONSIDERING = "検討中"
    DECIDED = "決定"
    DONE = "実施済"


class Change(StrEnum):
    """What a 業務見直し item changes."""

    FLOW = "業務フロー"
    REGULATION = "例規"  # 条例・規則・要綱の改正
    FORM = "様式"
    COUNTER = "窓口手順"
    TRAINING = "研修"
    NOTICE = "住民周知"


_STATUS_WORDS = {"未着手": BprStatus.NOT_STARTED, "未": BprStatus.NOT_STARTED, "検討中": BprStatus.CONSIDERING,
                 "検討": BprStatus.CONSIDERING, "決定": BprStatus.DECIDED, "決定済": BprStatus.DECIDED,
                 "実施済": BprStatus.DONE, "実施済み": BprStatus.DONE, "完了": BprStatus.DONE, "済": BprStatus.DONE}
_CHANGE_WORDS = {"フロー": Change.FLOW, "業務の流れ": Change.FLOW, "例規改正": Change.REGULATION, "条例": Change.REGULATION,
                 "規則": Change.REGULATION, "要綱": Change.REGULATION, "様式変更": Change.FORM, "帳票": Change.FORM,
                 "窓口": Change.COUNTER, "手順": Change.COUNTER, "職員研修": Change.TRAINING, "周知": Change.NOTICE,
                 "広報": Change.NOTICE}


def _norm(text: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def parse_status(text: object) -> BprStatus | None:
    s = _norm(text)
    return next((m for m in BprStatus if m.value == s), None) or _STATUS_WORDS.get(s)


def parse_changes(text: object) -> list[Change] | None:
    """「例規, 様式」 → [例規, 様式]; None when a word is not one of the changes."""
    out: list[Change] = []
    for part in str(text or "").replace("、", ",").replace("・", ",").split(","):
        s = _norm(part)
        if not s:
            continue
        found = next((m for m in Change if m.value == s), None) or _CHANGE_WORDS.get(s)
        if found is None:
            return None
        if found not in out:
            out.append(found)
    return out


def changes_text(changes: list[Change]) -> str:
    return ",".join(c.value for c in changes)


def is_overdue(due: date | None, status: str, today: date) -> bool:
    """Past its due date and not done: a risk wherever it is counted."""
    return due is not None and status != BprStatus.DONE and due < today


def days_late(due: date | None, status: str, today: date) -> int:
    return (today - due).days if due is not None and is_overdue(due, status, today) else 0


@dataclass
class DepartmentCounts:
    """Per 担当課: the items as every surface counts them (``fitgap bpr list``, ``fitgap status --department``,
    the readiness workbook and the HTML report)."""

    department: str  # "" when no 担当課 is set
    open: int = 0  # not 実施済
    overdue: int = 0  # of which past their due date
    done: int = 0


def counts_by_department(items: Iterable[tuple[str, str, bool]]) -> list[DepartmentCounts]:
    """(担当課, 状況, overdue) of each item → the counts per 担当課, the unset 担当課 last."""
    out: dict[str, DepartmentCounts] = {}
    for department, status, overdue in items:
        c = out.setdefault(department, DepartmentCounts(department))
        if status == BprStatus.DONE:
            c.done += 1
        else:
            c.open += 1
            c.overdue += bool(overdue)
    return sorted(out.values(), key=lambda c: (c.department == "", c.department))
