"""The readiness report's 改修 section: progress per system with the late ones first, late items as blocking
items, in the workbook (its own sheet) and in the HTML page (its own section)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from fitgap.domain.enums import SystemKind
from fitgap.reports.readiness_html import render_readiness_html
from fitgap.reports.readiness_model import BlockingKind
from fitgap.reports.readiness_xlsx import write_readiness_xlsx
from fitgap.services import changes, readiness, systems
from fitgap.storage.db import Database

TODAY = date(2026, 12, 1)
JUKI = "住民記録システム"


def test_changes_section_lists_late_items_first(db: Database, tmp_path: Path) -> None:
    for name in ("福祉総合システム", "財務会計システム"):
        systems.add_system(db=db, user="u", name=name, kind=SystemKind.RELATED)
        systems.set_link(db=db, user="u", provider=JUKI, consumer=name)
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2027, 1, 5))
    changes.update_change(db=db, user="u", provider=JUKI, consumer="財務会計システム", status="改修中",
                          planned=date(2027, 2, 15), vendor="株式会社財務", cost_kyen=800)
    changes.update_change(db=db, user="u", provider=JUKI, consumer="福祉総合システム", status="完了",
                          actual=date(2026, 11, 20))
    report = readiness.build_report(db=db, today=TODAY)

    lates = [bool(c.late) for c in report.changes]
    assert lates == sorted(lates, reverse=True)  # late items first
    zaimu = next(c for c in report.changes if c.consumer == "財務会計システム")
    assert (zaimu.late, zaimu.days_late, zaimu.vendor) == ("改修予定が必要日より後", 41, "株式会社財務")
    progress = {p.system: p for p in report.change_progress}
    assert progress["福祉総合システム"].done_pct == 100.0 and progress["福祉総合システム"].late == 0
    assert progress["財務会計システム"].late == 1 and progress["財務会計システム"].cost_kyen == 800
    assert report.change_progress[0].late >= 1  # late systems first
    late_blocking = [b for b in report.blocking if b.kind == BlockingKind.CHANGE_LATE]
    assert [b.ref for b in late_blocking] == [f"{JUKI} → 財務会計システム"]  # the typical links have no item
    assert late_blocking[0].operation_code == "001"
    assert zaimu.step == "改修" and zaimu.flag == ""
    assert report.totals.blocking[BlockingKind.CHANGE_LATE] == len(late_blocking)

    wb = load_workbook(write_readiness_xlsx(report, tmp_path / "r.xlsx"))
    items = [row for row in wb["改修項目"].iter_rows(values_only=True)]  # every item, on a sheet of its own
    assert items[0][:3] == ("提供元", "利用側", "状況")
    assert (JUKI, "財務会計システム", "改修中") in [row[:3] for row in items[1:]]
    values = [row for row in wb["連携の改修"].iter_rows(values_only=True)]
    assert values[4][0] == report.change_progress[0].system  # title, blank, heading, header, then per system

    html = render_readiness_html(report)
    assert "4-2. 連携システムの改修" in html and "必要日までに終わらない改修" in html
    assert html.index("財務会計システム") < html.index("id=\"vendors\"")
