"""Triage in a real browser, on a database pulled from the fake GitHub: mark an issue not
usage-related on its report, and the Overview KPIs and the By-version bars drop by its reports;
a pull that changes the issue and a reparse keep the correction; undo brings the numbers back."""
from __future__ import annotations

import duckdb
import pytest

from browser import SHOTS, assert_no_errors, browser_page, idle, needs_chromium, running_app
from conftest import etl_main
from fake_github import FakeGitHub, run_pull

pytestmark = [needs_chromium, pytest.mark.timeout(300)]


def reports_kpi(page, url) -> int:
    page.goto(f"{url}/")
    idle(page)
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Reports").first
    return int(metric.locator("[data-testid='stMetricValue']").inner_text().replace(",", ""))


def version_bars(page, url) -> dict[str, int]:
    page.goto(f"{url}/by_version")
    idle(page)
    # _fullData: y is decoded there from the typed-array form Plotly sends
    trace = page.locator("[data-testid='stPlotlyChart']").first.evaluate(
        "el => { const d = el.querySelector('.js-plotly-plot')._fullData[0]; return [Array.from(d.x), Array.from(d.y)]; }")
    return dict(zip(trace[0], map(int, trace[1])))


def open_report(page, url, number: int) -> None:
    page.goto(f"{url}/issue_report?issue=demo/ai-cli%23{number}")
    page.get_by_role("heading", name="Triage").wait_for(timeout=30_000)
    idle(page)


def test_a_correction_in_the_browser_counts_everywhere_survives_pull_and_reparse_and_undoes(tmp_path):
    path = tmp_path / "radar.duckdb"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with FakeGitHub(80, 9) as server, running_app(path, tmp_path) as url, browser_page() as page:
        assert run_pull(server, path)[0] == 0
        with duckdb.connect(str(path), read_only=True) as con:
            number, own = con.execute("""
                SELECT number, count(*) FROM reports WHERE kind IN ('issue', 'comment') AND is_usage_related
                GROUP BY number HAVING count(*) FILTER (kind = 'issue' AND version IS NOT NULL) = 1
                ORDER BY count(*) DESC, number LIMIT 1""").fetchone()
            own_by_version = dict(con.execute("""
                SELECT version, count(*) FROM reports WHERE number = ? AND kind IN ('issue', 'comment')
                AND is_usage_related AND version IS NOT NULL GROUP BY version""", [number]).fetchall())
        before, bars_before = reports_kpi(page, url), version_bars(page, url)

        open_report(page, url, number)
        page.get_by_text("Correct this reading").click()
        page.get_by_role("button", name="Save correction").wait_for()
        # Field "usage-related or not" and value "not usage-related" are the form's first options.
        page.get_by_label("Your name (optional)").last.fill("Heidi")
        page.get_by_role("button", name="Save correction").click()
        page.get_by_text("Saved and applied.").wait_for(timeout=30_000)
        idle(page)
        assert_no_errors(page, "issue report after a correction")
        assert page.get_by_text("usage-related or not: false (parser: true), by name:heidi").count() == 1
        page.screenshot(path=str(SHOTS / "issue-report-corrected.png"), full_page=True)

        assert reports_kpi(page, url) == before - own
        bars = version_bars(page, url)
        assert {v: bars_before[v] - bars.get(v, 0) for v in own_by_version} == own_by_version

        server.touch_issue(number, title="Still happening after the update")
        server.add_comment(number, "Same here on the latest version, API Error: 429")
        rc, out, _ = run_pull(server, path)
        assert rc == 0 and "1 issues new or changed" in out
        assert etl_main(["reparse", "--db", str(path)]) == 0
        assert reports_kpi(page, url) == before - own  # the new comment is of the corrected issue too
        with duckdb.connect(str(path), read_only=True) as con:
            assert con.execute("SELECT DISTINCT is_usage_related FROM reports WHERE number = ?", [number]).fetchall() == [(False,)]

        open_report(page, url, number)
        page.get_by_role("button", name="Undo").click()
        page.get_by_text("Undone and applied.").wait_for(timeout=30_000)
        idle(page)
        assert_no_errors(page, "issue report after undo")
        with duckdb.connect(str(path), read_only=True) as con:
            now_own = con.execute("""SELECT count(*) FROM reports WHERE number = ? AND kind IN ('issue', 'comment')
                                     AND is_usage_related""", [number]).fetchone()[0]
        assert now_own >= own  # the pulled comment is a report of its own now
        assert reports_kpi(page, url) == before - own + now_own
