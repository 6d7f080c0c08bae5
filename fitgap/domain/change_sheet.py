"""The 改修 workbook's layout that its writer (reports.change_sheet) and its reader (importers.change_sheet)
share: the sheet code in its keys and the headers of the cells a vendor fills in, read back by label."""

from __future__ import annotations

from fitgap.domain.answer_sheet import H_COST

SHEET_CODE = "IF"  # the "operation" of a 改修 key: a link is no requirement
H_STATUS = "状況"
H_PLANNED = "完了予定日"
H_ACTUAL = "完了日"
H_INTERIM = "暫定連携"
H_NOTE = "備考"
EDITABLE_HEADERS = (H_STATUS, H_PLANNED, H_ACTUAL, H_COST, H_INTERIM, H_NOTE)

__all__ = ["EDITABLE_HEADERS", "H_ACTUAL", "H_COST", "H_INTERIM", "H_NOTE", "H_PLANNED", "H_STATUS", "SHEET_CODE"]
