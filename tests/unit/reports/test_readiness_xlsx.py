"""The readiness workbook read back: sheets, figures, charts, the schedule grid, metadata, no formulas."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import select

from fitgap.domain.enums import Disposition, Kubun, Status, VendorAnswerKind
from fitgap.domain.models import Assessment, Requirement, Vendor, VendorAnswer
from fitgap.reports.readiness_model import NO_DATA
from fitgap.reports.readiness_xlsx import write_readiness_xlsx
from fitgap.services import readiness, systems
from fitgap.storage.db import Database

TODAY = date(2025, 11, 23)
SHEETS = ["概要", "業務別の数値", "業務別の対応方針", "業務別の日程", "判定ルール", "日程", "連携の改修", "進捗の比較", "阻害要因", "ベンダ回答", "データ移行",
          "業務見直し", "メタデータ"]


def _find(ws: Worksheet, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return c.row, c.column
    raise AssertionError(f"{text!r} not on sheet {ws.title}")


def _table(ws: Worksheet, header: str) -> dict[str, dict[str, object]]:
    """The per-operation table of the summary sheet: operation name → {header: value}."""
    r, _ = _find(ws, header)
    heads = [c.value for c in ws[r]]
    out = {}
    for row in ws.iter_rows(min_row=r + 1, values_only=True):
        if not row or row[0] is None:
            break
        out[str(row[1])] = dict(zip(heads, row, strict=False))
    return out


@pytest.fixture
def filled(db: Database) -> Database:
    with db.write() as s:
        must = s.exec(select(Requirement.req_id).where(Requirement.operation_code == "001",
                                                       Requirement.kubun == Kubun.MUST).order_by(Requirement.req_id)).all()
        rows = [(must[0], Status.GAP, None), (must[1], Status.FIT, None), (must[2], Status.GAP, Disposition.VENDOR)]
        s.execute(sa.insert(Assessment.__table__), [  # type: ignore[attr-defined]
            {"operation_code": "001", "req_id": rid, "status": st, "disposition": d, "note": "=HYPERLINK(\"x\")",
             "assessed_at": datetime(2025, 11, 1, tzinfo=UTC), "needs_review": False, "archived": False,
             "revision": 1} for rid, st, d in rows])
        vendor = Vendor(name="ベンダA")
        s.add(vendor)
        s.flush()
        s.execute(sa.insert(VendorAnswer.__table__), [{  # type: ignore[attr-defined]
            "vendor_id": vendor.id, "operation_code": "001", "req_id": must[2], "answer": VendorAnswerKind.AFTER_DEADLINE,
            "planned_date": date(2026, 10, 1), "comment": "=1+1", "received_at": datetime(2025, 11, 5, tzinfo=UTC),
            "superseded": False}])
    systems.update_system(db=db, user="tester", system="住民記録システム", planned_cutover=date(2026, 1, 4))
    return db


def test_workbook_has_the_sheets_figures_and_charts(filled: Database, tmp_path: Path) -> None:
    report = readiness.build_report(db=filled, today=TODAY)
    path = write_readiness_xlsx(report, tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    summary = wb["概要"]
    table = _table(summary, "業務コード")
    juki = table["住民基本台帳"]
    assert juki["要件数"] == 197
    assert juki["確認率"] == pytest.approx(3 / 197)
    assert juki["適合率"] == pytest.approx(1 / 3)
    assert juki["必須ギャップ"] == 2 and juki["方針未定の必須ギャップ"] == 1
    assert juki["判定"] == "赤"
    assert juki["移行日（予定・実施）"] == "2026-01-04" and juki["状態"] == "移行予定"
    assert table["国民健康保険"]["要件数"] == 0
    assert table["国民健康保険"]["確認率"] == NO_DATA
    assert len(table) == len(report.operations)
    # what 概要 leaves out is on the detail sheets, one row per operation
    figures = _table(wb["業務別の数値"], "業務コード")["住民基本台帳"]
    by_disposition = _table(wb["業務別の対応方針"], "業務コード")["住民基本台帳"]
    assert figures["確認済"] == 3 and by_disposition["方針:ベンダ要協議"] == 1 and by_disposition["方針:未設定"] == 1
    assert figures["期限後対応"] == 1 and figures["うち期限超過"] == 1 and figures["要件数"] == 197
    dates = _table(wb["業務別の日程"], "業務コード")
    assert dates["住民基本台帳"]["移行日（予定・実施）"] == "2026-01-04" and len(dates) == len(report.operations)
    charts = summary._charts
    assert len(charts) == 2
    titles = {"".join(r.t for p in c.title.tx.rich.p for r in (p.r or [])) for c in charts}
    assert titles == {"進捗: 確認率と適合率（業務別）", "ギャップ（業務別、件数）"}
    assert all(len(c.series) >= 2 for c in charts)
    rules = wb["判定ルール"]
    _find(rules, "判定ルール（このルールで判定しています）")
    for line in report.rules:
        _find(rules, line)


def test_schedule_sheet_has_fiscal_months_bars_and_the_deadline(filled: Database, tmp_path: Path) -> None:
    report = readiness.build_report(db=filled, today=TODAY)
    ws = load_workbook(write_readiness_xlsx(report, tmp_path / "r.xlsx"))["日程"]
    r, c = _find(ws, "システム")
    months = [ws.cell(row=r, column=col).value for col in range(c + 6, c + 18)]
    assert months[0] == "4月" and months[11].startswith("3月") and "期限" in months[11]
    assert "今月" in months[7]  # November: the month of the 基準日
    assert ws.cell(row=r, column=c + 17).fill.fgColor.rgb.endswith("C00000")  # the general deadline column
    jr, _ = _find(ws, "住民記録システム（典型例）")
    cells = [ws.cell(row=jr, column=col) for col in range(c + 6, c + 18)]
    filled_months = [i for i, cell in enumerate(cells) if cell.fill.fill_type == "solid"]
    assert filled_months == [9]  # January (4月 is index 0): the cut-over month, no milestones yet
    assert "●" in str(cells[9].value)
    assert "◆" in str(cells[11].value)  # its deadline 2026-03-31


def test_blocking_answers_and_metadata_sheets(filled: Database, tmp_path: Path) -> None:
    report = readiness.build_report(db=filled, today=TODAY)
    wb = load_workbook(write_readiness_xlsx(report, tmp_path / "r.xlsx"))
    blocking = list(wb["阻害要因"].iter_rows(min_row=2, values_only=True))
    kinds = {row[0] for row in blocking}
    assert {"実装必須ギャップ（対応方針なし）", "期限後対応（期限超過）"} <= kinds
    assert len(blocking) == len(report.blocking)
    answers = list(wb["ベンダ回答"].iter_rows(min_row=2, values_only=True))
    assert len(answers) == 1
    assert answers[0][5] == "ベンダA" and answers[0][6] == "期限後対応" and answers[0][9] == "期限超過"
    comment = wb["ベンダ回答"].cell(row=2, column=12)
    assert comment.value == "=1+1" and comment.data_type == "s"  # text stays text, never a formula
    meta = {row[0]: row[1] for row in wb["メタデータ"].iter_rows(values_only=True) if row and row[0]}
    assert meta["基準日"] == "2025-11-23"
    assert meta["デモデータ"] == "いいえ"
    assert "fitgap.db" in str(meta["データベース"])
    assert meta["住民基本台帳"] == "第1.0版"  # the spec version the figures are based on


def test_empty_parts_say_no_data(db: Database, tmp_path: Path) -> None:
    report = readiness.build_report(db=db, today=TODAY)
    wb = load_workbook(write_readiness_xlsx(report, tmp_path / "r.xlsx"))
    assert NO_DATA in str(wb["ベンダ回答"].cell(row=2, column=1).value)
    notes = [c.value for row in wb["概要"].iter_rows(max_row=8) for c in row if c.value]
    assert any(NO_DATA in str(v) and "ベンダ回答" in str(v) for v in notes)


def test_schedule_tells_the_truth_about_late_and_overdue_cut_overs(db: Database, tmp_path: Path) -> None:
    from fitgap.domain.enums import DeadlineKind
    from fitgap.reports.readiness_html import render_readiness_html

    # late: planned 2031-06-01 against 2031-03-31; overdue: planned 2025-10-01, still not cut over
    systems.update_system(db=db, user="t", system="住民記録システム", planned_cutover=date(2031, 6, 1),
                          deadline_kind=DeadlineKind.TOKUTEI, deadline=date(2031, 3, 31))
    systems.update_system(db=db, user="t", system="戸籍附票システム", planned_cutover=date(2025, 10, 1),
                          deadline_kind=DeadlineKind.TOKUTEI, deadline=date(2031, 3, 31))
    report = readiness.build_report(db=db, today=TODAY)
    assert report.months[-1] == date(2032, 3, 1)  # up to R13年度, the fiscal year of the late cut-over
    rows = {r.system: r for r in report.schedule}
    late, overdue = rows["住民記録システム"], rows["戸籍附票システム"]
    assert late.risk == "高" and overdue.risk == "高" and overdue.overdue
    assert any("予定日超過" in reason for reason in overdue.reasons)
    ws = load_workbook(write_readiness_xlsx(report, tmp_path / "r.xlsx"))["日程"]
    _, c = _find(ws, "システム")
    first = c + 6
    col = {report.months[i]: first + i for i in range(len(report.months))}
    jr, _ = _find(ws, "住民記録システム（典型例）")
    assert ws.cell(row=jr, column=col[date(2031, 6, 1)]).value == "●"  # drawn after its deadline
    assert ws.cell(row=jr, column=col[date(2031, 3, 1)]).value == "◆"
    assert ws.cell(row=jr, column=col[date(2031, 6, 1)]).fill.fgColor.rgb.endswith("E06666")  # risk 高
    kr, _ = _find(ws, "戸籍附票システム（典型例）")
    assert "予定日超過" in str(ws.cell(row=kr, column=c + 1).value)  # 移行予定日, beside the system
    html = render_readiness_html(report)
    assert "予定日超過" in html and "期限まで余裕" not in html and "R13年度" in html
    # the page's schedule in blocks of at most three fiscal years (A4 landscape, a 1280-px screen)
    blocks = html.split('<table class="gantt">')[1:]
    assert len(blocks) == -(-len(report.months) // 36) and all(b.count('<col class="m">') <= 36 for b in blocks)
    juki = next(o for o in report.operations if o.code == "001")
    assert juki.margin_text == f"期限後 {(juki.cutover - juki.deadline).days}日" and juki.margin_text in html
    summary = _table(load_workbook(tmp_path / "r.xlsx")["業務別の日程"], "業務コード")
    assert summary["住民基本台帳"]["移行予定日と期限"] == juki.margin_text
