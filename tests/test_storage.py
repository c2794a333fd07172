"""The served database is written in place, in short windows: an unchanged sync leaves it as it
was, a small one writes only what changed, and readers (the app's shared connection, the votes
file) wait their turn instead of failing."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time

import duckdb
import pytest

from etl import db, fetch, graph
from etl.demo import DEMO_REPO
from fake_github import REPO_ROOT, FakeGitHub, client_for, run_pull

N, SEED = 120, 7
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def server():
    with FakeGitHub(N, SEED) as s:
        yield s


def identity(path):
    s = os.stat(path)
    return (s.st_ino, s.st_mtime_ns, s.st_size, os.path.exists(db.wal_path(path)))


def count(path, sql, params=()):
    with db.reading(path) as con:
        return con.execute(sql, list(params)).fetchone()[0]


def clusters_and_report_keys(con):
    return (sorted(con.execute("SELECT number, canonical_number, error_canonical FROM clusters").fetchall()),
            sorted(con.execute("SELECT number, comment_id, kind, canonical, cluster_key FROM reports").fetchall()))


def test_an_unchanged_resync_leaves_the_served_file_untouched(server, tmp_path):
    path = tmp_path / "r.duckdb"
    assert run_pull(server, path)[0] == 0
    before, runs = identity(path), count(path, "SELECT count(*) FROM sync_runs")
    server.clear_log()
    rc, out, _ = run_pull(server, path)
    assert rc == 0 and "nothing changed, database untouched" in out
    assert {h.status for h in server.log} == {304}
    assert identity(path) == before  # same inode, same bytes: every app cache stays valid
    assert count(path, "SELECT count(*) FROM sync_runs") == runs


def test_a_small_change_is_written_in_place_and_its_clusters_match_a_full_rebuild(server, tmp_path):
    path = tmp_path / "r.duckdb"
    assert run_pull(server, path)[0] == 0
    inode = os.stat(path).st_ino
    original = server.add_issue(like=3, title="Weekly limit reached after two prompts")
    dup = server.add_issue(like=3, title="Weekly limit hit again")
    server.add_comment(dup, f"Duplicate of #{original}", login="maintainer")
    server.touch_issue(dup, state="closed", state_reason="duplicate")
    server.add_reaction(original)
    assert run_pull(server, path)[0] == 0
    assert os.stat(path).st_ino == inode  # not a copy swapped in
    with db.reading(path) as con:
        assert con.execute("SELECT canonical_number FROM clusters WHERE number = ?", [dup]).fetchone() == (original,)
        assert con.execute("SELECT count(*) FROM cluster_queue").fetchone() == (0,)
        incremental = clusters_and_report_keys(con)
    full = tmp_path / "full.duckdb"
    shutil.copyfile(path, full)
    with db.writing(full) as con:
        con.execute("DELETE FROM clusters")
        graph.rebuild_clusters(con, DEMO_REPO)
        assert clusters_and_report_keys(con) == incremental


def test_fetching_one_issue_from_the_app_writes_in_place(server, tmp_path):
    path = tmp_path / "r.duckdb"
    assert run_pull(server, path)[0] == 0
    inode = os.stat(path).st_ino
    number = server.add_issue(like=5)
    summary = fetch.fetch_issue(client_for(server), DEMO_REPO, number, path)
    assert f"#{number}" in summary and os.stat(path).st_ino == inode
    assert count(path, "SELECT count(*) FROM issues WHERE number = ?", [number]) == 1


def test_the_apps_shared_connection_steps_aside_for_a_pull_in_another_process(server, tmp_path):
    path = tmp_path / "r.duckdb"
    assert run_pull(server, path)[0] == 0
    reader = db.SharedReader(path)
    with reader.cursor() as cur:  # warm, and left open as the app leaves it
        assert cur.execute("SELECT count(*) FROM issues").fetchone()[0] == N
    for _ in range(3):
        server.add_issue(like=2)
    proc = subprocess.run([sys.executable, "-m", "etl", "pull", "--repo", DEMO_REPO, "--api-url", server.url,
                           "--db", str(path)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=50)
    assert proc.returncode == 0, proc.stderr
    with reader.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM issues").fetchone()[0] == N + 3
    reader.close()


def test_a_query_waits_for_a_writers_window_and_then_reads_what_it_committed(server, tmp_path):
    path = tmp_path / "r.duckdb"
    assert run_pull(server, path)[0] == 0
    reader, in_window = db.SharedReader(path), threading.Event()

    def write():
        with db.writing(path) as con:
            con.begin()
            con.execute("DELETE FROM issues WHERE number = 1")
            in_window.set()
            time.sleep(0.5)
            con.commit()

    writer = threading.Thread(target=write)
    writer.start()
    in_window.wait(10)
    started = time.monotonic()
    with reader.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM issues").fetchone()[0] == N - 1
    assert time.monotonic() - started > 0.2  # it waited instead of failing
    writer.join()
    reader.close()


def test_a_window_held_too_long_gives_readers_a_clear_message(server, tmp_path):
    path = tmp_path / "r.duckdb"
    assert run_pull(server, path)[0] == 0
    with db.writing(path) as con:
        con.execute("SELECT 1")  # the window is open
        with pytest.raises(db.DatabaseError, match="stayed busy"):
            with db.SharedReader(path, wait=0.2).cursor():
                pass


def test_a_working_copy_left_by_an_older_version_is_kept(tmp_path):
    path = tmp_path / "r.duckdb"
    with db.writing(path) as con:
        con.execute("INSERT INTO repos (repo, is_demo, added_at) VALUES ('a/b', false, now())")
    work = tmp_path / "r.next.duckdb"
    shutil.copyfile(path, work)
    with duckdb.connect(str(work)) as con:  # what the interrupted run had committed
        con.execute("INSERT INTO repos (repo, is_demo, added_at) VALUES ('c/d', false, now())")
    with db.writing(path):
        pass
    assert not work.exists()
    assert count(path, "SELECT count(*) FROM repos") == 2


def test_clusters_are_what_canonical_map_gives_on_the_whole_graph(server, tmp_path):
    """The SQL-assisted rebuild (signature groups enter as one member) against the plain
    definition: canonical_map over every issue, its duplicate links and same-signature chains."""
    from etl.clusters import IssueFacts, canonical_map
    path = tmp_path / "r.duckdb"
    for number in (10, 20, 30):  # close a few as duplicates of issues that share their errors
        server.add_comment(number + 1, f"Duplicate of #{number}", login="maintainer")
        server.touch_issue(number + 1, state="closed", state_reason="duplicate")
    assert run_pull(server, path)[0] == 0
    with db.reading(path) as con:
        marked = {n for (n,) in con.execute(
            "SELECT issue_number FROM timeline_events WHERE event = 'marked_as_duplicate'").fetchall()}
        facts = [IssueFacts(n, (r or 0) + (c or 0), reason == "duplicate" or "duplicate" in [l.lower() for l in labels or []]
                            or n in marked)
                 for n, r, c, reason, labels in con.execute(
                     "SELECT number, reactions_total, comment_count, state_reason, labels FROM issues "
                     "WHERE NOT is_pull_request").fetchall()]
        dups = {f.number for f in facts if f.is_duplicate}
        edges = [(a, b) for a, b in con.execute(
            "SELECT number, target_number FROM issue_links WHERE kind = 'duplicate_of' AND target_repo = repo").fetchall()
                 if a in dups]
        same = [(n, first) for n, first in con.execute(f"""
            SELECT number, min(number) OVER (PARTITION BY signature) FROM reports
            WHERE kind = 'issue' AND {graph.specific_signature()}""").fetchall() if n != first]
        stored = {n: (c, e) for n, c, e in con.execute(
            "SELECT number, canonical_number, error_canonical FROM clusters").fetchall()}
    mapping, by_error = canonical_map(facts, edges), canonical_map(facts, edges, same)
    assert stored == {n: (mapping[n], by_error[n]) for n in mapping}
    assert sum(1 for n, (c, _) in stored.items() if c != n) >= 3 and sum(1 for n, (_, e) in stored.items() if e != n) > 10
