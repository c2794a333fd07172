"""`etl.pull` against a fake GitHub API on 127.0.0.1: the request plan, incremental syncs,
faults and rate limits, and that every way of getting there gives the same database."""
from __future__ import annotations

import io
import math
from datetime import timedelta

import duckdb
import pytest

from etl import pull
from etl.demo import DEMO_REPO
from etl.github import RateLimitExhausted
from fake_github import FakeGitHub, Faults, client_for, run_pull, table_contents

N, SEED = 150, 7
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def server():
    with FakeGitHub(N, SEED) as s:
        yield s


@pytest.fixture(scope="module")
def clean_db(tmp_path_factory):
    """One uninterrupted pull of the same data: what every other way must end up with."""
    path = tmp_path_factory.mktemp("clean") / "radar.duckdb"
    with FakeGitHub(N, SEED) as s:
        assert run_pull(s, path)[0] == 0
    return table_contents(path)


def query(path, sql, params=()):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_full_sync_follows_pages_and_makes_no_per_issue_comment_calls(server, tmp_path):
    rc, out, _ = run_pull(server, tmp_path / "r.duckdb")
    assert rc == 0 and f"pull {DEMO_REPO}:" in out
    issue_pages = [h for h in server.hits("/issues") if h.query.get("state") == "all"]
    assert [h.query.get("page", "1") for h in issue_pages] == ["1", "2", "1"]  # two pages, then the closing pass
    assert all(h.query["per_page"] == "100" and h.query["sort"] == "updated" and h.query["direction"] == "asc"
               for h in issue_pages)
    comment_pages = server.hits("/issues/comments")
    assert len(comment_pages) == math.ceil(server.n_comments / 100) + 1
    assert not [h for h in server.log if h.path.endswith("/comments") and "/issues/comments" not in h.path]
    db = tmp_path / "r.duckdb"
    assert query(db, "SELECT count(*) FROM issues") == [(N,)]
    assert query(db, "SELECT count(*) FROM comments") == [(server.n_comments,)]


def test_pull_requests_are_kept_apart_and_have_no_reports(server, tmp_path):
    run_pull(server, tmp_path / "r.duckdb")
    prs = {n for n, o in server.issues.items() if "pull_request" in o}
    assert prs
    db = tmp_path / "r.duckdb"
    assert {n for (n,) in query(db, "SELECT number FROM issues WHERE is_pull_request")} == prs
    assert query(db, "SELECT count(*) FROM reports WHERE number IN (SELECT unnest(?))", [sorted(prs)]) == [(0,)]


def test_timelines_only_for_usage_related_issues(server, tmp_path):
    db = tmp_path / "r.duckdb"
    run_pull(server, db)
    usage = {n for (n,) in query(db, "SELECT number FROM reports WHERE kind = 'issue' AND is_usage_related")}
    asked = {int(h.path.split("/")[-2]) for h in server.hits("/timeline")}
    assert asked == usage
    refs = query(db, "SELECT count(*) FROM timeline_events WHERE event = 'cross-referenced'")[0][0]
    assert refs == sum(len(v) for k, v in server.cross_references.items() if k in usage)


def test_unchanged_resync_is_at_most_two_requests_all_304(server, tmp_path):
    db = tmp_path / "r.duckdb"
    run_pull(server, db)
    server.clear_log()
    rc, out, _ = run_pull(server, db)
    assert rc == 0
    assert len(server.log) <= 2 and {h.status for h in server.log} == {304}
    assert "2 not modified" in out
    assert "nothing changed, database untouched" in out
    runs = query(db, "SELECT repo, kind, outcome, requests FROM sync_runs ORDER BY run_id")
    assert len(runs) == 1 and runs[0][3] > 100  # only the run that wrote is recorded


def test_since_option_starts_from_the_given_time(server, tmp_path):
    db = tmp_path / "r.duckdb"
    since = pull.parse_since("2026-10-01")
    run_pull(server, db, since=since)
    first = [h for h in server.hits("/issues") if h.query.get("state") == "all"][0]
    assert first.query["since"] == "2026-10-01T00:00:00Z"
    stored = query(db, "SELECT min(updated_at) >= TIMESTAMP '2026-10-01', count(*) FROM issues")[0]
    assert stored[0] and 0 < stored[1] < N


def test_progress_is_drawn_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    tty, plain = Terminal(), io.StringIO()
    for stream in (tty, plain):
        progress = pull.Progress(stream)
        progress.show("demo/ai-cli: issues 100")
        progress.wait(2, "secondary rate limit")
        progress.clear()
    assert "\rdemo/ai-cli: issues 100" in tty.getvalue()
    assert plain.getvalue() == "secondary rate limit; waiting 2.0s\n"


def test_second_sync_fetches_only_what_changed(server, tmp_path):
    db = tmp_path / "r.duckdb"
    run_pull(server, db)
    server.touch_issue(5, title="Usage limit reached after one prompt (edited)")
    server.add_comment(9, "Same on 2.1.4, Windows, Max 5x.")
    server.add_event(12, "labeled", "needs-repro")
    server.clear_log()
    rc, out, _ = run_pull(server, db)
    assert rc == 0
    first_issue_page = [h for h in server.hits("/issues") if h.query.get("state") == "all"][0]
    assert first_issue_page.items == 3 + 1  # the three changed, and the boundary item of the last sync
    assert query(db, "SELECT title FROM issues WHERE number = 5") == [("Usage limit reached after one prompt (edited)",)]
    assert query(db, "SELECT count(*) FROM comments WHERE issue_number = 9 AND body LIKE 'Same on 2.1.4%'") == [(1,)]
    assert query(db, "SELECT count(*) FROM timeline_events WHERE issue_number = 12 AND label = 'needs-repro'") == [(1,)]
    assert len(server.hits("/issues/events")) == 1  # stopped at the newest stored event
    assert {int(h.path.split("/")[-2]) for h in server.hits("/timeline")} <= {5, 9, 12}
    assert "3 issues new or changed" in out


def test_resweep_catches_reactions_that_do_not_bump_updated_at(server, tmp_path):
    db = tmp_path / "r.duckdb"
    server.touch_issue(7, state="open", state_reason=None, closed_at=None)  # recently active and open
    run_pull(server, db, resweep_every=timedelta(0))
    before = query(db, "SELECT reactions_plus1 FROM issues WHERE number = 7")[0][0]
    server.add_reaction(7)
    server.clear_log()
    run_pull(server, db, resweep_every=timedelta(0))
    assert query(db, "SELECT reactions_plus1 FROM issues WHERE number = 7") == [(before + 1,)]
    sweep = [h for h in server.hits("/issues") if h.query.get("state") == "open"]
    assert len(sweep) == 1 and sweep[0].status == 200
    assert query(db, "SELECT count(*) FROM reaction_snapshots WHERE number = 7") == [(2,)]


def test_reruns_and_full_resync_leave_the_database_as_it_was(server, tmp_path, clean_db):
    db = tmp_path / "r.duckdb"
    run_pull(server, db)
    run_pull(server, db)
    assert table_contents(db) == clean_db
    run_pull(server, db, full=True)
    assert table_contents(db) == clean_db


def test_seeded_faults_still_give_a_complete_duplicate_free_database(server, tmp_path, clean_db):
    server.faults = Faults(rate=0.25, kinds=("500", "reset", "truncate", "short"), seed=3)
    rc, _, err = run_pull(server, tmp_path / "r.duckdb")
    assert rc == 0, err
    assert {h.fault for h in server.log} >= {"500", "reset", "truncate", "short"}
    assert table_contents(tmp_path / "r.duckdb") == clean_db


def test_retry_after_is_waited_as_told(server, tmp_path, clean_db):
    waits = []
    server.faults = Faults(scripted=[None, "429", None, "secondary"], retry_after=2)
    rc, _, err = run_pull(server, tmp_path / "r.duckdb", client=client_for(server, sleep=waits.append))
    assert rc == 0
    assert waits == [2.0, 2.0]
    assert err.count("secondary rate limit; waiting 2.0s") == 2
    assert table_contents(tmp_path / "r.duckdb") == clean_db


def test_spent_rate_limit_is_waited_for_when_it_resets_soon(server, tmp_path, clean_db):
    server.faults = Faults(scripted=[None, "exhausted"], reset_in=1)
    rc, _, err = run_pull(server, tmp_path / "r.duckdb")
    assert rc == 0 and "rate limit; waiting" in err
    assert table_contents(tmp_path / "r.duckdb") == clean_db


def test_spent_rate_limit_stops_cleanly_and_a_rerun_continues(server, tmp_path, clean_db):
    db = tmp_path / "r.duckdb"
    server.faults = Faults(scripted=[None, None, "exhausted"], reset_in=3600)
    with pytest.raises(RateLimitExhausted, match=r"resets at \d\d:\d\d UTC.*run the same command again"):
        run_pull(server, db)
    assert query(db, "SELECT count(*) FROM comments") == [(200,)]  # the committed pages were kept
    assert query(db, "SELECT outcome FROM sync_runs")[0][0].startswith("error: GitHub rate limit reached")
    server.remaining = server.rate_limit
    assert run_pull(server, db)[0] == 0
    assert table_contents(db) == clean_db


def test_persistent_server_errors_give_up_with_a_clear_message(server, tmp_path):
    server.faults = Faults(rate=1.0, kinds=("500",))
    rc, out, err = run_pull(server, tmp_path / "r.duckdb")
    assert rc == 2
    assert f"error: {DEMO_REPO}: giving up on /repos/{DEMO_REPO}/issues/comments after 9 attempts: HTTP 502" in err
    assert "0 issues new or changed" in out


def test_unknown_repo_is_reported_and_other_repos_still_sync(server, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    rc = pull.pull(["nobody/nothing", DEMO_REPO], client_for(server), tmp_path / "r.duckdb", out=out, err=err)
    assert rc == 2
    assert "error: nobody/nothing: not found: /repos/nobody/nothing/issues/comments" in err.getvalue()
    assert query(tmp_path / "r.duckdb", "SELECT count(*) FROM issues") == [(N,)]
