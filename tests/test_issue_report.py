"""The issue report: reference parsing, the numbers for a known issue, and its Markdown."""
from __future__ import annotations

import re

import duckdb
import pytest

from apiobjects import api, comment, event, issue, write_files
from conftest import etl_main
from radar import issue_queries as q
from radar import issue_report
from etl.issue_ref import IssueRefError, parse_issue_ref

R = "acme/cli"


@pytest.mark.parametrize("text, expected", [
    ("https://github.com/acme/cli/issues/12", (R, 12)),
    ("https://github.com/acme/cli/issues/12#issuecomment-99", (R, 12)),
    ("https://github.com/acme/cli/issues/12?foo=bar", (R, 12)),
    ("github.com/acme/cli/issues/12/", (R, 12)),
    ("  acme/cli#12 ", (R, 12)),
    ("#12", ("cur/repo", 12)),
    ("12", ("cur/repo", 12)),
])
def test_issue_references_that_work(text, expected):
    assert parse_issue_ref(text, "cur/repo") == expected


@pytest.mark.parametrize("text, message", [
    ("https://github.com/acme/cli/pull/12", "pull request"),
    ("https://gitlab.com/acme/cli/issues/12", "Only github.com"),
    ("https://github.com.evil.example/acme/cli/issues/12", "Only github.com"),
    ("https://github.com/acme/cli", "does not point to an issue"),
    ("https://github.com/acme/cli/discussions/3", "discussion"),
    ("hello world", "Only github.com"),
    ("", "Paste an issue URL"),
    ("0", "start at 1"),
    ("javascript:alert(1)", "Only github.com"),
    ("https://[evil](javascript:x)/a/b/issues/1", "not this text"),
    ("https://*evil*.example/a/b/issues/1", "not this text"),
])
def test_bad_references_get_clear_messages(text, message):
    with pytest.raises(IssueRefError, match=message):
        parse_issue_ref(text, "cur/repo")


def test_a_number_needs_a_repository():
    with pytest.raises(IssueRefError, match="of which repository"):
        parse_issue_ref("#5", None)


ERROR = 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}'


@pytest.fixture(scope="module")
def known_db(tmp_path_factory):
    """#1 is the canonical issue; #2 and #3 are closed as its duplicates; #4 is unrelated;
    PR #5 fixes #1."""
    d = tmp_path_factory.mktemp("known")
    issues = [
        issue(R, 1, f"Since v2.1.3 on macOS, Max 5x:\n\n```\n{ERROR}\n```", comments=4,
              reactions={"total_count": 9, "+1": 7, "eyes": 2}, closed_at="2025-07-01T00:00:00Z",
              state="closed", state_reason="completed"),
        issue(R, 2, f"On v2.1.4, Windows 11:\n\n```\n{ERROR}\n```", state="closed", state_reason="duplicate",
              labels=[{"name": "duplicate"}], comments=1),
        issue(R, 3, f"On v2.1.5, Ubuntu:\n\n```\n{ERROR}\n```", state="closed", state_reason="duplicate", comments=1),
        issue(R, 4, "The theme colours are wrong in the diff view.", title="Theme colours"),
        issue(R, 5, "Fixes #1", title="Retry on 429", pull_request={"url": f"{api(R)}/pulls/5"}),
    ]
    comments = [
        comment(R, 11, 1, "+1", "fan1"), comment(R, 12, 1, "Same here", "fan2"),
        comment(R, 13, 1, "Same on 2.1.12, Windows, Max 20x", "fan3"),
        comment(R, 14, 1, "Still happening on v2.1.14 on macOS with the Pro plan", "fan4", when="2025-08-01T00:00:00Z"),
        comment(R, 21, 2, "Duplicate of #1", "maint-bot"), comment(R, 31, 3, "Duplicate of #2", "maint-bot"),
    ]
    events = [event(R, 1, "labeled", 100), event(R, 1, "closed", 101), event(R, 1, "cross-referenced", source=5),
              event(R, 1, "cross-referenced", source=4), event(R, 2, "marked_as_duplicate", 102)]
    paths = write_files(d, issues=issues, comments=comments, events=events)
    db = d / "radar.duckdb"
    assert etl_main(["import", *map(str, paths), "--db", str(db)]) == 0
    return db


def _report(db, number):
    with duckdb.connect(str(db), read_only=True) as con:
        cluster = q.cluster(con, R, number)
        return issue_report.build(R, number, q.issue(con, R, number), q.issue_reports(con, R, number),
                                  q.event_counts(con, R, number), q.participants(con, R, number),
                                  q.links(con, R, number), cluster,
                                  q.cluster_reports(con, R, list(cluster["number"])), votes={"works": 2})


def test_numbers_of_a_known_issue(known_db):
    report = _report(known_db, 1)
    assert report.canonical == 1 and report.is_canonical
    assert sorted(report.cluster["number"]) == [1, 2, 3]
    assert report.events == {"commented": 4, "cross-referenced": 2, "closed": 1, "labeled": 1}
    assert issue_report.events_line(report) == "commented ×4, cross-referenced ×2, closed ×1, labeled ×1"
    assert report.participants == 5  # the author and four commenters
    assert report.reactions["+1"] == 7 and report.reactions["eyes"] == 2
    parsed = {f: v for f, v, _ in report.parsed}
    assert parsed["version"] == "2.1.3" and parsed["http_status"] == 429 and parsed["error_category"] == "rate_limited"
    assert report.why == "error type: rate_limit_error" and report.tier == "error type"  # the rule, what it read, its tier
    assert dict((f, src) for f, _, src in report.parsed)["is_usage_related"] == "error type"
    # reports: 3 issue bodies + 2 report-like comments; me-too: 2
    assert [v for v, _ in issue_report.spread(report, "version")] == ["2.1.3", "2.1.4", "2.1.5", "2.1.12", "2.1.14"]
    text = "\n".join(issue_report.summary(report))
    assert "5 reports from 5 distinct reporters across 3 issues, plus 2 me-too comments and 7 +1 reactions" in text
    assert "Reported on versions 2.1.3 to 2.1.14 (5 versions)" in text
    assert "closed as completed on 2025-07-01, but it is still reported since: 1 reports, on versions up to 2.1.14" in text
    assert "Follow this issue (#1)" in text


def test_a_duplicate_points_to_its_canonical(known_db):
    report = _report(known_db, 3)
    assert report.canonical == 1 and not report.is_canonical
    assert dict(zip(report.cluster["number"], report.cluster["duplicate_of"].fillna(0).astype(int))) == {1: 0, 2: 1, 3: 1}
    assert "Follow #1" in "\n".join(issue_report.summary(report))


def test_links_of_a_known_issue(known_db):
    links = _report(known_db, 1).links
    got = {(r.other_number, r.kind, r.direction, bool(r.is_pull_request)) for r in links.itertuples()}
    assert got == {(2, "duplicate_of", "in", False), (5, "mentions", "in", True),
                   (5, "cross_referenced_by", "out", True), (4, "cross_referenced_by", "out", False)}


def test_markdown_download(known_db):
    md = issue_report.to_markdown(_report(known_db, 1))
    assert md.startswith("# acme/cli#1: Issue 1\n")
    assert "<https://github.com/acme/cli/issues/1>" in md
    assert "- Votes: works 2" in md
    assert "| version | 2\\.1\\.3 | " in md
    assert "| #3 | closed | #1 |" in md
    assert "Why: error type\\: rate\\_limit\\_error (evidence: error type)" in md
    assert "- version: 2\\.1\\.3 ×1, 2\\.1\\.4 ×1, 2\\.1\\.5 ×1, 2\\.1\\.12 ×1, 2\\.1\\.14 ×1" in md


def test_markdown_neutralizes_hostile_titles():
    text = issue_report.md_escape("[click](javascript:alert(1)) ![x](http://t/p.png) <script>x</script> $$a$$")
    assert not re.search(r"(?<!\\)[\[\]()<>$!:]", text)  # every markup character is backslash-escaped
    assert text.startswith("\\[click\\]")


def test_searching_a_duplicate_finds_its_canonical_issue(known_db):
    from radar import queries
    from radar.filters import Filters
    with duckdb.connect(str(known_db), read_only=True) as con:
        rows = queries.issue_rows(con, Filters(repo=R), "3", 50, ())
    assert list(rows["number"]) == [1] and rows["duplicates"].iloc[0] == 2


def test_data_quality_counts_why_issues_count_or_not(known_db):
    """Every issue's reason is countable: the rate-limit error type for the three reports of it,
    no evidence for the theme bug (pull requests are not reports)."""
    from radar import queries
    from radar.filters import Filters
    with duckdb.connect(str(known_db), read_only=True) as con:
        rows = queries.usage_reasons(con, Filters(repo=R))
    assert [tuple(r) for r in rows.itertuples(index=False)] == [
        (True, "error type", 3, "error type: rate_limit_error"), (False, "no evidence", 1, "no evidence")]
