"""Every file fitgap writes, opened the way its recipients open it: LibreOffice Calc and Chromium.

One database is filled through the CLI with data that begins with = + - @ (spec text and names, notes,
vendor answers, system names and vendors) and a long multi-line requirement, and every output is written:
readiness (xlsx, html), vendor and review workbooks, the spec-diff workbook, the audit log (xlsx, csv),
problem reports (xlsx, csv), systems.csv, links.csv; a second, demo database writes its readiness report
and vendor sheet. Then:

- no written cell holds a formula (the files themselves, and what LibreOffice makes of them: no Err:, no
  #NAME?);
- every workbook printed to PDF by LibreOffice: pages within a stated bound per file, the header on every
  page (デモデータ on every page of demo files), the cover on one page, the whole multi-line text present;
- systems.csv and links.csv re-saved by LibreOffice (which turns 001 into 1) import back unchanged, and a
  re-saved readiness workbook keeps its codes as text;
- the HTML report printed by Chromium shows every deadline mark of the schedule.

Converting takes one LibreOffice start per kind of conversion (marked slow). Without soffice, pdftotext or
chromium the tests skip locally; under CI=true they fail (.ci/run installs them).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fitgap.cli.main import main
from fitgap.config import sqlite_url
from fitgap.domain.answer_sheet import FORMULA_PREFIXES, H_ANSWER, H_COMMENT, H_PLANNED
from fitgap.domain.enums import Status
from fitgap.services import readiness
from fitgap.services.assessment import update_items
from fitgap.services.database import open_db
from fitgap.services.items import ItemFilter, item_keys
from tests.answer_books import data_sheet, edit_book, set_answer
from tests.office import chromium_pdf, pdf_pages, soffice_convert, tool
from tests.pdf_text import pdf_words
from tests.spec_books import V1_FUNCTIONS, Item, write_official_workbook

pytestmark = pytest.mark.slow

LONG_LAST_LINE = "以上の項目を末尾まで表示できること（最終行）。"
LONG_TEXT = "次の項目を管理できること。\n" + "\n".join(
    f"・管理項目その{i}：改行を含む長い要件の{i}行目で、折り返しても全部読めること" for i in range(1, 13)
) + "\n" + LONG_LAST_LINE
HOSTILE_ITEMS = [
    Item(10011, "住民記録", "検証", "=HYPERLINK(\"http://example.invalid\")名称", "=1+2 で始まる要件", "実装必須機能"),
    Item(10012, "住民記録", "検証", "+プラス名称", "+81 で始まる要件", "実装必須機能"),
    Item(10013, "住民記録", "検証", "-マイナス名称", "-1 から始まる要件", "実装必須機能"),
    Item(10014, "住民記録", "検証", "@アット名称", "@SUM(1) で始まる要件", "実装必須機能"),
    Item(10015, "住民記録", "検証", "長い要件", LONG_TEXT, "実装必須機能"),
]
V2_HOSTILE = [*HOSTILE_ITEMS[:4], Item(10015, "住民記録", "検証", "長い要件", LONG_TEXT.replace("その3", "その三"),
                                       "実装必須機能")]
NOTES = ["=SUM(A1) のメモ", "+メモ", "-メモ", "@メモ", "長い要件のメモ"]
SYSTEM = "=1+2システム"
ANSWER_COMMENT = "=cmd|' /C calc'!A0"
TODAY = "2026-11-23"


@dataclass
class Outputs:
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)  # name → written file
    pdf: dict[str, list[str]] = field(default_factory=dict)  # name → text of each page
    resaved: Path | None = None
    url: str = ""
    demo_url: str = ""


def _run(url: str, *args: str) -> None:
    code = main(["--db", url, *args])
    assert code == 0, f"fitgap {' '.join(args)} failed"


def _text_cells(path: Path) -> Path:
    """Spec cells beginning with = are text in the official lists too (openpyxl would save a formula)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    c.data_type = "s"
    wb.save(path)
    return path


def _fill(folder: Path, url: str) -> dict[str, Path]:
    out: dict[str, Path] = {}
    _run(url, "init")
    v1 = _text_cells(write_official_workbook(folder / "住民記録_第2.0版.xlsx", functions=[*V1_FUNCTIONS, *HOSTILE_ITEMS]))
    _run(url, "import-spec", str(v1))
    db = open_db(url=url)
    try:
        keys = [k for k in item_keys(db=db, flt=ItemFilter(operation_code="001"))
                if k.req_id in {f"00{it.req_id}" for it in HOSTILE_ITEMS}]
        assert len(keys) == len(HOSTILE_ITEMS)
        for key, note in zip(sorted(keys, key=lambda k: k.req_id), NOTES, strict=True):
            update_items(db=db, user="tester", keys=[key], status=Status.GAP, note=note, enforce_note_rule=False)
    finally:
        db.dispose()
    _run(url, "systems", "set", "住民記録システム", "--name", SYSTEM, "--vendor", "@ベンダ", "--note=-備考",
         "--operations", "001,004", "--planned", "2031-06-01", "--deadline-kind", "特定移行支援",
         "--deadline", "2031-03-31", "--confirm")
    _run(url, "systems", "set", "戸籍附票システム", "--planned", "2026-01-05", "--deadline-kind", "特定移行支援",
         "--deadline", "2031-03-31", "--confirm")
    out["vendor"] = folder / "vendor.xlsx"
    _run(url, "export", "vendor", "--vendor", "+ベンダ", "--operation", "001", "-o", str(out["vendor"]))

    def answer(wb: openpyxl.Workbook) -> None:
        ws = data_sheet(wb, "001")
        for it in HOSTILE_ITEMS[:4]:
            set_answer(ws, f"00{it.req_id}", **{H_ANSWER: "期限後対応", H_COMMENT: ANSWER_COMMENT,
                                                H_PLANNED: "2031-06-30"})
        set_answer(ws, "0010015", **{H_ANSWER: "たぶん"})  # not an answer: a problem row

    answered = edit_book(out["vendor"], folder / "vendor_answered.xlsx", answer)
    out["problems"] = folder / "problems.xlsx"
    out["problems_csv"] = folder / "problems_list.csv"
    for target in (out["problems"], out["problems_csv"]):
        main(["--db", url, "import", "vendor", str(answered), "--problems", str(target)])
        assert target.exists()
    v2 = _text_cells(write_official_workbook(folder / "住民記録_第3.0版.xlsx", functions=[*V1_FUNCTIONS, *V2_HOSTILE]))
    _run(url, "import-spec", str(v2))
    out["diff"] = folder / "diff.xlsx"
    _run(url, "spec-diff", "001", "-o", str(out["diff"]))
    out["review"] = folder / "review.xlsx"
    _run(url, "export", "review", "--operation", "001", "-o", str(out["review"]))
    out["readiness"] = folder / "readiness.xlsx"
    out["readiness_html"] = folder / "readiness.html"
    _run(url, "report", "readiness", "--format", "both", "-o", str(out["readiness"]))
    out["audit"] = folder / "audit.xlsx"
    out["audit_csv"] = folder / "audit_log.csv"
    _run(url, "audit", "-o", str(out["audit"]))
    _run(url, "audit", "-o", str(out["audit_csv"]))
    out["systems"] = folder / "systems.csv"
    out["links"] = folder / "links.csv"
    _run(url, "systems", "export", "--systems", str(out["systems"]), "--links", str(out["links"]))
    out["systems_book"] = folder / "systems_book.xlsx"
    _run(url, "systems", "export", "-o", str(out["systems_book"]))
    return out


def _fill_demo(folder: Path, url: str) -> dict[str, Path]:
    _run(url, "demo", "--requirements", "120", "--seed", "5")
    out = {"demo_readiness": folder / "demo_readiness.xlsx", "demo_readiness_html": folder / "demo_readiness.html",
           "demo_vendor": folder / "demo_vendor.xlsx"}
    _run(url, "report", "readiness", "--format", "both", "-o", str(out["demo_readiness"]))
    _run(url, "export", "vendor", "--vendor", "ベンダB", "-o", str(out["demo_vendor"]))
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outputs]:
    tool("soffice", "libreoffice")
    tool("pdftotext")
    folder = tmp_path_factory.mktemp("outputs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FITGAP_USER", "tester")
        mp.setenv("FITGAP_TODAY", TODAY)
        mp.setenv("FITGAP_EXPORTS", str(folder / "exports"))
        for var in ("FITGAP_DB", "FITGAP_DATABASE_URL"):
            mp.delenv(var, raising=False)
        result = Outputs(folder=folder, url=sqlite_url(folder / "fitgap.db"),
                         demo_url=sqlite_url(folder / "demo.db"))
        result.files = {**_fill(folder, result.url), **_fill_demo(folder, result.demo_url)}
        sheets = [p for p in result.files.values() if p.suffix in (".xlsx", ".csv")]
        pdfs = folder / "pdf"
        soffice_convert(sheets, "pdf", pdfs, folder / "lo-profile")
        for name, path in result.files.items():
            if path.suffix != ".html":
                result.pdf[name] = pdf_pages(pdfs / f"{path.stem}.pdf")
        # a Japanese user's LibreOffice opens the CSVs and saves them again (and the readiness workbook)
        result.resaved = folder / "resaved"
        mp.setenv("LC_ALL", "ja_JP.UTF-8")
        soffice_convert([result.files["systems"], result.files["links"]], "csv", result.resaved,
                        folder / "lo-profile")
        soffice_convert([result.files["readiness"], result.files["systems_book"]], "xlsx", result.resaved,
                        folder / "lo-profile")
        yield result


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def _strings(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        parts = [z.read(n).decode("utf-8") for n in names if n == "xl/sharedStrings.xml"]
        parts += list(_sheet_xml(path).values())
    return "\n".join(parts)


def test_no_written_cell_holds_a_formula(outputs: Outputs) -> None:
    hostile_seen = 0
    for name, path in outputs.files.items():
        if path.suffix == ".xlsx":
            for part, xml in _sheet_xml(path).items():
                assert not re.search(r"<f[ >]", xml), f"{name}: {part} holds a formula"
            text = _strings(path)
            hostile_seen += sum(s in text for s in ("=1+2", "+81", "=SUM(A1)", "=cmd", SYSTEM, "@ベンダ"))
        elif path.suffix == ".csv":
            rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
            for row in rows:
                for value in row:
                    assert not value.startswith(FORMULA_PREFIXES), f"{name}: {value!r} would be evaluated"
            hostile_seen += sum(value.startswith("'") for row in rows for value in row)
    # the hostile data did reach the files (as text)
    assert hostile_seen >= 20
    systems = outputs.files["systems"].read_text(encoding="utf-8-sig")
    assert f"'{SYSTEM}" in systems and "'@ベンダ" in systems and "'-備考" in systems
    review = openpyxl.load_workbook(outputs.files["review"])
    texts = [c for ws in review.worksheets for row in ws.iter_rows() for c in row if c.value == "=1+2 で始まる要件"]
    assert texts and all(c.data_type == "s" for c in texts)


def test_libreoffice_shows_no_error_values(outputs: Outputs) -> None:
    for name, pages in outputs.pdf.items():
        text = "\n".join(pages)
        for bad in ("Err:", "#NAME?", "#VALUE!", "#REF!", "#DIV/0!"):
            assert bad not in text, f"{name}: {bad} in the printed file"
    readiness = "\n".join(outputs.pdf["readiness"])
    assert SYSTEM in readiness  # the system name is shown as it was typed


# pages each printed file may take (this data set: one operation of 20 items, 23 systems, 20 operations);
# the readiness workbooks are bounded per sheet below, by their number of rows
# (the vendor and review sheets are wider than A3 holds at reading size: their answer columns print on a page
# of their own beside each page of requirements, so they take about twice the pages they took at 5 pt)
PAGE_BOUNDS = {"vendor": 6, "review": 6, "diff": 3, "audit": 6, "problems": 2, "systems_book": 6, "demo_vendor": 60}
ROWS_PER_PAGE = 12  # at least this many table rows on a page (the old layout printed column strips)


def test_page_counts_stay_within_bounds(outputs: Outputs) -> None:
    for name, bound in PAGE_BOUNDS.items():
        assert 1 <= len(outputs.pdf[name]) <= bound, f"{name}: {len(outputs.pdf[name])} pages (at most {bound})"
    for name in ("readiness", "demo_readiness"):
        pages = outputs.pdf[name]
        per_sheet: dict[str, int] = {}
        for page in pages:
            sheet = page.lstrip().splitlines()[0].rsplit("—", 1)[-1].split()[0]  # the page header names the sheet
            per_sheet[sheet] = per_sheet.get(sheet, 0) + 1
        wb = openpyxl.load_workbook(outputs.files[name])
        assert set(per_sheet) == set(wb.sheetnames), (name, per_sheet)
        for ws in wb.worksheets:
            # 概要: the figures and charts on one page, then the table of 20 operations (its 判定理由 lists the
            # rules that decided the verdict, a rule a line); 日程: its months run on over pages in fiscal years
            bound = (5 if ws.title == "概要" else 6 if ws.title == "日程"
                     else 1 + -(-ws.max_row // ROWS_PER_PAGE))
            assert per_sheet[ws.title] <= bound, f"{name} {ws.title}: {per_sheet[ws.title]} pages (at most {bound})"


def test_every_workbook_prints_at_reading_size(outputs: Outputs) -> None:
    """Body text, titles, page headers and footers at 8 pt or more on paper (tests/pdf_text.py measures it)."""
    for name, path in outputs.files.items():
        if path.suffix != ".xlsx":
            continue  # a CSV prints as the spreadsheet program's defaults make it
        small = [(p.number, w.size, w.text) for p in pdf_words(outputs.folder / "pdf" / f"{path.stem}.pdf")
                 for w in p.words if w.size < 7.95]
        assert not small, f"{name}: text below 8 pt: {small[:10]}"


def test_header_text_on_every_page(outputs: Outputs) -> None:
    for name in ("readiness", "vendor", "review", "diff", "audit", "problems"):
        for i, page in enumerate(outputs.pdf[name], 1):
            assert re.search(r"\d+ / \d+ ページ", page), f"{name} page {i}: no page number"
    for i, page in enumerate(outputs.pdf["readiness"], 1):
        assert "標準化 移行準備状況報告書" in page, f"readiness page {i}: no header"
    for i, page in enumerate(outputs.pdf["vendor"][1:], 2):  # the requirements, then the answer columns
        assert page.lstrip().startswith("001 住民記録") and re.search(r"^ID\s", page, flags=re.M), f"vendor page {i}"
        assert "実装区分" in page or "対応可否" in page, f"vendor page {i}: no column titles"
    for name in ("demo_readiness", "demo_vendor"):
        for i, page in enumerate(outputs.pdf[name], 1):
            assert "デモデータ" in page, f"{name} page {i}: not flagged as demo data"


def test_covers_fit_one_page_and_list_every_version(outputs: Outputs) -> None:
    cover = outputs.pdf["demo_vendor"][0]
    assert "回答のしかた" in cover and "5. 回答済みのブック" in cover
    assert "回答のしかた" not in outputs.pdf["demo_vendor"][1]
    versions = re.findall(r"\d{3} \S+: \S+（期限", cover)
    assert len(versions) >= 20  # every operation's spec version, not only the first line


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_multi_line_text_is_printed_whole(outputs: Outputs) -> None:
    for name in ("vendor", "review", "diff"):
        printed = _squash("\n".join(outputs.pdf[name]))
        assert _squash(LONG_LAST_LINE) in printed, f"{name}: the last line of a long requirement is hidden"
        assert _squash("・管理項目その12：") in printed, name


def test_codes_keep_their_zeros_after_a_libreoffice_resave(outputs: Outputs) -> None:
    assert outputs.resaved is not None
    resaved_systems = (outputs.resaved / "systems.csv").read_text(encoding="utf-8-sig")
    assert "001、004" in resaved_systems  # a list of codes stays text
    code = main(["--db", outputs.url, "systems", "import", "--systems", str(outputs.resaved / "systems.csv"),
                 "--links", str(outputs.resaved / "links.csv")])
    assert code == 0
    again = outputs.folder / "again"
    again.mkdir()
    _run(outputs.url, "systems", "export", "--systems", str(again / "systems.csv"), "--links", str(again / "links.csv"))
    assert (again / "systems.csv").read_bytes() == outputs.files["systems"].read_bytes()
    assert (again / "links.csv").read_bytes() == outputs.files["links"].read_bytes()
    # the workbook a user edited in LibreOffice and saved: imports back without a change
    book = outputs.resaved / "systems_book.xlsx"
    assert main(["--db", outputs.url, "systems", "import", "--systems", str(book), "--links", str(book)]) == 0
    _run(outputs.url, "systems", "export", "--systems", str(again / "systems2.csv"), "--links", str(again / "links2.csv"))
    assert (again / "systems2.csv").read_bytes() == outputs.files["systems"].read_bytes()
    assert (again / "links2.csv").read_bytes() == outputs.files["links"].read_bytes()
    wb = openpyxl.load_workbook(outputs.resaved / "readiness.xlsx")
    codes = [r[0] for r in wb["阻害要因"].iter_rows(min_row=2, values_only=True)]
    ops = [r[1] for r in wb["阻害要因"].iter_rows(min_row=2, values_only=True) if r[1]]
    assert ops and all(isinstance(c, str) and len(c) == 3 for c in ops), ops[:5]
    assert codes


def test_chromium_prints_every_deadline_mark(outputs: Outputs) -> None:
    pdf = chromium_pdf(outputs.files["readiness_html"], outputs.folder / "readiness_html.pdf",
                       outputs.folder / "chromium-profile")
    pages = pdf_pages(pdf)
    text = "\n".join(pages)
    db = open_db(url=outputs.url)
    try:
        report = readiness.build_report(db=db, today=date.fromisoformat(TODAY))
    finally:
        db.dispose()
    marks = sum(1 for r in report.schedule if r.deadline)
    legend = 1
    assert text.count("◆") == marks + legend
    assert "予定日超過" in text and "期限後 " in text and "余裕 -" not in text
    demo = chromium_pdf(outputs.files["demo_readiness_html"], outputs.folder / "demo_html.pdf",
                        outputs.folder / "chromium-profile")
    demo_pages = pdf_pages(demo)
    assert all("デモデータ" in p for p in demo_pages)
    assert all(re.search(rf"{i} / {len(pages)} ページ", p) for i, p in enumerate(pages, 1))


def test_readiness_first_page_holds_the_figures_and_both_charts_with_every_operation(outputs: Outputs) -> None:
    first = outputs.pdf["readiness"][0]
    for label in ("方針未定の必須ギャップ", "阻害要因（件数）", "実装必須ギャップ（対応方針なし）", "期限超過の期限後対応"):
        assert label in first, f"{label} cut or missing on 概要's first page"
    assert _squash("進捗: 確認率と適合率（業務別）") in _squash(first) and "ギャップ（業務別、件数）" in first
    db = open_db(url=outputs.url)
    try:
        report = readiness.build_report(db=db, today=date.fromisoformat(TODAY))
    finally:
        db.dispose()
    squashed = _squash(first)
    for op in report.operations:
        assert squashed.count(_squash(op.name)) >= 2, f"{op.name}: not labelled in both charts"
    assert "業務コード" not in first and "業務コード" in outputs.pdf["readiness"][1]  # the table: from page 2
