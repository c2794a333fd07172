"""Quick-signal votes, in their own small DuckDB file beside the served database.

A pull replaces the served file (etl/db.py), so votes cannot live in it: they live in
`<name>.votes.duckdb` next to it, are merged with the data at query time (analysis.vote_tally),
and survive pulls and restarts. Each write opens the file briefly under a process-wide lock
and a file lock (several app processes may share it); reads open it read-only.
"""
from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

SIGNALS = ("works", "easy_fix", "time_saver", "blocking", "common_issue", "flaky", "verified")
SIGNAL_HELP = {"works": "a workaround works", "easy_fix": "looks easy to fix", "time_saver": "fixing it saves a lot of time",
               "blocking": "blocks my work", "common_issue": "hits many people", "flaky": "comes and goes",
               "verified": "reproduced it"}
_SCHEMA = """CREATE TABLE IF NOT EXISTS votes (
    repo VARCHAR NOT NULL, number INTEGER NOT NULL, signal VARCHAR NOT NULL, voter VARCHAR NOT NULL,
    cast_at TIMESTAMP NOT NULL DEFAULT now()::TIMESTAMP,
    PRIMARY KEY (repo, number, signal, voter))"""
_lock = threading.Lock()


def votes_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + ".votes" + db_path.suffix)


@contextmanager
def _writing(path: Path):
    with _lock:
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            con = duckdb.connect(str(path))
            try:
                con.execute(_SCHEMA)
                yield con
            finally:
                con.close()
        finally:
            os.close(fd)


def cast(db_path: Path, repo: str, number: int, signal: str, voter: str) -> bool:
    """Store one vote; False when this voter already gave this signal to this issue."""
    if signal not in SIGNALS or not voter:
        raise ValueError(f"unknown signal {signal!r} or empty voter")
    with _writing(votes_path(db_path)) as con:
        added = con.execute("""INSERT INTO votes (repo, number, signal, voter) VALUES (?, ?, ?, ?)
                               ON CONFLICT DO NOTHING RETURNING 1""", [repo, number, signal, voter]).fetchall()
    return bool(added)


def all_votes(db_path: Path) -> pd.DataFrame:
    """Every vote (repo, number, signal, voter); empty when nobody has voted yet."""
    path = votes_path(db_path)
    if not path.exists():
        return pd.DataFrame(columns=["repo", "number", "signal", "voter"])
    with _lock:  # never read while this process writes (DuckDB: one writer or many readers)
        con = duckdb.connect(str(path), read_only=True)
        try:
            return con.execute("SELECT repo, number, signal, voter FROM votes").df()
        finally:
            con.close()


def version(db_path: Path) -> tuple | None:
    """Identity of the votes file, so cached tallies are dropped when a vote is cast."""
    try:
        s = os.stat(votes_path(db_path))
    except FileNotFoundError:
        return None
    return (s.st_ino, s.st_mtime_ns, s.st_size)
