"""`python -m etl reparse` run as a user runs it (a subprocess) on a filled database: reports,
links and clusters are derived again from the stored raw data; raw data and votes are untouched."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from conftest import REPO
from etl.transform import PARSER_VERSION
from radar import votes

RAW = ("issues", "comments", "timeline_events", "reaction_snapshots", "sync_state", "authors", "repos")
DERIVED = ("reports", "issue_links", "clusters")


def etl(*args, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("RADAR_DB", "RADAR_CONFIG")} | env
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=REPO, env=environ,
                          capture_output=True, text=True, timeout=300)


def tables(db, names) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in names}


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A database as `python -m etl demo` builds it, never touched afterwards: the reference."""
    db = tmp_path_factory.mktemp("fresh") / "radar.duckdb"
    done = etl("demo", "--issues", "200", "--seed", "5", "--db", str(db))
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture
def copy_of(fresh, tmp_path):
    db = tmp_path / "radar.duckdb"
    shutil.copyfile(fresh, db)
    return db


def _as_an_earlier_version_left_it(db) -> None:
    """What a database looks like after a parser upgrade: every report read by the previous
    parser (older version tag, no counting keys or reasons yet), some fields read differently,
    report-like comments it missed, a comment it took for a report, and no links or clusters."""
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE reports SET parser_version = 'old', why = NULL, author_id = NULL, canonical = NULL, "
                    "cluster_key = NULL")
        con.execute("""UPDATE reports SET error_category = 'other', version = NULL, version_key = NULL,
                       is_usage_related = NOT is_usage_related WHERE number % 4 = 0""")
        con.execute("DELETE FROM reports WHERE kind = 'comment' AND number % 3 = 0")
        con.execute("""INSERT INTO reports (repo, number, comment_id, kind, author, created_at, is_usage_related,
                                            error_category, parser_version)
                       SELECT c.repo, c.issue_number, c.id, 'comment', c.author, c.created_at, TRUE, 'other', 'old'
                       FROM comments c ANTI JOIN reports r ON r.repo = c.repo AND r.comment_id = c.id
                       ORDER BY c.id LIMIT 5""")
        con.execute("DELETE FROM issue_links")
        con.execute("DELETE FROM clusters")


def test_reparse_rederives_what_a_fresh_build_has(fresh, copy_of):
    db = copy_of
    votes.cast(db, "demo/ai-cli", 1, "blocking", "ana")
    votes.cast(db, "demo/ai-cli", 2, "works", "ben")
    votes_file = votes.votes_path(db)
    votes_before = sha256(votes_file)
    _as_an_earlier_version_left_it(db)
    assert tables(db, DERIVED) != tables(fresh, DERIVED)
    assert "run `python -m etl reparse`" in etl("status", "--db", str(db)).stdout

    done = etl("reparse", RADAR_DB=str(db))  # the database named as cron would: $RADAR_DB
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(fresh), read_only=True) as con:
        expected = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert done.stdout.strip() == f"reparse: demo/ai-cli: {expected} reports"

    # Reports, links and clusters: row for row what the fresh build derived.
    assert tables(db, DERIVED) == tables(fresh, DERIVED)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT DISTINCT parser_version FROM reports").fetchall() == [(PARSER_VERSION,)]
    assert "run `python -m etl reparse`" not in etl("status", "--db", str(db)).stdout  # no longer stale
    # Raw data and votes untouched; the run is recorded after the demo's own loads.
    assert tables(db, RAW) == tables(fresh, RAW)
    assert sha256(votes_file) == votes_before
    assert set(votes.all_votes(db)[["number", "signal", "voter"]].itertuples(index=False, name=None)) == {
        (1, "blocking", "ana"), (2, "works", "ben")}
    with duckdb.connect(str(db), read_only=True) as con:
        runs = con.execute("SELECT repo, kind, outcome FROM sync_runs ORDER BY run_id").fetchall()
    assert runs == [("demo/ai-cli", "demo", "ok")] * 2 + [("demo/ai-cli", "reparse", "ok")]


def test_reparse_applies_an_edited_taxonomy(fresh, copy_of, tmp_path):
    """The README's recipe: copy the taxonomy, edit it, name it in radar.toml, run reparse."""
    taxonomy = (REPO / "etl" / "parse" / "taxonomy.toml").read_text(encoding="utf-8")
    assert '\nfallback = "other"\n' in taxonomy
    (tmp_path / "mine.toml").write_text(taxonomy.replace('\nfallback = "other"\n', '\nfallback = "unsorted"\n'))
    (tmp_path / "radar.toml").write_text('[[repo]]\nname = "demo/ai-cli"\ntaxonomy = "mine.toml"\n')

    done = etl("reparse", "--db", str(copy_of), RADAR_CONFIG=str(tmp_path / "radar.toml"))
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(fresh), read_only=True) as con:
        columns = [c for (c, *_) in con.execute("DESCRIBE reports").fetchall()]
    category = columns.index("error_category")
    before, after = (tables(db, ["reports"])["reports"] for db in (fresh, copy_of))
    moved = [(b[category], a[category]) for b, a in zip(before, after) if a != b]
    # Exactly the reports of the fallback category moved to its new name; nothing else changed.
    assert len(after) == len(before) and moved
    assert set(moved) == {("other", "unsorted")} and len(moved) == sum(b[category] == "other" for b in before)
    assert all(a[:category] + a[category + 1:] == b[:category] + b[category + 1:] for b, a in zip(before, after))
