"""The answer-workbook format shared by the writer (reports) and the reader (importers).

A workbook that fitgap sends out (a vendor gap sheet or a department review sheet) carries:
- one data sheet per operation whose last column holds a hidden key per row: the requirement key, the hash
  of the requirement text as exported and, for review sheets, the assessment revision and a hash of the
  values as exported (so rows nobody touched can be told from rows somebody edited);
- a very hidden metadata sheet: export ID, database ID, purpose, vendor, created at, the sheet names and
  every key that was exported (so deleted rows are noticed).
Pure data and functions; no Excel library here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from fitgap.domain.enums import VendorAnswerKind

FORMAT_VERSION = "1"
META_SHEET = "_fitgap"
META_MARK = "fitgap-metadata"
LIST_SHEET = "選択肢"
COVER_SHEET = "表紙"
KEY_HEADER = "キー（変更しないでください）"
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3
KEY_SEP = "|"

PURPOSE_VENDOR = "vendor"
PURPOSE_REVIEW = "review"

# column headers users read (the importer finds columns by these labels, not by position)
H_ID = "ID"
H_KUBUN = "実装区分"
H_NAME = "名称"
H_TEXT = "要件"
H_STATUS = "当団体の状況"
H_NOTE = "当団体の備考"
H_ANSWER = "対応可否"
H_PLANNED = "対応予定日"
H_COST = "概算費用（千円）"
H_COMMENT = "回答・代替案"
H_REVIEW_STATUS = "状況"
H_REVIEW_DISPOSITION = "対応方針"
H_REVIEW_NOTE = "メモ"
H_ASSESSED = "最終確認"
# the visible columns that show a row's key: the hidden key must agree with them, as a whole tuple
VISIBLE_KEY_HEADERS = (H_ID,)


@dataclass(frozen=True, slots=True)
class SheetKey:
    """What the hidden key cell of one row says."""

    operation_code: str
    req_id: str
    text_hash: str
    revision: int | None = None  # review sheets: the assessment revision at export
    values_hash: str | None = None  # review sheets: hash of status, disposition and note at export

    def encode(self) -> str:
        parts = [self.operation_code, self.req_id, self.text_hash]
        if self.revision is not None:
            parts += [str(self.revision), self.values_hash or ""]
        return KEY_SEP.join(parts)

    @property
    def item(self) -> tuple[str, str]:
        return (self.operation_code, self.req_id)

    def shown(self) -> tuple[str, ...]:
        """What the row's visible key cells (VISIBLE_KEY_HEADERS, in order) must read for this key."""
        return (self.req_id,)


def decode_key(raw: object) -> SheetKey | None:
    """The key in a cell, or None when the cell does not hold one fitgap wrote."""
    if not isinstance(raw, str):
        return None
    parts = raw.strip().split(KEY_SEP)
    if len(parts) == 3 and all(parts):
        return SheetKey(parts[0], parts[1], parts[2])
    if len(parts) == 5 and all(parts[:4]) and parts[3].isdigit():
        return SheetKey(parts[0], parts[1], parts[2], int(parts[3]), parts[4])
    return None


def values_hash(*values: object) -> str:
    """A short hash of the editable values of a row as exported."""
    joined = "\x1f".join("" if v is None else str(v) for v in values)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class SheetProblem:
    """One thing wrong with a returned workbook: where (sheet, row) and what to do about it."""

    sheet: str
    row: int | None
    message: str
    hint: str = ""
    key: str = ""  # "001:0010001" when the row's requirement is known

    def __str__(self) -> str:
        where = f"{self.sheet} {self.row}行目" if self.row else self.sheet
        return f"{where}: {self.message}" + (f"（{self.hint}）" if self.hint else "")


def after_deadline(answer: VendorAnswerKind, planned_date: date | None, deadline: date | None) -> bool:
    """A vendor answer that misses the operation's deadline: 期限後対応, or a planned date after it."""
    if answer == VendorAnswerKind.AFTER_DEADLINE:
        return True
    return planned_date is not None and deadline is not None and planned_date > deadline


FORMULA_PREFIXES = ("=", "+", "-", "@")


def looks_like_formula(text: str) -> bool:
    """Text Excel would take as a formula if it were typed in (written as plain text, never a formula)."""
    return text.startswith(FORMULA_PREFIXES)
