"""Every page of the app (AppTest) on the demo database plus hostile issues imported on top:
renders, keeps untrusted text out of rendered markdown, counts what independent SQL counts,
round-trips the URL, offers safe CSVs, stores votes once, and keeps the SQL page read-only."""
from __future__ import annotations

import csv
import io
import json
import shutil
import time

import duckdb
import pandas as pd
import pytest

from apphelpers import (HOSTILE_TITLES, MARK, app_pages, captured_downloads, chart_traces, download, frame_with,
                        open_page, rendered_text)
from conftest import etl_main
from radar import votes


@pytest.fixture
def fresh_db(hostile_db, tmp_path, use_db):
    """A private copy (votes and re-imports must not leak into other tests)."""
    path = tmp_path / "radar.duckdb"
    shutil.copyfile(hostile_db, path)
    return use_db(path)


def sql(db_path, query: str, params=()):
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(query, list(params)).df()


def metric(at, label: str) -> int:
    return int({m.label: m.value for m in at.metric}[label].replace(",", ""))


@pytest.mark.parametrize("page", [p.path for p in app_pages()])
def test_every_page_renders_hostile_data_as_plain_text(hostile_db, use_db, page):
    use_db(hostile_db)
    at = open_page(page)
    assert at.title, "each page has a title"
    leaked = [t[:80] for t in rendered_text(at) if MARK in t]
    assert not leaked, f"untrusted text reached rendered markdown on {page}: {leaked}"
    for el in at.dataframe:
        for col in el.value.select_dtypes(include="object"):
            cells = el.value[col].dropna().astype(str)
            assert not cells.str.match(r"[=+\-@\t\r]").any(), f"formula-like cell in {page}: {col}"


def test_issue_links_only_point_to_github(hostile_db, use_db):
    use_db(hostile_db)
    issues = frame_with(open_page("pages/issues.py", params={"category": "rate_limited"}), "number", "html_url")
    links = issues["html_url"].dropna()
    assert len(links) and links.str.startswith("https://github.com/").all()
    assert pd.isna(issues.loc[issues["number"] == 9002, "html_url"]).all()


def test_filters_change_the_numbers(hostile_db, use_db):
    use_db(hostile_db)
    at = open_page(params={"os": ["macos"], "plan": ["pro", "max_5x"], "state": ["open"]})
    expected = sql(hostile_db, """
        SELECT count(*) AS n, count(DISTINCT p.author) AS who FROM reports p JOIN issues i USING (repo, number)
        WHERE p.kind IN ('issue', 'comment') AND p.is_usage_related AND i.state = 'open'
          AND p.os = 'macos' AND p.plan IN ('pro', 'max_5x')""").iloc[0]
    assert metric(at, "Reports") == expected["n"] and metric(at, "Distinct reporters") == expected["who"]
    all_reports = metric(open_page(), "Reports")
    assert 0 < expected["n"] < all_reports


def test_data_quality_counts_issues_by_the_rule_that_decided(hostile_db, use_db):
    """The gate is countable: issues per decision and rule, the same as SQL over the reports,
    with the kept-out issues among them."""
    use_db(hostile_db)
    shown = frame_with(open_page("pages/data_quality.py"), "usage_related", "rule", "reports", "most_common_reason")
    expected = sql(hostile_db, """
        SELECT is_usage_related AS usage_related, provenance::JSON->>'is_usage_related' AS rule, count(*) AS reports
        FROM reports WHERE kind = 'issue' GROUP BY ALL""")
    got = {(bool(r.usage_related), r.rule): int(r.reports) for r in shown.itertuples()}
    assert got == {(bool(r.usage_related), r.rule): int(r.reports) for r in expected.itertuples()}
    assert {rule for _, rule in got} >= {"title message", "no evidence"}
    assert any(not usage for usage, _ in got)  # issues the gate kept out are counted too


def test_people_affected_counts_me_too_with_their_issues_environment(hostile_db, use_db):
    use_db(hostile_db)
    at = open_page(params={"os": ["macos"]})
    reports = sql(hostile_db, "SELECT * FROM reports WHERE is_usage_related")
    body_os = reports[reports["comment_id"] == 0].set_index("number")["os"]
    me_too = reports["kind"] == "me_too"
    reports.loc[me_too, "os"] = reports.loc[me_too, "os"].fillna(reports.loc[me_too, "number"].map(body_os))
    assert metric(at, "People affected") == reports.loc[reports["os"] == "macos", "author"].nunique()


def test_plan_distribution_and_its_csv(hostile_db, use_db, monkeypatch):
    use_db(hostile_db)
    downloads = captured_downloads(monkeypatch)
    at = open_page("pages/plan_platform.py", params={"category": ["weekly_limit", "session_limit"]})
    (trace,) = chart_traces(at, "plan_chart")
    expected = sql(hostile_db, """
        SELECT coalesce(plan, 'unknown') AS plan, count(*) AS n FROM reports
        WHERE kind IN ('issue', 'comment') AND is_usage_related AND error_category IN ('weekly_limit', 'session_limit')
        GROUP BY 1""")
    assert dict(zip(trace["x"], trace["y"])) == dict(zip(expected["plan"], expected["n"]))
    data, _, name = download(downloads, "reports-by-plan")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert name == "usage-radar_reports-by-plan_demo-ai-cli_category-weekly_limit+session_limit.csv"
    assert [r["plan"] for r in rows] == trace["x"] and [int(float(r["reports"])) for r in rows] == trace["y"]


def test_issue_csv_is_injection_safe(hostile_db, use_db, monkeypatch):
    use_db(hostile_db)
    downloads = captured_downloads(monkeypatch)
    open_page("pages/issues.py", params={"label": [f"={MARK} label"]})
    rows = list(csv.DictReader(io.StringIO(download(downloads, "issues")[0].decode(), newline="")))
    titles = {r["title"] for r in rows}
    assert len(rows) == len(HOSTILE_TITLES)
    assert "'" + HOSTILE_TITLES[5] in titles and "'" + HOSTILE_TITLES[8] in titles
    assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r.values())


def test_url_parameters_round_trip(hostile_db, use_db):
    use_db(hostile_db)
    params = {"os": ["macos", "unknown"], "plan": ["max_5x"], "category": ["weekly_limit"], "state": ["open"],
              "latest_n": "5", "date_from": "2025-09-01"}
    at = open_page("pages/by_version.py", params=params)
    assert {m.label: m.value for m in at.multiselect}["Operating system"] == ["macos", "unknown"]
    assert at.number_input[0].value == 5
    one = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in params.items()}  # AppTest unwraps
    assert {k: at.query_params[k] for k in params} == one
    at.multiselect(key="f_plan_demo/ai-cli").set_value(["pro"]).run()
    assert at.query_params["plan"] == "pro" and at.query_params["os"] == ["macos", "unknown"]


def test_regression_flag_on_the_demo_release(demo_db, use_db):
    use_db(demo_db)
    flags = frame_with(open_page("pages/by_version.py"), "version", "category", "baseline_share")
    row = flags[(flags["version"] == "2.0.8") & (flags["category"] == "weekly_limit")]
    assert len(row) == 1 and row["share"].iloc[0] >= 2 * row["baseline_share"].iloc[0]
    layout = json.loads(open_page("pages/by_version.py").get("plotly_chart")[0].proto.spec)["layout"]
    assert any(a["x"] == "2.0.8" and "weekly_limit" in a["text"] for a in layout["annotations"])


def test_every_report_is_counted_once_across_clusters(hostile_db, use_db):
    use_db(hostile_db)
    from radar import queries
    from radar.filters import Filters
    with duckdb.connect(str(hostile_db), read_only=True) as con:
        rows = queries.issue_rows(con, Filters(), "", 10**6, ())
        total = queries.summary(con, Filters()).iloc[0]
    assert rows["reports"].sum() == total["reports"] and len(rows) == total["issues"]
    assert rows["me_too"].sum() == total["me_too"]
    folded = sql(hostile_db, "SELECT count(*) AS n FROM clusters WHERE canonical_number <> number")["n"][0]
    assert rows["duplicates"].sum() <= folded


def test_a_vote_is_stored_once_counted_and_survives_a_reimport(fresh_db, demo_build):
    at = open_page("pages/issues.py")
    target = at.selectbox(key="vote_issue").options[0]
    for _ in range(2):
        at.selectbox(key="vote_issue").set_value(target)
        at.selectbox(key="vote_signal").set_value("blocking")
        at.text_input(key="vote_name").input("Alice")
        at.button(key="FormSubmitter:vote-Vote").click().run()
    stored = votes.all_votes(fresh_db)
    assert len(stored) == 1 and stored["voter"][0] == "name:alice"
    assert any("already" in s.value for s in at.success)
    assert etl_main(["import", *map(str, demo_build[1]), "--db", str(fresh_db)]) == 0  # snapshot-and-swap
    signals = open_page("pages/signals.py")
    (tally,) = chart_traces(signals, "votes_chart")
    assert dict(zip(tally["x"], tally["y"]))["blocking"] == 1 and sum(tally["y"]) == 1
    repo, _, number = target.rpartition("#")
    by_issue = frame_with(signals, "number", "blocking")
    assert by_issue.loc[by_issue["number"] == int(number), "blocking"].tolist() == [1]


def test_reaction_growth_marks_trending_issues(fresh_db, demo_build, monkeypatch):
    issues = json.loads(next(p for p in demo_build[1] if p.name == "issues.json").read_text())
    # +1000: far above the growth the demo's own week-earlier sync already shows
    bumped = [dict(i, reactions={**i["reactions"], "total_count": i["reactions"]["total_count"] + 1000})
              for i in issues[:40] if "pull_request" not in i]
    path = fresh_db.with_name("bump.json")
    path.write_text(json.dumps(bumped))
    assert etl_main(["import", str(path), "--db", str(fresh_db)]) == 0
    downloads = captured_downloads(monkeypatch)
    open_page("pages/signals.py")
    rows = list(csv.DictReader(io.StringIO(download(downloads, "trending")[0].decode(), newline="")))
    usage = set(sql(fresh_db, "SELECT number FROM reports WHERE is_usage_related AND kind = 'issue'")["number"])
    assert {int(r["number"]) for r in rows} <= {i["number"] for i in bumped}
    assert len(rows) == min(20, len({i["number"] for i in bumped} & usage))
    assert all(int(float(r["reactions_gained"])) >= 1000 for r in rows)


@pytest.mark.parametrize("statement", [
    "DROP TABLE issues", "COPY issues TO '/tmp/x.csv'", "ATTACH '/tmp/other.duckdb' AS o",
    "SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM '/etc/passwd'", "SELECT 1; DROP TABLE issues",
    "PRAGMA database_list", "INSTALL httpfs"])
def test_sql_page_refuses_writes_and_file_access(hostile_db, use_db, statement):
    use_db(hostile_db)
    at = open_page("pages/sql.py")
    at.text_area(key="sql_text").input(statement)
    at.button(key="sql_run").click().run()
    assert at.error and not at.dataframe
    assert sql(hostile_db, "SELECT count(*) AS n FROM issues")["n"][0] > 0


def test_sql_page_runs_a_select_with_chart_and_csv(hostile_db, use_db, monkeypatch):
    use_db(hostile_db)
    downloads = captured_downloads(monkeypatch)
    at = open_page("pages/sql.py")
    at.text_area(key="sql_text").input("SELECT title, reactions_total FROM issues WHERE number > 9000 ORDER BY number")
    at.button(key="sql_run").click().run()
    assert not at.exception and not at.error
    result = at.dataframe[0].value
    assert len(result) == len(HOSTILE_TITLES) and result["title"][5].startswith("'=")
    assert "<script" not in " ".join(e.proto.spec for e in at.get("plotly_chart"))  # x labels escaped
    rows = list(csv.DictReader(io.StringIO(download(downloads, "sql-result")[0].decode(), newline="")))
    assert len(rows) == len(HOSTILE_TITLES)


def test_sql_error_quoting_data_is_shown_as_code(hostile_db, use_db):
    use_db(hostile_db)
    at = open_page("pages/sql.py")
    at.text_area(key="sql_text").input("SELECT title::INTEGER FROM issues WHERE number = 9001")
    at.button(key="sql_run").click().run()
    assert at.error and not any(MARK in e.value for e in at.error)
    assert any(MARK in c.value for c in at.code)


def run_sql_page(statement: str):
    at = open_page("pages/sql.py")
    at.text_area(key="sql_text").input(statement)
    at.button(key="sql_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_sql_row_limit_is_a_setting(hostile_db, use_db, monkeypatch):
    use_db(hostile_db)
    monkeypatch.delenv("RADAR_SQL_MAX_ROWS", raising=False)
    assert any("at most 10,000 rows and 10 s" in c.value for c in open_page("pages/sql.py").caption)  # defaults
    monkeypatch.setenv("RADAR_SQL_MAX_ROWS", "5")
    downloads = captured_downloads(monkeypatch)
    at = run_sql_page("SELECT number FROM issues ORDER BY number")
    assert any("at most 5 rows" in c.value for c in at.caption)
    first = sql(hostile_db, "SELECT number FROM issues ORDER BY number LIMIT 5")["number"].tolist()
    assert at.dataframe[0].value["number"].tolist() == first
    assert [w.value for w in at.warning] == ["The result has more than 5 rows: only the first 5 are shown and "
                                             "downloadable (limit: RADAR_SQL_MAX_ROWS)."]
    assert len(list(csv.DictReader(io.StringIO(download(downloads, "sql-result")[0].decode())))) == 5
    exact = run_sql_page("SELECT number FROM issues ORDER BY number LIMIT 5")  # at the limit: nothing cut
    assert len(exact.dataframe[0].value) == 5 and not exact.warning


def test_sql_time_limit_is_a_setting(hostile_db, use_db, monkeypatch):
    use_db(hostile_db)
    monkeypatch.setenv("RADAR_SQL_TIMEOUT", "0.5")
    started = time.monotonic()
    at = run_sql_page("SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b")  # hours unstopped
    assert time.monotonic() - started < 20
    assert not at.dataframe and [e.value for e in at.error] == ["The query failed."]
    assert [c.value for c in at.code] == ["the query ran longer than 0.5 s (RADAR_SQL_TIMEOUT) and was stopped"]


@pytest.mark.parametrize("name, value", [("RADAR_SQL_MAX_ROWS", "ten"), ("RADAR_SQL_TIMEOUT", "0")])
def test_a_mistyped_sql_limit_is_named(hostile_db, use_db, monkeypatch, name, value):
    use_db(hostile_db)
    monkeypatch.setenv(name, value)
    at = open_page("pages/sql.py")
    assert [e.value for e in at.error] == [f"${name} must be a positive number, not {value!r}"]
