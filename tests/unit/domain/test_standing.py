"""The one rule of where an operation and a system stand (domain.standing)."""

from __future__ import annotations

from datetime import date

from fitgap.domain.calendar import FY2025_END, FY2030_END
from fitgap.domain.enums import DeadlineKind, SystemKind
from fitgap.domain.standing import (
    DeadlineSource,
    MigrationState,
    OperationInput,
    SystemInput,
    prefecture_scope,
    standings,
)

TODAY = date(2026, 12, 7)


def op(code: str, name: str, *, flagged: bool = False, manual: date | None = None, cross: bool = False,
       serves: tuple[str, ...] = (), reason: str = "") -> OperationInput:
    if manual is not None:
        return OperationInput(code, name, manual, DeadlineKind.TOKUTEI, DeadlineSource.MANUAL, reason, cross, serves)
    if flagged:
        return OperationInput(code, name, FY2030_END, DeadlineKind.TOKUTEI, DeadlineSource.OFFICIAL, "", cross, serves)
    return OperationInput(code, name, FY2025_END, cross_cutting=cross, serves=serves)


def test_a_migrated_operation_is_never_overdue_and_shows_its_cutover() -> None:
    ops = [op("001", "住民基本台帳")]
    st = standings(ops, [SystemInput(1, "住民記録", operations=("001",), actual=date(2026, 1, 5))], today=TODAY)
    s = st.operations["001"]
    assert s.state == MigrationState.MIGRATED and not s.overdue and s.days_left is None
    assert s.label == "移行済 2026-01-05" and s.tone == "done"


def test_a_cutover_after_the_deadline_is_history_not_a_risk() -> None:
    st = standings([op("001", "住民基本台帳")],
                   [SystemInput(1, "住民記録", operations=("001",), actual=date(2026, 5, 1))], today=TODAY)
    s = st.operations["001"]
    assert s.label == "移行済 2026-05-01（期限後移行 31日）" and not s.overdue and s.tone == "done"


def test_days_left_or_overdue_only_against_the_operations_own_date() -> None:
    ops = [op("003", "戸籍"), op("012", "固定資産税", flagged=True)]
    st = standings(ops, [], today=TODAY)
    assert st.operations["003"].label == "期限超過 251日" and st.operations["003"].overdue
    assert st.operations["012"].due.date == FY2030_END and st.operations["012"].label == "残り 1575日"
    assert st.operations["012"].due.source == "特定移行支援（公表一覧）"


def test_a_date_set_on_a_system_wins_over_the_official_flag_and_the_general_deadline() -> None:
    ops = [op("003", "戸籍"), op("012", "固定資産税", flagged=True)]
    systems = [
        SystemInput(1, "戸籍情報システム", operations=("003",), deadline_kind=DeadlineKind.TOKUTEI,
                    deadline=date(2029, 3, 31), reason="ベンダリソース不足"),
        SystemInput(2, "固定資産税システム", operations=("012",), deadline_kind=DeadlineKind.CUSTOM,
                    deadline=date(2028, 3, 31)),
    ]
    st = standings(ops, systems, today=TODAY, official_as_of="2025-12")
    assert st.operations["003"].due.date == date(2029, 3, 31)
    assert st.operations["003"].due.label == "特定移行支援（手動設定・戸籍情報システム）・ベンダリソース不足"
    assert st.operations["012"].due.date == date(2028, 3, 31)  # set by hand wins over the flag
    assert st.systems[1].due.date == date(2029, 3, 31) and st.systems[2].due.date == date(2028, 3, 31)


def test_a_date_set_on_the_operation_wins_and_its_systems_follow_it() -> None:
    ops = [op("003", "戸籍", manual=date(2029, 3, 31), reason="個別開発")]
    st = standings(ops, [SystemInput(1, "戸籍情報システム", operations=("003",))], today=TODAY)
    assert st.operations["003"].due.date == date(2029, 3, 31)
    assert st.operations["003"].due.label == "特定移行支援（手動設定）・個別開発"
    assert st.systems[1].due.date == date(2029, 3, 31)


def test_an_operation_is_migrated_only_when_every_system_that_carries_it_is() -> None:
    ops = [op("010", "個人住民税")]
    systems = [SystemInput(1, "税A", operations=("010",), actual=date(2025, 10, 1)),
               SystemInput(2, "税B", operations=("010",), planned=date(2027, 1, 4)),
               SystemInput(3, "中間サーバー", kind=SystemKind.EXTERNAL, operations=("010",))]
    s = standings(ops, systems, today=TODAY).operations["010"]
    assert s.state == MigrationState.PLANNED and s.cutover == date(2027, 1, 4) and s.overdue
    undated = standings(ops, [*systems[:1], SystemInput(2, "税B", operations=("010",))], today=TODAY)
    assert undated.operations["010"].state == MigrationState.UNDATED and undated.operations["010"].cutover is None
    assert standings(ops, [], today=TODAY).operations["010"].state == MigrationState.UNDATED


def test_a_common_part_answers_to_the_earliest_operation_it_serves_unless_set_or_flagged() -> None:
    ops = [op("010", "個人住民税", flagged=True), op("011", "法人住民税", flagged=True),
           op("001", "住民基本台帳"),
           op("014", "税務共通", cross=True, serves=("010", "011")),
           op("031", "共通機能", cross=True, flagged=True),
           op("032", "統合宛名", cross=True)]
    st = standings(ops, [], today=TODAY)
    assert st.operations["014"].due.date == FY2030_END and st.operations["014"].due.source == "個人住民税ほかの期限に合わせる"
    assert st.operations["031"].due.date == FY2030_END  # flagged on the official list
    assert st.operations["032"].due.date == FY2025_END  # serves every operation: the earliest is 住民基本台帳's
    assert st.operations["032"].due.source == "住民基本台帳の期限に合わせる"


def test_a_common_part_follows_a_date_set_on_a_system_of_the_operations_it_serves() -> None:
    ops = [op("010", "個人住民税"), op("014", "税務共通", cross=True, serves=("010",))]
    systems = [SystemInput(1, "個人住民税システム", operations=("010",), deadline=date(2028, 3, 31),
                           deadline_kind=DeadlineKind.CUSTOM),
               SystemInput(2, "統合収納・滞納システム", operations=("014",))]
    st = standings(ops, systems, today=TODAY)
    assert st.operations["014"].due.date == date(2028, 3, 31)
    assert st.systems[2].due.date == date(2028, 3, 31)


def test_a_prefecture_runs_two_operations_and_the_common_functions_where_flagged() -> None:
    codes = ["001", "020", "021", "031", "032", "014"]
    assert prefecture_scope(codes, common_flagged=False, common_codes=["031", "032"]) == {"020", "021"}
    assert prefecture_scope(codes, common_flagged=True, common_codes=["031", "032"]) == {"020", "021", "031", "032"}
