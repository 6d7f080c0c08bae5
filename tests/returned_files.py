"""One database with a file to import for every import command, each with one good row and one bad row
(or every row bad), made through the CLI as a user would: for the tests of the import order, the exit rule
and the faults (tests/unit/cli/test_import_order.py, test_faults.py)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from fitgap.config import bundled_dir
from fitgap.domain.answer_sheet import (
    H_ANSWER,
    H_COST,
    H_REVIEW_DISPOSITION,
    H_REVIEW_NOTE,
    H_REVIEW_STATUS,
    HEADER_ROW,
)
from tests.answer_books import data_sheet, edit_book, header_map, set_answer
from tests.spec_books import V1_FORMS, V2_FUNCTIONS, Item, write_official_workbook

OFFICIAL = bundled_dir("catalog") / "tokutei_2025-12.csv"
JUKI = "住民記録システム"
FUKUSHI = "福祉総合システム"


@dataclass(frozen=True)
class Import:
    """One import command and its file: ``args`` as typed after ``fitgap``."""

    name: str
    args: tuple[str, ...]
    problems_option: bool = True  # takes --problems PATH


def _exported(out: str) -> Path:
    line = next(ln for ln in out.splitlines() if "書き出しました" in ln)
    return Path(line.split(": ", 1)[1].split("（")[0].strip())


def _ids(path: Path) -> list[str]:
    ws = data_sheet(openpyxl.load_workbook(path), "001")
    return [str(ws.cell(row=r, column=1).value) for r in range(3, 6)]


def prepare(cli: Callable[..., Any], tmp_path: Path, *, all_bad: bool = False) -> dict[str, Import]:
    """A database (demo data, two systems with a 改修 item) and the returned files of every import."""
    assert cli("init", "--municipality", "札幌市").code == 0
    assert cli("demo", "-n", "60", "--seed", "5").code == 0
    assert cli("systems", "add", FUKUSHI, "--kind", "関連システム", "--vendor", "株式会社福祉").code == 0
    assert cli("systems", "link", JUKI, FUKUSHI, "--data", "宛名").code == 0
    assert cli("systems", "set", JUKI, "--planned", "2027-01-05").code == 0
    books = tmp_path / "books"
    books.mkdir()

    r = cli("export", "vendor", "--vendor", "A社", "--operation", "001", "-o", str(books / "vendor.xlsx"))
    assert r.code == 0, r.err
    ids = _ids(books / "vendor.xlsx")

    def vendor(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        if not all_bad:
            set_answer(ws, ids[0], **{H_ANSWER: "標準で対応"})
        set_answer(ws, ids[1], **{H_ANSWER: "要協議", H_COST: "たくさん"})

    edit_book(books / "vendor.xlsx", books / "vendor_back.xlsx", vendor)

    assert cli("export", "review", "--operation", "001", "-o", str(books / "review.xlsx")).code == 0

    def review(wb: Any) -> None:
        ws = data_sheet(wb, "001")
        if not all_bad:
            set_answer(ws, ids[0], **{H_REVIEW_STATUS: "対象外", H_REVIEW_DISPOSITION: None, H_REVIEW_NOTE: "事務なし"})
        set_answer(ws, ids[1], **{H_REVIEW_STATUS: "OK"})

    edit_book(books / "review.xlsx", books / "review_back.xlsx", review)

    assert cli("systems", "changes-export", "-o", str(books / "changes.xlsx")).code == 0
    wb = openpyxl.load_workbook(books / "changes.xlsx")
    ws = wb["改修一覧"]
    cols = header_map(ws)
    rows = [r for r in range(3, ws.max_row + 1) if ws.cell(row=r, column=cols["状況"]).value]
    assert rows, "the 改修 workbook has no item"
    ws.cell(row=rows[0], column=cols["概算費用（千円）"]).value = "たくさん" if all_bad else 300
    if not all_bad:  # a second, bad row: added below the exported ones (no key)
        extra = ws.max_row + 1
        ws.cell(row=extra, column=cols["状況"]).value = "調査中"
        ws.cell(row=extra, column=cols["備考"]).value = "追加した行"
    wb.save(books / "changes_back.xlsx")

    # the inventory of current functions: one department changed
    assert cli("custom", "export", "--operation", "001", "-o", str(books / "inventory.xlsx")).code == 0
    wb = openpyxl.load_workbook(books / "inventory.xlsx")
    ws = next(w for w in wb.worksheets if w.title.startswith("001"))
    header = [c.value for c in ws[HEADER_ROW]]
    ws.cell(row=HEADER_ROW + 1, column=header.index("利用課") + 1).value = "総務課（取り込み後）"
    wb.save(books / "inventory_back.xlsx")

    # the systems CSV: one note changed
    assert cli("systems", "export", "--systems", str(books / "systems.csv"), "--links", str(books / "links.csv")).code == 0
    with (books / "systems.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    note = rows[0].index("備考")
    rows[1][note] = "取り込みで変えた備考"
    with (books / "systems_back.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)

    # a newer official list of 特定移行支援システム: 札幌市's 戸籍 flagged
    with OFFICIAL.open(encoding="utf-8-sig", newline="") as fh:
        official = list(csv.reader(fh))
    koseki = official[0].index("戸籍")
    for row in official[1:]:
        if row[2] == "札幌市":
            row[koseki] = "0" if row[koseki] == "1" else "1"
    with (books / "official.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(official)

    bad = [Item(10009, "住民記録", "x", "謎", "区分が読めない。", "たぶん")]
    functions = bad if all_bad else [*V2_FUNCTIONS, *bad]
    spec = write_official_workbook(books / "spec_v2.xlsx", functions=functions, forms=[] if all_bad else V1_FORMS,
                                   label="第2.0版")
    return {
        "vendor": Import("import vendor", ("import", "vendor", str(books / "vendor_back.xlsx"))),
        "review": Import("import review", ("import", "review", str(books / "review_back.xlsx"))),
        "changes": Import("systems changes-import", ("systems", "changes-import", str(books / "changes_back.xlsx"))),
        "spec": Import("import-spec --skip-bad-rows",
                       ("import-spec", str(spec), "--operation", "001", "--version", "第2.0版", "--skip-bad-rows"),
                       problems_option=False),
        "custom": Import("custom import", ("custom", "import", str(books / "inventory_back.xlsx")), problems_option=False),
        "systems": Import("systems import", ("systems", "import", "--systems", str(books / "systems_back.csv")),
                          problems_option=False),
        "official": Import("deadline import-official", ("deadline", "import-official", str(books / "official.csv"),
                                                        "--as-of", "2026-06"), problems_option=False),
    }
