"""The real app in a real browser: `streamlit run app.py` on a demo database, driven by headless
Debian chromium through Playwright (no browser download). Visits every page, changes the version
filter, downloads a CSV, pastes an issue URL into the issue report, fails on any exception box or
error alert; screenshots each page into artifacts/screenshots/."""
from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "artifacts" / "screenshots"
PAGES = {"overview": "", "by-version": "by_version", "plan-platform": "plan_platform", "signals": "signals",
         "issues": "issues", "issue-report": "issue_report", "compare": "compare", "sql": "sql",
         "data-quality": "data_quality"}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no {CHROMIUM}: apt-get install chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(demo_db):
    port = _free_port()
    env = {**os.environ, "RADAR_DB": str(demo_db)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("streamlit did not become healthy: " + proc.stderr.read1(4000).decode(errors="replace"))
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 2200}, accept_downloads=True)
        yield context.new_page()
        browser.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script and drawn the page."""
    page.wait_for_selector("[data-testid='stApp']")
    for _ in range(2):  # twice: right after navigation the run may not have started yet
        page.wait_for_timeout(700)
        page.wait_for_function("""() => !document.querySelector("[data-testid='stStatusWidget']")
                                       && !document.querySelector("[data-testid='stSkeleton']")""", timeout=20_000)
    page.wait_for_timeout(800)  # Plotly draws after the script finishes


def _assert_no_errors(page, where: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, f"exception box on {where}"
    alerts = page.locator("[data-testid='stAlertContentError']")
    assert alerts.count() == 0, f"error alert on {where}: {alerts.all_inner_texts()}"


def test_every_page_in_a_browser(app_url, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        page.goto(f"{app_url}/{path}")
        _settle(page)
        page.wait_for_selector("h1")
        _assert_no_errors(page, name)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_version_filter_and_csv_download(app_url, page):
    page.goto(f"{app_url}/by_version")
    _settle(page)
    latest = page.get_by_label("Only the latest N releases (0 = off)")
    latest.fill("3")
    latest.press("Enter")
    _settle(page)
    page.wait_for_function("() => location.search.includes('latest_n=3')", timeout=10_000)
    _assert_no_errors(page, "by-version with a filter")
    page.screenshot(path=str(SHOTS / "by-version-latest3.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").first.click()
    download = info.value
    assert download.suggested_filename == "usage-radar_reports-by-version_demo-ai-cli_latest3.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
    assert len(rows) == 3 and set(rows[0]) == {"version", "reports", "reporters", "issues"}
    assert [r["version"] for r in rows] == ["2.1.9", "2.1.10", "2.1.11"]


def test_issue_report_from_a_pasted_url(app_url, page):
    page.goto(f"{app_url}/issue_report")
    _settle(page)
    box = page.get_by_label("Issue", exact=True)
    box.fill("https://github.com/demo/ai-cli/issues/5")
    box.press("Enter")
    _settle(page)
    page.wait_for_function("() => location.search.includes('issue=')", timeout=10_000)
    _assert_no_errors(page, "issue report")
    assert page.get_by_text("demo/ai-cli#5: ").count() >= 1
    assert page.get_by_role("heading", name="Linked issues and pull requests").count() == 1
    page.screenshot(path=str(SHOTS / "issue-report-5.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download report as Markdown").click()
    assert Path(info.value.path()).read_text().startswith("# demo/ai-cli#5: ")
