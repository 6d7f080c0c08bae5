"""The department review workbook: staff mark status, disposition and note in Excel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fitgap.domain.answer_sheet import (
    FORMAT_VERSION,
    H_ASSESSED,
    H_ID,
    H_KIND,
    H_KUBUN,
    H_NAME,
    H_NEEDS_REVIEW,
    H_OLD_TEXT,
    H_REASON,
    H_REMARKS,
    H_REVIEW_DISPOSITION,
    H_REVIEW_NOTE,
    H_REVIEW_STATUS,
    H_TEXT,
    PURPOSE_REVIEW,
)
from fitgap.domain.enums import Disposition, Status
from fitgap.reports.answer_workbook import (
    CHOICE,
    TEXT,
    AnswerBook,
    Column,
    DataSheet,
    sheet_name,
    write_answer_book,
)

STATUS_LIST = "状況"
DISPOSITION_LIST = "対応方針"
STATUS_COLOURS = {
    Status.UNCHECKED.value: "EDEDED",
    Status.FIT.value: "C6EFCE",
    Status.GAP.value: "FFC7CE",
    Status.NOT_APPLICABLE.value: "DDEBF7",
}

COLUMNS: tuple[Column, ...] = (
    Column(H_ID, 11),
    Column(H_KIND, 6),
    Column(H_KUBUN, 13, wrap=True),
    Column(H_NAME, 24, wrap=True),
    Column(H_NEEDS_REVIEW, 9, wrap=True),
    Column(H_TEXT, 56, wrap=True),
    Column(H_OLD_TEXT, 44, wrap=True),
    Column(H_REASON, 30, wrap=True),
    Column(H_REMARKS, 20, wrap=True),
    Column(H_ASSESSED, 18, wrap=True),
    Column(H_REVIEW_STATUS, 11, editable=True, kind=CHOICE, choices=STATUS_LIST, colours=STATUS_COLOURS,
           prompt="未確認 / 適合 / ギャップ / 対象外"),
    Column(H_REVIEW_DISPOSITION, 16, editable=True, kind=CHOICE, choices=DISPOSITION_LIST,
           prompt="ギャップのときだけ選んでください"),
    Column(H_REVIEW_NOTE, 50, wrap=True, editable=True, kind=TEXT, prompt="判断の理由、現行の運用など"),
)

INSTRUCTIONS = (
    "1. 業務ごとのシートで、黄色の欄（状況・対応方針・メモ）を記入してください。",
    "2. 状況は 未確認 / 適合 / ギャップ / 対象外 から選びます。対応方針はギャップのときだけ選んでください。",
    "3. 変更した行だけが取り込まれます。書き出し後に fitgap で変更された要件は、上書きせず競合として報告します。",
    "4. 行やシートの追加・削除、列の変更はしないでください（並べ替えと絞り込みはできます）。",
    "5. 「要再確認」の行は、仕様書の改版で要件が変わったものです。前の版の要件と見比べて、判定し直してください。",
)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    key: str
    req_id: str
    kubun: str
    name: str
    text: str
    assessed: str
    status: str
    disposition: str
    note: str
    kind: str = "機能"
    reason: str = ""
    remarks: str = ""
    needs_review: bool = False
    old_text: str = ""  # the text it was assessed on, when it needs review
    old_label: str = ""  # that version's label
    old_kubun: str = ""  # the 実装区分 it was assessed on, when that changed (a change of class alone too)

    @property
    def assessed_on(self) -> str:
        """What the 前の版 column shows of a 要再確認 item: the version, a changed 実装区分, the old text."""
        if not self.needs_review or not (self.old_text or self.old_kubun):
            return ""
        lines = [f"（{self.old_label}）"]
        if self.old_kubun:
            lines.append(f"実装区分: {self.old_kubun} → {self.kubun}")
        if self.old_text:
            lines.append(self.old_text)
        return "\n".join(lines)


@dataclass(frozen=True)
class ReviewPart:
    code: str
    name: str
    version_label: str
    items: Iterable[ReviewItem]  # may stream from the database: then ``count`` says how many
    count: int | None = None
    review_count: int | None = None  # how many are 要再確認 (counted from the items when they are a list)

    @property
    def item_count(self) -> int:
        return self.count if self.count is not None else len(self.items)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ReviewSheetData:
    export_id: str
    database_id: str
    municipality: str
    created_at: datetime
    created_by: str
    demo: bool
    operations: Sequence[ReviewPart]


def _version_line(p: ReviewPart) -> str:
    review = p.review_count if p.review_count is not None else sum(it.needs_review for it in p.items)
    return f"{p.code} {p.name}: {p.version_label}（{p.item_count} 件" + (f"、うち要再確認 {review} 件）" if review else "）")


def build_review_book(data: ReviewSheetData) -> AnswerBook:
    sheets: list[DataSheet] = []
    codes: list[tuple[str, str]] = []
    mark = "【デモ】" if data.demo else ""
    for part in data.operations:
        name = sheet_name(f"{part.code} {part.name}", [s.name for s in sheets] + ["表紙"])
        rows = (((it.req_id, it.kind, it.kubun, it.name, "要再確認" if it.needs_review else "", it.text,
                  it.assessed_on,
                  it.reason, it.remarks, it.assessed, it.status, it.disposition or None, it.note), it.key)
                for it in part.items)
        title = f"{mark}{part.code} {part.name}（{part.version_label}） 確認シート — 黄色の欄を記入してください"
        sheets.append(DataSheet(name=name, title=title, columns=COLUMNS, rows=rows, count=part.item_count))
        codes.append((name, part.code))
    meta = [
        ("format_version", FORMAT_VERSION), ("export_id", data.export_id), ("database_id", data.database_id),
        ("purpose", PURPOSE_REVIEW), ("vendor", ""), ("created_at", data.created_at.isoformat(timespec="seconds")),
        ("created_by", data.created_by), ("municipality", data.municipality), ("demo", "1" if data.demo else "0"),
    ]
    cover = [
        ("団体", data.municipality),
        ("作成日", f"{data.created_at:%Y/%m/%d}"),
        ("作成者", data.created_by),
        ("業務と仕様書の版", "\n".join(_version_line(p) for p in data.operations)),
        ("書き出しID", data.export_id),
    ]
    if data.demo:
        cover.insert(0, ("注意", "このブックはデモデータ（架空の要件）から作成したものです。"))
    return AnswerBook(
        meta=meta, sheet_codes=codes, cover_title=f"{mark}FIT&GAP 確認シート", cover_rows=cover,
        instructions=INSTRUCTIONS,
        lists={STATUS_LIST: [s.value for s in Status], DISPOSITION_LIST: [d.value for d in Disposition]},
        sheets=sheets, demo=data.demo,
    )


def write_review_workbook(data: ReviewSheetData, path: Path) -> Path:
    return write_answer_book(build_review_book(data), path)
