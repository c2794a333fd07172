"""Derived link tables: `issue_links` from bodies, comments and timeline events, and `clusters`
from duplicate links. Reads stored raw data, writes derived rows; the logic is in links.py and
clusters.py."""
from __future__ import annotations

from etl import load
from etl.clusters import IssueFacts, canonical_map
from etl.links import is_duplicate_marker, links_in_text

# A signature that is only a status code ("429") says too little to call two issues the same error.
SPECIFIC_SIGNATURE = "signature IS NOT NULL AND length(signature) > 12"
LINK_COLUMNS = ("repo", "number", "target_repo", "target_number", "kind", "source")


def _text_links(repo: str, rows, source: str) -> list[tuple]:
    return [(repo, number, t_repo, t_number, kind, source)
            for number, text in rows for t_repo, t_number, kind in links_in_text(text, repo, number)]


def rebuild_links(con, repo: str, numbers: list[int]) -> int:
    """Re-derive the links of these issues from their body, comments and timeline events."""
    numbers = sorted(set(numbers))
    if not numbers:
        return 0
    params = [repo, numbers]
    bodies = con.execute("SELECT number, body FROM issues WHERE repo = ? AND number IN (SELECT unnest(?))", params).fetchall()
    comments = con.execute("SELECT issue_number, body FROM comments WHERE repo = ? AND issue_number IN (SELECT unnest(?))",
                           params).fetchall()
    rows = _text_links(repo, bodies, "body") + _text_links(repo, comments, "comment")
    # A cross-reference event on issue N says another issue or PR mentioned N.
    rows += [(repo, n, src_repo or repo, src_number, "cross_referenced_by", "timeline")
             for n, src_repo, src_number in con.execute(
                 """SELECT issue_number, source_repo, source_number FROM timeline_events
                    WHERE repo = ? AND issue_number IN (SELECT unnest(?)) AND event = 'cross-referenced'
                      AND source_number IS NOT NULL""", params).fetchall()]
    rows = list(dict.fromkeys(rows))
    con.execute("DELETE FROM issue_links WHERE repo = ? AND number IN (SELECT unnest(?))", params)
    load.upsert_rows(con, "issue_links", LINK_COLUMNS, rows)
    return len(rows)


def rebuild_clusters(con, repo: str) -> int:
    """Recompute every issue's canonical issue in this repo (cheap: one pass over its issues)."""
    marked_by_event = {n for (n,) in con.execute(
        "SELECT DISTINCT issue_number FROM timeline_events WHERE repo = ? AND event = 'marked_as_duplicate'",
        [repo]).fetchall()}
    facts = [IssueFacts(n, (reactions or 0) + (comments or 0), is_duplicate_marker(reason, labels) or n in marked_by_event)
             for n, reactions, comments, reason, labels in con.execute(
                 """SELECT number, reactions_total, comment_count, state_reason, labels FROM issues
                    WHERE repo = ? AND NOT is_pull_request""", [repo]).fetchall()]
    duplicates = {f.number for f in facts if f.is_duplicate}
    # Only an issue that GitHub shows as a duplicate folds into another: a passer-by's
    # "duplicate of #12" on an open issue is a hint, not a decision.
    edges = [(n, t) for n, t in con.execute(
        """SELECT number, target_number FROM issue_links
           WHERE repo = ? AND target_repo = ? AND kind = 'duplicate_of'""", [repo, repo]).fetchall()
             if n in duplicates]
    mapping = canonical_map(facts, edges)
    by_error = canonical_map(facts, edges, _same_error_edges(con, repo))
    con.execute("DELETE FROM clusters WHERE repo = ?", [repo])
    load.upsert_rows(con, "clusters", ("repo", "number", "canonical_number", "error_canonical"),
                     [(repo, n, c, by_error[n]) for n, c in mapping.items()])
    load.refresh_report_clusters(con, repo)
    return sum(1 for n, c in mapping.items() if n != c)


def _same_error_edges(con, repo: str) -> list[tuple[int, int]]:
    """Issues whose body report has the same specific signature, chained to the group's first."""
    rows = con.execute(f"""
        SELECT number, min(number) OVER (PARTITION BY signature) FROM reports
        WHERE repo = ? AND kind = 'issue' AND {SPECIFIC_SIGNATURE}""", [repo]).fetchall()
    return [(n, first) for n, first in rows if n != first]


def rebuild_derived(con, repo: str, numbers) -> int:
    """Reports and links of these issues, from what is stored (clusters are rebuilt once per run)."""
    numbers = sorted(set(numbers))
    rebuild_links(con, repo, numbers)
    return load.rebuild_reports(con, repo, numbers)
