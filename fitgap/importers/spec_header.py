"""Finding the header row(s) of a requirement sheet and which column holds which field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fitgap.importers.columns import Column, column_letter_index, header_text, match_header, normalize_header
from fitgap.importers.mapping_profile import SheetMapping

HEADER_SCAN_ROWS = 30
MAX_HEADER_ROWS = 3
MAX_HEADERS_SHOWN = 25

# (row number, cell values, indexes of cells filled in from a merged range)
Row = tuple[int, Sequence[object], frozenset[int]]


@dataclass(slots=True)
class ColumnMap:
    """Which column (0-based) holds which field; category may span several columns."""

    single: dict[Column, int] = field(default_factory=dict)
    category: list[int] = field(default_factory=list)
    id_extra: list[int] = field(default_factory=list)  # ID split over merged columns: 業務コード | 連番
    form_name: int | None = None  # a 帳票名称 column beside the 機能名称 one (a sheet of both kinds)
    header_texts: dict[int, str] = field(default_factory=dict)  # column → header as shown
    first_data_row: int = 1  # 1-based row after the header block
    missing: list[str] = field(default_factory=list)  # profile columns not found

    def get(self, col: Column) -> int | None:
        return self.single.get(col)

    def header_of(self, col: Column) -> str:
        i = self.single.get(col)
        return self.header_texts.get(i, "") if i is not None else ""


def _cell(values: Sequence[object], i: int) -> object:
    return values[i] if i < len(values) else None


def _parts(block: list[Row], col: int) -> list[tuple[str, bool]]:
    """Header texts of one column, top to bottom; repeats from vertical merges collapsed."""
    out: list[tuple[str, bool]] = []
    for _, values, filled in block:
        text = header_text(_cell(values, col))
        if not text:
            continue
        if out and out[-1][0] == text:
            continue
        out.append((text, col in filled))
    return out


def _match_parts(parts: list[tuple[str, bool]]) -> Column | None:
    """Most specific (lowest) header text first; a group title filled from a merge only as a last resort."""
    specific = any(not f for _, f in parts)
    candidates = [t for t, f in reversed(parts) if not (f and specific and len(parts) > 1)]
    candidates.append("".join(t for t, _ in parts))
    for text in candidates:
        col = match_header(text)
        if col is not None:
            return col
    return None


def row_score(values: Sequence[object]) -> int:
    return sum(1 for v in values if v is not None and match_header(v) is not None)


def find_header_block(rows: list[Row]) -> tuple[int, int] | None:
    """Indexes (start, end inclusive) into ``rows`` of the header block, or None."""
    scores = [row_score(values) for _, values, _ in rows]
    best = max(range(len(rows)), key=lambda i: (scores[i], -i), default=None)
    if best is None or scores[best] < 2:
        return None
    start = best - 1 if best > 0 and scores[best - 1] >= 1 and rows[best - 1][0] == rows[best][0] - 1 else best
    end = best
    while end + 1 < len(rows) and end - start + 1 < MAX_HEADER_ROWS and scores[end + 1] >= 2:
        end += 1
    return start, end


def auto_columns(block: list[Row]) -> ColumnMap:
    width = max((len(values) for _, values, _ in block), default=0)
    cmap = ColumnMap(first_data_row=block[-1][0] + 1)
    for col in range(width):
        parts = _parts(block, col)
        if not parts:
            continue
        cmap.header_texts[col] = " / ".join(t for t, _ in parts)
        field_ = _match_parts(parts)
        if field_ is None:
            continue
        if field_ is Column.CATEGORY:
            cmap.category.append(col)
        elif field_ not in cmap.single:
            cmap.single[field_] = col
        elif field_ is Column.NAME and cmap.form_name is None and _names_kind(cmap, col) is not None:
            pass  # 機能名称 and 帳票名称 side by side: each row says which kind it is by the one it fills
        elif field_ is Column.KUBUN and Column.KIND not in cmap.single:
            _second_class_column(cmap, col)
        elif (
            field_ is Column.REQ_ID
            and col == cmap.single[field_] + len(cmap.id_extra) + 1
            and all(filled for _, filled in parts)
        ):
            cmap.id_extra.append(col)  # the ID header is merged across this column too
    if Column.REQ_ID not in cmap.single and Column.ITEM_NO in cmap.single:
        cmap.single[Column.REQ_ID] = cmap.single.pop(Column.ITEM_NO)
    return cmap


def _kind_word(header: str) -> str | None:
    """機能 or 帳票 when a header names one kind only (機能ID, 帳票名称), else None."""
    if "帳票" in header and "機能" not in header:
        return "帳票"
    if "機能" in header and "帳票" not in header:
        return "機能"
    return None


def _names_kind(cmap: ColumnMap, col: int) -> str | None:
    """A second name column: when one of the two names 帳票 and the other 機能, the 帳票 one is kept as
    ``form_name`` and the 機能 one as the name; returns the second column's kind word, or None (ignored)."""
    first = cmap.single[Column.NAME]
    here, there = _kind_word(cmap.header_texts.get(col, "")), _kind_word(cmap.header_texts.get(first, ""))
    if {here, there} != {"帳票", "機能"}:
        return None
    if here == "帳票":
        cmap.form_name = col
    else:
        cmap.single[Column.NAME], cmap.form_name = col, first
    return here


def _second_class_column(cmap: ColumnMap, col: int) -> None:
    """Two 区分 columns: the one named 実装区分 / 類型 is the class, the other (区分, 要件区分) may say 機能 or 帳票
    per row and is read as the kind."""
    first = cmap.single[Column.KUBUN]

    def is_class(c: int) -> bool:
        head = normalize_header(cmap.header_texts.get(c, ""))
        return "実装" in head or "類型" in head

    if is_class(first) and not is_class(col):
        cmap.single[Column.KIND] = col
    elif is_class(col) and not is_class(first):
        cmap.single[Column.KUBUN], cmap.single[Column.KIND] = col, first


def column_kind(cmap: ColumnMap) -> str | None:
    """The kind the columns say for the whole sheet (機能ID / 帳票ID, then 帳票名称, then the text's header);
    None when they name neither or both."""
    for col in (Column.REQ_ID, Column.NAME, Column.TEXT):
        word = _kind_word(cmap.header_of(col))
        if word is not None:
            return word
    return None


def _find_named(block: list[Row], wanted: str) -> int | None:
    key = normalize_header(wanted)
    width = max((len(values) for _, values, _ in block), default=0)
    for col in range(width):
        parts = _parts(block, col)
        texts = [t for t, _ in parts] + ["".join(t for t, _ in parts)]
        if any(normalize_header(t) == key for t in texts):
            return col
    return None


def profile_header_block(rows: list[Row], mapping: SheetMapping) -> list[Row] | None:
    """The header block a profile points at: its header_row, or the row naming its req_id column."""
    if mapping.header_row is not None:
        wanted = range(mapping.header_row, mapping.header_row + mapping.header_rows)
        return [r for r in rows if r[0] in wanted]
    key = normalize_header(mapping.columns[Column.REQ_ID][0])
    for i, (_, values, _) in enumerate(rows):
        if any(normalize_header(v) == key for v in values if v is not None):
            return rows[i : i + mapping.header_rows]
    if all(column_letter_index(v) is not None for vs in mapping.columns.values() for v in vs):
        return []  # letters only and no header row: data starts at row 1
    return None


def profile_columns(block: list[Row], mapping: SheetMapping) -> ColumnMap:
    cmap = ColumnMap(first_data_row=(block[-1][0] + 1) if block else 1)
    width = max((len(values) for _, values, _ in block), default=0)
    for col in range(width):
        parts = _parts(block, col)
        if parts:
            cmap.header_texts[col] = " / ".join(t for t, _ in parts)
    for field_, specs in mapping.columns.items():
        for spec in specs:
            idx = _find_named(block, spec) if block else None
            if idx is None:
                idx = column_letter_index(spec)
            if idx is None:
                cmap.missing.append(spec)
                continue
            if field_ is Column.CATEGORY:
                cmap.category.append(idx)
            else:
                cmap.single[field_] = idx
    return cmap


def visible_headers(rows: list[Row]) -> tuple[str, ...]:
    """The texts of the busiest short-celled row: what the user would call this sheet's headers."""
    best: tuple[str, ...] = ()
    for _, values, _ in rows:
        texts = tuple(dict.fromkeys(t for v in values if (t := header_text(v)) and len(t) <= 40))  # merges once
        if len(texts) > len(best):
            best = texts
    return best if len(best) <= MAX_HEADERS_SHOWN else (*best[:MAX_HEADERS_SHOWN], "…")
