"""PNG pictures of the first page of every output as printed, for a person to look at (``make snapshots``).

The same demo database and outputs as tests/unit/reports/test_printed_pages.py; LibreOffice Calc prints the
workbooks and Chromium the HTML report to PDF, and pdftoppm draws the first page of each (and the first
page of each sheet of the readiness workbook) into ``exports/snapshots`` (kept out of git).

    .venv/bin/python -m tests.print_snapshots [FOLDER]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from fitgap.config import sqlite_url
from tests.office import chromium_pdf, soffice_convert, tool
from tests.pdf_text import pdf_words
from tests.unit.reports.test_printed_pages import TODAY, WORKBOOKS, _fill, _sheet


def _png(pdf: Path, page: int, target: Path) -> Path:
    subprocess.run([tool("pdftoppm"), "-png", "-r", "60", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(target)], check=True, timeout=120)
    return target.with_suffix(".png")


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "exports/snapshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.update(FITGAP_USER="snapshots", FITGAP_TODAY=TODAY, FITGAP_EXPORTS=str(folder / "exports"))
        for var in ("FITGAP_DB", "FITGAP_DATABASE_URL"):
            os.environ.pop(var, None)
        files = _fill(folder, sqlite_url(folder / "demo.db"))
        pdfs = folder / "pdf"
        soffice_convert([files[n] for n in WORKBOOKS], "pdf", pdfs, folder / "lo-profile")
        made = [_png(pdfs / f"{name}.pdf", 1, out / f"{name}-libreoffice") for name in WORKBOOKS]
        first_of_sheet: dict[str, int] = {}
        for page in pdf_words(pdfs / "readiness.pdf"):
            first_of_sheet.setdefault(_sheet(page), page.number)
        made += [_png(pdfs / "readiness.pdf", n, out / f"readiness-{sheet or n}-libreoffice")
                 for sheet, n in first_of_sheet.items() if n > 1]
        html = chromium_pdf(files["readiness_html"], pdfs / "readiness_html.pdf", folder / "chromium")
        made.append(_png(html, 1, out / "readiness_html-chromium"))
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
