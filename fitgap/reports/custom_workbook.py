"""Workbooks of the current-function inventory (独自機能), written with the answer-workbook machinery.

- the inventory: one sheet per operation, every column editable, read back by ``fitgap custom import``;
- the vendor variant: the functions with the municipality's plan, locked, and unlocked answer cells
  asking whether the vendor's standard product or a 独自施策システム can cover each one. It is for
  reading: its purpose mark makes ``fitgap custom import`` refuse it, the answers are recorded by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fitgap.domain.answer_sheet import FORMAT_VERSION
from fitgap.domain.custom import (
    INVENTORY_HEADERS,
    PURPOSE_CUSTOM_VENDOR,
    PURPOSE_INVENTORY,
    VERDICT_HEADER,
    CustomDisposition,
    FunctionKind,
    LegalBasis,
    VendorCoverAnswer,
)
from fitgap.reports.answer_workbook import (
    CHOICE,
    NUMBER,
    TEXT,
    AnswerBook,
    Column,
    DataSheet,
    sheet_name,
    write_answer_book,
)

H = INVENTORY_HEADERS


@dataclass(frozen=True, slots=True)
class InventoryLine:
    key: str  # "001:独自:F-001"
    operation_code: str
    code: str
    name: str
    kind: str
    description: str
    department: str
    frequency: str
    basis: str
    basis_detail: str
    yearly_cost_kyen: float | None
    system: str
    mapped: str  # "機能 0010001; 帳票 0020001"
    outside_spec: str  # あり / ""
    disposition: str
    note: str
    target_system: str
    verdict: str


@dataclass(frozen=True)
class InventoryPart:
    code: str
    name: str
    lines: Sequence[InventoryLine]


@dataclass(frozen=True)
class InventoryData:
    municipality: str
    created_at: datetime
    database_id: str
    export_id: str
    parts: Sequence[InventoryPart]
    demo: bool = False
    vendor: str | None = None  # the vendor variant when set


_CHOICES = {"kind": "種別", "basis": "根拠", "disposition": "対応方針", "outside_spec": "標準外"}
_WIDTHS = {"operation_code": 7, "code": 11, "name": 26, "kind": 9, "description": 40, "department": 12,
           "frequency": 10, "basis": 8, "basis_detail": 18, "yearly_cost_kyen": 11, "system": 16, "mapped": 26,
           "outside_spec": 7, "disposition": 16, "note": 30, "target_system": 18}
_WRAP = {"name", "description", "basis_detail", "mapped", "note", "disposition", "system", "target_system"}

INVENTORY_COLUMNS: tuple[Column, ...] = (
    *(Column(h, _WIDTHS[f], wrap=f in _WRAP, editable=f != "operation_code",
             kind=CHOICE if f in _CHOICES else (NUMBER if f == "yearly_cost_kyen" else TEXT),
             choices=_CHOICES.get(f)) for f, h in H.items()),
    Column(VERDICT_HEADER, 12),
)
INVENTORY_LISTS: dict[str, Sequence[str]] = {
    "種別": [k.value for k in FunctionKind], "根拠": [b.value for b in LegalBasis],
    "対応方針": [d.value for d in CustomDisposition], "標準外": ["あり", "なし"],
}
INVENTORY_INSTRUCTIONS = (
    "1. 業務ごとのシートに、現行システムの機能・帳票・画面・バッチ・外部連携を1行ずつ記入します（機能番号は業務内で一意）。",
    "2. 対応要件には標準仕様書の要件を「機能 0010001; 帳票 0020001」のように書きます。標準仕様書にない機能は標準外を「あり」にします。",
    "3. 標準外の機能と実装不可の要件に当たる機能（要廃止）には対応方針と理由を書きます。",
    "4. 編集したブックは fitgap custom import で取り込めます。問題のある行が1つでもあれば、行ごとに示して何も保存しません。",
)

VENDOR_LIST = "対応可否"
VENDOR_COLUMNS: tuple[Column, ...] = (
    Column(H["code"], 11), Column(H["name"], 26, wrap=True), Column(H["kind"], 9),
    Column(H["description"], 44, wrap=True), Column(H["department"], 12), Column(H["frequency"], 10),
    Column(H["basis"], 8), Column(H["disposition"] + "（当団体の案）", 16), Column(H["note"], 30, wrap=True),
    Column("対応可否", 18, editable=True, kind=CHOICE, choices=VENDOR_LIST, prompt="一覧から選んでください。"),
    Column("概算費用（千円）", 13, editable=True, kind=NUMBER, prompt="概算費用を千円単位で（0 以上）"),
    Column("対応方法・代替案", 45, wrap=True, editable=True, kind=TEXT,
           prompt="標準製品・標準オプション・独自施策システム（標準の連携機能で疎結合）での実現方法"),
)
VENDOR_INSTRUCTIONS = (
    "1. 当団体の現行システムにあり、標準仕様書にない機能（独自機能）の一覧です。",
    "2. 黄色の欄に、貴社の標準準拠システム（標準オプションを含む）または独自施策システム（標準の連携機能による疎結合）で"
    "対応できるかをご回答ください: " + " / ".join(a.value for a in VendorCoverAnswer) + "。",
    "3. 行の追加・削除、シートの追加・削除、列の変更はしないでください（並べ替えと絞り込みはできます）。",
)


def _meta(data: InventoryData, purpose: str) -> list[tuple[str, str]]:
    meta = [("format_version", FORMAT_VERSION), ("export_id", data.export_id), ("database_id", data.database_id),
            ("purpose", purpose), ("created_at", data.created_at.isoformat(timespec="seconds")),
            ("municipality", data.municipality), ("demo", "1" if data.demo else "0")]
    if data.vendor:
        meta.append(("vendor", data.vendor))
    return meta


def build_inventory_book(data: InventoryData) -> AnswerBook:
    mark = "【デモ】" if data.demo else ""
    sheets: list[DataSheet] = []
    codes: list[tuple[str, str]] = []
    for part in data.parts:
        name = sheet_name(f"{part.code} {part.name}", [s.name for s in sheets] + ["表紙"])
        rows = [((ln.operation_code, ln.code, ln.name, ln.kind, ln.description, ln.department, ln.frequency, ln.basis,
                  ln.basis_detail, ln.yearly_cost_kyen, ln.system, ln.mapped, ln.outside_spec, ln.disposition, ln.note,
                  ln.target_system, ln.verdict), ln.key) for ln in part.lines]
        sheets.append(DataSheet(name=name, title=f"{mark}{part.code} {part.name} — 現行機能一覧（独自機能）",
                                columns=INVENTORY_COLUMNS, rows=rows, frozen_columns=3))
        codes.append((name, part.code))
    total = sum(len(p.lines) for p in data.parts)
    cover = [("団体", data.municipality), ("作成日", f"{data.created_at:%Y/%m/%d}"),
             ("対象", "、".join(f"{p.code} {p.name}（{len(p.lines)} 件）" for p in data.parts) or "（なし）"),
             ("件数", f"{total} 件"), ("書き出しID", data.export_id)]
    if data.demo:
        cover.insert(0, ("注意", "このブックはデモデータ（架空の現行機能）から作成したものです。"))
    return AnswerBook(meta=_meta(data, PURPOSE_INVENTORY), sheet_codes=codes,
                      cover_title=f"{mark}現行機能一覧（独自機能の棚卸し）", cover_rows=cover,
                      instructions=INVENTORY_INSTRUCTIONS, lists=INVENTORY_LISTS, sheets=sheets, demo=data.demo)


def build_custom_vendor_book(data: InventoryData) -> AnswerBook:
    mark = "【デモ】" if data.demo else ""
    sheets: list[DataSheet] = []
    codes: list[tuple[str, str]] = []
    for part in data.parts:
        name = sheet_name(f"{part.code} {part.name}", [s.name for s in sheets] + ["表紙"])
        rows = [((ln.code, ln.name, ln.kind, ln.description, ln.department, ln.frequency, ln.basis, ln.disposition,
                  ln.note, "", None, ""), ln.key) for ln in part.lines]
        sheets.append(DataSheet(name=name, title=f"{mark}{part.code} {part.name} — {data.vendor} 御中 — 黄色の欄に回答してください",
                                columns=VENDOR_COLUMNS, rows=rows))
        codes.append((name, part.code))
    cover = [("団体", data.municipality), ("回答をお願いするベンダ", f"{data.vendor} 御中"),
             ("作成日", f"{data.created_at:%Y/%m/%d}"),
             ("対象", "、".join(f"{p.code} {p.name}（{len(p.lines)} 件）" for p in data.parts) or "（なし）"),
             ("書き出しID", data.export_id)]
    if data.demo:
        cover.insert(0, ("注意", "このブックはデモデータ（架空の現行機能）から作成したものです。"))
    return AnswerBook(meta=_meta(data, PURPOSE_CUSTOM_VENDOR), sheet_codes=codes,
                      cover_title=f"{mark}独自機能への対応可否 回答票", cover_rows=cover,
                      instructions=VENDOR_INSTRUCTIONS, lists={VENDOR_LIST: [a.value for a in VendorCoverAnswer]},
                      sheets=sheets, demo=data.demo)


def write_inventory_workbook(data: InventoryData, path: Path) -> Path:
    book = build_custom_vendor_book(data) if data.vendor else build_inventory_book(data)
    return write_answer_book(book, path)
