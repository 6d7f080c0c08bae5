"""Plain records that importers produce and services store: no database identity yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fitgap.domain.enums import Kubun, RequirementKind


@dataclass(frozen=True, slots=True)
class RequirementRecord:
    """One requirement as read from a file, ready to be stored in a spec version."""

    req_id: str
    kubun: Kubun
    name: str
    text: str
    kind: RequirementKind = RequirementKind.FUNCTION
    transitional: bool = False
    category: str = ""
    reason: str = ""  # 要件の考え方・理由
    remarks: str = ""  # 備考
    source_file: str | None = None
    source_sheet: str | None = None
    source_row: int | None = None


    @property
    def key(self) -> tuple[str, str]:
        """(kind, ID): 機能 and 帳票 are numbered independently, so both make the requirement."""
        return (self.kind.value, self.req_id)

    @property
    def label(self) -> str:
        return f"{self.kind.value} {self.req_id}"


@dataclass(frozen=True, slots=True)
class RemovedRow:
    """A row that a list marks as removed in this version (削除 / 欠番), not a requirement."""

    req_id: str
    kind: RequirementKind
    mark: str
    source_file: str | None = None
    source_sheet: str | None = None
    source_row: int | None = None

    @property
    def label(self) -> str:
        return f"{self.kind.value} {self.req_id}" if self.req_id else f"{self.source_sheet} {self.source_row}行目"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a file that could not be read: where it is, what is wrong, what to do."""

    message: str
    hint: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    file: str | None = None  # set when several files are read together

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(f"ファイル「{self.file}」")
        if self.sheet:
            parts.append(f"シート「{self.sheet}」")
        if self.row is not None:
            parts.append(f"{self.row}行目")
        if self.column:
            parts.append(f"列「{self.column}」")
        return " ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        return f"{text}（{self.hint}）" if self.hint else text


@dataclass(frozen=True)
class SpecVersionInfo:
    """What a requirement list says about itself: operation, version label, dates, source, credit."""

    operation_code: str
    label: str
    title: str = ""
    published_on: date | None = None
    effective_on: date | None = None
    source: str = ""
    credit: str = ""
