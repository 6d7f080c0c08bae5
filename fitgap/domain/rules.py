"""Pure rules of the Fit & Gap analysis: what a status means for a class of requirement."""

from __future__ import annotations

from collections.abc import Iterable

from fitgap.domain.enums import Disposition, Kubun, Severity, Status


def severity(kubun: Kubun, status: Status, disposition: Disposition | None = None) -> Severity | None:
    """Derived severity of one item.

    - 実装必須 × ギャップ = 要対応 (must be closed before cut-over);
    - 実装不可 × 適合 = 要廃止 (a reverse gap: the current function must be removed);
    - 標準オプション without a decision (未確認, or a gap with no disposition or 要検討) = 要判断.
    """
    if kubun == Kubun.MUST and status == Status.GAP:
        return Severity.MUST_CLOSE
    if kubun == Kubun.FORBIDDEN and status == Status.FIT:
        return Severity.MUST_REMOVE
    if kubun == Kubun.OPTION and (
        status == Status.UNCHECKED
        or (status == Status.GAP and disposition in (None, Disposition.UNDECIDED))
    ):
        return Severity.DECIDE
    return None


def is_reviewed(status: Status) -> bool:
    """未確認 counts as open, never as done."""
    return status != Status.UNCHECKED


DEFAULT_NOTE_REQUIRED: frozenset[Status] = frozenset({Status.GAP, Status.NOT_APPLICABLE})


def note_missing(status: Status, note: str, required_for: Iterable[Status] = DEFAULT_NOTE_REQUIRED) -> bool:
    """True when the municipality's rule asks for a note on this status and there is none."""
    return status in set(required_for) and not note.strip()
