"""The readiness page: one self-contained file, rendered by headless Chromium to DOM and PDF, offline.

Chromium's own network log shows whether the page asked for anything from the network; a control page
with an external image proves the check would notice. Without Chromium the browser tests are skipped
locally; in CI (CI=true) they must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from fitgap.domain.enums import Disposition, Kubun, Status, VendorAnswerKind
from fitgap.domain.models import Assessment, Requirement, Vendor, VendorAnswer
from fitgap.reports.readiness_html import render_readiness_html, write_readiness_html
from fitgap.reports.readiness_model import ReadinessReport
from fitgap.services import readiness
from fitgap.services.demo import generate_demo
from fitgap.storage.db import Database

TODAY = date(2025, 11, 23)
HOSTILE = '<script>alert("x")</script><img src="https://evil.example/x.png">'
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed, but CI must render the report (apt-get install chromium)")
    pytest.skip("chromium is not installed (Debian: apt-get install chromium chromium-driver); runs in CI")


def _run_chromium(tmp: Path, *args: str) -> tuple[str, list[str]]:
    """Run headless Chromium; returns stdout and the http(s) URLs the page itself requested."""
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    netlog = profile.with_suffix(".netlog.json")
    proc = subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--log-net-log={netlog}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, _page_requests(netlog)


def _page_requests(netlog: Path) -> list[str]:
    """URLs of requests started by a page (the browser's own update/account checks are 'not an origin')."""
    text = netlog.read_text(encoding="utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log not closed at exit lacks its final brackets
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    kinds = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if kinds.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        if params.get("initiator") != "not an origin" and re.match(r"https?://", params["url"]):
            urls.append(params["url"])
    return urls


@pytest.fixture
def report(db: Database) -> ReadinessReport:
    with db.write() as s:
        must = s.exec(select(Requirement.req_id).where(Requirement.operation_code == "001",
                                                       Requirement.kubun == Kubun.MUST).order_by(Requirement.req_id)).all()
        s.execute(sa.insert(Assessment.__table__), [  # type: ignore[attr-defined]
            {"operation_code": "001", "req_id": rid, "status": Status.GAP, "disposition": d, "note": HOSTILE,
             "assessed_at": datetime(2025, 11, 1, tzinfo=UTC), "needs_review": False, "archived": False,
             "revision": 1} for rid, d in ((must[0], None), (must[1], Disposition.VENDOR))])
        vendor = Vendor(name="ベンダ<b>A</b>")
        s.add(vendor)
        s.flush()
        s.execute(sa.insert(VendorAnswer.__table__), [{  # type: ignore[attr-defined]
            "vendor_id": vendor.id, "operation_code": "001", "req_id": must[1], "answer": VendorAnswerKind.IMPOSSIBLE,
            "comment": HOSTILE, "received_at": datetime(2025, 11, 5, tzinfo=UTC), "superseded": False}])
    return readiness.build_report(db=db, today=TODAY)


def test_page_is_self_contained_escaped_and_printable(report: ReadinessReport) -> None:
    html = render_readiness_html(report)
    assert not re.search(r"""(src|href|srcset|action|data)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "<script" not in html.lower() and "<link" not in html.lower() and "@import" not in html
    assert "url(" not in html
    assert "&lt;script&gt;" in html  # a note or a vendor's comment is text, never markup
    assert "ベンダ&lt;b&gt;A&lt;/b&gt;" in html
    assert re.search(r"@page\s*{\s*size:\s*A4 landscape", html)
    assert "@media print" in html
    for font in ("Yu Gothic", "Meiryo", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP"):
        assert font in html
    assert html.count("<svg") == 3  # the summary's two charts and the progress survey's comparison
    assert 'lang="ja"' in html and 'charset="utf-8"' in html


def test_demo_data_is_flagged_on_the_page(db: Database) -> None:
    generate_demo(db=db, total=400, seed=3, user="tester")
    html = render_readiness_html(readiness.build_report(db=db, today=TODAY))
    assert "デモデータ（架空）" in html


def test_chromium_renders_every_operation_offline(report: ReadinessReport, tmp_path: Path) -> None:
    page = write_readiness_html(report, tmp_path / "readiness.html")
    dom, requests = _run_chromium(tmp_path, "--dump-dom", page.as_uri())
    assert requests == []
    codes = re.findall(r'<tr class="op" data-code="(\d{3})">', dom)
    assert codes == [o.code for o in report.operations]
    for op in report.operations:
        assert op.name in dom
    assert "判定ルール" in dom and "阻害要因" in dom and "移行日程" in dom
    assert "<script>alert" not in dom  # the hostile note stayed text in the live DOM too

    control = tmp_path / "control.html"
    control.write_text('<html><body><img src="http://example.invalid/x.png"></body></html>', encoding="utf-8")
    _, control_requests = _run_chromium(tmp_path, "--dump-dom", control.as_uri())
    assert control_requests == ["http://example.invalid/x.png"]  # the check does notice a fetch


def test_chromium_prints_it_to_a4_landscape_pdf(report: ReadinessReport, tmp_path: Path) -> None:
    page = write_readiness_html(report, tmp_path / "readiness.html")
    pdf = tmp_path / "readiness.pdf"
    _, requests = _run_chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert requests == []
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert len(pages) >= 3  # summary, blocking items, schedule, vendors each start a page
    width, height = (float(x) for x in pages[0])
    assert width == pytest.approx(842, abs=2) and height == pytest.approx(595, abs=2)  # A4 landscape in points
