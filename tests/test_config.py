"""radar.toml: repositories to pull and per-repository taxonomies."""
from __future__ import annotations

import json

import duckdb
import pytest

from conftest import REPO, etl_main
from etl import config
from etl.parse.classify import DEFAULT_TAXONOMY


def test_bundled_config_lists_repositories():
    repos = config.load_config(REPO / "radar.toml")
    assert repos[0].name == "anthropics/claude-code" and all("/" in r.name for r in repos)


def test_bad_config_names_the_problem(tmp_path):
    path = tmp_path / "radar.toml"
    path.write_text('[[repo]]\nname = "no-slash"\n')
    with pytest.raises(config.ConfigError, match=r"radar.toml: \[\[repo\]\] #1 needs name"):
        config.load_config(path)
    path.write_text("[[repo]\n")
    with pytest.raises(config.ConfigError, match="radar.toml"):
        config.load_config(path)


def test_a_repository_taxonomy_changes_its_categories(tmp_path, monkeypatch):
    """A copy of the default taxonomy whose fallback is renamed: that repo's unmatched reports move."""
    custom = tmp_path / "custom.toml"
    custom.write_text(DEFAULT_TAXONOMY.read_text().replace('fallback = "other"', 'fallback = "uncategorized"', 1))
    (tmp_path / "radar.toml").write_text('[[repo]]\nname = "o/custom"\ntaxonomy = "custom.toml"\n\n[[repo]]\nname = "o/plain"\n')
    monkeypatch.setenv("RADAR_CONFIG", str(tmp_path / "radar.toml"))
    issue = {"title": "Terminal colours look odd", "body": "The theme is wrong.", "state": "open",
             "created_at": "2025-06-01T00:00:00Z", "updated_at": "2025-06-01T00:00:00Z"}
    files = []
    for repo in ("o/custom", "o/plain"):
        files.append(tmp_path / f"{repo.replace('/', '_')}.json")
        files[-1].write_text(json.dumps([{**issue, "number": 1, "repository_url": f"https://api.github.com/repos/{repo}"}]))
    db = tmp_path / "db.duckdb"
    assert etl_main(["import", *map(str, files), "--db", str(db)]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        got = dict(con.execute("SELECT repo, error_category FROM reports").fetchall())
    assert got == {"o/custom": "uncategorized", "o/plain": "other"}


def test_pull_without_repo_pulls_every_configured_repository(tmp_path, monkeypatch, capsys):
    from fake_github import FakeGitHub
    (tmp_path / "radar.toml").write_text('[[repo]]\nname = "acme/cli"\n')
    monkeypatch.setenv("RADAR_CONFIG", str(tmp_path / "radar.toml"))
    db = tmp_path / "db.duckdb"
    with FakeGitHub(n_issues=30, seed=2, repo="acme/cli") as server:
        assert etl_main(["pull", "--db", str(db), "--api-url", server.url]) == 0
    assert "pull acme/cli:" in capsys.readouterr().out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM issues WHERE repo = 'acme/cli'").fetchone()[0] == 30


def test_pull_with_no_repository_anywhere_says_how_to_name_one(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RADAR_CONFIG", str(tmp_path / "missing.toml"))
    assert etl_main(["pull", "--db", str(tmp_path / "db.duckdb")]) == 2
    assert "--repo OWNER/NAME" in capsys.readouterr().err
