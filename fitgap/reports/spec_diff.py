"""The spec-diff workbook: a summary sheet and the changed items with a character-level diff."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from fitgap.domain.spec_diff import Change, Segment, SpecDiff, compare_form
from fitgap.reports.output_file import make_folder, write_atomically
from fitgap.reports.print_layout import apply_openpyxl, header_height, row_height
from fitgap.reports.workbook_font import FONT_NAME, FONT_SIZE, font, new_workbook
from fitgap.reports.xlsx_cells import CODE_FORMAT, text_cells

HEADERS = ["変更", "ID", "種別", "名称", "旧 実装区分", "新 実装区分", "旧 本文", "新 本文", "差分（赤字取消線=削除、青字下線=追加）",
           "要件の考え方・理由・備考の変更（旧 → 新）"]
WIDTHS = [10, 12, 6, 24, 16, 16, 50, 50, 60, 40]


def _notes_change(old: object, new: object) -> str:
    """What changed in 要件の考え方・理由 and 備考 (shown; it does not make the item 要再確認)."""
    lines = []
    for label, attr in (("考え方・理由", "reason"), ("備考", "remarks")):
        a, b = getattr(old, attr, "") or "", getattr(new, attr, "") or ""
        if a != b:
            lines.append(f"【{label}】{a or '（なし）'} → {b or '（なし）'}")
    return "\n".join(lines)
_DELETED = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE, color="C00000", strike=True)
_INSERTED = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE, color="0050C0", u="single", b=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class DiffSheetData:
    operation: str
    from_label: str
    to_label: str
    diff: SpecDiff


def _key(ch: str) -> str:
    """A character as the comparison sees it: （ and ( alike, any space alike."""
    n = unicodedata.normalize("NFKC", ch)
    return " " if n.isspace() else n


def display_diff(old: str, new: str) -> list[Segment]:
    """The difference of two texts as they are written: the characters matched width- and space-blind, as
    the comparison does, but shown as in the texts (line breaks and full-width brackets kept), so that the
    diff reads like the 新 本文 beside it."""
    ka, kb = [_key(c) for c in old], [_key(c) for c in new]
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(Segment("equal", new[j1:j2]))
            continue
        if tag in ("delete", "replace"):
            out.append(Segment("delete", old[i1:i2]))
        if tag in ("insert", "replace"):
            out.append(Segment("insert", new[j1:j2]))
    return out


def _parts(segments: list[Segment]) -> list[str | TextBlock]:
    return [seg.text if seg.op == "equal" else TextBlock(_DELETED if seg.op == "delete" else _INSERTED, seg.text)
            for seg in segments if seg.text]


def rich_diff(old: str, new: str, *, old_name: str = "", new_name: str = "") -> CellRichText | str:
    """The text's difference, marked; a changed name first, on a line of its own (【名称】)."""
    parts: list[str | TextBlock] = []
    if compare_form(old_name) != compare_form(new_name):
        parts += ["【名称】", *_parts(display_diff(old_name, new_name)), "\n"]
    parts += _parts(display_diff(old, new))
    return CellRichText(parts) if parts else ""


def write_spec_diff_workbook(data: DiffSheetData, path: Path) -> Path:
    make_folder(path.parent)
    wb = new_workbook()
    summary = wb.active
    summary.title = "概要"
    summary.append(["業務", data.operation])
    summary.append(["比較", f"{data.from_label} → {data.to_label}"])
    summary.append([])
    summary.append(["変更", "件数"])
    for change, n in data.diff.counts().items():
        summary.append([change.value, n])
    summary.column_dimensions["A"].width = 14
    summary.column_dimensions["B"].width = 40
    apply_openpyxl(summary, (14, 40), title=f"仕様書の版の比較 {data.operation}", fit_height=1)
    text_cells(summary)

    ws = wb.create_sheet("変更一覧")
    apply_openpyxl(ws, WIDTHS, title=f"仕様書の版の比較 {data.operation}（{data.from_label} → {data.to_label}）",
                   title_rows="1:1", title_cols="A:D")  # 変更・ID・種別・名称 beside the texts on every page
    ws.append(HEADERS)
    ws.row_dimensions[1].height = header_height(HEADERS, WIDTHS)
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
        ws.cell(row=1, column=i).font = font(bold=True)
        ws.cell(row=1, column=i).fill = _HEAD_FILL
    wrap = Alignment(wrap_text=True, vertical="top")
    for item in data.diff.changed:
        old, new = item.old, item.new
        ref = new or old
        kind = getattr(ref, "kind", "")
        old_text = old.text if old else ""
        new_text = new.text if new else ""
        diff_cell: CellRichText | str = ""
        if item.change in (Change.TEXT_CHANGED, Change.CLASS_CHANGED) and item.text_changed:
            diff_cell = rich_diff(old_text, new_text, old_name=old.name if old else "", new_name=new.name if new else "")
        ws.append([
            item.change.value, item.req_id, getattr(kind, "value", kind), ref.name if ref else "",
            old.kubun.value if old else "", new.kubun.value if new else "", old_text, new_text, diff_cell,
            _notes_change(old, new) if item.notes_changed else "",
        ])
        n = ws.max_row
        for cell in ws[n]:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text from a spec file is never a formula
        ws.cell(row=n, column=2).number_format = CODE_FORMAT
        plain_diff = str(diff_cell) if diff_cell else ""
        height = row_height([item.change.value, item.req_id, "", ref.name if ref else "", "", "", old_text,
                             new_text, plain_diff, _notes_change(old, new) if item.notes_changed else ""], WIDTHS)
        if height:
            ws.row_dimensions[n].height = height
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(ws.max_row, 1)}"
    return write_atomically(path, wb.save)
