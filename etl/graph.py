"""Derived link tables: `issue_links` from bodies, comments and timeline events, and `clusters`
from duplicate links. Reads stored raw data, writes derived rows; the logic is in links.py and
clusters.py."""
from __future__ import annotations

import pyarrow as pa

from etl import load
from etl.clusters import IssueFacts, canonical_map
from etl.links import links_in_text

# A signature that is only a status code ("429") says too little to call two issues the same error.
def specific_signature(alias: str = "") -> str:
    return f"{alias}signature IS NOT NULL AND length({alias}signature) > 12"
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
    # A triager's "duplicate of #N" (etl/corrections.py) is a link like GitHub's, and a decision.
    rows += [(repo, n, repo, int(target), "duplicate_of", "triage") for n, target in con.execute(
        """SELECT number, value FROM corrections WHERE repo = ? AND number IN (SELECT unnest(?))
           AND field = 'duplicate_of'""", params).fetchall()]
    rows = list(dict.fromkeys(rows))
    con.execute("DELETE FROM issue_links WHERE repo = ? AND number IN (SELECT unnest(?))", params)
    load.upsert_rows(con, "issue_links", LINK_COLUMNS, rows)
    return len(rows)


def queue_clusters(con, repo: str, numbers) -> None:
    """Queue issues whose cluster may have moved, in the transaction that moved it."""
    numbers = sorted(set(numbers))
    if numbers:
        con.execute("INSERT OR IGNORE INTO cluster_queue SELECT ?, unnest(?)", [repo, numbers])


def queued_clusters(con, repo: str) -> list[int]:
    return [n for (n,) in con.execute("SELECT number FROM cluster_queue WHERE repo = ? ORDER BY number", [repo]).fetchall()]


# Each issue's facts for picking a canonical issue (etl/clusters.py), with its body's specific
# signature. GitHub's signs of a duplicate: closed as one, labelled one, or marked by an event.
_FACTS = f"""
    SELECT i.number, coalesce(i.reactions_total, 0) + coalesce(i.comment_count, 0) AS engagement,
           coalesce(i.state_reason = 'duplicate', false)
             OR coalesce(list_contains(list_transform(i.labels, lambda l: lower(l)), 'duplicate'), false)
             OR i.number IN (SELECT issue_number FROM timeline_events
                             WHERE repo = $repo AND event = 'marked_as_duplicate') AS is_duplicate,
           i.number IN (SELECT number FROM corrections WHERE repo = $repo AND field = 'canonical') AS chosen,
           r.signature AS sig
    FROM issues i LEFT JOIN reports r ON r.repo = i.repo AND r.number = i.number AND r.kind = 'issue'
                                         AND {specific_signature("r.")}
    WHERE i.repo = $repo AND NOT i.is_pull_request"""


def rebuild_clusters(con, repo: str, numbers=None) -> int:
    """Recompute the canonical issues of the clusters these issues belong to, as stored and as
    they are now (of the whole repo when `numbers` is None), and take them off the queue. Returns
    how many issues fold into another.

    An issue's cluster joins it to its duplicate links; its same-error cluster also to every issue
    with the same specific signature. A signature group can hold most of a repo, so it enters
    canonical_map as one member — its best candidate, picked in SQL — and the cost follows the
    number of signatures and linked issues involved, not the number of issues."""
    sigs, loose = (None, None) if numbers is None else _scope(con, repo, set(numbers))
    if sigs is not None and not sigs and not loose:
        return 0
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _facts AS SELECT * FROM ({_FACTS})
                    WHERE $everything OR sig IN (SELECT unnest($sigs)) OR number IN (SELECT unnest($loose))""",
                {"repo": repo, "everything": numbers is None, "sigs": sorted(sigs or ()), "loose": sorted(loose or ())})
    # Only an issue that GitHub shows as a duplicate, or a triager marked as one, folds into
    # another: a passer-by's "duplicate of #12" on an open issue is a hint, not a decision.
    edges = con.execute("""
        SELECT DISTINCT l.number, l.target_number FROM issue_links l
        JOIN _facts s ON s.number = l.number AND (s.is_duplicate OR l.source = 'triage')
        JOIN _facts t ON t.number = l.target_number
        WHERE l.repo = ? AND l.target_repo = l.repo AND l.kind = 'duplicate_of' AND l.number <> l.target_number""",
                        [repo]).fetchall()
    pointing = sorted({a for a, _ in edges})
    linked = sorted({n for e in edges for n in e})
    linked = sorted(set(linked) | {n for (n,) in con.execute("SELECT number FROM _facts WHERE chosen").fetchall()})
    facts = {n: (IssueFacts(n, eng, dup, chosen), sig) for n, eng, dup, chosen, sig in con.execute(
        "SELECT number, engagement, is_duplicate, chosen, sig FROM _facts WHERE number IN (SELECT unnest(?))",
        [linked]).fetchall()}
    # Per signature, the member canonical_map would pick: chosen by a triager, else not pointing
    # elsewhere if one is, then by its order (not a duplicate, most engaged, oldest).
    best = {sig: IssueFacts(n, eng, dup, chosen) for sig, n, eng, dup, chosen in con.execute("""
        SELECT sig, number, engagement, is_duplicate, chosen FROM _facts WHERE sig IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY sig ORDER BY NOT chosen, number IN (SELECT unnest(?)), is_duplicate,
                                   engagement DESC, number) = 1""", [pointing]).fetchall()}
    members = [f for f, _ in facts.values()] + [f for f in best.values() if f.number not in facts]
    same_error = [(n, best[sig].number) for n, (_, sig) in facts.items() if sig is not None]
    mapping = canonical_map([f for f, _ in facts.values()], edges)
    by_error = canonical_map(members, edges, same_error)
    con.register("_linked", pa.table({"number": list(facts), "canonical": [mapping[n] for n in facts],
                                      "error": [by_error[n] for n in facts]}))
    con.register("_groups", pa.table({"sig": list(best), "error": [by_error[f.number] for f in best.values()]}))
    try:
        con.execute("""CREATE OR REPLACE TEMP TABLE _moved AS
            SELECT f.number, coalesce(l.canonical, f.number) AS canonical_number,
                   coalesce(l.error, g.error, f.number) AS error_canonical
            FROM _facts f LEFT JOIN _linked l ON l.number = f.number LEFT JOIN _groups g ON g.sig = f.sig
            LEFT JOIN clusters c ON c.repo = $repo AND c.number = f.number
            WHERE c.number IS NULL OR c.canonical_number <> coalesce(l.canonical, f.number)
               OR c.error_canonical <> coalesce(l.error, g.error, f.number)""", {"repo": repo})
    finally:
        con.unregister("_linked")
        con.unregister("_groups")
    if numbers is None:  # PRs and issues no longer stored
        con.execute("DELETE FROM clusters WHERE repo = ? AND number NOT IN (SELECT number FROM _facts)", [repo])
    con.execute("""INSERT OR REPLACE INTO clusters (repo, number, canonical_number, error_canonical)
                   SELECT ?, number, canonical_number, error_canonical FROM _moved""", [repo])
    moved = [n for (n,) in con.execute("SELECT number FROM _moved").fetchall()]
    if moved or numbers is None:  # a whole rebuild also repairs reports whatever moved
        load.refresh_report_clusters(con, repo, None if numbers is None else moved)
    con.execute("DELETE FROM cluster_queue WHERE repo = ? AND (? OR number IN (SELECT unnest(?)))",
                [repo, numbers is None, sorted(numbers or ())])
    con.execute("DROP TABLE _facts; DROP TABLE _moved")
    return sum(1 for n, c in mapping.items() if n != c)


def _scope(con, repo: str, numbers: set[int]) -> tuple[set[str], set[int]]:
    """The signatures and the issues outside them that share a cluster with these issues, as
    stored or as they are now: walked out by duplicate links, signatures and stored same-error
    clusters until nothing new turns up. Each step returns signatures, not their members."""
    sigs: set[str] = set()
    issues: set[int] = set()
    new_issues, new_sigs = set(numbers), set()
    while new_issues or new_sigs:
        issues |= new_issues
        sigs |= new_sigs
        rows = con.execute(f"""
            WITH fi AS (SELECT unnest($issues) AS n), fs AS (SELECT unnest($sigs) AS s),
                 body AS (SELECT number, signature FROM reports WHERE repo = $repo AND kind = 'issue'
                          AND {specific_signature()}),
                 -- the stored same-error clusters of the new issues and of the new signatures' members
                 old AS (SELECT DISTINCT error_canonical FROM clusters WHERE repo = $repo AND (
                             number IN (SELECT n FROM fi)
                             OR number IN (SELECT number FROM body WHERE signature IN (SELECT s FROM fs)))),
                 mates AS (SELECT number FROM clusters WHERE repo = $repo
                           AND error_canonical IN (SELECT error_canonical FROM old)),
                 links AS (SELECT number, target_number FROM issue_links WHERE repo = $repo
                           AND target_repo = repo AND kind = 'duplicate_of')
            SELECT 's', signature, NULL FROM body WHERE number IN (SELECT n FROM fi) OR number IN (SELECT number FROM mates)
            UNION SELECT 'i', NULL, number FROM mates WHERE number NOT IN (SELECT number FROM body)
            UNION SELECT 'i', NULL, target_number FROM links WHERE number IN (SELECT n FROM fi)
            UNION SELECT 'i', NULL, number FROM links WHERE target_number IN (SELECT n FROM fi)
            UNION SELECT 'i', NULL, l.number FROM links l JOIN body b ON b.number = l.number
                  WHERE b.signature IN (SELECT s FROM fs)
            UNION SELECT 'i', NULL, l.target_number FROM links l JOIN body b ON b.number = l.target_number
                  WHERE b.signature IN (SELECT s FROM fs)""",
                           {"repo": repo, "issues": sorted(new_issues), "sigs": sorted(new_sigs)}).fetchall()
        new_sigs = {sig for kind, sig, _ in rows if kind == "s"} - sigs
        new_issues = {n for kind, _, n in rows if kind == "i"} - issues
    return sigs, issues


def rebuild_derived(con, repo: str, numbers) -> int:
    """Reports and links of these issues, from what is stored (clusters are rebuilt once per run)."""
    numbers = sorted(set(numbers))
    rebuild_links(con, repo, numbers)
    return load.rebuild_reports(con, repo, numbers)
