"""Quick-signal votes, in their own small DuckDB file beside the served database.

Votes are the team's own data, not GitHub's: they live in `<name>.votes.duckdb` next to the
served file (db.side_file), so a rebuilt or moved database never takes them along, and are merged
with the data at query time (analysis.vote_tally).
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from etl import db

SIGNALS = ("works", "easy_fix", "time_saver", "blocking", "common_issue", "flaky", "verified")
SIGNAL_HELP = {"works": "a workaround works", "easy_fix": "looks easy to fix", "time_saver": "fixing it saves a lot of time",
               "blocking": "blocks my work", "common_issue": "hits many people", "flaky": "comes and goes",
               "verified": "reproduced it"}
_SCHEMA = """CREATE TABLE IF NOT EXISTS votes (
    repo VARCHAR NOT NULL, number INTEGER NOT NULL, signal VARCHAR NOT NULL, voter VARCHAR NOT NULL,
    cast_at TIMESTAMP NOT NULL DEFAULT now()::TIMESTAMP,
    PRIMARY KEY (repo, number, signal, voter))"""


def votes_path(db_path: Path) -> Path:
    return db.side_path(db_path, "votes")


def cast(db_path: Path, repo: str, number: int, signal: str, voter: str) -> bool:
    """Store one vote; False when this voter already gave this signal to this issue."""
    if signal not in SIGNALS or not voter:
        raise ValueError(f"unknown signal {signal!r} or empty voter")
    with db.side_file(votes_path(db_path), True, _SCHEMA) as con:
        added = con.execute("""INSERT INTO votes (repo, number, signal, voter) VALUES (?, ?, ?, ?)
                               ON CONFLICT DO NOTHING RETURNING 1""", [repo, number, signal, voter]).fetchall()
    return bool(added)


def all_votes(db_path: Path) -> pd.DataFrame:
    """Every vote (repo, number, signal, voter); empty when nobody has voted yet."""
    path = votes_path(db_path)
    if not path.exists():
        return pd.DataFrame(columns=["repo", "number", "signal", "voter"])
    with db.side_file(path, False, _SCHEMA) as con:
        return con.execute("SELECT repo, number, signal, voter FROM votes").df()


def version(db_path: Path) -> tuple | None:
    """Identity of the votes file, so cached tallies are dropped when a vote is cast."""
    try:
        s = os.stat(votes_path(db_path))
    except FileNotFoundError:
        return None
    return (s.st_ino, s.st_mtime_ns, s.st_size)
