"""Bringing the served database in line with the corrections file (etl/corrections.py).

Runs at the end of every writing run (db.writing) and when the app saves a correction. It reads
the corrections in force, and only when they differ from the database's mirror does it write:
the mirror rows of the issues concerned, then their links, reports (re-derived, with the
corrections laid over them) and clusters. So an undo gives back exactly the parser's reading, and
a run that changed nothing leaves the file untouched.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from etl import config, corrections, graph
from etl.parse.taxonomy import DEFAULT


def categories_for(repo: str) -> tuple[str, ...]:
    """The error categories a correction may name for this repository (its taxonomy's)."""
    taxonomy = config.taxonomy_for(repo) or DEFAULT
    return (*(c.name for c in taxonomy.categories), taxonomy.fallback)


def sync(con, db_path: Path) -> int:
    """Apply the corrections file to the database; returns how many issues it re-derived."""
    wanted = {c.key() for c in corrections.in_force(db_path)}
    have = set(con.execute("SELECT repo, number, field, value, corrected_by, corrected_at, note FROM corrections").fetchall())
    changed: dict[str, set[int]] = defaultdict(set)
    for repo, number, *_ in wanted ^ have:
        changed[repo].add(number)
    if not changed:
        return 0
    con.begin()
    try:
        for repo, numbers in changed.items():
            con.execute("DELETE FROM corrections WHERE repo = ? AND number IN (SELECT unnest(?))", [repo, sorted(numbers)])
        mirror = [list(k) for k in wanted if k[1] in changed.get(k[0], ())]
        if mirror:  # (none left after an undo)
            con.executemany("INSERT INTO corrections (repo, number, field, value, corrected_by, corrected_at, note) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)", mirror)
        for repo, numbers in changed.items():
            stored = [n for (n,) in con.execute("SELECT number FROM issues WHERE repo = ? AND number IN (SELECT unnest(?))",
                                                [repo, sorted(numbers)]).fetchall()]
            if stored:  # a correction of an issue not loaded yet applies when it arrives
                graph.rebuild_derived(con, repo, stored)
                graph.queue_clusters(con, repo, stored)
                graph.rebuild_clusters(con, repo, graph.queued_clusters(con, repo))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return sum(len(n) for n in changed.values())
