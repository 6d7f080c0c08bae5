"""Build ``schema3.db``: a database as fitgap 0.x with schema version 3 made it (kept as a fixture).

Run with the release that writes schema 3 on the path (not today's code):
    PYTHONPATH=<checkout of that release> python tests/data/upgrade/make_schema3.py OUT.db
It holds the bundled 住民記録 list with assessments (notes, a disposition, an undo), a vendor's answers
with history, systems, links and milestones, and the audit trail of all of it.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl

from fitgap.config import sqlite_url
from fitgap.domain.answer_sheet import HEADER_ROW, KEY_HEADER
from fitgap.domain.enums import Disposition, LinkMethod, MilestoneKind, Status, SystemKind
from fitgap.services import assessment, systems, vendors
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.services.items import ItemFilter, item_keys


def _answer(src: Path, dst: Path, answers: dict[str, tuple[str, str]]) -> None:
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.title in ("表紙", "選択肢"):
            continue
        cols = {c.value: c.column for c in ws[HEADER_ROW] if c.value}
        if KEY_HEADER not in cols:
            continue
        for r in range(HEADER_ROW + 1, ws.max_row + 1):
            key = ws.cell(row=r, column=cols[KEY_HEADER]).value
            if not isinstance(key, str):
                continue
            rid = key.split("|")[1]
            if rid in answers:
                ws.cell(row=r, column=cols["対応可否"], value=answers[rid][0])
                ws.cell(row=r, column=cols["回答・代替案"], value=answers[rid][1])
    wb.save(dst)


def main(out: Path) -> None:
    out.unlink(missing_ok=True)
    url = sqlite_url(out)
    init_database(url=url, user="作成者", municipality="札幌市")
    db = open_db(url=url)
    keys = item_keys(db=db, flt=ItemFilter(operation_code="001"))
    assessment.update_items(db=db, user="山田", keys=keys[:3], status=Status.FIT, note="現行どおり")
    assessment.update_items(db=db, user="山田", keys=[keys[3]], status=Status.GAP, note="帳票の様式が違う")
    assessment.update_items(db=db, user="山田", keys=[keys[3]], disposition=Disposition.BPR)
    r = assessment.update_items(db=db, user="鈴木", keys=[keys[4]], status=Status.NOT_APPLICABLE, note="使わない")
    assessment.undo(db=db, user="鈴木", batch=r.batch or "")
    assessment.update_items(db=db, user="鈴木", keys=[keys[5]], status=Status.NOT_APPLICABLE, note="当市は対象外")
    exports = out.parent / "exports"
    for n, answer in enumerate(("対応不可", "標準で対応")):
        e = vendors.export_vendor_sheet(db=db, user="山田", vendor="株式会社サンプル", exports_dir=exports,
                                        operation_keys=["001"], scope="all", answer_by=date(2026, 12, 25),
                                        now=datetime(2026, 10, 1 + n, tzinfo=UTC))
        filled = exports / f"answered{n}.xlsx"
        _answer(e.path, filled, {keys[3].req_id: (answer, f"回答{n}"), keys[0].req_id: ("標準で対応", "")})
        vendors.import_vendor_sheet(db=db, user="山田", path=filled, report_dir=exports,
                                    now=datetime(2026, 10, 5 + n, tzinfo=UTC))
    systems.add_system(db=db, user="山田", name="福祉総合システム", kind=SystemKind.RELATED, vendor="株式会社福祉")
    systems.update_system(db=db, user="山田", system="住民記録システム", planned_cutover=date(2027, 1, 5),
                          vendor="株式会社サンプル")
    systems.set_link(db=db, user="山田", provider="住民記録システム", consumer="福祉総合システム",
                     data="宛名,世帯", method=LinkMethod.API)
    systems.set_milestone(db=db, user="山田", system="住民記録システム", kind=MilestoneKind.CONTRACT,
                          planned=date(2026, 6, 1), actual=date(2026, 6, 15))
    db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
