"""The department review workbook: staff mark status, disposition and note in Excel."""

from __future__ import annotations

from collections.abc import Sequence
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
    Column(H_TEXT, 64, wrap=True),
    Column(H_REASON, 36, wrap=True),
    Column(H_REMARKS, 24, wrap=True),
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


@dataclass(frozen=True)
class ReviewPart:
    code: str
    name: str
    version_label: str
    items: Sequence[ReviewItem]


@dataclass(frozen=True)
class ReviewSheetData:
    export_id: str
    database_id: str
    municipality: str
    created_at: datetime
    created_by: str
    demo: bool
    operations: Sequence[ReviewPart]


def build_review_book(data: ReviewSheetData) -> AnswerBook:
    sheets: list[DataSheet] = []
    codes: list[tuple[str, str]] = []
    mark = "【デモ】" if data.demo else ""
    for part in data.operations:
        name = sheet_name(f"{part.code} {part.name}", [s.name for s in sheets] + ["表紙"])
        rows = [((it.req_id, it.kind, it.kubun, it.name, it.text, it.reason, it.remarks, it.assessed, it.status,
                  it.disposition or None, it.note), it.key) for it in part.items]
        title = f"{mark}{part.code} {part.name}（{part.version_label}） 確認シート — 黄色の欄を記入してください"
        sheets.append(DataSheet(name=name, title=title, columns=COLUMNS, rows=rows))
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
        ("業務と仕様書の版", "\n".join(f"{p.code} {p.name}: {p.version_label}（{len(p.items)} 件）" for p in data.operations)),
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
