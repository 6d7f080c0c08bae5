"""Systems, links and milestones: seeding by init, editing, CSV import/export, risk data from the assessments."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from fitgap.domain.calendar import FY2025_END, FY2030_END
from fitgap.domain.enums import DeadlineKind, Kubun, LinkMethod, MilestoneKind, Status, SystemKind
from fitgap.domain.models import Assessment, AuditEvent, Requirement
from fitgap.domain.standing import DeadlineSource
from fitgap.errors import AmbiguousError, InvalidInputError, NotFoundError
from fitgap.importers.systems_csv import LINK_COLUMNS, SYSTEM_COLUMNS
from fitgap.services import schedule, systems, systems_csv
from fitgap.services.catalog import init_database
from fitgap.services.edit_input import parse_date_input
from fitgap.services.systems_csv import BadSystemRowsError
from fitgap.storage import operations
from fitgap.storage.db import Database
from tests.conftest import dump_database

JUKI = "住民記録システム"
KOKUHO = "国民健康保険システム"


def _by_name(db: Database) -> dict[str, systems.SystemView]:
    return {v.name: v for v in systems.list_systems(db=db)}


def _write_csv(path: Path, header: list[str] | tuple[str, ...], rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _system_row(name: str, **cells: str) -> list[str]:
    row = dict.fromkeys(SYSTEM_COLUMNS, "")
    row.update({"システム名": name, "区分": "標準化対象", "期限区分": "FY2025末"}, **cells)
    return [row[c] for c in SYSTEM_COLUMNS]


# ---- seeding --------------------------------------------------------------------------------------


def test_init_seeds_typical_systems_and_links(db: Database) -> None:
    views = _by_name(db)
    assert len(views) == 23
    assert all(v.typical for v in views.values())
    assert views["中間サーバー"].kind == SystemKind.EXTERNAL
    assert views["中間サーバー"].deadline is None
    assert views[JUKI].operations == ("001",)
    assert set(views["団体内統合宛名システム"].operations) == {"031", "032"}
    assert {"戸籍情報システム", "戸籍附票システム"} == set(views[JUKI].providers)
    assert "個人住民税システム" in views[KOKUHO].providers
    links = {(lk.provider, lk.consumer): lk for lk in systems.list_links(db=db)}
    assert links[(JUKI, KOKUHO)].data == "宛名,世帯"
    assert all(lk.typical for lk in links.values())
    assert links[("団体内統合宛名システム", "中間サーバー")].method == LinkMethod.API


def test_second_init_changes_nothing_and_keeps_user_edits(db: Database, db_url: str, db_path: Path) -> None:
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2026, 1, 5), typical=False)
    systems.delete_system(db=db, user="u", system="法人住民税システム")
    systems.remove_link(db=db, user="u", provider=JUKI, consumer="印鑑登録システム")
    before = dump_database(db_path)
    result = init_database(url=db_url, user="u")
    assert result.systems_added == 0 and not result.changed
    assert dump_database(db_path) == before


def test_system_follows_the_deadline_of_its_operation(db: Database) -> None:
    with db.write() as s:
        operations.set_deadline(session=s, code="024", deadline=FY2030_END, kind=DeadlineKind.TOKUTEI,
                                source=DeadlineSource.OFFICIAL)
    v = _by_name(db)[KOKUHO]
    assert (v.deadline_kind, v.deadline) == (DeadlineKind.TOKUTEI, FY2030_END)
    v = systems.update_system(db=db, user="u", system=KOKUHO, deadline_kind=DeadlineKind.CUSTOM,
                              deadline=date(2027, 3, 31))
    assert v.deadline == date(2027, 3, 31)


# ---- editing --------------------------------------------------------------------------------------


def test_edit_dates_and_links_are_audited(db: Database) -> None:
    v = systems.update_system(db=db, user="u", system="住民記録", planned_cutover=date(2026, 1, 5))
    assert v.name == JUKI and v.planned_cutover == date(2026, 1, 5)
    assert systems.set_link(db=db, user="u", provider=JUKI, consumer=KOKUHO, interim_interface=True).added is False
    assert systems.set_link(db=db, user="u", provider="中間サーバー", consumer=KOKUHO, data="照会結果").added is True
    systems.set_milestone(db=db, user="u", system=JUKI, kind=MilestoneKind.CONTRACT, planned=date(2025, 6, 1),
                          actual=None)
    with db.read() as s:
        actions = [(e.action, e.entity_key, e.field) for e in s.exec(select(AuditEvent)) if e.user == "u"]
    assert ("system.update", JUKI, "planned_cutover") in actions
    assert ("link.update", f"{JUKI}→{KOKUHO}", "interim_interface") in actions
    assert ("link.add", f"中間サーバー→{KOKUHO}", None) in actions
    assert ("milestone.update", JUKI, "契約") in actions
    assert [m.kind for m in _by_name(db)[JUKI].milestones] == [MilestoneKind.CONTRACT]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda db: systems.set_link(db=db, user="u", provider=JUKI, consumer=JUKI), InvalidInputError),
        (lambda db: systems.set_link(db=db, user="u", provider=JUKI, consumer="存在しない"), NotFoundError),
        (lambda db: systems.update_system(db=db, user="u", system="税", note="x"), AmbiguousError),
        (lambda db: systems.update_system(db=db, user="u", system=JUKI, name=KOKUHO), InvalidInputError),
        (lambda db: systems.add_system(db=db, user="u", name="独自", operations=("999",)), InvalidInputError),
        (lambda db: systems.update_system(db=db, user="u", system=JUKI, deadline_kind=DeadlineKind.CUSTOM),
         InvalidInputError),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(db: Database, db_path: Path, call, error) -> None:
    before = dump_database(db_path)
    with pytest.raises(error):
        call(db)
    assert dump_database(db_path) == before


def test_parse_date_input() -> None:
    assert parse_date_input("2026/1/5") == date(2026, 1, 5)
    assert parse_date_input("2026-01-05 (R7年度)") == date(2026, 1, 5)
    assert parse_date_input("") is None
    with pytest.raises(InvalidInputError):
        parse_date_input("来年の春")


# ---- CSV ------------------------------------------------------------------------------------------


def test_export_then_import_changes_nothing(db: Database, db_path: Path, tmp_path: Path) -> None:
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2026, 1, 5), vendor="A社")
    systems.set_milestone(db=db, user="u", system=JUKI, kind=MilestoneKind.GO_LIVE, planned=date(2026, 1, 5),
                          actual=None)
    s_path, l_path = tmp_path / "systems.csv", tmp_path / "links.csv"
    assert systems_csv.export_systems_csv(db=db, path=s_path) == 23
    assert systems_csv.export_links_csv(db=db, path=l_path) == 53
    before = dump_database(db_path, skip_columns=("at", "batch"))
    result = systems_csv.import_csv(db=db, user="u", systems_path=s_path, links_path=l_path)
    assert result.systems is not None and result.links is not None
    assert (result.systems.added, result.systems.updated, result.systems.unchanged) == ([], [], 23)
    assert (result.links.added, result.links.updated, result.links.unchanged) == ([], [], 53)
    assert dump_database(db_path, skip_columns=("at", "batch")) == before


def test_import_adds_and_updates_systems_links_and_milestones(db: Database, tmp_path: Path) -> None:
    s_path = _write_csv(tmp_path / "s.csv", SYSTEM_COLUMNS, [
        _system_row(JUKI, 移行予定日="2026/1/5", ベンダ="A社", 業務コード="1"),
        _system_row("独自施策（子育て）", 区分="関連システム", 期限区分="個別設定", 期限="2026-09-30",
                    **{"契約(予定)": "2025-08-01"}),
    ])
    l_path = _write_csv(tmp_path / "l.csv", LINK_COLUMNS, [
        ["子ども・子育て支援システム", "独自施策（子育て）", "世帯,所得", "API", "あり", ""],
    ])
    # a file without stamps cannot show it is newer than the database: the seeded system it changes waits
    result = systems_csv.import_csv(db=db, user="u", systems_path=s_path, links_path=l_path)
    assert result.systems is not None and [c.label for c in result.systems.conflicts] == [JUKI]
    assert result.systems.added == ["独自施策（子育て）"] and result.systems.updated == []
    result = systems_csv.import_csv(db=db, user="u", systems_path=s_path, links_path=l_path, accept_older=True)
    assert result.systems is not None and result.systems.updated == [JUKI]
    views = _by_name(db)
    juki = views[JUKI]
    assert (juki.planned_cutover, juki.vendor, juki.operations, juki.typical) == (date(2026, 1, 5), "A社", ("001",), False)
    new = views["独自施策（子育て）"]
    assert (new.kind, new.deadline) == (SystemKind.RELATED, date(2026, 9, 30))
    assert [(m.kind, m.planned) for m in new.milestones] == [(MilestoneKind.CONTRACT, date(2025, 8, 1))]
    assert new.providers == ("子ども・子育て支援システム",)


def test_import_with_bad_rows_reports_each_row_and_saves_nothing(db: Database, db_path: Path, tmp_path: Path) -> None:
    s_path = _write_csv(tmp_path / "s.csv", SYSTEM_COLUMNS, [
        _system_row(JUKI, 移行予定日="2026-01-05"),  # fine, but must not be saved either
        _system_row(KOKUHO, 移行予定日="来年度"),
        _system_row("新システム", 業務コード="999"),
    ])
    l_path = _write_csv(tmp_path / "l.csv", LINK_COLUMNS, [
        [JUKI, "どこにもないシステム", "宛名", "API", "なし", ""],
        [JUKI, JUKI, "宛名", "API", "なし", ""],
        [JUKI, KOKUHO, "宛名", "郵送", "たぶん", ""],
    ])
    before = dump_database(db_path)
    with pytest.raises(BadSystemRowsError) as exc:
        systems_csv.import_csv(db=db, user="u", systems_path=s_path)
    assert [(p.row, p.column) for p in exc.value.problems] == [(3, "移行予定日"), (4, "業務コード")]
    assert "3行目" in exc.value.message and "何も保存していません" in exc.value.message
    with pytest.raises(BadSystemRowsError) as exc:
        systems_csv.import_csv(db=db, user="u", links_path=l_path)
    assert [(p.row, p.column) for p in exc.value.problems] == [(2, "利用側"), (3, None), (4, "方式"), (4, "暫定連携")]
    assert "どこにもないシステム" in exc.value.message and "自分自身" in exc.value.message
    with pytest.raises(BadSystemRowsError):  # good systems file + bad links file: neither is saved
        systems_csv.import_csv(db=db, user="u", systems_path=_write_csv(tmp_path / "ok.csv", SYSTEM_COLUMNS, [
            _system_row(JUKI, 移行予定日="2026-01-05")]), links_path=l_path)
    assert dump_database(db_path) == before


def test_missing_columns_are_named(db: Database, db_path: Path, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "s.csv", ["システム名", "移行予定日"], [[JUKI, "2026-01-05"]])
    before = dump_database(db_path)
    with pytest.raises(BadSystemRowsError) as exc:
        systems_csv.import_csv(db=db, user="u", systems_path=path)
    assert "必要な列がありません" in exc.value.message and "期限区分" in exc.value.message
    assert dump_database(db_path) == before


def test_shift_jis_csv_and_replace_links(db: Database, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "l.csv", LINK_COLUMNS, [[JUKI, KOKUHO, "宛名", "ファイル", "なし", ""]],
                      encoding="cp932")
    result = systems_csv.import_csv(db=db, user="u", links_path=path, replace_links=True, accept_older=True)
    assert result.links is not None and len(result.links.removed) == 52
    assert [(lk.provider, lk.consumer, lk.typical) for lk in systems.list_links(db=db)] == [(JUKI, KOKUHO, False)]


# ---- schedule data ----------------------------------------------------------------------------------


def test_deadline_risk_counts_open_must_gaps_of_the_systems_operations(db: Database) -> None:
    with db.read() as s:
        must = list(s.exec(select(Requirement.req_id).where(Requirement.operation_code == "001",
                                                           Requirement.kubun == Kubun.MUST)))
    assert len(must) >= 3
    with db.write() as s:
        at = datetime(2025, 9, 1, tzinfo=UTC)
        s.add(Assessment(operation_code="001", req_id=must[0], status=Status.GAP, assessed_at=at))
        s.add(Assessment(operation_code="001", req_id=must[1], status=Status.GAP, assessed_at=at))
        s.add(Assessment(operation_code="001", req_id=must[2], status=Status.FIT, assessed_at=at))
    view = schedule.get_schedule(db=db, today=date(2025, 12, 1))
    risks = {view.graph.name(r.system): r for r in view.risks}
    assert risks[JUKI].open_must_gaps == 2
    assert risks[KOKUHO].open_must_gaps == 0
    assert risks[JUKI].days_left == (FY2025_END - date(2025, 12, 1)).days
    assert "中間サーバー" not in risks
    assert [view.graph.names(c.systems) for c in view.cycles] == [[JUKI, "戸籍附票システム"]]
    assert view.graph.names(view.waves[0].systems) == ["戸籍情報システム", "法人住民税システム"]


def test_graph_text_and_slip(db: Database) -> None:
    assert '"name": "住民記録システム"' in schedule.graph_text(db=db, fmt="json")
    with pytest.raises(InvalidInputError):
        schedule.graph_text(db=db, fmt="png")
    systems.update_system(db=db, user="u", system=KOKUHO, planned_cutover=date(2026, 1, 5))
    sg, report = schedule.slip(db=db, system=JUKI, new_date=date(2026, 2, 1))
    assert sg.names(i.system for i in report.impacts) == [KOKUHO]


def test_system_rows_for_screens(db: Database) -> None:
    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2026, 2, 1))
    systems.update_system(db=db, user="u", system=KOKUHO, planned_cutover=date(2026, 1, 5))
    rows = schedule.system_rows(schedule.get_schedule(db=db, today=date(2025, 10, 1)))
    assert [r.name for r in rows][:2] == ["戸籍情報システム", "法人住民税システム"]
    assert rows[-1].name == "中間サーバー" and rows[-1].wave is None and rows[-1].risk is None
    juki = next(r for r in rows if r.name == JUKI)
    assert juki.wave == 2 and juki.in_cycle
    assert [p.name for p in juki.providers] == ["戸籍情報システム", "戸籍附票システム"]
    assert KOKUHO in [c.name for c in juki.consumers]
    kokuho = next(r for r in rows if r.name == KOKUHO)
    assert [(c.kind.value, c.provider, c.consumer) for c in juki.conflicts] == [
        ("提供元より先に移行", juki.node.id, kokuho.node.id)
    ]
    assert kokuho.conflicts == juki.conflicts and kokuho.risk is not None


def test_csv_shows_the_deadline_that_applies_and_cli_list_no_overdue_after_cut_over(
        db: Database, cli, tmp_path: Path) -> None:
    import csv

    from fitgap.domain.enums import DeadlineBasis

    # 特定移行支援 operations move the operation's deadline to 2031-03-31; the system keeps FY2025末 stored
    assert cli("init", "--municipality", "札幌市").code == 0
    systems.update_system(db=db, user="u", system=JUKI, actual_cutover=date(2026, 1, 5))
    s_path = tmp_path / "systems.csv"
    systems_csv.export_systems_csv(db=db, path=s_path)
    with s_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["システム名"]: r for r in csv.DictReader(fh)}
    views = {v.name: v for v in systems.list_systems(db=db)}
    for name, row in rows.items():
        v = views[name]
        shown = row[systems_csv.EFFECTIVE_DEADLINE]
        basis = v.deadline_kind.value if v.deadline_basis == DeadlineBasis.LEGAL else v.deadline_basis.value
        assert shown == (f"{v.deadline.isoformat()}（{basis}）" if v.deadline else "なし"), name
    assert any(r["期限区分"] == "FY2025末" and not r["期限"] and "2031-03-31" in r[systems_csv.EFFECTIVE_DEADLINE]
               for r in rows.values())
    result = systems_csv.import_csv(db=db, user="u", systems_path=s_path)
    assert result.systems is not None and result.systems.updated == []  # the extra column is only for reading
    listed = cli("systems", "list").out
    juki = next(line for line in listed.splitlines() if line.startswith(JUKI))
    assert "移行済 " in juki and "期限超過" not in juki


def test_workbook_export_has_text_codes_and_drop_downs_and_imports_back_unchanged(
        db: Database, db_path: Path, cli, tmp_path: Path) -> None:
    import openpyxl

    systems.update_system(db=db, user="u", system=JUKI, planned_cutover=date(2026, 1, 5), name="=1+2システム",
                          operations=("001", "004"))
    out = tmp_path / "systems.xlsx"
    r = cli("systems", "export", "-o", str(out))
    assert r.code == 0 and "fitgap systems import --systems" in r.out
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["システム", "連携", "_fitgap"] and wb["_fitgap"].sheet_state == "veryHidden"
    ws = wb["システム"]
    heads = [c.value for c in ws[1]]
    code_col = heads.index("業務コード") + 1
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "=1+2システム")
    assert row[0].data_type == "s"  # a name, never a formula
    assert row[code_col - 1].value == "001、004" and row[code_col - 1].number_format == "@"
    letter = openpyxl.utils.get_column_letter(code_col)
    assert ws.column_dimensions[letter].number_format == "@"  # the whole column: rows a user adds, too
    lists = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    kind_col = openpyxl.utils.get_column_letter(heads.index("区分") + 1)
    assert "標準化対象" in lists[kind_col]
    link_lists = [dv.formula1 for dv in wb["連携"].data_validations.dataValidation]
    assert any("ファイル" in f for f in link_lists) and any("あり" in f for f in link_lists)
    before = dump_database(db_path, skip_columns=("at", "batch"))
    r = cli("systems", "import", "--systems", str(out), "--links", str(out))
    assert r.code == 0, r.err
    assert "追加 0件、更新 0件" in r.out
    assert dump_database(db_path, skip_columns=("at", "batch")) == before
