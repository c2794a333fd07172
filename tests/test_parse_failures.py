"""A text the parser fails on is stored with its error and counted, never silently empty.

The fault is injected into one of the parser's own steps (the version finder), as a bug would be."""
import json
import shutil

import pytest

from apphelpers import frame_with, open_page, rendered_text
from conftest import etl_main
from etl import db
from etl.parse import environment, parse_comment, parse_issue, read_thread
from test_parse_properties import _check

API = "https://api.github.com/repos/demo/ai-cli"


@pytest.fixture
def broken_version_finder(monkeypatch):
    real = environment.find_version

    def find_version(doc, taxonomy):
        if "BOOM" in doc.text:
            return 1 / 0
        return real(doc, taxonomy)

    monkeypatch.setattr(environment, "find_version", find_version)


def test_a_failure_is_named_in_the_report_and_fails_the_property_checks(broken_version_finder):
    rep = parse_issue("Usage limit reached", "BOOM")
    assert rep["parse_error"].startswith("ZeroDivisionError") and rep["is_usage_related"] is False
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        _check(rep)
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        _check(parse_comment("BOOM", None))
    assert parse_issue("Usage limit reached", "fine").get("parse_error") is None


def test_a_failed_comment_is_counted_on_its_issue_and_lends_nothing(broken_version_finder):
    issue, comments = read_thread("It stops", "Nothing works.", None, ["API Error: 429 rate_limit_error BOOM", "+1"])
    assert issue["parse_error"].startswith("comment 1: ZeroDivisionError")
    assert issue["http_status"] is None  # the failed comment's text was not half-read into the issue
    assert [kind for kind, _ in comments] == [None, "me_too"]


def _objects():
    issue = lambda n, body: {"url": f"{API}/issues/{n}", "repository_url": API, "id": 5_000_000 + n, "number": n,
                             "title": "Usage limit reached", "body": body, "state": "open", "labels": [],
                             "user": {"login": f"reporter{n}"}, "comments": 1, "created_at": "2026-10-01T10:00:00Z",
                             "updated_at": "2026-10-02T10:00:00Z", "html_url": f"https://github.com/demo/ai-cli/issues/{n}"}
    comment = {"url": f"{API}/issues/comments/6000001", "id": 6_000_001, "issue_url": f"{API}/issues/9502",
               "user": {"login": "other"}, "body": "Same here: API Error: 429 BOOM", "created_at": "2026-10-03T10:00:00Z",
               "updated_at": "2026-10-03T10:00:00Z", "author_association": "NONE"}
    return [issue(9501, "BOOM in the body"), issue(9502, "Claude usage limit reached on 2.1.3"), comment]


def test_failures_are_stored_and_counted_on_the_data_quality_page(broken_version_finder, demo_db, tmp_path, use_db,
                                                                  capsys):
    path, source = tmp_path / "radar.duckdb", tmp_path / "broken.json"
    shutil.copyfile(demo_db, path)
    source.write_text(json.dumps(_objects()))
    assert etl_main(["import", str(source), "--db", str(path)]) == 0  # in-process: the fault is active
    with db.reading(path) as con:
        stored = con.execute("SELECT number, kind, parse_error FROM reports WHERE parse_error IS NOT NULL "
                             "ORDER BY number").fetchall()
    assert [(n, kind) for n, kind, _ in stored] == [(9501, "issue"), (9502, "issue")]
    assert stored[0][2].startswith("ZeroDivisionError") and stored[1][2].startswith("comment 1: ZeroDivisionError")

    capsys.readouterr()
    assert etl_main(["status", "--db", str(path)]) == 0
    assert "2 reports could not be parsed" in capsys.readouterr().out

    use_db(path)
    at = open_page("pages/data_quality.py")
    shown = frame_with(at, "number", "kind", "parse_error")
    assert sorted(shown["number"]) == [9501, 9502]
    assert any("2 reports" in t and "parser raised an error" in t for t in rendered_text(at))
