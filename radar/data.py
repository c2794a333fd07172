"""The app's one door to the database: cached query results keyed by a data version.

Every committed write changes the file (etl/db.py), so its identity is the data version: cached
results of an older version are no longer hit. Queries share one read-only connection per file
(db.SharedReader), which steps aside whenever a pull wants to write.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import streamlit as st

from etl import corrections, db, fetch, github
from radar import analysis, issue_queries, queries, sqlbox, votes


def db_path() -> Path:
    return db.default_db_path()


def data_version(path: Path | None = None) -> tuple | None:
    return db.version(path or db_path())


_readers: dict[Path, db.SharedReader] = {}
_readers_lock = threading.Lock()


def _reader(path: Path) -> db.SharedReader:
    with _readers_lock:
        if path not in _readers:
            _readers[path] = db.SharedReader(path)
        return _readers[path]


@st.cache_data(show_spinner=False, max_entries=512)
def _run(version: tuple, name: str, args: tuple, kwargs: tuple):
    with _reader(Path(version[0])).cursor() as cur:
        return _function(name)(cur, *args, **dict(kwargs))


_MODULES = {"queries": queries, "issue_queries": issue_queries, "corrections": corrections}


def _function(name: str):
    """'reports_by_version' → queries.reports_by_version; 'issue_queries.links' → that module's."""
    module, _, func = name.rpartition(".")
    return getattr(_MODULES[module or "queries"], func)


def query(name: str, *args, **kwargs):
    """Run queries.<name>(connection, *args) (or '<module>.<name>') on the current data, cached per
    data version."""
    version = data_version()
    if version is None:
        raise db.DatabaseError(f"no database at {db_path()}")
    return _run(version, name, args, tuple(sorted(kwargs.items())))


def vote_tally(repo: str | None):
    """Votes per canonical issue and signal, folded into clusters; cached until a vote is cast
    or the data changes."""
    return _tally(data_version(), votes.version(db_path()), repo)


@st.cache_data(show_spinner=False, max_entries=32)
def _tally(version: tuple | None, votes_version: tuple | None, repo: str | None):
    clusters = query("cluster_map", repo)
    return analysis.vote_tally(votes.all_votes(db_path()), clusters)


def cast_vote(repo: str, number: int, signal: str, voter: str) -> bool:
    return votes.cast(db_path(), repo, number, signal, voter)


def correct(entries: list[corrections.Correction]) -> str:
    """Save corrections (or undos) to their file, then apply them to the served database. The file
    is the record: when another run is writing the database, that run's end applies them."""
    path = db_path()
    corrections.add(path, entries)
    try:
        with db.writing(path, wait=10, queue=5):
            pass  # the end of a writing run applies the corrections file (etl/triage.py)
    except db.DatabaseError:
        return "Saved. Another run is writing the database: the correction shows when it has finished."
    return "Saved and applied."


def run_sql(sql: str) -> "sqlbox.Result":
    """The SQL page's statement on its own read-only, sandboxed connection (never cached)."""
    with db.shared_access(db_path()):
        return sqlbox.run(db_path(), sql)


def fetch_issue(repo: str, number: int) -> str:
    """The app's one write to the served database: an issue that is not there yet, fetched from
    GitHub ($RADAR_API_URL, default api.github.com; token from $GITHUB_TOKEN / $GH_TOKEN) with
    short waits, so a page never hangs on a rate limit."""
    client = github.GitHubClient(os.environ.get("RADAR_API_URL") or github.DEFAULT_API_URL,
                                 github.token_from_env(os.environ), max_wait=10,
                                 retry=github.RetryPolicy(attempts=2, base=0.5), timeout=(5, 20))
    try:
        return fetch.fetch_issue(client, repo, number, db_path())
    finally:
        client.close()
