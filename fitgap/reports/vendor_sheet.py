"""The vendor gap sheet: one workbook per vendor, one sheet per operation, answers in unlocked cells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fitgap.domain.answer_sheet import (
    FORMAT_VERSION,
    H_ANSWER,
    H_COMMENT,
    H_COST,
    H_ID,
    H_KIND,
    H_KUBUN,
    H_NAME,
    H_NOTE,
    H_PLANNED,
    H_REASON,
    H_REMARKS,
    H_STATUS,
    H_TEXT,
    PURPOSE_VENDOR,
)
from fitgap.domain.enums import VendorAnswerKind
from fitgap.reports.answer_workbook import (
    CHOICE,
    DATE,
    NUMBER,
    TEXT,
    AnswerBook,
    Column,
    DataSheet,
    sheet_name,
    write_answer_book,
)

ANSWER_LIST = "対応可否"
ANSWER_COLOURS = {
    VendorAnswerKind.STANDARD.value: "C6EFCE",
    VendorAnswerKind.AFTER_DEADLINE.value: "FFC7CE",
    VendorAnswerKind.ALTERNATIVE.value: "FFEB9C",
    VendorAnswerKind.IMPOSSIBLE.value: "F4B084",
    VendorAnswerKind.DISCUSS.value: "BDD7EE",
}

COLUMNS: tuple[Column, ...] = (
    Column(H_ID, 11),
    Column(H_KIND, 6),
    Column(H_KUBUN, 13, wrap=True),
    Column(H_NAME, 24, wrap=True),
    Column(H_TEXT, 60, wrap=True),
    Column(H_REASON, 36, wrap=True),
    Column(H_REMARKS, 24, wrap=True),
    Column(H_STATUS, 10),
    Column(H_NOTE, 28, wrap=True),
    Column(H_ANSWER, 14, editable=True, kind=CHOICE, choices=ANSWER_LIST, colours=ANSWER_COLOURS,
           prompt="一覧から選んでください。"),
    Column(H_PLANNED, 13, editable=True, kind=DATE, prompt="対応できる予定日（例: 2027/03/31）"),
    Column(H_COST, 13, editable=True, kind=NUMBER, prompt="概算費用を千円単位で（0 以上）"),
    Column(H_COMMENT, 45, wrap=True, editable=True, kind=TEXT, prompt="回答の補足、代替案、条件など"),
)

INSTRUCTIONS = (
    "1. 業務ごとのシートで、黄色の回答欄（対応可否・対応予定日・概算費用（千円）・回答・代替案）に入力してください。",
    "2. 対応可否は一覧から選んでください: 標準で対応 / 期限後対応 / 代替案あり / 対応不可 / 要協議。",
    "3. 期限後対応のときは対応予定日を、代替案ありのときは回答・代替案欄に内容を記入してください。",
    "4. 行の追加・削除、シートの追加・削除、列の変更はしないでください（並べ替えと絞り込みはできます）。",
    "5. 回答済みのブックはそのまま（ファイル名を変えても構いません）返送してください。",
)


@dataclass(frozen=True, slots=True)
class VendorItem:
    key: str  # encoded SheetKey
    req_id: str
    kubun: str
    name: str
    text: str
    status: str
    note: str
    answer: str | None = None  # the vendor's answer of record, pre-filled on a re-export
    planned_date: date | None = None
    cost_kyen: float | None = None
    comment: str = ""
    kind: str = "機能"
    reason: str = ""  # 要件の考え方・理由 (context for the vendor)
    remarks: str = ""  # 備考


@dataclass(frozen=True)
class OperationPart:
    code: str
    name: str
    version_label: str
    deadline: date
    items: Sequence[VendorItem]


@dataclass(frozen=True)
class VendorSheetData:
    export_id: str
    database_id: str
    municipality: str
    vendor: str
    created_at: datetime
    answer_by: date | None
    scope_label: str
    demo: bool
    operations: Sequence[OperationPart]


def _cover(data: VendorSheetData) -> list[tuple[str, str]]:
    versions = "\n".join(f"{p.code} {p.name}: {p.version_label}（期限 {p.deadline:%Y/%m/%d}、{len(p.items)} 件）"
                         for p in data.operations)
    rows = [
        ("団体", data.municipality),
        ("回答をお願いするベンダ", f"{data.vendor} 御中"),
        ("作成日", f"{data.created_at:%Y/%m/%d}"),
        ("回答期限", f"{data.answer_by:%Y/%m/%d}" if data.answer_by else "（別途ご連絡します）"),
        ("対象", data.scope_label),
        ("仕様書の版", versions),
        ("書き出しID", data.export_id),
    ]
    if data.demo:
        rows.insert(0, ("注意", "このブックはデモデータ（架空の要件）から作成したものです。"))
    return rows


def build_vendor_book(data: VendorSheetData) -> AnswerBook:
    sheets: list[DataSheet] = []
    codes: list[tuple[str, str]] = []
    mark = "【デモ】" if data.demo else ""
    for part in data.operations:
        name = sheet_name(f"{part.code} {part.name}", [s.name for s in sheets] + ["表紙"])
        rows = [((it.req_id, it.kind, it.kubun, it.name, it.text, it.reason, it.remarks, it.status, it.note,
                  it.answer, it.planned_date, it.cost_kyen, it.comment), it.key) for it in part.items]
        title = (f"{mark}{part.code} {part.name}（{part.version_label}） — {data.vendor} 御中"
                 f" — 黄色の欄に回答してください")
        sheets.append(DataSheet(name=name, title=title, columns=COLUMNS, rows=rows))
        codes.append((name, part.code))
    meta = [
        ("format_version", FORMAT_VERSION),
        ("export_id", data.export_id),
        ("database_id", data.database_id),
        ("purpose", PURPOSE_VENDOR),
        ("vendor", data.vendor),
        ("created_at", data.created_at.isoformat(timespec="seconds")),
        ("municipality", data.municipality),
        ("demo", "1" if data.demo else "0"),
    ]
    return AnswerBook(
        meta=meta, sheet_codes=codes,
        cover_title=f"{mark}標準仕様書 機能・帳票要件への対応可否 回答票",
        cover_rows=_cover(data), instructions=INSTRUCTIONS,
        lists={ANSWER_LIST: [k.value for k in VendorAnswerKind]}, sheets=sheets, demo=data.demo,
    )


def write_vendor_workbook(data: VendorSheetData, path: Path) -> Path:
    """Write the vendor's workbook to ``path`` (parent folders are created)."""
    return write_answer_book(build_vendor_book(data), path)
