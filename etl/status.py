"""`python -m etl status`: a plain-text summary of what the database holds."""
from __future__ import annotations

import duckdb

from etl import db
from etl.transform import PARSER_VERSION


def describe(path=None) -> str:
    with db.reading(path) as con:
        lines = [f"database: {path or db.default_db_path()}"]
        repos = con.execute("""
            SELECT r.repo, r.is_demo,
                   (SELECT count(*) FROM issues i WHERE i.repo = r.repo AND NOT i.is_pull_request),
                   (SELECT count(*) FROM issues i WHERE i.repo = r.repo AND i.is_pull_request),
                   (SELECT count(*) FROM comments c WHERE c.repo = r.repo),
                   (SELECT count(*) FROM reports p WHERE p.repo = r.repo AND p.kind <> 'me_too'),
                   (SELECT count(*) FROM reports p WHERE p.repo = r.repo AND p.kind = 'issue' AND p.is_usage_related),
                   (SELECT max(updated_at) FROM issues i WHERE i.repo = r.repo),
                   (SELECT max(finished_at) || ' (' || arg_max(kind, finished_at) || ', ' || arg_max(outcome, finished_at) || ')'
                      FROM sync_runs s WHERE s.repo = r.repo)
            FROM repos r ORDER BY r.repo""").fetchall()
        if not repos:
            lines.append("no data yet: run `python -m etl demo` or `python -m etl pull --repo OWNER/NAME`")
        for repo, is_demo, issues, prs, comments, reports, usage, newest, last in repos:
            lines.append(f"{repo}{' [synthetic demo data]' if is_demo else ''}: {issues} issues, {prs} pull requests, "
                         f"{comments} comments, {reports} reports ({usage} usage-related issues); "
                         f"newest update {newest}; last sync {last}")
        failed = _parse_failures(con)
        if failed:
            lines.append(f"{failed} reports could not be parsed (stored empty, each with its error): "
                         "see the Data quality page")
        if _stale_reports(con):
            lines.append("reports were derived by an earlier version: run `python -m etl reparse`")
        return "\n".join(lines)


def _parse_failures(con) -> int:
    try:
        return con.execute("SELECT count(*) FROM reports WHERE parse_error IS NOT NULL").fetchone()[0]
    except duckdb.BinderException:  # a database from before the column: reparse adds it
        return 0


def _stale_reports(con) -> bool:
    """Reports read by an earlier parser, or without the counting keys a current load stores
    (or a schema without them)."""
    try:
        return con.execute("SELECT count(*) > 0 FROM reports WHERE cluster_key IS NULL OR parser_version <> ?",
                           [PARSER_VERSION]).fetchone()[0]
    except duckdb.BinderException:
        return True
