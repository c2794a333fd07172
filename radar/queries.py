"""Every read query of the app, as functions of (connection, filters) returning DataFrames.

Values are always bound as parameters; column names come only from the allow-lists here.

Counting rules: a report is counted once, under the cluster of its issue (`canonical`: the
issue's entry in `clusters`, or the issue itself), so duplicates fold into their canonical issue
without being dropped or double-counted. "Reports" are issue bodies and report-like comments;
"people affected" also counts me-too comments (kind 'me_too'). Issue-level numbers (reactions)
are summed over distinct issues, never over reports.
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd

from etl.versions import sort_key
from radar.filters import MULTI, Filters

REPORT_KINDS = ("issue", "comment")  # me-too comments are a signal, not a report with facts
ALL_KINDS = ("issue", "comment", "me_too")
# Counting keys are kept on every report at load time (etl/load.py): small integer author ids,
# and the cluster key of the issue's canonical issue, so distinct counts need no join or hashing.
PEOPLE = "count(DISTINCT author_id)"
CLUSTERS = "count(DISTINCT cluster_key)"
# Chart dimensions: name -> column of filtered_reports (an allow-list, like filters.MULTI).
DIMENSIONS = {"category": "error_category", "os": "os", "plan": "plan", "provider": "provider",
              "version": "version", "signature": "signature"}


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
            where.append("(repo, number) IN (SELECT (repo, number) FROM issues WHERE list_has_any(labels, ?))")
        elif name == "state":
            where.append("(repo, number) IN (SELECT (repo, number) FROM issues WHERE state IN (SELECT unnest(?)))")
        else:
            where.append(f"coalesce(p.{column}, 'unknown') IN (SELECT unnest(?))")
        params.append(values)
    # Me-too rows carry their issue's version/OS/plan (inherited at load), so a version filter
    # keeps the people who said "same here" on that version's issues.
    sql = f"SELECT p.* FROM reports p WHERE {' AND '.join(where)}"
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
    """KPIs: reports and reporters (me-too excluded), people affected (me-too included), issues
    (clusters), versions."""
    sql, params = filtered_reports(f, kinds=ALL_KINDS)
    return con.execute(f"""
        SELECT count(*) FILTER (kind <> 'me_too') AS reports,
               count(DISTINCT author_id) FILTER (kind <> 'me_too') AS reporters,
               {PEOPLE} AS people,
               count(*) FILTER (kind = 'me_too') AS me_too,
               count(DISTINCT cluster_key) FILTER (kind <> 'me_too') AS issues,
               count(DISTINCT version) FILTER (kind <> 'me_too') AS versions
        FROM ({sql})""", params).df()


def reports_by_version(con, f: Filters) -> pd.DataFrame:
    """Reports, distinct reporters and distinct issues per client version, in semantic order."""
    sql, params = filtered_reports(f)
    return con.execute(f"""
        SELECT any_value(version) AS version, count(*) AS reports, {PEOPLE} AS reporters,
               {CLUSTERS} AS issues
        FROM ({sql}) WHERE version_key IS NOT NULL
        GROUP BY version_key ORDER BY version_key""", params).df()


def dimension_values(con, repo: str | None) -> dict[str, list[str]]:
    """Sidebar options per multi-value filter, from the data; 'unknown' stands for null."""
    out = {}
    for name in ("os", "plan", "provider", "category"):
        col = MULTI[name]
        out[name] = [v for (v,) in con.execute(f"""
            SELECT DISTINCT coalesce({col}, 'unknown') AS v FROM reports
            WHERE is_usage_related AND (? IS NULL OR repo = ?) ORDER BY v""", [repo, repo]).fetchall()]
    out["state"] = [v for (v,) in con.execute("""
        SELECT DISTINCT state FROM issues WHERE state IS NOT NULL AND (? IS NULL OR repo = ?) ORDER BY 1""",
        [repo, repo]).fetchall()]
    out["label"] = [v for (v,) in con.execute("""
        SELECT DISTINCT unnest(labels) AS l FROM issues WHERE NOT is_pull_request AND (? IS NULL OR repo = ?)
        ORDER BY l LIMIT 500""", [repo, repo]).fetchall()]
    return out


def weekly_by_category(con, f: Filters) -> pd.DataFrame:
    sql, params = filtered_reports(f)
    return con.execute(f"""
        SELECT date_trunc('week', created_at)::DATE AS week, coalesce(error_category, 'unknown') AS category,
               count(*) AS reports, {PEOPLE} AS reporters
        FROM ({sql}) GROUP BY ALL ORDER BY week, category""", params).df()


def signatures(con, f: Filters, limit: int = 20) -> pd.DataFrame:
    """The most reported error signatures, with the first and last client version they appear on."""
    sql, params = filtered_reports(f)
    return con.execute(f"""
        SELECT signature, mode(error_category) AS category, count(*) AS reports,
               {PEOPLE} AS reporters, {CLUSTERS} AS issues,
               arg_min(version, version_key) AS first_version, arg_max(version, version_key) AS last_version,
               max(created_at)::DATE AS last_seen
        FROM ({sql}) WHERE signature IS NOT NULL
        GROUP BY signature ORDER BY reports DESC, signature LIMIT ?""", [*params, limit]).df()


def category_by_version(con, f: Filters) -> pd.DataFrame:
    """Reports per (version, category), versions in semantic order."""
    sql, params = filtered_reports(f)
    return con.execute(f"""
        SELECT any_value(version) AS version, coalesce(error_category, 'unknown') AS category, count(*) AS reports
        FROM ({sql}) WHERE version_key IS NOT NULL
        GROUP BY version_key, category ORDER BY version_key, category""", params).df()


def distribution(con, f: Filters, dim: str) -> pd.DataFrame:
    """Reports, reporters and issues per value of one allow-listed dimension."""
    col = DIMENSIONS[dim]
    sql, params = filtered_reports(f)
    return con.execute(f"""
        SELECT coalesce({col}, 'unknown') AS {dim}, count(*) AS reports,
               {PEOPLE} AS reporters, {CLUSTERS} AS issues
        FROM ({sql}) GROUP BY 1 ORDER BY reports DESC, 1""", params).df()


def crosstab(con, f: Filters, rows: str, cols: str) -> pd.DataFrame:
    """Reports per pair of values of two allow-listed dimensions (long form)."""
    a, b = DIMENSIONS[rows], DIMENSIONS[cols]
    sql, params = filtered_reports(f)
    return con.execute(f"""
        SELECT coalesce({a}, 'unknown') AS {rows}, coalesce({b}, 'unknown') AS {cols}, count(*) AS reports
        FROM ({sql}) GROUP BY 1, 2 ORDER BY 1, 2""", params).df()


def category_signals(con, f: Filters) -> pd.DataFrame:
    """Per category: reports, people affected (me-too included), and the reactions of its issues
    (each issue counted once)."""
    sql, params = filtered_reports(f, kinds=ALL_KINDS)
    return con.execute(f"""
        WITH r AS ({sql}),
        per AS (SELECT coalesce(error_category, 'unknown') AS category,
                       count(*) FILTER (kind <> 'me_too') AS reports,
                       count(DISTINCT author_id) FILTER (kind <> 'me_too') AS reporters,
                       count(*) FILTER (kind = 'me_too') AS me_too,
                       {PEOPLE} AS people,
                       {CLUSTERS} AS issues
                FROM r GROUP BY 1),
        iss AS (SELECT DISTINCT coalesce(error_category, 'unknown') AS category, repo, number FROM r WHERE kind = 'issue'),
        react AS (SELECT category, sum(i.reactions_plus1) AS thumbs_up, sum(i.reactions_total) AS reactions
                  FROM iss JOIN issues i USING (repo, number) GROUP BY 1)
        SELECT per.*, coalesce(thumbs_up, 0) AS thumbs_up, coalesce(reactions, 0) AS reactions
        FROM per LEFT JOIN react USING (category) ORDER BY people DESC, category""", params).df()


# GitHub's reaction names (emoji fonts are not everywhere a chart is viewed).
REACTION_COLUMNS = {"+1": "reactions_plus1", "-1": "reactions_minus1", "laugh": "reactions_laugh",
                    "hooray": "reactions_hooray", "confused": "reactions_confused", "heart": "reactions_heart",
                    "rocket": "reactions_rocket", "eyes": "reactions_eyes"}


def reactions_by_kind(con, f: Filters) -> pd.DataFrame:
    """Reactions on the issues behind the filtered reports, per kind (each issue once)."""
    sql, params = filtered_reports(f)
    sums = ", ".join(f"sum({col}) AS \"{emoji}\"" for emoji, col in REACTION_COLUMNS.items())
    wide = con.execute(f"""
        SELECT {sums} FROM issues WHERE (repo, number) IN (SELECT (repo, number) FROM ({sql}))""", params).df()
    return pd.DataFrame({"reaction": list(REACTION_COLUMNS), "count": [int(v or 0) for v in wide.iloc[0]]})


def issue_rows(con, f: Filters, search: str = "", limit: int = 200, include: tuple = ()) -> pd.DataFrame:
    """One row per cluster (canonical issue): reports, people, reactions, their growth,
    participants and the version/OS/plan breakdown of its reports. The `limit` clusters with the
    most reports and me-toos (matching `search` in title or number), plus those in `include`
    ('repo#number'), ordered by people affected."""
    sql, params = filtered_reports(f, kinds=ALL_KINDS)
    return con.execute(f"""
        WITH r AS ({sql}),
        ranked AS (SELECT repo, canonical, count(*) AS mentions FROM r GROUP BY repo, canonical),
        pick AS (SELECT ranked.*, i.title, i.state, i.html_url, i.created_at::DATE AS opened
                 FROM ranked JOIN issues i ON i.repo = ranked.repo AND i.number = ranked.canonical
                 WHERE (? = '' OR contains(lower(i.title), lower(?)) OR ranked.canonical::VARCHAR = ?)
                    OR ranked.repo || '#' || ranked.canonical IN (SELECT unnest(?::VARCHAR[]))
                 ORDER BY (ranked.repo || '#' || ranked.canonical IN (SELECT unnest(?::VARCHAR[]))) DESC,
                          mentions DESC, canonical
                 LIMIT ?),
        rp AS (SELECT * FROM r SEMI JOIN pick USING (repo, canonical)),
        per AS (SELECT repo, canonical,
                       count(*) FILTER (kind <> 'me_too') AS reports,
                       count(DISTINCT author) FILTER (kind <> 'me_too') AS reporters,
                       count(*) FILTER (kind = 'me_too') AS me_too,
                       count(DISTINCT author) AS people,
                       mode(error_category) FILTER (kind <> 'me_too') AS category
                FROM rp GROUP BY repo, canonical),
        mem AS (SELECT DISTINCT repo, canonical, number FROM rp),
        {_CLUSTER_EXTRAS}
        SELECT pick.repo, pick.canonical AS number, pick.title, pick.state, per.category,
               per.reports, per.reporters, per.me_too, per.people,
               x.thumbs_up, x.reactions, x.reactions_gained, p.participants,
               x.issues - 1 AS duplicates, b.breakdown, pick.opened, pick.html_url
        FROM pick JOIN per USING (repo, canonical) JOIN x USING (repo, canonical)
        LEFT JOIN p USING (repo, canonical) LEFT JOIN b USING (repo, canonical)
        ORDER BY per.people DESC, per.reports DESC, pick.canonical""",
        [*params, search, search, search, list(include), list(include), limit]).df()


# Per picked cluster (CTEs over `mem`, `r`): reactions and their growth, participants, breakdown.
# Growth: reactions now minus at the newest snapshot at least 7 days older than the last sync
# (or the oldest snapshot), summed over the cluster's issues.
_CLUSTER_EXTRAS = """
        snap AS (SELECT s.repo, s.number, arg_max(s.reactions_total, s.taken_at) AS now_total,
                        coalesce(arg_max(s.reactions_total, s.taken_at)
                                   FILTER (WHERE s.taken_at <= (SELECT max(taken_at) FROM reaction_snapshots) - INTERVAL 7 DAY),
                                 arg_min(s.reactions_total, s.taken_at)) AS then_total
                 FROM reaction_snapshots s SEMI JOIN mem USING (repo, number) GROUP BY 1, 2),
        x AS (SELECT mem.repo, mem.canonical, count(*) AS issues, sum(i.reactions_plus1) AS thumbs_up,
                     sum(i.reactions_total) AS reactions,
                     coalesce(sum(snap.now_total - snap.then_total), 0) AS reactions_gained
              FROM mem JOIN issues i USING (repo, number) LEFT JOIN snap USING (repo, number)
              GROUP BY 1, 2),
        p AS (SELECT repo, canonical, count(DISTINCT who) AS participants FROM (
                SELECT mem.repo, mem.canonical, c.author AS who FROM mem
                JOIN comments c ON c.repo = mem.repo AND c.issue_number = mem.number
                UNION ALL
                SELECT mem.repo, mem.canonical, i.author FROM mem JOIN issues i USING (repo, number))
              GROUP BY 1, 2),
        bd AS (SELECT repo, canonical, d.dim, d.value, count(*) AS n
               FROM (SELECT repo, canonical,
                            unnest([{'dim': 1, 'value': version}, {'dim': 2, 'value': os},
                                    {'dim': 3, 'value': plan}]) AS d
                     FROM rp WHERE kind <> 'me_too')
               WHERE d.value IS NOT NULL GROUP BY ALL),
        b AS (SELECT repo, canonical, string_agg(part, ' · ' ORDER BY dim) AS breakdown
              FROM (SELECT repo, canonical, dim,
                           array_to_string(list(value || '×' || n ORDER BY n DESC, value)[1:4], ', ') AS part
                    FROM bd GROUP BY ALL)
              GROUP BY 1, 2)"""


def cluster_map(con, repo: str | None) -> pd.DataFrame:
    """Issues folded into another one (the rest are their own canonical)."""
    return con.execute("SELECT repo, number, canonical_number AS canonical FROM clusters WHERE ? IS NULL OR repo = ?",
                       [repo, repo]).df()


_FIELDS = ("version", "os", "plan", "provider", "terminal", "model", "http_status", "error_type",
           "error_category", "signature")


def coverage(con, f: Filters) -> pd.DataFrame:
    """Per parsed field: how many of the filtered reports have a value ('other' counts as unknown
    for the category)."""
    sql, params = filtered_reports(f)
    cols = ", ".join(f"count({c}) AS {c}" for c in _FIELDS if c != "error_category")
    wide = con.execute(f"""
        SELECT count(*) AS total, {cols},
               count(*) FILTER (error_category IS NOT NULL AND error_category <> 'other') AS error_category,
               count(*) FILTER (version IS NOT NULL AND version_key IS NULL) AS not_a_version
        FROM ({sql})""", params).df().iloc[0]
    total = int(wide["total"])
    rows = [(c, int(wide[c]), total - int(wide[c]), round(100 * int(wide[c]) / total, 1) if total else 0.0)
            for c in _FIELDS]
    out = pd.DataFrame(rows, columns=["field", "with_value", "unknown", "percent"])
    out.attrs["not_a_version"] = int(wide["not_a_version"])
    return out


def provenance_mix(con, f: Filters) -> pd.DataFrame:
    """Where each field's value came from (form, env, text, stack, label, …), per field."""
    sql, params = filtered_reports(f)
    # Few distinct provenance objects exist: count them first, parse each JSON once.
    return con.execute(f"""
        SELECT field, source, sum(n)::BIGINT AS reports FROM (
            SELECT unnest(map_keys(m)) AS field, unnest(map_values(m)) AS source, n
            FROM (SELECT provenance::JSON::MAP(VARCHAR, VARCHAR) AS m, n
                  FROM (SELECT provenance, count(*) AS n FROM ({sql}) WHERE provenance IS NOT NULL GROUP BY 1)))
        GROUP BY ALL ORDER BY field, reports DESC""", params).df()


def label_conflicts(con, f: Filters, limit: int = 200) -> pd.DataFrame:
    """Issues whose maintainer label `platform:X` disagrees with the OS read from the report."""
    sql, params = filtered_reports(f)
    return con.execute(f"""
        WITH labelled AS (SELECT repo, number, label
                          FROM (SELECT repo, number, unnest(labels) AS label FROM issues)
                          WHERE label LIKE 'platform:%'),
        clash AS (SELECT r.repo, r.number, r.os AS parsed_os, r.provenance::JSON->>'os' AS os_source, l.label
                  FROM ({sql}) r JOIN labelled l USING (repo, number)
                  WHERE r.kind = 'issue' AND coalesce(r.os, 'unknown') <> substr(l.label, 10)
                  ORDER BY r.repo, r.number LIMIT ?)
        SELECT clash.repo, clash.number, i.title, parsed_os, os_source, label, i.html_url
        FROM clash JOIN issues i USING (repo, number) ORDER BY clash.repo, clash.number""",
        [*params, limit]).df()


def sync_runs(con, repo: str | None, limit: int = 50) -> pd.DataFrame:
    """The audit of loads and pulls: duration, API requests (304s apart), budget left, outcome."""
    return con.execute("""
        SELECT run_id, repo, kind, started_at, finished_at,
               round(epoch(finished_at - started_at), 1) AS seconds, requests, not_modified,
               rate_remaining, issues_seen, issues_changed, comments_seen, outcome, detail
        FROM sync_runs WHERE ? IS NULL OR repo = ? ORDER BY started_at DESC LIMIT ?""", [repo, repo, limit]).df()


def sync_lag(con) -> pd.DataFrame:
    """Per repo: the last successful load, how long ago, and the newest issue update it holds."""
    return con.execute("""
        SELECT r.repo, max(s.finished_at) FILTER (WHERE s.outcome = 'ok') AS last_ok_sync,
               round(epoch(now()::TIMESTAMP - max(s.finished_at) FILTER (WHERE s.outcome = 'ok')) / 3600, 1)
                   AS hours_since_sync,
               (SELECT max(updated_at) FROM issues i WHERE i.repo = r.repo) AS newest_issue_update,
               count(*) FILTER (WHERE s.outcome <> 'ok') AS failed_runs
        FROM repos r LEFT JOIN sync_runs s USING (repo) GROUP BY r.repo ORDER BY r.repo""").df()


def trending(con, f: Filters, limit: int = 20) -> pd.DataFrame:
    """The clusters whose issues gained most reactions over the last 7 days of syncs (see
    _CLUSTER_EXTRAS for the growth rule)."""
    sql, params = filtered_reports(f)
    return con.execute(f"""
        WITH mem AS (SELECT DISTINCT repo, canonical, number FROM ({sql})),
        horizon AS (SELECT max(taken_at) - INTERVAL 7 DAY AS h FROM reaction_snapshots),
        snap AS (SELECT s.repo, s.number, arg_max(s.reactions_total, s.taken_at) AS now_total,
                        coalesce(arg_max(s.reactions_total, s.taken_at) FILTER (WHERE s.taken_at <= (SELECT h FROM horizon)),
                                 arg_min(s.reactions_total, s.taken_at)) AS then_total
                 FROM reaction_snapshots s SEMI JOIN mem USING (repo, number) GROUP BY 1, 2),
        g AS (SELECT mem.repo, mem.canonical, sum(now_total - then_total) AS reactions_gained,
                     sum(now_total) AS reactions
              FROM mem JOIN snap USING (repo, number) GROUP BY 1, 2
              HAVING sum(now_total - then_total) > 0 ORDER BY reactions_gained DESC, canonical LIMIT ?)
        SELECT g.repo, g.canonical AS number, i.title, g.reactions_gained, g.reactions, i.html_url
        FROM g JOIN issues i ON i.repo = g.repo AND i.number = g.canonical
        ORDER BY g.reactions_gained DESC, g.canonical""", [*params, limit]).df()
