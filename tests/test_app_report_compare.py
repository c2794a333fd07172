"""The Issue report and Compare pages through AppTest, and fetching a missing issue on demand
from a fake GitHub API on 127.0.0.1."""
from __future__ import annotations

import json

import duckdb
import pytest

from apphelpers import MARK, captured_downloads, chart_traces, open_page, rendered_text
from conftest import etl_main
from etl import demo
from fake_github import FakeGitHub
from radar import issue_queries
from radar.filters import Filters

REPORT, COMPARE = "pages/issue_report.py", "pages/compare.py"


def _duplicate(db_path) -> tuple[int, int]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute("""SELECT number, canonical_number FROM clusters
                              WHERE number <> canonical_number ORDER BY number LIMIT 1""").fetchone()


def test_report_of_a_duplicate_from_its_url(demo_db, use_db, monkeypatch):
    use_db(demo_db)
    number, folded_into = _duplicate(demo_db)
    downloads = captured_downloads(monkeypatch)
    at = open_page(REPORT, params={"issue": f"https://github.com/{demo.DEMO_REPO}/issues/{number}"})
    assert at.text[0].value.startswith(f"{demo.DEMO_REPO}#{number}: ")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["State"] == "closed" and at.text[1].value.startswith("Closed as duplicate\n")
    with duckdb.connect(str(demo_db), read_only=True) as con:
        cluster = issue_queries.cluster(con, demo.DEMO_REPO, number)
    assert int(metrics["Issues in cluster"]) == len(cluster)
    summary = at.text[2].value
    assert summary.startswith("What: ")
    assert f"Follow #{int(cluster['canonical'].iloc[0])}" in summary
    markdown = next(data for data, mime, name in downloads if mime == "text/markdown")
    assert markdown.decode().startswith(f"# {demo.DEMO_REPO}#{number}: ")
    assert f"| #{number} | closed | #{folded_into} |" in markdown.decode()
    assert at.query_params["issue"] == f"https://github.com/{demo.DEMO_REPO}/issues/{number}"


@pytest.mark.parametrize("text, message", [
    ("https://github.com/demo/ai-cli/pull/3", "pull request"),
    ("https://example.com/demo/ai-cli/issues/3", "Only github.com"),
    ("what is this", "Only github.com"),
])
def test_report_explains_bad_input(demo_db, use_db, text, message):
    use_db(demo_db)
    at = open_page(REPORT, params={"issue": text})
    assert message in at.error[0].value and not at.metric


def test_report_of_an_issue_missing_from_the_demo(demo_db, use_db):
    use_db(demo_db)
    at = open_page(REPORT, params={"issue": "#999999"})
    assert "not in the synthetic demo repository" in at.info[0].value


@pytest.mark.parametrize("offset", range(9))
def test_report_keeps_hostile_issues_plain(hostile_db, use_db, offset):
    use_db(hostile_db)
    at = open_page(REPORT, params={"issue": f"demo/ai-cli#{9001 + offset}"})
    assert MARK in at.text[0].value  # the title is shown, as plain text
    leaked = [t[:80] for t in rendered_text(at) if MARK in t]
    assert not leaked, leaked
    for el in at.dataframe:
        if "html_url" in el.value:
            assert el.value["html_url"].dropna().str.startswith("https://github.com/").all()


@pytest.fixture
def server():
    with FakeGitHub(n_issues=40, seed=5, repo="acme/cli") as fake:
        yield fake


def _db_with_some_of(server, tmp_path, keep: int):
    """A database holding the fake server's first `keep` issues, loaded by `import`."""
    path = tmp_path / "radar.duckdb"
    source = tmp_path / "issues.json"
    source.write_text(json.dumps([i for n, i in sorted(server.issues.items()) if n <= keep]))
    assert etl_main(["import", str(source), "--db", str(path)]) == 0
    return path


def test_missing_issue_is_fetched_on_demand(server, tmp_path, use_db, monkeypatch):
    use_db(_db_with_some_of(server, tmp_path, keep=10))
    monkeypatch.setenv("RADAR_API_URL", server.url)
    wanted = next(n for n, i in sorted(server.issues.items()) if n > 10 and "pull_request" not in i
                  and server.issues[n]["comments"] > 0)
    at = open_page(REPORT, params={"issue": f"acme/cli#{wanted}"})
    assert at.success and at.success[0].value.startswith(f"fetched acme/cli#{wanted}: ")
    assert at.text[0].value == f"acme/cli#{wanted}: {server.issues[wanted]['title']}"
    paths = [h.path for h in server.log]
    assert f"/repos/acme/cli/issues/{wanted}" in paths and f"/repos/acme/cli/issues/{wanted}/comments" in paths
    with duckdb.connect(str(tmp_path / "radar.duckdb"), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM comments WHERE issue_number = ?", [wanted]).fetchone()[0]
    assert stored == server.issues[wanted]["comments"]


def test_missing_issue_without_network_says_what_to_run(server, tmp_path, use_db, monkeypatch):
    use_db(_db_with_some_of(server, tmp_path, keep=10))
    monkeypatch.setenv("RADAR_API_URL", "http://127.0.0.1:9")  # nothing listens there
    at = open_page(REPORT, params={"issue": "acme/cli#25"})
    assert "fetching it did not work" in at.warning[0].value
    assert "cannot reach" in at.code[0].value
    assert "python -m etl fetch acme/cli#25" in at.code[1].value


@pytest.fixture(scope="module")
def two_repo_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("two-app")
    paths = [*demo.write_files(root / "a", 200, seed=3, repo="demo/alpha-cli"),
             *demo.write_files(root / "b", 150, seed=4, repo="demo/beta-cli")]
    db = root / "radar.duckdb"
    assert etl_main(["import", *map(str, paths), "--db", str(db)]) == 0
    return db


def test_compare_page_puts_repositories_side_by_side(two_repo_db, use_db, monkeypatch):
    use_db(two_repo_db)
    downloads = captured_downloads(monkeypatch)
    at = open_page(COMPARE)
    traces = chart_traces(at, "compare_categories")
    assert {t["name"] for t in traces} == {"demo/alpha-cli", "demo/beta-cli"}
    with duckdb.connect(str(two_repo_db), read_only=True) as con:
        expected = issue_queries.compare_categories(con, Filters())
    for t in traces:
        mine = expected[expected["repo"] == t["name"]]
        assert dict(zip(t["x"], t["y"])) == dict(zip(mine["category"], mine["per_100_issues"]))
    names = [name for _, mime, name in downloads if mime == "text/csv"]
    assert any(n.startswith("usage-radar_compare-categories") for n in names)
    assert len(chart_traces(at, "compare_versions")) == 2


def test_compare_with_one_repository_says_so(demo_db, use_db):
    use_db(demo_db)
    at = open_page(COMPARE)
    assert "Only one repository is loaded" in at.info[0].value


def test_fetch_command_loads_one_issue(server, tmp_path, capsys):
    db = tmp_path / "one.duckdb"
    number = next(n for n, i in sorted(server.issues.items()) if "pull_request" not in i and i["comments"] > 0)
    assert etl_main(["fetch", f"https://github.com/acme/cli/issues/{number}", "--db", str(db),
                     "--api-url", server.url]) == 0
    assert capsys.readouterr().out.startswith(f"fetched acme/cli#{number}: {server.issues[number]['comments']} comments")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports WHERE number = ? AND kind = 'issue'", [number]).fetchone()[0] == 1
    pr = next(n for n, i in server.issues.items() if "pull_request" in i)
    assert etl_main(["fetch", f"acme/cli#{pr}", "--db", str(db), "--api-url", server.url]) == 2
    assert "is a pull request" in capsys.readouterr().err
