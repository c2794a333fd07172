""""Latest N releases" on a database of two clients whose version numbers differ in magnitude:
N means the newest N releases of each repository, never N ranked across repositories."""
from __future__ import annotations

import json

import duckdb
import pytest

from apphelpers import chart_traces, open_page
from conftest import etl_main
from radar.filters import Filters
from radar.queries import filtered_reports

# alpha numbers its releases 1.0.x, beta 0.40.x: ranked together, every one of alpha's is newer.
RELEASES = {"demo/alpha-cli": [f"1.0.{p}" for p in range(5)],
            "demo/beta-cli": [f"0.40.{p}" for p in range(5)]}


def _issue(repo: str, number: int, version: str) -> dict:
    api = f"https://api.github.com/repos/{repo}"
    body = ("### What's Wrong?\n\nClaude AI usage limit reached after two prompts.\n\n"
            f"### Claude Code Version\n\n{version} (Claude Code)\n\n### Operating System\n\nmacOS\n")
    return {"url": f"{api}/issues/{number}", "repository_url": api, "id": 5_000_000 + number, "number": number,
            "html_url": f"https://github.com/{repo}/issues/{number}", "title": "Usage limit reached",
            "user": {"login": f"user-{number}"}, "labels": [], "state": "open", "state_reason": None,
            "comments": 0, "created_at": "2026-01-01T10:00:00Z", "updated_at": "2026-01-01T10:00:00Z",
            "closed_at": None, "author_association": "NONE", "reactions": {"total_count": 0}, "body": body}


@pytest.fixture(scope="module")
def two_clients_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("two_clients")
    issues = [_issue(repo, 100 * i + p + 1, v)
              for i, (repo, versions) in enumerate(RELEASES.items()) for p, v in enumerate(versions)]
    source, db = root / "issues.json", root / "radar.duckdb"
    source.write_text(json.dumps(issues))
    assert etl_main(["import", str(source), "--db", str(db)]) == 0
    return db


def _kept(db, f: Filters) -> set[tuple[str, str]]:
    sql, params = filtered_reports(f)
    with duckdb.connect(str(db), read_only=True) as con:
        return set(con.execute(f"SELECT DISTINCT repo, version FROM ({sql})", params).fetchall())


def test_latest_n_with_all_repos_keeps_the_newest_of_each(two_clients_db):
    assert _kept(two_clients_db, Filters(latest_n=3)) == {
        (repo, v) for repo, versions in RELEASES.items() for v in versions[-3:]}


def test_latest_n_within_one_repo(two_clients_db):
    assert _kept(two_clients_db, Filters(repo="demo/beta-cli", latest_n=2)) == {
        ("demo/beta-cli", "0.40.3"), ("demo/beta-cli", "0.40.4")}
    # More than a repo has: all of its releases, not another repo's.
    assert _kept(two_clients_db, Filters(repo="demo/beta-cli", latest_n=9)) == {
        ("demo/beta-cli", v) for v in RELEASES["demo/beta-cli"]}


def test_sidebar_says_each_repository(two_clients_db, use_db):
    use_db(two_clients_db)
    at = open_page("pages/by_version.py", params={"latest_n": "3"})
    (latest,) = at.number_input
    assert latest.value == 3 and "each repository" in latest.label and "own N newest" in latest.help
    (trace,) = chart_traces(at, "by_version_chart")
    assert trace["x"] == ["0.40.2", "0.40.3", "0.40.4", "1.0.2", "1.0.3", "1.0.4"]
