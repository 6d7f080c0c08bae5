"""The 改修 list for the vendors of linked systems: one protected sheet, status and dates to fill in.

Same safeguards as the vendor gap sheets (see answer_workbook): only the yellow cells can be edited,
状況 from a drop-down, dates and costs validated, a hidden key per row (the link, the item's revision and
a hash of the values as exported) and a very hidden metadata sheet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fitgap.domain.answer_sheet import FORMAT_VERSION, PURPOSE_CHANGE
from fitgap.domain.change_sheet import H_ACTUAL, H_COST, H_INTERIM, H_NOTE, H_PLANNED, H_STATUS, SHEET_CODE
from fitgap.domain.enums import ChangeStatus
from fitgap.reports.answer_workbook import (
    CHOICE,
    DATE,
    NUMBER,
    TEXT,
    AnswerBook,
    Column,
    DataSheet,
    write_answer_book,
)

SHEET = "改修一覧"
STATUS_LIST = "改修状況"
H_NO = "No"
H_PROVIDER = "提供元システム"
H_CONSUMER = "利用側システム"
H_DATA = "データ・方式"
H_CHANGE = "改修内容"
H_VENDOR = "改修を行うベンダ"
H_STEP = "段階"
H_NEEDED = "必要日"
H_REASON = "必要日の理由"

STATUS_COLOURS = {
    ChangeStatus.NOT_STARTED.value: "EDEDED",
    ChangeStatus.SURVEY.value: "FFEB9C",
    ChangeStatus.IN_PROGRESS.value: "FFD966",
    ChangeStatus.TESTED.value: "DDEBF7",
    ChangeStatus.DONE.value: "C6EFCE",
}

H_VERDICT = "判定（書き出し時）"
LATE_COLOURS = {"改修予定が必要日より後": "F8D7DA", "必要日を過ぎて未完了": "F8D7DA", "完了": "C6EFCE"}

COLUMNS: tuple[Column, ...] = (
    Column(H_NO, 5),
    Column(H_PROVIDER, 18, wrap=True),
    Column(H_CONSUMER, 18, wrap=True),
    Column(H_DATA, 14, wrap=True),
    Column(H_CHANGE, 32, wrap=True),
    Column(H_VENDOR, 14, wrap=True),
    Column(H_STEP, 12, wrap=True),
    Column(H_NEEDED, 11, kind=DATE),
    Column(H_VERDICT, 18, wrap=True, colours=LATE_COLOURS),
    Column(H_REASON, 28, wrap=True),
    Column(H_STATUS, 12, editable=True, kind=CHOICE, choices=STATUS_LIST, colours=STATUS_COLOURS,
           prompt=" / ".join(s.value for s in ChangeStatus)),
    Column(H_PLANNED, 12, editable=True, kind=DATE, prompt="改修が終わる予定の日", late_after=H_NEEDED),
    Column(H_ACTUAL, 12, editable=True, kind=DATE, prompt="完了した日（状況が完了のとき）"),
    Column(H_COST, 12, editable=True, kind=NUMBER, prompt="千円単位、0 以上"),
    Column(H_INTERIM, 26, wrap=True, editable=True, kind=TEXT, prompt="移行日がずれる間に使う暫定の連携（あれば）"),
    Column(H_NOTE, 26, wrap=True, editable=True, kind=TEXT, prompt="課題、前提、連絡事項など"),
)

INSTRUCTIONS = (
    "1. 黄色の欄（状況・完了予定日・完了日・概算費用・暫定連携・備考）を記入してください。",
    "2. 状況は 未着手 / 調査中 / 改修中 / 連携テスト済 / 完了 から選びます。完了のときは完了日を入れてください。",
    "3. 必要日は、連携する標準準拠システムの移行日です。この日までに改修を終えてください。判定は書き出した日の状況で、"
    "改修予定が必要日より後のもの・必要日を過ぎて未完了のものを赤で示します（完了予定日が必要日より後のあいだ、"
    "完了予定日の欄も赤になります）。移行日の異なる標準準拠システム"
    "同士の連携は2段階です: 段階が「暫定連携」の行は先に移行する日までの暫定連携、「本連携」の行は後に移行する日までの連携です。"
    "暫定連携の行を完了にすると、次は本連携の段階になります。",
    "4. 変更した行だけが取り込まれます。書き出し後に団体側で変更された項目は、上書きせず競合として報告します。",
    "5. 行やシートの追加・削除、列の変更はしないでください（並べ替えと絞り込みはできます）。",
)


@dataclass(frozen=True, slots=True)
class ChangeRow:
    key: str
    provider: str
    consumer: str
    data: str
    change: str
    vendor: str
    step: str  # 改修 / 暫定連携（1/2） / 本連携（2/2）
    needed_by: object  # date or None
    reason: str  # its dates as the date cells show them (2027/01/04): one date format in a row
    status: str
    planned: object
    actual: object
    cost_kyen: float | None
    interim: str
    note: str
    verdict: str = ""  # when exported: late by how much (「改修予定が必要日より後 177日」), 完了, … ("" on track)


@dataclass(frozen=True)
class ChangeSheetData:
    export_id: str
    database_id: str
    municipality: str
    vendor: str  # addressee ("" for everyone's items)
    created_at: datetime
    created_by: str
    rows: Sequence[ChangeRow]


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def slash_dates(text: str) -> str:
    """Dates in text written as the sheet's date cells show them (2027-01-04 → 2027/01/04)."""
    return _ISO_DATE.sub(r"\1/\2/\3", text)


def build_change_book(data: ChangeSheetData) -> AnswerBook:
    rows = [((i, r.provider, r.consumer, r.data, r.change, r.vendor, r.step, r.needed_by or "未定", r.verdict or "—",
              slash_dates(r.reason), r.status, r.planned, r.actual, r.cost_kyen, r.interim or None, r.note or None), r.key)
            for i, r in enumerate(data.rows, 1)]
    to = f"（{data.vendor} 様）" if data.vendor else ""
    sheet = DataSheet(name=SHEET, title=f"連携の改修一覧{to} — 黄色の欄を記入してください", columns=COLUMNS, rows=rows,
                      frozen_columns=3)
    meta = [
        ("format_version", FORMAT_VERSION), ("export_id", data.export_id), ("database_id", data.database_id),
        ("purpose", PURPOSE_CHANGE), ("vendor", data.vendor),
        ("created_at", data.created_at.isoformat(timespec="seconds")), ("created_by", data.created_by),
        ("municipality", data.municipality), ("demo", "0"),
    ]
    cover = [
        ("団体", data.municipality),
        ("宛先", data.vendor or "（全ベンダ）"),
        ("作成日", f"{data.created_at:%Y/%m/%d}"),
        ("作成者", data.created_by),
        ("改修項目", f"{len(data.rows)} 件"),
        ("書き出しID", data.export_id),
    ]
    return AnswerBook(meta=meta, sheet_codes=[(SHEET, SHEET_CODE)], cover_title="標準化に伴う連携システムの改修一覧",
                      cover_rows=cover, instructions=INSTRUCTIONS,
                      lists={STATUS_LIST: [s.value for s in ChangeStatus]}, sheets=[sheet])


def write_change_workbook(data: ChangeSheetData, path: Path) -> Path:
    return write_answer_book(build_change_book(data), path)
