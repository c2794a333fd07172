"""Writes to DuckDB: idempotent upserts of raw objects and the derived reports.

Savers take iterables of API objects (one page at a time from a pull, or a whole file from an
import) and write them in one transaction, so a page is either fully stored or not at all.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from etl import config, corrections, records
from etl.transform import REPORT_COLUMNS, Comment, reports_for_issue


def upsert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: tuple, rows: list[tuple]) -> None:
    """Insert or replace rows (tuples in `columns` order) as one Arrow batch: far faster than
    row-by-row inserts."""
    if not rows:
        return
    batch = pa.table({c: list(v) for c, v in zip(columns, zip(*rows))})
    cols = ", ".join(columns)
    con.register("_batch", batch)
    try:
        con.execute(f"INSERT OR REPLACE INTO {table} ({cols}) SELECT {cols} FROM _batch")
    finally:
        con.unregister("_batch")


def _dedupe(rows: list[tuple], key_len: int) -> list[tuple]:
    """Last row wins per key: one batch may hold the same object twice (overlapping pages)."""
    return list({r[:key_len]: r for r in rows}.values())


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def upsert_issues(con, repo: str, objs: Iterable[dict], seen_at: datetime | None = None) -> list[int]:
    """Store issues and PRs; returns the numbers of issues (not PRs) whose content changed.
    `seen_at` dates the reaction snapshot (default now; the demo backdates its earlier state)."""
    rows = _dedupe([records.issue_row(repo, o) for o in objs], 2)
    if not rows:
        return []
    numbers = [r[1] for r in rows]
    before = dict(con.execute(
        "SELECT number, updated_at FROM issues WHERE repo = ? AND number IN (SELECT unnest(?))",
        [repo, numbers]).fetchall())
    upsert_rows(con, "issues", records.ISSUE_COLUMNS, rows)
    _snapshot_reactions(con, repo, numbers, seen_at or now())
    pr_col = records.ISSUE_COLUMNS.index("is_pull_request")
    upd_col = records.ISSUE_COLUMNS.index("updated_at")
    return [r[1] for r in rows if not r[pr_col] and (r[1] not in before or before[r[1]] != r[upd_col])]


def _snapshot_reactions(con, repo: str, numbers: list[int], seen_at: datetime) -> None:
    """A snapshot row only when counts moved since the last one, so re-loading adds nothing."""
    con.execute(
        """
        INSERT INTO reaction_snapshots
        SELECT i.repo, i.number, ?, i.reactions_total, i.reactions_plus1, i.comment_count
        FROM issues i
        LEFT JOIN (SELECT repo, number, arg_max(reactions_total, taken_at) AS t,
                          arg_max(reactions_plus1, taken_at) AS p,
                          arg_max(comment_count, taken_at) AS c
                   FROM reaction_snapshots WHERE repo = ? GROUP BY ALL) s USING (repo, number)
        WHERE i.repo = ? AND i.number IN (SELECT unnest(?)) AND NOT i.is_pull_request
          AND (s.t IS NULL OR s.t IS DISTINCT FROM i.reactions_total
               OR s.p IS DISTINCT FROM i.reactions_plus1 OR s.c IS DISTINCT FROM i.comment_count)
        """,
        [seen_at, repo, repo, numbers],
    )


def upsert_comments(con, repo: str, objs: Iterable[dict]) -> list[int]:
    """Store comments; returns the issue numbers they belong to."""
    rows = _dedupe([records.comment_row(repo, o) for o in objs], 2)
    upsert_rows(con, "comments", records.COMMENT_COLUMNS, rows)
    return sorted({r[2] for r in rows})


def upsert_events(con, repo: str, objs: Iterable[dict], issue_number: int | None = None) -> list[int]:
    rows = _dedupe([records.event_row(repo, o, issue_number) for o in objs], 2)
    upsert_rows(con, "timeline_events", records.EVENT_COLUMNS, rows)
    return sorted({r[2] for r in rows})


def rebuild_reports(con, repo: str, numbers: Iterable[int] | None = None, taxonomy=None) -> int:
    """Re-derive the reports of these issues (all of the repo's when None) from stored raw data,
    with the repository's own taxonomy when radar.toml names one."""
    if taxonomy is None:
        taxonomy = config.taxonomy_for(repo)
    where, params = "repo = ? AND NOT is_pull_request", [repo]
    if numbers is not None:
        numbers = sorted(set(numbers))
        if not numbers:
            return 0
        where += " AND number IN (SELECT unnest(?))"
        params.append(numbers)
    issues = con.execute(
        f"SELECT number, title, body, labels, author, created_at FROM issues WHERE {where}", params
    ).fetchall()
    by_issue: dict[int, list[Comment]] = {}
    for num, cid, author, body, created, assoc in con.execute(
        f"""SELECT issue_number, id, author, body, created_at, author_association FROM comments
            WHERE repo = ? AND issue_number IN (SELECT number FROM issues WHERE {where})
            ORDER BY created_at, id""",
        [repo, *params],
    ).fetchall():
        by_issue.setdefault(num, []).append(Comment(cid, author, body, created, assoc))
    rows = []
    for number, title, body, labels, author, created in issues:
        rows += reports_for_issue(repo, number, title, body, labels, author, created,
                                  by_issue.get(number, []), taxonomy=taxonomy)
    con.execute(f"DELETE FROM reports WHERE repo = ? AND number IN (SELECT number FROM issues WHERE {where})",
                [repo, *params])
    _insert_reports(con, rows)
    return len(rows)


def _insert_reports(con, rows: list[tuple]) -> None:
    """Report rows plus their counting keys: author id (new authors get one), cluster, cluster key."""
    if not rows:
        return
    ensure_repo(con, rows[0][0])
    con.register("_reports", pa.table({c: list(v) for c, v in zip(REPORT_COLUMNS, zip(*rows))}))
    try:
        # Only new authors draw an id (ON CONFLICT would burn one per known author: dense ids
        # keep the app's per-author bitmaps small).
        con.execute("INSERT INTO authors (author) SELECT DISTINCT b.author FROM _reports b "
                    "ANTI JOIN authors a ON a.author = b.author WHERE b.author IS NOT NULL")
        cols = ", ".join(REPORT_COLUMNS)
        con.execute(f"""
            INSERT OR REPLACE INTO reports ({cols}, author_id, canonical, cluster_key)
            SELECT {', '.join('b.' + c for c in REPORT_COLUMNS)}, a.id, coalesce(c.canonical_number, b.number),
                   (r.id::BIGINT << 32) + coalesce(c.canonical_number, b.number)
            FROM _reports b JOIN repos r ON r.repo = b.repo
            LEFT JOIN authors a ON a.author = b.author
            LEFT JOIN clusters c ON c.repo = b.repo AND c.number = b.number""")
    finally:
        con.unregister("_reports")
    corrections.overlay(con, rows[0][0], {r[1] for r in rows})  # a person's judgement over the parser's


def refresh_report_clusters(con, repo: str, numbers: list[int] | None = None) -> None:
    """After clusters changed: move reports whose issue now folds elsewhere (only those rows; only
    these issues' when numbers are given)."""
    scope = "" if numbers is None else "AND reports.number IN (SELECT unnest(?))"
    con.execute(f"""
        UPDATE reports SET canonical = c.canonical_number, cluster_key = (r.id::BIGINT << 32) + c.canonical_number
        FROM clusters c, repos r
        WHERE reports.repo = ? AND c.repo = reports.repo AND c.number = reports.number AND r.repo = reports.repo
          AND reports.canonical IS DISTINCT FROM c.canonical_number {scope}""", [repo] + ([] if numbers is None else [numbers]))


def ensure_repo(con, repo: str, is_demo: bool = False) -> None:
    con.execute("INSERT INTO repos (repo, is_demo, added_at) VALUES (?, ?, ?) ON CONFLICT (repo) DO NOTHING",
                [repo, is_demo, now()])


def record_run(con, repo: str | None, kind: str, started_at: datetime, outcome: str, **counts) -> None:
    cols = ["repo", "kind", "started_at", "finished_at", "outcome", *counts]
    con.execute(
        f"INSERT INTO sync_runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [repo, kind, started_at, now(), outcome, *counts.values()],
    )
