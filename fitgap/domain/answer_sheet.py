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
from dataclasses import dataclass, field
from datetime import date

from fitgap.domain.enums import VendorAnswerKind

FORMAT_VERSION = "2"  # 2: keys carry the kind (機能/帳票); sheets of format 1 are still read
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
PURPOSE_CHANGE = "change"  # the 改修 list for the vendors of linked systems

# column headers users read (the importer finds columns by these labels, not by position)
H_ID = "ID"
H_KIND = "種別"
H_REASON = "要件の考え方・理由"
H_REMARKS = "備考"
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
H_REVIEW_DETAIL = "方針の詳細"  # the option or the 共通機能 a decision names
H_REVIEW_SYSTEM = "移行先システム"  # the system that takes the work over
H_REVIEW_NOTE = "メモ"
H_ASSESSED = "最終確認"
H_NEEDS_REVIEW = "要再確認"
H_OLD_TEXT = "前の版の要件（要再確認のとき）"
# the visible columns that show a row's key: the hidden key must agree with them, as a whole tuple
VISIBLE_KEY_HEADERS = (H_KIND, H_ID)


KINDS = ("機能", "帳票")


@dataclass(frozen=True, slots=True)
class SheetKey:
    """What the hidden key cell of one row says.

    ``kind`` is 機能 or 帳票; it is "" in sheets written before keys carried it (format 1), where the ID
    alone was unique: :func:`resolve_kind` fills it in from the current requirements.
    """

    operation_code: str
    kind: str
    req_id: str
    text_hash: str
    revision: int | None = None  # review sheets: the assessment revision at export
    values_hash: str | None = None  # review sheets: hash of status, disposition and note at export
    raw: str = field(default="", compare=False)  # the cell as read (format-1 keys differ from encode())

    @property
    def cell(self) -> str:
        """The key as it stands in the workbook (what the metadata sheet lists)."""
        return self.raw or self.encode()

    def encode(self) -> str:
        parts = [self.operation_code, self.kind, self.req_id, self.text_hash]
        if self.revision is not None:
            parts += [str(self.revision), self.values_hash or ""]
        return KEY_SEP.join(parts)

    @property
    def item(self) -> tuple[str, str, str]:
        return (self.operation_code, self.kind, self.req_id)

    @property
    def label(self) -> str:
        return f"{self.kind} {self.req_id}" if self.kind else self.req_id

    def __str__(self) -> str:
        return f"{self.operation_code}:{self.kind}:{self.req_id}"

    def shown(self) -> tuple[str, ...]:
        """What the row's visible key cells (VISIBLE_KEY_HEADERS, in order) must read for this key."""
        return (self.kind, self.req_id)  # a sheet written before keys carried the kind shows no 種別: ""


def decode_key(raw: object) -> SheetKey | None:
    """The key in a cell, or None when the cell does not hold one fitgap wrote."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    parts = text.split(KEY_SEP)
    if len(parts) in (4, 6) and parts[1] in KINDS:
        if len(parts) == 4 and all(parts):
            return SheetKey(parts[0], parts[1], parts[2], parts[3], raw=text)
        if len(parts) == 6 and all(parts[:5]) and parts[4].isdigit():
            return SheetKey(parts[0], parts[1], parts[2], parts[3], int(parts[4]), parts[5], raw=text)
        return None
    # format 1: no kind
    if len(parts) == 3 and all(parts):
        return SheetKey(parts[0], "", parts[1], parts[2], raw=text)
    if len(parts) == 5 and all(parts[:4]) and parts[3].isdigit():
        return SheetKey(parts[0], "", parts[1], parts[2], int(parts[3]), parts[4], raw=text)
    return None


def resolve_kind(key: SheetKey, kinds_of: dict[tuple[str, str], list[str]]) -> SheetKey:
    """A format-1 key with the kind of the one current requirement of that ID (unchanged when there is
    none, or when a 機能 and a 帳票 now share the ID: the row is then reported as unknown)."""
    if key.kind:
        return key
    kinds = kinds_of.get((key.operation_code, key.req_id), [])
    if len(kinds) != 1:
        return key
    return SheetKey(key.operation_code, kinds[0], key.req_id, key.text_hash, key.revision, key.values_hash, raw=key.raw)


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
    key: str = ""  # "001:機能:0010001" when the row's requirement is known

    def __str__(self) -> str:
        where = f"{self.sheet} {self.row}行目" if self.row else self.sheet
        return f"{where}: {self.message}" + (f"（{self.hint}）" if self.hint else "")


def after_deadline(answer: VendorAnswerKind, planned_date: date | None, deadline: date | None) -> bool:
    """A vendor answer that misses the operation's deadline: 期限後対応, or a planned date after it."""
    if answer == VendorAnswerKind.AFTER_DEADLINE:
        return True
    return planned_date is not None and deadline is not None and planned_date > deadline


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_GUARD = "'"  # put before such text in a CSV, so that a spreadsheet shows it and never evaluates it


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would take as a formula if it were typed in or read from a CSV (written as plain
    text, never a formula)."""
    return text.startswith(FORMULA_PREFIXES)


def unguard_csv(text: str) -> str:
    """The value behind a CSV field fitgap wrote: the guard apostrophe before = + - @ tab CR taken off."""
    if text.startswith(CSV_GUARD) and looks_like_formula(text[1:]):
        return text[1:]
    return text
