"""The real app in a real browser: `streamlit run app.py` on a demo database, driven by headless
Debian chromium through Playwright (no browser download). Visits every page app.py lists, changes
the version filter, downloads a CSV, clicks a bar to drill down, pastes an issue URL into the issue
report, fails on any exception box or error alert; screenshots each page into artifacts/screenshots/.
It waits for conditions (the app's script state, drawn charts, expected text), never for fixed times."""
from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from apphelpers import app_pages
from conftest import REPO

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "artifacts" / "screenshots"
# The app root carries Streamlit's script state ("initial", "running", "notRunning", …): idle means
# the run is over, nothing is still loading, and Plotly has drawn every chart.
IDLE = """() => document.querySelector("[data-testid='stApp']")?.dataset.testScriptState === "notRunning"
                && !document.querySelector("[data-testid='stSkeleton']")
                && [...document.querySelectorAll("[data-testid='stPlotlyChart']")].every(c => c.querySelector(".main-svg"))"""

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no {CHROMIUM}: apt-get install chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(demo_db, tmp_path_factory):
    port = _free_port()
    env = {**os.environ, "RADAR_DB": str(demo_db)}
    log = tmp_path_factory.mktemp("streamlit") / "stderr.log"  # a file: a full pipe would stall the server
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)  # poll interval, not a wait for the server
        else:
            pytest.fail("streamlit did not become healthy: " + log.read_text(errors="replace")[-4000:])
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


def _idle(page, timeout: float = 30_000) -> None:
    """Wait until the app is idle. After an interaction, first wait for something that only its
    rerun produces (a URL parameter, a heading): before the rerun starts the app looks idle too."""
    page.wait_for_function(IDLE, timeout=timeout)


def _assert_no_errors(page, where: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, f"exception box on {where}"
    alerts = page.locator("[data-testid='stAlertContentError']")
    assert alerts.count() == 0, f"error alert on {where}: {alerts.all_inner_texts()}"


def test_every_page_in_a_browser(app_url, page):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = app_pages()
    assert len(pages) >= 9
    for p in pages:
        name = Path(p.path).stem.replace("_", "-")
        page.goto(f"{app_url}/{p.url_path}")
        _idle(page)
        # the page asked for, not the default page an unknown URL falls back to
        expect(page.locator("[data-testid='stSidebarNavLink'][aria-current='page']")).to_contain_text(p.title)
        expect(page.locator("h1").first).to_be_visible()
        _assert_no_errors(page, name)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_version_filter_and_csv_download(app_url, page):
    page.goto(f"{app_url}/by_version")
    _idle(page)
    latest = page.get_by_role("spinbutton", name=re.compile("^Only the latest N releases"))  # not its help button
    latest.fill("3")
    latest.press("Enter")
    page.wait_for_function("() => location.search.includes('latest_n=3')", timeout=20_000)
    _idle(page)
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
    _idle(page)
    box = page.get_by_label("Issue", exact=True)
    box.fill("https://github.com/demo/ai-cli/issues/5")
    box.press("Enter")
    page.get_by_role("heading", name="Linked issues and pull requests").wait_for(timeout=20_000)
    _idle(page)
    assert "issue=" in page.evaluate("location.search")
    _assert_no_errors(page, "issue report")
    assert page.get_by_text("demo/ai-cli#5: ").count() >= 1
    assert page.get_by_role("heading", name="Linked issues and pull requests").count() == 1
    page.screenshot(path=str(SHOTS / "issue-report-5.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download report as Markdown").click()
    assert Path(info.value.path()).read_text().startswith("# demo/ai-cli#5: ")


def test_clicking_a_bar_lists_the_issues_behind_it(app_url, page, demo_db):
    """The README's drill-down: a click on the 2.0.8 bar lists exactly the issues with 2.0.8 reports."""
    version = "2.0.8"
    with duckdb.connect(str(demo_db), read_only=True) as con:
        reports, issues = con.execute("""SELECT count(*), count(DISTINCT cluster_key) FROM reports
                                         WHERE kind IN ('issue', 'comment') AND is_usage_related
                                           AND version = ?""", [version]).fetchone()
    page.goto(f"{app_url}/by_version")
    _idle(page)
    assert page.get_by_role("heading", name="Issues behind the selected bar").count() == 0
    chart = page.locator("[data-testid='stPlotlyChart']").first
    versions = chart.evaluate("el => el.querySelector('.js-plotly-plot').data[0].x")
    box = chart.locator(".trace.bars .point path").nth(versions.index(version)).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # Plotly's drag layer takes the click
    page.get_by_role("heading", name="Issues behind the selected bar").wait_for(timeout=20_000)
    _idle(page)
    _assert_no_errors(page, "by-version drill-down")
    assert page.get_by_text(f"version {version}", exact=True).count() == 1
    page.screenshot(path=str(SHOTS / "by-version-drill.png"), full_page=True)
    with page.expect_download() as info:
        page.locator(".st-key-csv_version-drill button").click()
    assert info.value.suggested_filename == f"usage-radar_version-drill_demo-ai-cli_v{version}-{version}.csv"
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    assert len(rows) == issues and sum(int(float(r["reports"])) for r in rows) == reports
    assert all(r["breakdown"].startswith(f"{version}×") for r in rows)
