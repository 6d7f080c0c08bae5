"""独自機能 where users see it: status counts, readiness verdicts, the report section (xlsx and HTML)."""

from datetime import date

import openpyxl

from fitgap.domain.custom import CustomDisposition, FunctionRecord
from fitgap.services import custom, readiness, status
from fitgap.services.custom import FunctionKey
from fitgap.services.custom_import import import_functions
from fitgap.services.items import ItemKey

JUKI = "001"
PRESSING = date(2025, 11, 23)  # 128 days before 住民記録's deadline
EARLY = date(2024, 4, 1)


def _inventory(db):
    import_functions(db=db, user="t", records=[
        FunctionRecord(JUKI, "F-1", "住民票の写し交付", department="市民課"),
        FunctionRecord(JUKI, "F-2", "窓口混雑表示", department="市民課", outside_spec=True),
        FunctionRecord(JUKI, "F-3", "独自統計帳票", department="企画課", outside_spec=True,
                       disposition=CustomDisposition.EUC, note="EUC で作る"),
        FunctionRecord(JUKI, "F-4", "未照合の機能"),
    ])
    custom.map_functions(db=db, user="t", keys=[FunctionKey(JUKI, "F-1")], add=[ItemKey.of(JUKI, "機能", "1.1.1-必須")])


def _juki(report):
    return next(o for o in report.operations if o.code == JUKI)


def test_status_counts_the_inventory_per_operation(db):
    _inventory(db)
    s = next(o for o in status.get_overview(db=db, today=PRESSING).operations if o.code == JUKI)
    assert (s.custom_functions, s.custom_outside, s.custom_undecided, s.custom_unchecked) == (4, 2, 1, 1)


def test_undecided_functions_count_against_readiness(db):
    before = _juki(readiness.build_report(db=db, today=EARLY))
    assert not any(line.startswith(("R16", "R17", "R18")) for line in before.reasons)
    _inventory(db)
    early = _juki(readiness.build_report(db=db, today=EARLY))
    assert any(line.startswith("R17") for line in early.reasons)
    assert any(line.startswith("R18") for line in early.reasons)
    late = _juki(readiness.build_report(db=db, today=PRESSING))
    assert any(line.startswith("R16【赤】") for line in late.reasons) and late.verdict.value == "赤"
    custom.set_functions(db=db, user="t", keys=[FunctionKey(JUKI, "F-2")], disposition=CustomDisposition.DROP,
                         note="掲示で足りる")
    decided = _juki(readiness.build_report(db=db, today=PRESSING))
    assert not any(line.startswith(("R16", "R17")) for line in decided.reasons)


def test_the_report_has_a_section_with_the_figures_and_the_open_functions(db, tmp_path):
    paths = readiness.write_report(db=db, today=PRESSING, fmt="both", output=tmp_path / "before.xlsx",
                                   exports_dir=tmp_path)
    assert "独自機能" not in openpyxl.load_workbook(paths[0], read_only=True).sheetnames
    _inventory(db)
    paths = readiness.write_report(db=db, today=PRESSING, fmt="both", output=tmp_path / "r.xlsx", exports_dir=tmp_path)
    xlsx = next(p for p in paths if p.suffix == ".xlsx")
    html = next(p for p in paths if p.suffix == ".html")
    ws = openpyxl.load_workbook(xlsx, read_only=True)["独自機能"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert rows[1][:8] == (JUKI, "住民基本台帳", 4, 1, 2, 0, 1, 1) and rows[1][8] == "共通機能で対応 1"
    open_rows = list(openpyxl.load_workbook(xlsx, read_only=True)["独自機能の方針未決定"].iter_rows(values_only=True))
    assert any(r[:4] == (JUKI, "住民基本台帳", "F-2", "窓口混雑表示") for r in open_rows)
    text = html.read_text(encoding="utf-8")
    assert "独自機能（標準仕様書にない現行機能）" in text and "窓口混雑表示" in text and "独自統計帳票" not in text


def test_demo_inventory_is_marked_and_replaced_not_added(db, tmp_path):
    from fitgap.services.custom_demo import generate_demo_inventory
    from fitgap.services.custom_export import export_inventory
    from fitgap.services.demo import generate_demo

    generate_demo(db=db, total=600, seed=3, user="t")
    n = generate_demo_inventory(db=db, user="t", seed=3)
    rows = custom.list_functions(db=db)
    assert n == len(rows) == 20 * 12 and all(r.demo for r in rows)
    kinds = {r.coverage.value for r in rows} | {"要廃止" for r in rows if r.reverse_gap}
    assert kinds == {"標準内", "標準外", "未確認", "要廃止"}  # a realistic mix, reverse gaps included
    assert any(r.undecided for r in rows) and any(r.disposition for r in rows)
    assert generate_demo_inventory(db=db, user="t", seed=4) == n and len(custom.list_functions(db=db)) == n
    out = export_inventory(db=db, user="t", exports_dir=tmp_path)
    assert out.demo and out.path.name.endswith("_デモ.xlsx")


def test_the_screens_sql_filters_agree_with_the_rules(db):
    """The list the workbench pages through (SQL) holds exactly the rows the domain rules pick."""
    from collections import Counter

    from fitgap.domain.custom import Coverage
    from fitgap.services.custom import FunctionFilter
    from fitgap.services.custom_demo import generate_demo_inventory
    from fitgap.services.demo import generate_demo

    generate_demo(db=db, total=600, seed=5, user="t")
    generate_demo_inventory(db=db, user="t", seed=5)
    every = custom.list_functions(db=db)
    filters = [FunctionFilter(), FunctionFilter(undecided=True), FunctionFilter(undecided=False),
               FunctionFilter(reverse_gap=True), FunctionFilter(operation_code="001", text="帳票"),
               *(FunctionFilter(coverage=frozenset({c})) for c in Coverage),
               FunctionFilter(dispositions=frozenset({None})),
               FunctionFilter(dispositions=frozenset({CustomDisposition.EUC, CustomDisposition.DROP}))]
    for flt in filters:
        expected = [r for r in every if flt.matches(r, "デモデータ（架空の現行機能）")]
        assert custom.count_functions(db=db, flt=flt) == len(expected), flt
        assert custom.page_functions(db=db, flt=flt, limit=10_000) == expected, flt
    s = custom.summary(db=db)
    assert (s["total"], s["undecided"], s["reverse"], s["demo"]) == (
        len(every), sum(r.undecided for r in every), sum(r.reverse_gap for r in every), len(every))
    counts = custom.counts_by_operation(db=db)  # status and readiness: the same SQL, grouped per operation
    assert set(counts) == {r.key.operation_code for r in every}
    for op, c in counts.items():
        rows = [r for r in every if r.key.operation_code == op]
        disp = Counter(r.disposition.value for r in rows if r.disposition is not None)
        assert (c.total, c.in_spec, c.outside, c.unchecked, c.reverse_gap, c.undecided, c.by_disposition) == (
            len(rows), sum(r.coverage == Coverage.IN_SPEC for r in rows), sum(r.coverage == Coverage.OUTSIDE for r in rows),
            sum(r.coverage == Coverage.UNCHECKED for r in rows), sum(r.reverse_gap for r in rows),
            sum(r.undecided for r in rows), disp), op
