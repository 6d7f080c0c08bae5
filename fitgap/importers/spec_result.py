"""What reading a requirement list yields: requirement records, problems and skipped sheets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from fitgap.domain.enums import RequirementKind
from fitgap.domain.records import Problem, RemovedRow, RequirementRecord


def id_prefix(req_id: str) -> str | None:
    """The 3-digit 業務コード of a 7-digit ID; None for section numbers and other keys."""
    if len(req_id) == 7 and req_id.isdigit():
        return req_id[:3]
    return None


@dataclass(frozen=True, slots=True)
class SkippedSheet:
    """A sheet that holds no requirements (表紙, 変更履歴, 凡例 …) and why it was passed over."""

    name: str
    reason: str
    headers: tuple[str, ...] = ()


@dataclass(slots=True)
class SpecParseResult:
    source_file: str
    requirements: list[RequirementRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    removed: list[RemovedRow] = field(default_factory=list)  # rows marked 削除 / 欠番
    stated_dates: list[tuple[str, date]] = field(default_factory=list)  # (sheet, date) from 表紙 / 変更履歴
    stated_label: str | None = None  # the version label on the cover sheet
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)
    sheets_read: list[str] = field(default_factory=list)
    stripped_chars: int = 0  # control and invisible characters removed from names and texts

    @property
    def ok(self) -> bool:
        return not self.problems

    def id_prefixes(self) -> Counter[str]:
        """How many requirements carry each 業務コード prefix (used to infer the operation)."""
        return Counter(p for r in self.requirements if (p := id_prefix(r.req_id)) is not None)

    def published_on(self) -> date | None:
        """The date the file states: its cover's, else the latest in its 変更履歴."""
        covers = [d for name, d in self.stated_dates if "表紙" in name]
        if covers:
            return covers[0]
        return max((d for _, d in self.stated_dates), default=None)

    def counts_by_kind(self) -> dict[RequirementKind, int]:
        c = Counter(r.kind for r in self.requirements)
        return {k: c.get(k, 0) for k in RequirementKind}
