"""A returned 改修 list → the rows a vendor changed, and problems (sheet, row, message, what to do).

Every row is checked: the key (rows added or keys edited are refused), duplicates, Excel error values, a
状況 outside the list (pasted past the drop-down), dates that are not dates, a cost that is not a number
≥ 0, a completion date while the status is not 完了, a formula whose result was never saved (its value is
unknown: never read as a blank). Control and invisible characters are removed from the texts, and counted.
Rows nobody touched (same values as exported) are counted, not returned; rows deleted from the sheet are
reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fitgap.domain.answer_sheet import KEY_SEP, SheetKey, SheetProblem, decode_key, values_hash
from fitgap.domain.change_sheet import EDITABLE_HEADERS, SHEET_CODE
from fitgap.domain.enums import ChangeStatus
from fitgap.domain.text import nfkc, strip_invisible
from fitgap.importers.answer_workbook import RowKeys, WorkbookMeta, excel_error, is_blank, read_answer_book
from fitgap.importers.vendor_sheet import parse_cost, parse_date

HEADERS = EDITABLE_HEADERS  # the cells a vendor fills in, as the writer labels them
_STATUSES = {s.value: s for s in ChangeStatus}


def exported_values_hash(status: str, planned: date | None, actual: date | None, cost: float | None, interim: str,
                         note: str) -> str:
    """The hash written into the key at export; compared at import to find the rows a vendor edited."""
    return values_hash(status, planned.isoformat() if planned else "", actual.isoformat() if actual else "",
                       "" if cost is None else f"{cost:g}", interim, note)


def encode_key(provider_id: int, consumer_id: int, text_hash: str, revision: int, vhash: str) -> str:
    """IF|<provider id>-<consumer id>|<hash of what changes>|<revision>|<hash of the values>: a key without
    a requirement kind (a link is no requirement), read back by decode_key like the other sheets' keys."""
    return KEY_SEP.join([SHEET_CODE, f"{provider_id}-{consumer_id}", text_hash, str(revision), vhash])


def pair_of(key: SheetKey) -> tuple[int, int] | None:
    if key.operation_code != SHEET_CODE or key.kind:
        return None
    parts = key.req_id.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


@dataclass(frozen=True, slots=True)
class ChangeSheetRow:
    sheet: str
    row: int
    key: SheetKey
    pair: tuple[int, int]
    status: ChangeStatus
    planned: date | None
    actual: date | None
    cost_kyen: float | None
    interim: str
    note: str

    def values(self) -> dict[str, Any]:
        return {"status": self.status, "planned": self.planned, "actual": self.actual, "cost_kyen": self.cost_kyen,
                "interim": self.interim, "note": self.note}


@dataclass
class ChangeSheetResult:
    meta: WorkbookMeta
    edited: list[ChangeSheetRow] = field(default_factory=list)
    untouched: int = 0
    deleted: int = 0
    problems: list[SheetProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    stripped_chars: int = 0  # control and invisible characters removed from the edited texts


def _text(value: Any) -> str:
    return "" if is_blank(value) else str(value).strip()


def read_change_sheet(path: Path) -> ChangeSheetResult:
    content = read_answer_book(path, headers=HEADERS)
    result = ChangeSheetResult(meta=content.meta, problems=content.problems, notices=content.notices)
    seen = RowKeys(result.problems)
    for data in content.rows:
        sheet, row, key = data.sheet, data.row, data.key
        pair = pair_of(key) if key is not None and key.revision is not None else None
        if key is None or pair is None:
            msg = ("追加された行です（キーがありません）。取り込みません。" if is_blank(data.raw_key)
                   else f"キー「{data.raw_key}」を読めません。取り込みません。")
            result.problems.append(SheetProblem(sheet, row, msg, "行を追加せず、キー列（隠し列）は変更しないでください。"))
            continue
        if not seen.first_time(data, key.cell, "同じ改修項目", key.req_id):
            continue
        status_v, planned_v, actual_v, cost_v, interim_v, note_v = data.values
        problems = [SheetProblem(sheet, row, f"{label} がエラー値 {value} です。",
                                 "先頭が = の文字は数式になります。先頭に ' を付けてください。", key.req_id)
                    for label, value in zip(HEADERS, data.values, strict=True) if excel_error(value)]
        if problems:
            result.problems.extend(problems)
            continue
        pending = [label for i, label in enumerate(HEADERS) if data.formula_without_result(i)]
        if pending:
            result.problems.append(SheetProblem(
                sheet, row, f"{'・'.join(pending)} が計算結果の保存されていない数式です（値を読めません）。この行は取り込みません。",
                "Excel で開いて再計算（F9）して保存し直すか、数式を値に置き換えてください。", key.req_id))
            continue
        status_t = "".join(nfkc(_text(status_v)).split())
        status = _STATUSES.get(status_t)
        planned, actual, cost = parse_date(planned_v), parse_date(actual_v), parse_cost(cost_v)
        if status is None:
            problems.append(SheetProblem(sheet, row, f"状況「{_text(status_v)}」は選択肢にありません。",
                                         f"{' / '.join(_STATUSES)} から選んでください。", key.req_id))
        for label, raw, parsed in (("完了予定日", planned_v, planned), ("完了日", actual_v, actual)):
            if not is_blank(raw) and parsed is None:
                problems.append(SheetProblem(sheet, row, f"{label}「{raw}」は日付ではありません。",
                                             "2027/03/31 の形で入力してください。", key.req_id))
        if not is_blank(cost_v) and (cost is None or not math.isfinite(cost) or cost < 0):
            problems.append(SheetProblem(sheet, row, f"概算費用「{cost_v}」は 0 以上の数値ではありません。",
                                         "千円単位の数値を入力してください。", key.req_id))
        if status is not None and actual is not None and status != ChangeStatus.DONE:
            problems.append(SheetProblem(sheet, row, f"完了日が入っていますが、状況が「{status.value}」です。",
                                         "状況を「完了」にするか、完了日を空にしてください。", key.req_id))
        if problems or status is None:
            result.problems.extend(problems)
            continue
        (interim, removed_i), (note, removed_n) = strip_invisible(_text(interim_v)), strip_invisible(_text(note_v))
        interim, note = interim.strip(), note.strip()
        if exported_values_hash(status.value, planned, actual, cost, interim, note) == key.values_hash:
            result.untouched += 1
            continue
        result.stripped_chars += removed_i + removed_n
        result.edited.append(ChangeSheetRow(sheet, row, key, pair, status, planned, actual, cost, interim, note))
    result.edited = [r for r in result.edited if r.key.cell not in seen.disputed]  # neither of two differing rows
    for raw in content.meta.keys:
        if raw not in seen and (k := decode_key(raw)) is not None:
            result.deleted += 1
            result.problems.append(SheetProblem("", None, f"改修項目（キー {k.req_id}）の行が削除されています。取り込みません。",
                                                "行を削除せずに記入してください。", k.req_id))
    return result
