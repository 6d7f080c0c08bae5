"""Helpers for the answer-workbook tests: sample view-model data and a vendor's edits made with openpyxl."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl

from fitgap.domain.answer_sheet import FIRST_DATA_ROW, HEADER_ROW, KEY_HEADER, SheetKey
from fitgap.domain.round_trips import VENDOR
from fitgap.domain.text import text_hash
from fitgap.reports.answer_workbook import Outgoing, Part

TEXTS = {
    "0010001": "住民票の写しを交付できること。",
    "0010002": "=HYPERLINK(\"http://example.invalid\")で始まる本文",
    "0010003": "異動届を登録できること。\n履歴を管理できること。",
    "0010004": "-1 から始まる本文",
    "0010005": "@担当者へ照会できること。",
}


def vendor_item(req_id: str, text: str, *, kubun: str = "実装必須機能", name: str = "", status: str = "ギャップ",
                note: str = "", code: str = "001", **answers: Any) -> tuple[dict[str, Any], str]:
    """One row of a vendor gap sheet as the service gives it to the writer: values by column, and the key."""
    values = {"req_id": req_id, "kind": "機能", "kubun": kubun, "name": name, "text": text, "status": status,
              "note": note, "reason": "", "remarks": "", **answers}
    return values, SheetKey(code, "機能", req_id, text_hash(text)).encode()


def sample_vendor_data(*, demo: bool = False, vendor: str = "株式会社テスト") -> Outgoing:
    items = [vendor_item(rid, t, name=f"名称{rid[-1]}" if rid != "0010005" else "+プラス名称",
                         note="=手作業で対応" if rid == "0010001" else "") for rid, t in TEXTS.items()]
    tax = [vendor_item("0100001", "課税", kubun="標準オプション機能", name="課税", status="未確認", code="010")]
    mark = "【デモ】" if demo else ""
    return Outgoing(
        trip=VENDOR, export_id="exp-0001", database_id="db-0001", municipality="テスト市", vendor=vendor,
        created_at=datetime(2026, 11, 23, 9, 0), demo=demo, addressee=("回答をお願いするベンダ", f"{vendor} 御中"),
        cover=[("回答期限", f"{date(2026, 12, 25):%Y/%m/%d}"), ("対象", "すべての要件"),
               ("仕様書の版", "001 住民記録: 第6.1版\n010 個人住民税: 第5.0版")],
        parts=[Part("001", "001 住民記録", f"{mark}001 住民記録（第6.1版） — {vendor} 御中 — 黄色の欄に回答してください", items),
               Part("010", "010 個人住民税", f"{mark}010 個人住民税（第5.0版） — {vendor} 御中 — 黄色の欄に回答してください",
                    tax)],
    )


def header_map(ws: Any) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEADER_ROW] if c.value}


def row_of(ws: Any, req_id: str) -> int:
    """The row of a requirement in a data sheet, found by its hidden key (not by position)."""
    key_col = header_map(ws)[KEY_HEADER]
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        v = ws.cell(row=r, column=key_col).value
        if isinstance(v, str) and v.count("|") >= 3 and v.split("|")[2] == req_id:
            return r
    raise KeyError(req_id)


def set_answer(ws: Any, req_id: str, **values: Any) -> int:
    """Type values into the answer cells of one requirement, by header label."""
    cols = header_map(ws)
    r = row_of(ws, req_id)
    for header, value in values.items():
        ws.cell(row=r, column=cols[header]).value = value
    return r


def edit_book(src: Path, dst: Path, edit: Callable[[Any], None]) -> Path:
    """What a vendor does: open the workbook in a spreadsheet program, change it, save under a new name."""
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def data_sheet(wb: Any, code: str) -> Any:
    for ws in wb.worksheets:
        if ws.sheet_state == "visible" and str(ws.cell(row=1, column=1).value or "").find(code) >= 0 and ws.title != "表紙":
            return ws
    raise KeyError(code)
