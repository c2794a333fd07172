"""Compare: two demo repositories in one database, numbers checked against pandas."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from conftest import etl_main
from etl import demo
from radar import issue_queries
from radar.filters import Filters

REPOS = (("demo/alpha-cli", 250, 3), ("demo/beta-cli", 180, 4))


@pytest.fixture(scope="module")
def two_repo_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("two")
    paths = []
    for repo, n, seed in REPOS:
        paths += demo.write_files(root / repo.replace("/", "_"), n_issues=n, seed=seed, repo=repo)
    db = root / "radar.duckdb"
    assert etl_main(["import", *map(str, paths), "--db", str(db)]) == 0
    return db


def _usage_issue_reports(db) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("""SELECT repo, number, error_category, version FROM reports
                              WHERE kind = 'issue' AND is_usage_related""").df()


def test_categories_per_100_issues(two_repo_db):
    with duckdb.connect(str(two_repo_db), read_only=True) as con:
        got = issue_queries.compare_categories(con, Filters(repo="demo/alpha-cli"))  # the repo filter is ignored
    reports = _usage_issue_reports(two_repo_db)
    assert set(got["repo"]) == {r for r, _, _ in REPOS}
    for repo, group in reports.groupby("repo"):
        expected = group["error_category"].fillna("unknown").value_counts() * 100 / len(group)
        mine = got[got["repo"] == repo].set_index("category")["per_100_issues"]
        assert mine.to_dict() == pytest.approx(expected.to_dict(), abs=0.051)  # rounded to 0.1
        assert mine.sum() == pytest.approx(100, abs=0.6)


def test_versions_per_repo_in_release_order(two_repo_db):
    with duckdb.connect(str(two_repo_db), read_only=True) as con:
        got = issue_queries.compare_versions(con, Filters())
    for repo, group in got.groupby("repo"):
        assert list(group["release_index"]) == list(range(1, len(group) + 1))
        idx = list(group["version"])
        if "2.1.9" in idx and "2.1.10" in idx:
            assert idx.index("2.1.10") == idx.index("2.1.9") + 1


def test_top_signatures_per_repo(two_repo_db):
    with duckdb.connect(str(two_repo_db), read_only=True) as con:
        got = issue_queries.compare_signatures(con, Filters(), top=3)
        raw = con.execute("""SELECT repo, signature, count(*) AS n FROM reports
                             WHERE kind IN ('issue','comment') AND is_usage_related AND signature IS NOT NULL
                             GROUP BY ALL""").df()
    for repo, group in got.groupby("repo"):
        assert len(group) == 3
        expected = raw[raw["repo"] == repo].sort_values(["n", "signature"], ascending=[False, True]).head(3)
        assert list(group["reports"]) == list(expected["n"])
