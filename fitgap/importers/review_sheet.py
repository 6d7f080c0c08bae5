"""A returned department review workbook → the rows staff changed, and problems (sheet, row, message, hint)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitgap.domain.answer_sheet import (
    H_REVIEW_DISPOSITION,
    H_REVIEW_NOTE,
    H_REVIEW_STATUS,
    SheetKey,
    SheetProblem,
    values_hash,
)
from fitgap.domain.enums import Disposition, Status
from fitgap.domain.text import nfkc, strip_invisible
from fitgap.importers.answer_workbook import (
    RowKeys,
    WorkbookMeta,
    excel_error,
    is_blank,
    read_answer_book,
    shown_key_mismatch,
)

HEADERS = (H_REVIEW_STATUS, H_REVIEW_DISPOSITION, H_REVIEW_NOTE)
_STATUSES = {s.value: s for s in Status}
_DISPOSITIONS = {d.value: d for d in Disposition}


@dataclass(frozen=True, slots=True)
class ReviewRow:
    sheet: str
    row: int
    key: SheetKey
    status: Status
    disposition: Disposition | None
    note: str


@dataclass
class ReviewSheetResult:
    meta: WorkbookMeta
    edited: list[ReviewRow] = field(default_factory=list)
    untouched: int = 0
    problems: list[SheetProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    stripped_chars: int = 0  # control and invisible characters removed from edited notes


def exported_values_hash(status: str, disposition: str | None, note: str) -> str:
    """The hash written into the key at export; compared at import to find the rows staff edited."""
    return values_hash(status, disposition or "", note)


def _text(value: Any) -> str:
    return "" if is_blank(value) else str(value).strip()


def _as_written(value: Any) -> str:
    """A cell exactly as it reads back (whitespace included): what the export hash is compared with."""
    return "" if value is None else str(value)


def read_review_sheet(path: Path) -> ReviewSheetResult:
    content = read_answer_book(path, headers=HEADERS)
    result = ReviewSheetResult(meta=content.meta, problems=content.problems, notices=content.notices)
    seen = RowKeys(result.problems)
    for data in content.rows:
        sheet, row, key = data.sheet, data.row, data.key
        status_v, disp_v, note_v = data.values
        if key is None or key.revision is None:
            msg = ("追加された行です（キーがありません）。取り込みません。" if is_blank(data.raw_key)
                   else f"キー「{data.raw_key}」を読めません。取り込みません。")
            result.problems.append(SheetProblem(sheet, row, msg, "行を追加せず、キー列（隠し列）は変更しないでください。"))
            continue
        item = str(key)
        if not seen.first_time(data, key.cell, key.label, item):
            continue
        mismatch = shown_key_mismatch(key, data.shown_key)
        if mismatch:
            result.problems.append(SheetProblem(sheet, row, f"{mismatch}。この行は取り込みません。",
                                                "ID 列とキー列（隠し列）は変更せず、行を入れ替えないでください。", item))
            continue
        pending = [label for i, label in enumerate(HEADERS) if data.formula_without_result(i)]
        if pending:
            result.problems.append(SheetProblem(
                sheet, row, f"{'・'.join(pending)} が計算結果の保存されていない数式です（値を読めません）。この行は取り込みません。",
                "Excel で開いて再計算（F9）して保存し直すか、数式を値に置き換えてください。", item))
            continue
        if exported_values_hash(*(_as_written(v) for v in (status_v, disp_v, note_v))) == key.values_hash:
            result.untouched += 1
            continue
        status_t, disp_t = _text(status_v), _text(disp_v)
        note, removed = strip_invisible(_as_written(note_v))
        result.stripped_chars += removed
        problems = []
        for label, value in zip(HEADERS, (status_v, disp_v, note_v), strict=True):
            if excel_error(value):
                problems.append(SheetProblem(sheet, row, f"{label} がエラー値 {value} です。",
                                             "先頭が = の文字は数式になります。先頭に ' を付けてください。", item))
        status = _STATUSES.get("".join(nfkc(status_t).split()))
        disposition = _DISPOSITIONS.get("".join(nfkc(disp_t).split())) if disp_t else None
        if not problems:
            if status is None:
                problems.append(SheetProblem(sheet, row, f"状況「{status_t}」は選択肢にありません。",
                                             "未確認 / 適合 / ギャップ / 対象外 から選んでください。", item))
            if disp_t and disposition is None:
                problems.append(SheetProblem(sheet, row, f"対応方針「{disp_t}」は選択肢にありません。",
                                             "一覧から選んでください。", item))
            elif disposition is not None and status is not None and status != Status.GAP:
                problems.append(SheetProblem(sheet, row, f"対応方針は状況がギャップのときだけ指定できます（状況: {status_t}）。",
                                             "状況をギャップにするか、対応方針を空にしてください。", item))
        if problems or status is None:
            result.problems.extend(problems)
            continue
        result.edited.append(ReviewRow(sheet, row, key, status, disposition, note))
    result.edited = [r for r in result.edited if r.key.cell not in seen.disputed]  # neither of two differing rows
    return result
