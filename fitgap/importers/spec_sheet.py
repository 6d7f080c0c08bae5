"""Reading the requirement rows of one sheet (or one CSV file) once its header is known.

Works on a stream of rows so that a 30,000-row sheet is read without holding it twice: only the first
rows are buffered to find the header.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from fitgap.domain.enums import Kubun, RequirementKind, is_transitional
from fitgap.domain.records import Problem, RemovedRow, RequirementRecord
from fitgap.domain.req_ids import check_requirement_id
from fitgap.domain.text import needs_stripping, normalize_requirement_id, strip_invisible
from fitgap.errors import InvalidInputError
from fitgap.importers.columns import MARK_COLUMNS, Column, match_header
from fitgap.importers.limits import MAX_CELL_CHARS, MAX_ROWS
from fitgap.importers.mapping_profile import PROFILE_HINT, SheetMapping
from fitgap.importers.spec_dates import stated_date, stated_label
from fitgap.importers.spec_header import (
    HEADER_SCAN_ROWS,
    ColumnMap,
    Row,
    auto_columns,
    column_kind,
    find_header_block,
    profile_columns,
    profile_header_block,
    visible_headers,
)
from fitgap.importers.spec_result import SkippedSheet, SpecParseResult

NON_REQUIREMENT_SHEET_WORDS = ("変更履歴", "改訂履歴", "改定履歴", "更新履歴", "表紙", "凡例", "目次", "はじめに")
_TITLE_MARKS = ("■", "□", "◆", "◇", "●", "○", "【", "※", "＜", "<", "(", "（", "〔")
_NO_TRANSITIONAL = {"", "-", "－", "―", "ー", "×", "なし", "無", "無し", "対象外", "0", "false"}
KUBUN_HINT = (
    "実装必須機能 / 標準オプション機能 / 実装不可機能 のいずれか (旧表記 実装すべき / 実装してもしなくても良い / "
    "実装しない、類型1/2/3、必須/オプション/不可 も可) にしてください。"
)
PROGRESS_EVERY = 1000
ID_HINT = "ID の列を確かめてください（数式の結果や記号、見えない文字が入っていないか）。"
DATED_SHEET_WORDS = ("表紙", "変更履歴", "改訂履歴", "改定履歴", "更新履歴")
DATE_SCAN_ROWS = 200
# a cell that says the item was removed in this version: 削除, 欠番, （削除）, 【削除】, 削除済み …
_REMOVED_CELL = re.compile(r"^[\(（【\[〔<＜]?\s*(削除|欠番)(済み?|しました)?\s*[\)）】\]〕>＞]?$")
_REMOVAL_STARTS = frozenset("(（【[〔<＜削欠")  # what _REMOVED_CELL can match first
_REMOVED_IN_ID = re.compile(r"[\(（【\[〔]\s*(削除|欠番)(済み?)?\s*[\)）】\]〕]")
_KIND_VALUES = {k: k.value for k in RequirementKind}
_MARKS = {"○", "〇", "◯", "●", "◎", "✓", "✔", "レ", "1", "o", "O"}
# a class cell that holds the kind instead (a 区分 column saying 機能 or 帳票 per row)
_KIND_IN_CLASS = {"機能": RequirementKind.FUNCTION, "帳票": RequirementKind.FORM, "機能要件": RequirementKind.FUNCTION,
                  "帳票要件": RequirementKind.FORM}


def removal_mark(value: str) -> str | None:
    """The mark ('削除', '欠番') when a cell says the item was removed in this version."""
    if not value or ("削" not in value and "欠" not in value):  # the common case: no mark to look for
        return None
    head = value.lstrip()  # a mark begins with a bracket or the word itself (e.g. not 登録・修正・削除の…)
    if not head or head[0] not in _REMOVAL_STARTS:
        return None
    m = _REMOVED_CELL.match("".join(value.split()))
    return m.group(1) if m else None


def cell_text(value: object) -> str:
    """A cell as text: line breaks kept (CRLF folded), surrounding spaces trimmed, 12.0 → '12'."""
    if value is None:
        return ""
    if type(value) is str or isinstance(value, str):
        if "\r" in value or "_x000D_" in value:
            value = value.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def sheet_kind(sheet_name: str, cmap: ColumnMap) -> RequirementKind:
    """The kind of a sheet's rows when a row does not say it itself: what the columns say (機能ID / 帳票ID,
    帳票名称, the text's header), then the sheet's name (帳票要件), else 機能."""
    word = column_kind(cmap)
    if word is None and "帳票" in sheet_name and "機能" not in sheet_name:
        word = "帳票"
    return RequirementKind.FORM if word == "帳票" else RequirementKind.FUNCTION


def row_kind(value: str) -> RequirementKind | None:
    """The kind a 種別 / 区分 cell says (機能, 帳票, 帳票要件 …); None when it names neither or both."""
    if "帳票" in value:
        return None if "機能" in value else RequirementKind.FORM
    return RequirementKind.FUNCTION if "機能" in value else None


@dataclass(slots=True)
class _Pending:
    row: int
    raw_id: str
    kubun_raw: str
    name: list[str]
    text: list[str]
    reason: list[str]
    note: list[str]
    category: str
    kind: RequirementKind
    transitional_raw: str
    removed: str | None = None


@dataclass(slots=True)
class SheetReader:
    """Reads one sheet into ``result``; returns the headers it saw when the sheet holds no requirements."""

    result: SpecParseResult
    source_file: str
    id_digits: int = 7
    progress: Callable[[int], None] | None = None
    seen_ids: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    kubun_cache: dict[str, tuple[Kubun | None, bool]] = field(default_factory=dict)
    rows_read: int = 0

    def read(self, name: str, rows: Iterator[Row], mapping: SheetMapping | None) -> tuple[str, ...] | None:
        if mapping is None and any(w in name for w in NON_REQUIREMENT_SHEET_WORDS):
            self.result.skipped_sheets.append(SkippedSheet(name, "要件一覧ではないシート (履歴・表紙・凡例など)"))
            if any(w in name for w in DATED_SHEET_WORDS):
                cells = [v for _, values, _ in itertools.islice(rows, DATE_SCAN_ROWS) for v in values]
                found = stated_date(cells)
                if found is not None:
                    self.result.stated_dates.append((name, found))
                if "表紙" in name and self.result.stated_label is None:
                    self.result.stated_label = stated_label(cells)
            return None
        head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        head = [r for r in head if any(v is not None and v != "" for v in r[1])]
        if not head:
            if mapping is not None or any(w in name for w in ("機能", "帳票", "要件")):
                self.result.problems.append(
                    Problem("シートが空です。", "要件一覧のシートなら内容を確かめてください。", sheet=name)
                )
            else:
                self.result.skipped_sheets.append(SkippedSheet(name, "空のシート"))
            return None
        cmap = self._columns(name, head, mapping)
        if cmap is None:
            headers = visible_headers(head)
            self.result.skipped_sheets.append(SkippedSheet(name, "要件の見出しが見つからないシート", headers))
            return headers
        if not self._usable(name, cmap, mapping):
            return None
        self.result.sheets_read.append(name)
        body = itertools.chain((r for r in head if r[0] >= cmap.first_data_row), rows)
        before = len(self.result.requirements)
        self._rows(name, body, cmap, mapping)
        if len(self.result.requirements) == before and not any(p.sheet == name for p in self.result.problems):
            self.result.problems.append(
                Problem("見出しはありますが要件の行がありません。", "シートの内容を確かめてください。", sheet=name)
            )
        return None

    def _columns(self, name: str, head: list[Row], mapping: SheetMapping | None) -> ColumnMap | None:
        if mapping is not None:
            block = profile_header_block(head, mapping)
            if block is None:
                self.result.problems.append(
                    Problem(
                        sheet=name,
                        message=f"プロファイルの見出し '{mapping.columns[Column.REQ_ID][0]}' が先頭{HEADER_SCAN_ROWS}行にありません。",
                        hint="プロファイルの header_row か列の見出しを確かめてください。",
                    )
                )
                return ColumnMap(missing=["req_id"])
            return profile_columns(block, mapping)
        span = find_header_block(head)
        if span is None:
            return None
        cmap = auto_columns(head[span[0] : span[1] + 1])
        if Column.REQ_ID not in cmap.single or not (
            Column.TEXT in cmap.single or Column.NAME in cmap.single
        ):
            return None
        return cmap

    def _usable(self, name: str, cmap: ColumnMap, mapping: SheetMapping | None) -> bool:
        if cmap.missing:
            if cmap.missing != ["req_id"]:
                found = "、".join(cmap.header_texts.values()) or "(なし)"
                self.result.problems.append(
                    Problem(
                        sheet=name,
                        message=f"プロファイルの列 {'、'.join(cmap.missing)} がシートにありません (見出し: {found})。",
                        hint="プロファイルの列名をシートの見出しどおりに書くか、列記号 (A, B …) で指定してください。",
                    )
                )
            return False
        has_marks = any(c in cmap.single for c in MARK_COLUMNS)
        if Column.KUBUN not in cmap.single and not has_marks and (mapping is None or mapping.kubun_default is None):
            self.result.problems.append(
                Problem(
                    sheet=name,
                    message="実装区分の列が見つかりません。",
                    hint="実装区分の列の見出しを「実装区分」にするか、" + PROFILE_HINT.splitlines()[0]
                    + " (列がない場合は kubun_default を指定)",
                )
            )
            return False
        return True

    def _rows(self, name: str, rows: Iterator[Row], cmap: ColumnMap, mapping: SheetMapping | None) -> None:
        # every used column in one list; -1 = the sheet has no such column
        fields = (Column.REQ_ID, Column.NAME, Column.TEXT, Column.KUBUN, Column.REASON, Column.NOTE, Column.KIND,
                  Column.TRANSITIONAL, Column.MARK_MUST, Column.MARK_OPTION, Column.MARK_FORBIDDEN)
        n_fields = len(fields)
        marks = [(n_fields - 3 + k, label) for k, label in enumerate(MARK_COLUMNS.values())
                 if cmap.single.get(fields[n_fields - 3 + k], -1) >= 0]
        used = [cmap.single.get(f, -1) for f in fields] + list(cmap.category) + list(cmap.id_extra)
        c_id = used[0]
        id_extra = range(len(used) - len(cmap.id_extra), len(used))
        form_name = len(used) if cmap.form_name is not None else 0  # where the 帳票名称 cell is, when there is one
        if cmap.form_name is not None:
            used.append(cmap.form_name)
        n_cats = len(cmap.category)
        last_cat = [""] * n_cats
        category: str | None = ""  # " > ".join of last_cat; None once a category cell changed it
        kind = mapping.kind if mapping is not None and mapping.kind is not None else sheet_kind(name, cmap)
        pending: _Pending | None = None
        progress = self.progress
        text_of = cell_text
        # each row cut (or padded with None) to the used width plus one None, which the absent columns read
        width = max(used) + 1
        pick = operator.itemgetter(*(i if i >= 0 else width for i in used))
        pad = (None,) * (width + 1)

        for row_no, values, filled in rows:
            self.rows_read += 1
            if progress is not None and self.rows_read % PROGRESS_EVERY == 0:
                progress(self.rows_read)
                if self.rows_read > MAX_ROWS:
                    raise InvalidInputError(f"{self.source_file}: 行が多すぎます（上限 {MAX_ROWS:,} 行）。読み込みを中止しました"
                                            "（データベースは変更していません）。", "ファイルを分けてください。")
            n = len(values)
            cells = [  # cell_text, with its common cases inline: no cell, text without a carriage return
                "" if v is None else v.strip() if type(v) is str and "\r" not in v and "_x000D_" not in v
                else text_of(v) for v in pick([*values[:width], *pad[min(n, width):]])
            ]
            if max(map(len, cells), default=0) > MAX_CELL_CHARS:
                raise InvalidInputError(
                    f"{self.source_file} のシート「{name}」{row_no}行目に長すぎるセルがあります"
                    f"（{max(map(len, cells)):,} 文字、上限 {MAX_CELL_CHARS:,} 文字）。読み込みを中止しました"
                    "（データベースは変更していません）。", "セルの内容を短くして保存し直してください。")
            for k in range(n_cats):
                v = cells[n_fields + k]
                if v and v != last_cat[k]:
                    last_cat[k] = v
                    for j in range(k + 1, n_cats):
                        last_cat[j] = ""
                    category = None
            raw_id = cells[0] if c_id not in filled else ""
            if raw_id and id_extra:
                raw_id = self._joined_id(raw_id, [cells[k] for k in id_extra])
            this_kind = kind
            if raw_id:  # the row's own kind: its 種別 cell, a class cell saying 機能 / 帳票, the name column it fills
                if cells[6] and (said := row_kind(cells[6])) is not None:
                    this_kind = said
                elif cells[3] in _KIND_IN_CLASS:
                    this_kind, cells[3] = _KIND_IN_CLASS[cells[3]], ""
                elif form_name and cells[form_name] and not cells[1]:
                    this_kind, cells[1] = RequirementKind.FORM, cells[form_name]
            if marks and not cells[3]:
                cells[3] = self._marked_class(cells, marks)
            if raw_id:
                marked = "削" in (both := f"{raw_id}{cells[2]}{cells[3]}") or "欠" in both  # else no 削除 / 欠番
                removed = removal_mark(raw_id) if marked else None
                if removed is None and not raw_id.isdigit() and (m := _REMOVED_IN_ID.search(raw_id)):
                    removed, raw_id = m.group(1), (raw_id[: m.start()] + raw_id[m.end() :]).strip()
                if removed is None and not raw_id.isdigit() and (
                    raw_id.startswith(_TITLE_MARKS) or match_header(raw_id) is Column.REQ_ID
                ):
                    continue  # a sub-title, legend or repeated header row
                if pending is not None:
                    self._finish(name, pending, mapping)
                pending = _Pending(
                    row=row_no,
                    raw_id=raw_id,
                    kubun_raw=cells[3],
                    name=[cells[1]] if cells[1] else [],
                    text=[cells[2]] if cells[2] else [],
                    reason=[cells[4]] if cells[4] else [],
                    note=[cells[5]] if cells[5] else [],
                    category=category if category is not None else (category := " > ".join(c for c in last_cat if c)),
                    kind=this_kind,
                    transitional_raw=cells[7],
                    # the text or class cell saying 削除 marks the row; the name alone is looked at in _finish
                    removed=(removed or removal_mark(cells[2]) or removal_mark(cells[3])) if marked else None,
                )
                continue
            # no ID of its own: a continuation of the row above, a heading/legend row, or an item missing its ID
            if filled:  # cells filled in from a merged range are not this row's own
                cells = [("" if i in filled else c) for i, c in zip(used, cells, strict=True)]
            own_name, own_text, own_kubun, own_reason, own_note = cells[1], cells[2], cells[3], cells[4], cells[5]
            if form_name and not own_name:
                own_name = cells[form_name]
            if not (own_name or own_text or own_reason or own_note):
                continue
            starts_new = (own_kubun and (pending is None or own_kubun != pending.kubun_raw)) or (
                own_name and pending is not None and pending.name
            )
            if pending is None and not (own_kubun and Kubun.parse(own_kubun) is not None):
                continue  # legend or note rows between the header and the first requirement
            if starts_new or pending is None:
                if pending is not None:
                    self._finish(name, pending, mapping)
                    pending = None
                self.result.problems.append(
                    Problem(
                        sheet=name,
                        row=row_no,
                        message=f"機能ID/帳票ID が空の行に要件があります: {(own_name or own_text)[:30]}",
                        hint="ID を入力してください。前の行の続きなら、名称と実装区分の欄を空にしてください。",
                    )
                )
                continue
            if own_name:
                pending.name.append(own_name)
            if own_text:
                pending.text.append(own_text)
            if own_reason:
                pending.reason.append(own_reason)
            if own_note:
                pending.note.append(own_note)
        if pending is not None:
            self._finish(name, pending, mapping)

    def _joined_id(self, head: str, rest: list[str]) -> str:
        """An ID split over columns ('031' | '1'): the serial is zero-padded to make up the full length."""
        head = normalize_requirement_id(head, digits=0)
        parts = [normalize_requirement_id(r, digits=0) for r in rest if r]
        if not parts:
            return head
        if head.isdigit() and all(p.isdigit() for p in parts) and len(parts) == 1:
            return head + parts[0].zfill(max(self.id_digits - len(head), len(parts[0])))
        return head + "".join(parts)

    @staticmethod
    def _marked_class(cells: list[str], marks: list[tuple[int, str]]) -> str:
        """The class of a list that marks it with ○ in one column per class ('' when none is marked)."""
        hits = [label for i, label in marks if cells[i] and cells[i].strip() in _MARKS]
        if len(hits) == 1:
            return hits[0]
        return "、".join(hits) + "（○が複数）" if hits else ""

    def _kubun(self, raw: str) -> tuple[Kubun | None, bool]:
        """Class and 経過措置 flag of a 実装区分 cell; a list has only a handful of distinct ones."""
        hit = self.kubun_cache.get(raw)
        if hit is None:
            hit = self.kubun_cache[raw] = (Kubun.parse(raw), is_transitional(raw))
        return hit

    def _finish(self, sheet: str, p: _Pending, mapping: SheetMapping | None) -> None:
        raw = p.raw_id
        checked = None
        if raw.isascii() and raw.isdigit() and len(raw) <= self.id_digits:  # the common case
            req_id = raw.zfill(self.id_digits)
        else:
            checked = check_requirement_id(raw, digits=self.id_digits)
            req_id = checked.req_id
        # the ID row's text and class cells were looked at when it was read; a lone text on the rows below
        # can still say 削除, and so can the name of a row without text (a function may be named 削除)
        if p.removed is None and len(p.text) == 1 and ("削" in p.text[0] or "欠" in p.text[0]):
            p.removed = removal_mark(p.text[0])
        if p.removed is None and not p.text and len(p.name) == 1:
            p.removed = removal_mark(p.name[0])
        if p.removed is not None:
            self.result.removed.append(RemovedRow(
                req_id=req_id if removal_mark(req_id) is None else "", kind=p.kind, mark=p.removed,
                source_file=self.source_file, source_sheet=sheet, source_row=p.row,
            ))
            return
        if checked is not None and checked.problem:
            self.result.problems.append(Problem(f"{checked.problem}。", ID_HINT, sheet=sheet, row=p.row))
            return
        hit = self.kubun_cache.get(p.kubun_raw)
        kubun, transitional = hit if hit is not None else self._kubun(p.kubun_raw)
        if kubun is None and not p.kubun_raw and mapping is not None:
            kubun = mapping.kubun_default
        if kubun is None:
            msg = f"実装区分 '{p.kubun_raw}' を読めません。" if p.kubun_raw else "実装区分が空です。"
            self.result.problems.append(Problem(f"{req_id}: {msg}", KUBUN_HINT, sheet=sheet, row=p.row))
            return
        if mapping is not None and mapping.id_suffix_kubun:
            req_id = f"{req_id}-{kubun.short}"
        text, name, category, reason, remarks = (
            "\n".join(p.text), "\n".join(p.name), p.category, "\n".join(p.reason), "\n".join(p.note))
        if needs_stripping(f"{text}\n{name}\n{category}\n{reason}\n{remarks}"):  # seldom: one test for all five
            text, n_text = strip_invisible(text)
            name, n_name = strip_invisible(name)
            category, n_cat = strip_invisible(category)
            reason, n_reason = strip_invisible(reason)
            remarks, n_remarks = strip_invisible(remarks)
            self.result.stripped_chars += n_text + n_name + n_cat + n_reason + n_remarks
        if not text and not name:
            self.result.problems.append(
                Problem(f"{req_id}: 要件の内容がありません。", "要件の本文か名称を入力してください。", sheet=sheet, row=p.row)
            )
            return
        kind_value = _KIND_VALUES[p.kind]
        first = self.seen_ids.get((kind_value, req_id))
        if first is not None:
            self.result.problems.append(
                Problem(
                    f"{kind_value} {req_id}: ID が重複しています (最初は {first[0]} {first[1]}行目)。",
                    "どちらかの ID を正しく直すか、重複した行を削除してください。",
                    sheet=sheet,
                    row=p.row,
                )
            )
            return
        self.seen_ids[(kind_value, req_id)] = (sheet, p.row)
        transitional = transitional or (
            bool(p.transitional_raw) and p.transitional_raw.strip().lower() not in _NO_TRANSITIONAL
        )
        self.result.requirements.append(
            RequirementRecord(
                req_id=req_id,
                kind=p.kind,
                kubun=kubun,
                text=text,
                name=name,
                category=category,
                reason=reason,
                remarks=remarks,
                transitional=transitional,
                source_file=self.source_file,
                source_sheet=sheet,
                source_row=p.row,
            )
        )
