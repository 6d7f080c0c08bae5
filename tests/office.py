"""Opening fitgap's files the way recipients do: LibreOffice Calc (headless) and Chromium, then pdftotext.

Missing programs skip the tests locally; under CI (CI=true) they fail, since .ci/run installs them
(Debian: libreoffice-calc-nogui, poppler-utils, chromium).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

PACKAGES = {"soffice": "libreoffice-calc-nogui", "pdftotext": "poppler-utils", "pdfinfo": "poppler-utils",
            "chromium": "chromium"}


def tool(name: str, *alternatives: str) -> str:
    for candidate in (name, *alternatives):
        found = shutil.which(candidate)
        if found:
            return found
    package = PACKAGES.get(name, name)
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is not installed, but CI must run these tests (apt-get install {package})")
    pytest.skip(f"{name} is not installed (Debian: apt-get install {package}); runs in CI")


def soffice_convert(files: Sequence[Path], target: str, outdir: Path, profile: Path) -> None:
    """Convert many files in one LibreOffice start (a start takes seconds); a private profile per run."""
    outdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [tool("soffice", "libreoffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--norestore", "--convert-to", target, "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    for f in files:
        ext = target.split(":")[0]
        assert (outdir / f"{f.stem}.{ext}").exists(), f"LibreOffice did not convert {f.name}: {proc.stderr[-2000:]}"


def chromium_pdf(page: Path, pdf: Path, profile: Path) -> Path:
    proc = subprocess.run(
        [tool("chromium", "chromium-browser"), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", f"--user-data-dir={profile}", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert proc.returncode == 0 and pdf.exists(), proc.stderr[-2000:]
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    """The text of every page, as a recipient would copy it from the PDF."""
    out = subprocess.run([tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages
