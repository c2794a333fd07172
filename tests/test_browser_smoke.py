"""The real app in a real browser: `streamlit run app.py` on a demo database, driven by headless
Debian chromium through Playwright (no browser download). Visits every page app.py lists, changes
the version filter, downloads a CSV, clicks a bar to drill down, pastes an issue URL into the issue
report, fails on any exception box or error alert; screenshots each page into artifacts/screenshots/.
It waits for conditions (the app's script state, drawn charts, expected text), never for fixed times."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pytest

from apphelpers import app_pages
from browser import SHOTS, assert_no_errors, browser_page, idle, needs_chromium, running_app

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def app_url(demo_db, tmp_path_factory):
    with running_app(demo_db, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def page():
    with browser_page() as p:
        yield p


def test_every_page_in_a_browser(app_url, page):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = app_pages()
    assert len(pages) >= 9
    for p in pages:
        name = Path(p.path).stem.replace("_", "-")
        page.goto(f"{app_url}/{p.url_path}")
        idle(page)
        # the page asked for, not the default page an unknown URL falls back to
        expect(page.locator("[data-testid='stSidebarNavLink'][aria-current='page']")).to_contain_text(p.title)
        expect(page.locator("h1").first).to_be_visible()
        assert_no_errors(page, name)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_version_filter_and_csv_download(app_url, page):
    page.goto(f"{app_url}/by_version")
    idle(page)
    latest = page.get_by_role("spinbutton", name=re.compile("^Only the latest N releases"))  # not its help button
    latest.fill("3")
    latest.press("Enter")
    page.wait_for_function("() => location.search.includes('latest_n=3')", timeout=20_000)
    idle(page)
    assert_no_errors(page, "by-version with a filter")
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
    idle(page)
    box = page.get_by_label("Issue", exact=True)
    box.fill("https://github.com/demo/ai-cli/issues/5")
    box.press("Enter")
    page.get_by_role("heading", name="Linked issues and pull requests").wait_for(timeout=20_000)
    idle(page)
    assert "issue=" in page.evaluate("location.search")
    assert_no_errors(page, "issue report")
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
    idle(page)
    assert page.get_by_role("heading", name="Issues behind the selected bar").count() == 0
    chart = page.locator("[data-testid='stPlotlyChart']").first
    versions = chart.evaluate("el => el.querySelector('.js-plotly-plot').data[0].x")
    box = chart.locator(".trace.bars .point path").nth(versions.index(version)).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # Plotly's drag layer takes the click
    page.get_by_role("heading", name="Issues behind the selected bar").wait_for(timeout=20_000)
    idle(page)
    assert_no_errors(page, "by-version drill-down")
    assert page.get_by_text(f"version {version}", exact=True).count() == 1
    page.screenshot(path=str(SHOTS / "by-version-drill.png"), full_page=True)
    with page.expect_download() as info:
        page.locator(".st-key-csv_version-drill button").click()
    assert info.value.suggested_filename == f"usage-radar_version-drill_demo-ai-cli_v{version}-{version}.csv"
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    assert len(rows) == issues and sum(int(float(r["reports"])) for r in rows) == reports
    assert all(r["breakdown"].startswith(f"{version}×") for r in rows)
