from datetime import date

from fitgap.domain.calendar import days_left_label, fiscal_year, format_date
from fitgap.domain.enums import Disposition, Kubun, Severity, Status
from fitgap.domain.rules import note_missing, severity


def test_severity_of_class_and_status():
    assert severity(Kubun.MUST, Status.GAP) == Severity.MUST_CLOSE
    assert severity(Kubun.FORBIDDEN, Status.FIT) == Severity.MUST_REMOVE
    assert severity(Kubun.OPTION, Status.UNCHECKED) == Severity.DECIDE
    assert severity(Kubun.OPTION, Status.GAP, Disposition.UNDECIDED) == Severity.DECIDE
    assert severity(Kubun.OPTION, Status.GAP, Disposition.EUC) is None
    assert severity(Kubun.MUST, Status.FIT) is None
    assert severity(Kubun.FORBIDDEN, Status.NOT_APPLICABLE) is None


def test_note_rule():
    assert note_missing(Status.GAP, "  ")
    assert not note_missing(Status.GAP, "帳票が異なる")
    assert not note_missing(Status.FIT, "")


def test_fiscal_year_and_labels():
    assert fiscal_year(date(2026, 1, 5)) == 2025
    assert fiscal_year(date(2026, 4, 1)) == 2026
    assert format_date(date(2026, 1, 5)) == "2026-01-05 (R7年度)"
    assert days_left_label(date(2026, 3, 31), date(2026, 3, 1)) == "残り 30日"
    assert days_left_label(date(2026, 3, 31), date(2026, 11, 23)) == "期限超過 237日"
