"""`python -m etl pull` as a user runs it: clear one-line errors, no token anywhere, a run killed
mid-way resumes to the same database, and readers are never disturbed."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl import db
from etl.demo import DEMO_REPO
from fake_github import FakeGitHub, Faults, cli, run_cli, run_pull, table_contents

N, SEED = 150, 7
TOKEN = "ghp_SECRETtokenNEVERshown1234567890"
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def server():
    with FakeGitHub(N, SEED, token=TOKEN) as s:
        yield s


def pull_args(server, db_path, *extra):
    return ("pull", "--repo", DEMO_REPO, "--api-url", server.url, "--db", str(db_path), *extra)


def one_clear_line(err: str) -> str:
    lines = [l for l in err.splitlines() if l.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_bad_token_gives_one_clear_line(server, tmp_path):
    rc, out, err = run_cli(*pull_args(server, tmp_path / "r.duckdb"), env_extra={"GITHUB_TOKEN": "wrong-" + TOKEN})
    assert rc == 2
    assert "401 Bad credentials" in one_clear_line(err) and "GITHUB_TOKEN" in err
    assert TOKEN not in out + err


def test_unknown_repo_gives_one_clear_line(server, tmp_path):
    rc, _, err = run_cli("pull", "--repo", "nobody/nothing", "--api-url", server.url, "--db", str(tmp_path / "r.duckdb"),
                         env_extra={"GH_TOKEN": TOKEN})
    assert rc == 2
    assert "not found: /repos/nobody/nothing" in one_clear_line(err)


def test_no_network_gives_one_clear_line(tmp_path):
    started = time.monotonic()
    rc, _, err = run_cli("pull", "--repo", DEMO_REPO, "--api-url", "http://127.0.0.1:9", "--db", str(tmp_path / "r.duckdb"))
    assert rc == 2
    assert "cannot reach http://127.0.0.1:9" in one_clear_line(err)
    assert "unauthenticated" in err  # no token: it says so
    assert time.monotonic() - started < 15  # no long backoff before saying so


def test_database_locked_by_another_writer_gives_one_clear_line(server, tmp_path):
    path = tmp_path / "r.duckdb"
    with db.writing(path):
        rc, _, err = run_cli(*pull_args(server, path), env_extra={"GITHUB_TOKEN": TOKEN})
    assert rc == 2
    assert "being written by another run" in one_clear_line(err)


def test_bad_arguments_are_refused_by_the_parser(tmp_path):
    rc, _, err = run_cli("pull", "--repo", "not-a-repo", "--db", str(tmp_path / "r.duckdb"))
    assert rc == 2 and "not OWNER/NAME" in err
    rc, _, err = run_cli("pull", "--repo", DEMO_REPO, "--since", "last tuesday", "--db", str(tmp_path / "r.duckdb"))
    assert rc == 2 and "not an ISO 8601 date" in err


def test_token_never_appears_in_output_or_database(server, tmp_path):
    server.faults = Faults(scripted=[None, "500", None, "reset"])  # retried requests carry it again
    path = tmp_path / "r.duckdb"
    rc, out, err = run_cli(*pull_args(server, path), env_extra={"GITHUB_TOKEN": TOKEN})
    assert rc == 0, err
    assert all(h.authorized for h in server.log if h.status)  # the token was sent …
    assert TOKEN not in out + err  # … and shown nowhere
    for f in tmp_path.iterdir():
        assert TOKEN.encode() not in f.read_bytes(), f


def _wait_for_hits(server, n, timeout=30):
    deadline = time.monotonic() + timeout
    while len(server.log) < n:
        assert time.monotonic() < deadline, "the pull made too few requests"
        time.sleep(0.01)


@pytest.mark.parametrize("stop_after", [6, 40])  # during the listings; during the timelines
def test_killed_run_resumes_to_the_same_database_as_a_clean_run(tmp_path, stop_after):
    with FakeGitHub(N, SEED) as server:
        clean = tmp_path / "clean.duckdb"
        assert run_pull(server, clean)[0] == 0
        server.clear_log()
        path = tmp_path / "r.duckdb"
        server.delay = 0.03
        proc = cli(*pull_args(server, path))
        _wait_for_hits(server, stop_after)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        server.delay = 0
        with db.reading(path) as con:  # what was committed before the kill is served, whole
            assert con.execute("SELECT count(*) FROM sync_state").fetchone()[0] > 0
        rc, _, err = run_cli(*pull_args(server, path))
        assert rc == 0, err
        assert table_contents(path) == table_contents(clean)


def test_ctrl_c_keeps_what_was_committed_and_says_so(tmp_path):
    with FakeGitHub(N, SEED) as server:
        server.delay = 0.03
        path = tmp_path / "r.duckdb"
        proc = cli(*pull_args(server, path))
        _wait_for_hits(server, 6)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
        assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
        con = duckdb.connect(str(path), read_only=True)
        assert con.execute("SELECT outcome FROM sync_runs").fetchall() == [("interrupted",)]
        assert con.execute("SELECT count(*) FROM comments").fetchone()[0] > 0
        con.close()


READER = r"""
import os, sys, time
from pathlib import Path
from etl import db
path, stop = sys.argv[1], sys.argv[2]
reader = db.SharedReader(Path(path))  # as the app reads
while not os.path.exists(stop):
    try:
        with reader.cursor() as cur:
            print(cur.execute("SELECT count(*) FROM issues").fetchone()[0], flush=True)
    except Exception as exc:
        print("ERROR", type(exc).__name__, exc, flush=True)
    time.sleep(0.005)
"""


def test_reader_sees_no_lock_error_and_only_committed_pages(tmp_path):
    path, stop = tmp_path / "r.duckdb", tmp_path / "stop"
    with FakeGitHub(N, SEED) as server:
        assert run_pull(server, path)[0] == 0
        for _ in range(40):
            server.add_issue(like=3)
        log = tmp_path / "reader.log"
        with log.open("w") as sink:
            reader = subprocess.Popen([sys.executable, "-c", READER, str(path), str(stop)], stdout=sink,
                                      cwd=Path(db.__file__).parents[1])
            while not log.read_text():  # the reader is reading before the pull starts
                time.sleep(0.02)
            server.delay = 0.01
            rc, _, err = run_cli(*pull_args(server, path))
            assert rc == 0, err
            time.sleep(0.3)
            stop.touch()
            reader.wait(10)
    seen = log.read_text().splitlines()
    assert seen and not [l for l in seen if l.startswith("ERROR")], seen[:5]
    counts = [int(c) for c in seen]
    assert counts[0] == N and counts[-1] == N + 40 and counts == sorted(counts)  # whole pages, in order
    assert len(seen) > 10  # it kept reading while the pull wrote
