"""Votes shared by several app processes: a read during another process's write waits for it, and
concurrent votes are all kept."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from fake_github import REPO_ROOT
from radar import votes

pytestmark = pytest.mark.timeout(60)

HOLD_WRITER = r"""
import sys, time
from pathlib import Path
from etl import db
from radar import votes
with db.side_file(votes.votes_path(Path(sys.argv[1])), True, votes._SCHEMA) as con:
    con.execute("INSERT INTO votes (repo, number, signal, voter) VALUES ('a/b', 1, 'works', 'other-process')")
    print("holding", flush=True)
    time.sleep(1.0)
"""

CAST_MANY = r"""
import sys
from pathlib import Path
from radar import votes
for i in range(int(sys.argv[3])):
    assert votes.cast(Path(sys.argv[1]), "a/b", i, "blocking", sys.argv[2])
"""


def python(script: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_reading_while_another_process_holds_the_writer_waits_for_its_vote(tmp_path):
    db_path = tmp_path / "radar.duckdb"
    votes.cast(db_path, "a/b", 1, "blocking", "me")
    writer = python(HOLD_WRITER, db_path)
    assert writer.stdout.readline().strip() == "holding"
    started = time.monotonic()
    seen = votes.all_votes(db_path)  # raised "Could not set lock on file" before
    assert time.monotonic() - started > 0.3
    assert set(seen["voter"]) == {"me", "other-process"}
    assert writer.wait(10) == 0, writer.stderr.read()


def test_two_processes_voting_while_a_third_reads_lose_nothing(tmp_path):
    db_path, n = tmp_path / "radar.duckdb", 25
    casters = [python(CAST_MANY, db_path, voter, n) for voter in ("alice", "bob")]
    counts = []
    while any(p.poll() is None for p in casters):
        counts.append(len(votes.all_votes(db_path)))
    for p in casters:
        assert p.wait(10) == 0, p.stderr.read()
    final = votes.all_votes(db_path)
    assert len(final) == 2 * n and set(final["voter"]) == {"alice", "bob"}
    assert counts == sorted(counts)  # every read saw whole votes, never fewer than before
