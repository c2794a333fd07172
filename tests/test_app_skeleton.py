"""The real Streamlit app (AppTest) on databases built by our ETL: home, by-version, filters, CSV."""
from __future__ import annotations

import csv
import io

import duckdb
import pytest
from packaging.version import Version

from apphelpers import app_pages, captured_downloads, chart_traces, download, frame_with, open_page
from conftest import REPO, etl_main

BY_VERSION = "pages/by_version.py"


def expected_by_version(db_path, lo=None, hi=None) -> dict[str, int]:
    """Reports per version computed independently of the app's queries (packaging does the order)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("""SELECT version, count(*) FROM reports
                              WHERE kind IN ('issue', 'comment') AND is_usage_related AND version IS NOT NULL
                              GROUP BY version""").fetchall()
    keep = {v: n for v, n in rows
            if (lo is None or Version(v) >= Version(lo)) and (hi is None or Version(v) <= Version(hi))}
    return dict(sorted(keep.items(), key=lambda kv: Version(kv[0])))


def test_every_page_file_is_in_app_pys_navigation():
    """The smoke tests take their pages from app.py's PAGES: a file left out of it would go untested."""
    listed = [p.path for p in app_pages()]
    assert sorted(listed) == sorted(f"pages/{f.name}" for f in (REPO / "pages").glob("*.py"))
    assert [p.url_path for p in app_pages()].count("") == 1  # one default page, at the app's root


def test_overview_shows_loaded_data_and_demo_banner(demo_db, use_db):
    use_db(demo_db)
    at = open_page()
    assert at.title[0].value == "Usage Radar"
    assert any("synthetic demo data" in w.value for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Reports"].replace(",", "")) == sum(expected_by_version(demo_db).values()) + _unversioned(demo_db)
    loaded = frame_with(at, "repo", "issues")
    assert list(loaded["repo"]) == ["demo/ai-cli"] and loaded["issues"][0] > 500


def _unversioned(db_path) -> int:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute("""SELECT count(*) FROM reports WHERE kind IN ('issue', 'comment')
                              AND is_usage_related AND version IS NULL""").fetchone()[0]


def test_by_version_chart_is_in_semantic_order_with_the_right_counts(demo_db, use_db):
    use_db(demo_db)
    at = open_page(BY_VERSION)
    (trace,) = chart_traces(at, "by_version_chart")
    expected = expected_by_version(demo_db)
    assert trace["x"] == list(expected) and trace["y"] == list(expected.values())
    assert trace["x"].index("2.1.10") == trace["x"].index("2.1.9") + 1


def test_version_filter_changes_the_chart_and_the_url(demo_db, use_db):
    use_db(demo_db)
    at = open_page(BY_VERSION)
    at.select_slider[0].set_range("2.0.5", "2.1.10").run()
    (trace,) = chart_traces(at, "by_version_chart")
    expected = expected_by_version(demo_db, "2.0.5", "2.1.10")
    assert trace["x"] == list(expected) and trace["y"] == list(expected.values())
    assert "2.0.4" not in trace["x"] and "2.1.11" not in trace["x"]
    assert at.query_params["version_lo"] == "2.0.5" and at.query_params["version_hi"] == "2.1.10"
    # The filter applies on every page: the home page's KPI follows it.
    at.switch_page("pages/overview.py").run()
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Reports"].replace(",", "")) == sum(expected.values())


def test_latest_n_releases(demo_db, use_db):
    use_db(demo_db)
    at = open_page(BY_VERSION)
    at.number_input[0].set_value(3).run()
    (trace,) = chart_traces(at, "by_version_chart")
    assert trace["x"] == list(expected_by_version(demo_db))[-3:]


def test_url_reopens_the_same_view(demo_db, use_db):
    use_db(demo_db)
    at = open_page(BY_VERSION, params={"version_lo": "1.1.0", "version_hi": "2.0.3"})
    assert at.select_slider[0].value == ("1.1.0", "2.0.3")
    (trace,) = chart_traces(at, "by_version_chart")
    assert trace["x"] == list(expected_by_version(demo_db, "1.1.0", "2.0.3"))


def test_csv_download_equals_the_chart_data(demo_db, use_db, monkeypatch):
    use_db(demo_db)
    downloads = captured_downloads(monkeypatch)
    at = open_page(BY_VERSION, params={"version_lo": "2.0.0", "version_hi": "2.1.3"})
    (trace,) = chart_traces(at, "by_version_chart")
    data, mime, name = download(downloads, "reports-by-version")
    rows = list(csv.DictReader(io.StringIO(data.decode(), newline="")))
    assert mime == "text/csv" and name == "usage-radar_reports-by-version_demo-ai-cli_v2.0.0-2.1.3.csv"
    assert [r["version"] for r in rows] == trace["x"]
    assert [int(float(r["reports"])) for r in rows] == trace["y"]
    assert set(rows[0]) == {"version", "reports", "reporters", "issues"}


def test_empty_filter_result_says_so(demo_db, use_db):
    use_db(demo_db)
    at = open_page(BY_VERSION, params={"date_from": "2025-06-01", "date_to": "2025-06-02",
                                       "version_lo": "2.1.11"})
    assert any("No reports match" in i.value for i in at.info)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("setup", ["missing", "empty", "corrupt"])
def test_without_usable_data_the_app_explains_what_to_run(tmp_path, use_db, setup):
    path = use_db(tmp_path / "radar.duckdb")
    if setup == "empty":
        duckdb.connect(str(path)).close()
        assert etl_main(["reparse", "--db", str(path)]) == 0  # creates the schema, loads nothing
    elif setup == "corrupt":
        path.write_bytes(b"\x00garbage" * 1000)
    at = open_page()
    assert at.warning, "a warning explains the state of the database"
    assert any("python -m etl demo" in m.value for m in at.markdown)
