"""Every read query of the app, as functions of (connection, filters) returning DataFrames.

Values are always bound as parameters; column names come only from the allow-lists here.
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd

from etl.versions import sort_key
from radar.filters import MULTI, Filters

REPORT_KINDS = ("issue", "comment")  # me-too comments are a signal, not a report with facts


def filtered_reports(f: Filters, kinds=REPORT_KINDS, usage_only: bool = True) -> tuple[str, list]:
    """SQL (a SELECT) of the reports that pass the filters, joined with their issue's fields."""
    where, params = ["p.kind IN (SELECT unnest(?))"], [list(kinds)]
    if usage_only:
        where.append("p.is_usage_related")
    if f.repo:
        where.append("p.repo = ?")
        params.append(f.repo)
    if f.date_from:
        where.append("p.created_at >= ?")
        params.append(f.date_from)
    if f.date_to:
        where.append("p.created_at < ?")
        params.append(f.date_to + timedelta(days=1))
    if f.latest_n:
        where.append("""p.version_key IN (SELECT version_key FROM (SELECT DISTINCT repo, version_key FROM reports)
                        WHERE version_key IS NOT NULL AND (? IS NULL OR repo = ?)
                        ORDER BY version_key DESC LIMIT ?)""")
        params += [f.repo, f.repo, f.latest_n]
    else:
        for bound, op in ((f.version_lo, ">="), (f.version_hi, "<=")):
            if bound and sort_key(bound):
                where.append(f"p.version_key {op} ?")
                params.append(sort_key(bound))
    for name, column in MULTI.items():
        values = list(getattr(f, name))
        if not values:
            continue
        if name == "label":
            where.append("list_has_any(i.labels, ?)")
        elif name == "state":
            where.append("i.state IN (SELECT unnest(?))")
        else:
            where.append(f"coalesce(p.{column}, 'unknown') IN (SELECT unnest(?))")
        params.append(values)
    sql = f"""SELECT p.*, i.state, i.labels, i.title, i.html_url
              FROM reports p JOIN issues i USING (repo, number)
              WHERE {' AND '.join(where)}"""
    return sql, params


def repos(con) -> pd.DataFrame:
    return con.execute("""
        SELECT r.repo, r.is_demo,
               count(DISTINCT i.number) FILTER (WHERE NOT i.is_pull_request) AS issues,
               max(i.updated_at) AS newest_update
        FROM repos r LEFT JOIN issues i USING (repo)
        GROUP BY r.repo, r.is_demo ORDER BY r.repo""").df()


def last_syncs(con) -> pd.DataFrame:
    return con.execute("""
        SELECT repo, arg_max(kind, finished_at) AS kind, max(finished_at) AS finished_at,
               arg_max(outcome, finished_at) AS outcome
        FROM sync_runs GROUP BY repo ORDER BY repo""").df()


def versions(con, repo: str | None) -> list[str]:
    """Versions that reports mention, in semantic order."""
    rows = con.execute("""
        SELECT version FROM reports
        WHERE version_key IS NOT NULL AND (? IS NULL OR repo = ?)
        GROUP BY version, version_key ORDER BY version_key""", [repo, repo]).fetchall()
    return [v for (v,) in rows]


def date_bounds(con, repo: str | None):
    return con.execute("SELECT min(created_at)::DATE, max(created_at)::DATE FROM reports WHERE ? IS NULL OR repo = ?",
                       [repo, repo]).fetchone()


def summary(con, f: Filters) -> pd.DataFrame:
    sql, params = filtered_reports(f)
    return con.execute(f"""
        SELECT count(*) AS reports, count(DISTINCT author) AS reporters,
               count(DISTINCT (repo, number)) AS issues,
               count(DISTINCT version) AS versions
        FROM ({sql})""", params).df()


def reports_by_version(con, f: Filters) -> pd.DataFrame:
    """Reports, distinct reporters and distinct issues per client version, in semantic order."""
    sql, params = filtered_reports(f)
    return con.execute(f"""
        SELECT version, count(*) AS reports, count(DISTINCT author) AS reporters,
               count(DISTINCT (repo, number)) AS issues
        FROM ({sql}) WHERE version_key IS NOT NULL
        GROUP BY version, version_key ORDER BY version_key""", params).df()
