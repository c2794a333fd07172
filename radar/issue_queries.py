"""Read queries about one issue (the issue report) and across repositories (Compare).

Like radar/queries.py: functions of a connection, values bound as parameters, DataFrames out.
"""
from __future__ import annotations

import pandas as pd

from radar.filters import Filters
from radar.queries import filtered_reports


def issue(con, repo: str, number: int) -> pd.DataFrame:
    return con.execute("SELECT * FROM issues WHERE repo = ? AND number = ?", [repo, number]).df()


def issue_reports(con, repo: str, number: int) -> pd.DataFrame:
    return con.execute("""SELECT * EXCLUDE (parser_version) FROM reports WHERE repo = ? AND number = ?
                          ORDER BY comment_id""", [repo, number]).df()


def corrections(con, repo: str, number: int) -> pd.DataFrame:
    """The issue's corrections in force: field, what the parser read, the correction, who, when, why."""
    return con.execute("""SELECT field, parsed AS parser, value AS corrected, corrected_by, corrected_at, note
                          FROM corrections WHERE repo = ? AND number = ? ORDER BY field""", [repo, number]).df()


def event_counts(con, repo: str, number: int) -> pd.DataFrame:
    """Timeline events by kind, with comments counted as 'commented' the way GitHub's timeline does."""
    return con.execute("""
        SELECT event, count(*) AS n FROM (
            SELECT event FROM timeline_events WHERE repo = ? AND issue_number = ?
            UNION ALL SELECT 'commented' FROM comments WHERE repo = ? AND issue_number = ?)
        GROUP BY event ORDER BY n DESC, event""", [repo, number, repo, number]).df()


def participants(con, repo: str, number: int) -> list[str]:
    rows = con.execute("""
        SELECT DISTINCT who FROM (
            SELECT author AS who FROM issues WHERE repo = ? AND number = ?
            UNION ALL SELECT author FROM comments WHERE repo = ? AND issue_number = ?)
        WHERE who IS NOT NULL ORDER BY who""", [repo, number, repo, number]).fetchall()
    return [w for (w,) in rows]


def links(con, repo: str, number: int) -> pd.DataFrame:
    """Links from and to this issue, with what is known of the other side."""
    return con.execute("""
        WITH l AS (
            SELECT target_repo AS other_repo, target_number AS other_number, kind, source, 'out' AS direction
            FROM issue_links WHERE repo = ? AND number = ?
            UNION ALL
            SELECT repo, number, kind, source, 'in' FROM issue_links
            WHERE target_repo = ? AND target_number = ? AND NOT (repo = ? AND number = ?))
        SELECT l.*, i.title, i.state, i.state_reason, i.is_pull_request, i.html_url
        FROM l LEFT JOIN issues i ON i.repo = l.other_repo AND i.number = l.other_number
        ORDER BY l.other_repo, l.other_number, l.kind""", [repo, number, repo, number, repo, number]).df()


def cluster(con, repo: str, number: int) -> pd.DataFrame:
    """Issues in this issue's error cluster (its duplicates and issues with the same specific
    error signature, as the pipeline stored them). `canonical` is the cluster's issue to follow;
    `duplicate_of` is set where GitHub folded the issue into another."""
    return con.execute("""
        WITH me AS (SELECT coalesce((SELECT error_canonical FROM clusters WHERE repo = ? AND number = ?), ?) AS canon)
        SELECT i.number, i.title, i.state, i.state_reason, i.created_at, i.closed_at, i.reactions_total,
               i.comment_count, i.html_url, coalesce(c.error_canonical, i.number) AS canonical,
               CASE WHEN c.canonical_number <> i.number THEN c.canonical_number END AS duplicate_of
        FROM issues i LEFT JOIN clusters c USING (repo, number), me
        WHERE i.repo = ? AND (c.error_canonical = me.canon OR i.number = ?)
        ORDER BY i.number""", [repo, number, number, repo, number]).df()


def cluster_reports(con, repo: str, numbers: list[int]) -> pd.DataFrame:
    return con.execute("""
        SELECT number, comment_id, kind, author, created_at, version, version_key, os, plan, provider,
               error_category, signature
        FROM reports WHERE repo = ? AND number IN (SELECT unnest(?)) ORDER BY created_at""",
        [repo, [int(n) for n in numbers]]).df()


# ---- Compare: repositories side by side. The global filters apply except the repository and
# the version range: each client numbers its releases its own way.

def _all_repos(f: Filters) -> tuple[str, list]:
    return filtered_reports(f.with_(repo=None, latest_n=None, version_lo=None, version_hi=None))


def compare_categories(con, f: Filters) -> pd.DataFrame:
    """Per repo and category: issues with that category per 100 usage-related issues."""
    sql, params = _all_repos(f)
    return con.execute(f"""
        WITH r AS ({sql}),
        per AS (SELECT repo, error_category, count(DISTINCT number) AS issues FROM r
                WHERE kind = 'issue' GROUP BY ALL),
        tot AS (SELECT repo, count(DISTINCT number) AS total FROM r WHERE kind = 'issue' GROUP BY repo)
        SELECT per.repo, coalesce(per.error_category, 'unknown') AS category, per.issues, tot.total,
               round(100.0 * per.issues / tot.total, 1) AS per_100_issues
        FROM per JOIN tot USING (repo) ORDER BY per.repo, per_100_issues DESC, category""", params).df()


def compare_versions(con, f: Filters) -> pd.DataFrame:
    """Per repo: reports per client version, in each repo's release order."""
    sql, params = _all_repos(f)
    return con.execute(f"""
        SELECT repo, version, count(*) AS reports, count(DISTINCT author) AS reporters,
               row_number() OVER (PARTITION BY repo ORDER BY version_key) AS release_index
        FROM ({sql}) WHERE version_key IS NOT NULL
        GROUP BY repo, version, version_key ORDER BY repo, version_key""", params).df()


def compare_signatures(con, f: Filters, top: int = 10) -> pd.DataFrame:
    """Per repo: the most reported error signatures."""
    sql, params = _all_repos(f)
    return con.execute(f"""
        SELECT repo, signature, error_category, reports, issues FROM (
            SELECT repo, signature, any_value(error_category) AS error_category, count(*) AS reports,
                   count(DISTINCT number) AS issues,
                   row_number() OVER (PARTITION BY repo ORDER BY count(*) DESC, signature) AS rank
            FROM ({sql}) WHERE signature IS NOT NULL GROUP BY repo, signature)
        WHERE rank <= ? ORDER BY repo, rank""", [*params, top]).df()
