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

from etl.corrections import FIELDS as CORRECTED_FIELDS
from etl.parse.classify import TIERS
from etl.versions import sort_key
from radar.filters import MULTI, Filters

REPORT_KINDS = ("issue", "comment")  # me-too comments are a signal, not a report with facts
ALL_KINDS = ("issue", "comment", "me_too")
# Counting keys are kept on every report at load time (etl/load.py): small integer author ids,
# and the cluster key of the issue's canonical issue, so distinct counts need no join or hashing.
PEOPLE = "count(DISTINCT author_id)"
CLUSTERS = "count(DISTINCT cluster_key)"
# Dimensions with a handful of values (parser vocabularies): few enough groups for a bitmap each.
FEW_VALUES = {"category", "os", "plan", "provider"}
# A bitmap costs (largest id) / 8 bytes per group. Ids are never reused (and repeated loads leave
# gaps in the author sequence): past this size the hash count(DISTINCT) is used instead.
BITMAP_MAX_ID = 1 << 23


class _Distinct:
    """Exact distinct counts for queries with few groups (KPIs, categories, platforms, plans,
    versions, the top signatures): one bitmap per group over a small dense integer column
    (bitstring_agg, sized from the column's min/max statistics) instead of a hash table of
    (group, value) pairs, several times faster. Falls back to count(DISTINCT) when ids are large."""

    def __init__(self, con, f: Filters):
        authors, numbers = con.execute(
            "SELECT (SELECT max(id) FROM authors), (SELECT max(number) FROM issues)").fetchone()
        self.bitmaps = max(authors or 0, numbers or 0) < BITMAP_MAX_ID
        self.one_repo = bool(f.repo)

    def _count(self, column: str, where: str | None, bitmap: bool) -> str:
        filt = f" FILTER (WHERE {where})" if where else ""
        if bitmap and self.bitmaps:
            return f"coalesce(bit_count(bitstring_agg({column}){filt}), 0)"
        return f"count(DISTINCT {column}){filt}"

    def people(self, where: str | None = None) -> str:
        """Distinct people (author ids) among the group's rows."""
        return self._count("author_id", where, True)

    def issues(self, where: str | None = None) -> str:
        """Distinct issues (clusters) among the group's rows. Within one repo the canonical number
        is the cluster (a bitmap of issue numbers); across repos the cluster key (hashed)."""
        return self._count("canonical", where, True) if self.one_repo else self._count("cluster_key", where, False)


# Chart dimensions: name -> column of filtered_reports (an allow-list, like filters.MULTI).
DIMENSIONS = {"category": "error_category", "os": "os", "plan": "plan", "provider": "provider",
              "version": "version", "signature": "signature"}


def _same_issue(f: Filters, a: str, b: str, a_number: str = "number", b_number: str = "number") -> tuple[str, list]:
    """Join condition: rows `a` (the filtered reports, or rows drawn from them) and `b` are about
    the same issue. With one repo filtered, every report is in it: the issue number alone is the
    join key and the repo a constant filter on `b`, instead of a string hashed into every join."""
    if f.repo:
        return f"{b}.repo = ? AND {a}.{a_number} = {b}.{b_number}", [f.repo]
    return f"{a}.repo = {b}.repo AND {a}.{a_number} = {b}.{b_number}", []


def _issue_key(f: Filters, alias: str | None = None) -> str:
    """Columns naming an issue, to group or join on: the number alone within the filtered repo."""
    a = f"{alias}." if alias else ""
    return f"{a}number" if f.repo else f"{a}repo, {a}number"


def _growth(f: Filters, scope: str | None = None) -> tuple[str, list]:
    """CTEs `moved` and `growth` (columns _issue_key, gained): reaction growth per issue, each
    issue once: reactions now minus at the newest snapshot at least 7 days older than the last
    sync (or the oldest snapshot). Snapshots are written only when counts move, so only an issue
    with two or more snapshots can have grown; those are found first, and issues whose growth is
    zero (they add nothing) are left out. `scope`: a CTE of the issues to look at (`repo`,
    `number`); else every issue (of the filtered repo)."""
    key, s_key = _issue_key(f), _issue_key(f, "s")
    if scope:
        on, params = _same_issue(f, scope, "s")
        source = f"reaction_snapshots s SEMI JOIN {scope} ON {on}"
    else:
        source, params = ("reaction_snapshots s WHERE s.repo = ?", [f.repo]) if f.repo else ("reaction_snapshots s", [])
    in_repo, repo_params = ("WHERE s.repo = ?", [f.repo]) if f.repo else ("", [])
    return f"""
        moved AS (SELECT {s_key} FROM {source} GROUP BY {s_key} HAVING count(*) > 1),
        growth AS (SELECT {s_key},
                          arg_max(s.reactions_total, s.taken_at)
                            - coalesce(arg_max(s.reactions_total, s.taken_at)
                                         FILTER (WHERE s.taken_at <= (SELECT max(taken_at) FROM reaction_snapshots) - INTERVAL 7 DAY),
                                       arg_min(s.reactions_total, s.taken_at)) AS gained
                   FROM reaction_snapshots s SEMI JOIN moved USING ({key}) {in_repo}
                   GROUP BY {s_key} HAVING gained <> 0),""", [*params, *repo_params]


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
        # The newest N releases of each repo, ranked within it: clients number their releases
        # their own way, so one ranking across repos would keep only the highest-numbered client.
        where.append("""(p.repo, p.version_key) IN (
                            SELECT (repo, version_key) FROM reports
                            WHERE version_key IS NOT NULL AND (? IS NULL OR repo = ?)
                            GROUP BY repo, version_key
                            QUALIFY row_number() OVER (PARTITION BY repo ORDER BY version_key DESC) <= ?)""")
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


# Report columns and tables the app reads that older versions did not store (`reparse` adds them).
NEWER_COLUMNS = ("why", "evidence_tier", "parse_error")
NEWER_TABLES = ("corrections",)


def missing_columns(con) -> list[str]:
    have = {c for (c,) in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'reports'").fetchall()}
    tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return ([f"reports.{c}" for c in NEWER_COLUMNS if c not in have]
            + [f"the table {t}" for t in NEWER_TABLES if t not in tables])


def repos(con) -> pd.DataFrame:
    # (repo, number) is the key of issues: counting rows counts distinct issues.
    return con.execute("""
        SELECT r.repo, r.is_demo, coalesce(i.issues, 0) AS issues, i.newest_update
        FROM repos r LEFT JOIN (SELECT repo, count(*) FILTER (WHERE NOT is_pull_request) AS issues,
                                       max(updated_at) AS newest_update
                                FROM issues GROUP BY repo) i USING (repo)
        ORDER BY r.repo""").df()


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
    d = _Distinct(con, f)
    return con.execute(f"""
        SELECT count(*) FILTER (kind <> 'me_too') AS reports,
               {d.people("kind <> 'me_too'")} AS reporters,
               {d.people()} AS people,
               count(*) FILTER (kind = 'me_too') AS me_too,
               {d.issues("kind <> 'me_too'")} AS issues,
               count(DISTINCT version) FILTER (kind <> 'me_too') AS versions
        FROM ({sql})""", params).df()


def reports_by_version(con, f: Filters) -> pd.DataFrame:
    """Reports, distinct reporters and distinct issues per client version, in semantic order."""
    sql, params = filtered_reports(f)
    d = _Distinct(con, f)
    return con.execute(f"""
        SELECT any_value(version) AS version, count(*) AS reports, {d.people()} AS reporters,
               {d.issues()} AS issues
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
    stored = {v for (v,) in con.execute("""SELECT DISTINCT evidence_tier FROM reports WHERE is_usage_related
                                          AND (? IS NULL OR repo = ?)""", [repo, repo]).fetchall()}
    out["tier"] = [t for t in TIERS if t in stored]  # strongest first
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
    d = _Distinct(con, f)
    # The ranking needs only counts: pick the top signatures first, then count people and issues
    # for those few (a bitmap per signature stays small however many signatures there are).
    return con.execute(f"""
        WITH r AS NOT MATERIALIZED ({sql}),
        top AS (SELECT signature, count(*) AS reports FROM r WHERE signature IS NOT NULL
                GROUP BY signature ORDER BY reports DESC, signature LIMIT ?)
        SELECT signature, mode(error_category) AS category, any_value(top.reports) AS reports,
               {d.people()} AS reporters, {d.issues()} AS issues,
               arg_min(version, version_key) AS first_version, arg_max(version, version_key) AS last_version,
               max(created_at)::DATE AS last_seen
        FROM r JOIN top USING (signature)
        GROUP BY signature ORDER BY reports DESC, signature""", [*params, limit]).df()


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
    d = _Distinct(con, f)
    people, issues = (d.people(), d.issues()) if dim in FEW_VALUES else (PEOPLE, CLUSTERS)
    return con.execute(f"""
        SELECT coalesce({col}, 'unknown') AS {dim}, count(*) AS reports,
               {people} AS reporters, {issues} AS issues
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
    d = _Distinct(con, f)
    on, on_params = _same_issue(f, "r", "i")
    return con.execute(f"""
        WITH r AS NOT MATERIALIZED ({sql}),
        per AS (SELECT coalesce(error_category, 'unknown') AS category,
                       count(*) FILTER (kind <> 'me_too') AS reports,
                       {d.people("kind <> 'me_too'")} AS reporters,
                       count(*) FILTER (kind = 'me_too') AS me_too,
                       {d.people()} AS people,
                       {d.issues()} AS issues
                FROM r GROUP BY 1),
        -- an issue's body report is its one 'issue' row (comment_id 0): each issue counted once;
        -- issues without reactions add nothing and stay out of the join
        react AS (SELECT coalesce(r.error_category, 'unknown') AS category, sum(i.reactions_plus1) AS thumbs_up,
                         sum(i.reactions_total) AS reactions
                  FROM r JOIN issues i ON {on}
                  WHERE r.kind = 'issue' AND (i.reactions_plus1 <> 0 OR i.reactions_total <> 0) GROUP BY 1)
        SELECT per.*, coalesce(thumbs_up, 0) AS thumbs_up, coalesce(reactions, 0) AS reactions
        FROM per LEFT JOIN react USING (category) ORDER BY people DESC, category""", [*params, *on_params]).df()


# GitHub's reaction names (emoji fonts are not everywhere a chart is viewed).
REACTION_COLUMNS = {"+1": "reactions_plus1", "-1": "reactions_minus1", "laugh": "reactions_laugh",
                    "hooray": "reactions_hooray", "confused": "reactions_confused", "heart": "reactions_heart",
                    "rocket": "reactions_rocket", "eyes": "reactions_eyes"}


def reactions_by_kind(con, f: Filters) -> pd.DataFrame:
    """Reactions on the issues behind the filtered reports, per kind (each issue once)."""
    sql, params = filtered_reports(f)
    sums = ", ".join(f"coalesce(sum({col}), 0) AS \"{emoji}\"" for emoji, col in REACTION_COLUMNS.items())
    # Issues without reactions add nothing: only those with some are looked up.
    some = " OR ".join(f"i.{col} <> 0" for col in REACTION_COLUMNS.values())
    lo, hi = con.execute("SELECT min(number), max(number) FROM reports").fetchone() if f.repo else (None, None)
    if f.repo and lo is not None:
        # Within one repo, the issues behind the reports as a bitmap of their numbers (one pass,
        # no hash table of report rows), then each issue with reactions tested against it.
        wide = con.execute(f"""
            WITH seen AS (SELECT bitstring_agg(number, ?, ?) AS numbers FROM ({sql}))
            SELECT {sums} FROM issues i, seen
            WHERE i.repo = ? AND i.number BETWEEN ? AND ? AND get_bit(seen.numbers, i.number - ?) = 1
              AND ({some})""", [lo, hi, *params, f.repo, lo, hi, lo]).df()
    else:
        on, on_params = _same_issue(f, "r", "i")
        wide = con.execute(f"""
            SELECT {sums} FROM issues i SEMI JOIN ({sql}) r ON {on}
            WHERE {some}""", [*params, *on_params]).df()
    return pd.DataFrame({"reaction": list(REACTION_COLUMNS), "count": [int(v) for v in wide.iloc[0]]})


def issue_rows(con, f: Filters, search: str = "", limit: int = 200, include: tuple = ()) -> pd.DataFrame:
    """One row per cluster (canonical issue): reports, people, reactions, their growth,
    participants and the version/OS/plan breakdown of its reports. The `limit` clusters with the
    most reports and me-toos (matching `search` in title or number), plus those in `include`
    ('repo#number'), ordered by people affected."""
    sql, params = filtered_reports(f, kinds=ALL_KINDS)
    # Clusters are ranked on the cluster key alone (repos.id << 32 | canonical, etl/load.py), and
    # only the picked few meet `issues`, `comments` and the snapshots. Search text is resolved
    # first into the canonical issues it matches. Text and parameters are built in step.
    q, args = [], []

    def add(text: str, *values) -> None:
        q.append(text)
        args.extend(values)

    add("""
        WITH """)
    forced, where = "FALSE", ""
    if include:  # 'repo#number' -> cluster key
        add("""inc AS (SELECT (rp.id::BIGINT << 32) + n AS cluster_key
                FROM (SELECT s, split_part(s, '#', 1) AS repo, TRY_CAST(split_part(s, '#', 2) AS INTEGER) AS n
                      FROM (SELECT unnest(?::VARCHAR[]) AS s))
                JOIN repos rp USING (repo) WHERE repo || '#' || n = s),""", list(include))
        forced = "cluster_key IN (SELECT cluster_key FROM inc)"
    if search:
        add("""
        hit AS (SELECT (rp.id::BIGINT << 32) + coalesce(c.canonical_number, i.number) AS cluster_key
                FROM issues i JOIN repos rp USING (repo) LEFT JOIN clusters c USING (repo, number)
                WHERE contains(lower(i.title), lower(?)) OR i.number::VARCHAR = ?),""", search, search)
        where = f"AND (cluster_key IN (SELECT cluster_key FROM hit) OR {forced})"
    # (a cluster without a key could not meet its canonical issue below: leaving it out early
    # changes nothing, and keeps this scan of the reports apart from the one of `rp`)
    add(f"""
        ranked AS (SELECT cluster_key, count(*) AS mentions, {forced} AS forced
                   FROM ({sql}) WHERE cluster_key IS NOT NULL {where} GROUP BY cluster_key
                   ORDER BY forced DESC, mentions DESC, cluster_key & {_LOW32}, cluster_key LIMIT ?),""",
        *params, limit + _SPARE)
    on, on_params = _same_issue(f, "k", "i")
    add(f"""
        pick AS (SELECT k.cluster_key, k.mentions, k.forced, i.repo, i.number AS canonical, i.title, i.state,
                        i.html_url, i.created_at::DATE AS opened
                 FROM (SELECT ranked.*, rp.repo, (ranked.cluster_key & {_LOW32})::INTEGER AS number
                       FROM ranked JOIN repos rp ON rp.id = ranked.cluster_key >> 32) k
                 JOIN issues i ON {on}
                 ORDER BY forced DESC, mentions DESC, canonical, cluster_key LIMIT ?),""", *on_params, limit)
    add(f"""
        rp AS ({sql} AND p.cluster_key IN (SELECT cluster_key FROM pick)),
        per AS (SELECT cluster_key,
                       count(*) FILTER (kind <> 'me_too') AS reports,
                       count(DISTINCT author_id) FILTER (kind <> 'me_too') AS reporters,
                       count(*) FILTER (kind = 'me_too') AS me_too,
                       count(DISTINCT author_id) AS people,
                       mode(error_category) FILTER (kind <> 'me_too') AS category
                FROM rp GROUP BY cluster_key),
        mem AS (SELECT DISTINCT cluster_key, {_issue_key(f)} FROM rp),""", *params)
    # Per picked cluster: reactions and their growth, participants (commenters and issue
    # authors), and the version/OS/plan breakdown of its reports.
    growth, growth_params = _growth(f, "mem")
    on, on_params = _same_issue(f, "mem", "i")
    add(f"""{growth}
        mi AS (SELECT mem.cluster_key, {_issue_key(f, "mem")}, i.author, i.reactions_plus1, i.reactions_total
               FROM mem JOIN issues i ON {on}),
        x AS (SELECT mi.cluster_key, count(*) AS issues, sum(mi.reactions_plus1) AS thumbs_up,
                     sum(mi.reactions_total) AS reactions, coalesce(sum(growth.gained), 0) AS reactions_gained
              FROM mi LEFT JOIN growth USING ({_issue_key(f)})
              GROUP BY 1),""", *growth_params, *on_params)
    on, on_params = _same_issue(f, "mem", "c", b_number="issue_number")
    add(f"""
        p AS (SELECT cluster_key, count(DISTINCT who) AS participants FROM (
                SELECT mem.cluster_key, c.author AS who FROM mem JOIN comments c ON {on}
                UNION ALL
                SELECT cluster_key, author FROM mi)
              GROUP BY 1),
        bd AS (SELECT cluster_key, 1 AS dim, version AS value, count(*) AS n FROM rp
               WHERE kind <> 'me_too' AND version IS NOT NULL GROUP BY ALL
               UNION ALL
               SELECT cluster_key, 2, os, count(*) FROM rp WHERE kind <> 'me_too' AND os IS NOT NULL GROUP BY ALL
               UNION ALL
               SELECT cluster_key, 3, plan, count(*) FROM rp WHERE kind <> 'me_too' AND plan IS NOT NULL GROUP BY ALL),
        b AS (SELECT cluster_key, string_agg(part, ' · ' ORDER BY dim) AS breakdown
              FROM (SELECT cluster_key, dim,
                           array_to_string(list(value || '×' || n ORDER BY n DESC, value)[1:4], ', ') AS part
                    FROM bd GROUP BY ALL)
              GROUP BY 1)
        SELECT pick.repo, pick.canonical AS number, pick.title, pick.state, per.category,
               per.reports, per.reporters, per.me_too, per.people,
               x.thumbs_up, x.reactions, x.reactions_gained, p.participants,
               x.issues - 1 AS duplicates, b.breakdown, pick.opened, pick.html_url
        FROM pick JOIN per USING (cluster_key) JOIN x USING (cluster_key)
        LEFT JOIN p USING (cluster_key) LEFT JOIN b USING (cluster_key)
        ORDER BY per.people DESC, per.reports DESC, pick.canonical, pick.repo""", *on_params)
    return con.execute("".join(q), args).df()


# cluster_key is repos.id << 32 | canonical number (etl/load.py).
_LOW32 = 4294967295
# Clusters ranked beyond the limit, in case a canonical issue is missing from `issues`.
_SPARE = 16


def cluster_map(con, repo: str | None) -> pd.DataFrame:
    """Issues folded into another one (the rest are their own canonical)."""
    return con.execute("""
        SELECT repo, number, canonical_number AS canonical FROM clusters
        WHERE number <> canonical_number AND (? IS NULL OR repo = ?)""", [repo, repo]).df()


_FIELDS = ("version", "os", "plan", "provider", "terminal", "model", "http_status", "error_type",
           "error_category", "signature")


def coverage(con, f: Filters) -> pd.DataFrame:
    """Per parsed field: how many of the filtered reports have a value (a category that only the
    fallback gave, whatever the taxonomy calls it, counts as unknown)."""
    sql, params = filtered_reports(f)
    cols = ", ".join(f"count({c}) AS {c}" for c in _FIELDS if c != "error_category")
    wide = con.execute(f"""
        SELECT count(*) AS total, {cols},
               count(*) FILTER (error_category IS NOT NULL AND evidence_tier <> 'fallback') AS error_category,
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


def usage_reasons(con, f: Filters, limit: int = 25) -> pd.DataFrame:
    """Why issues count as usage-related or not: per decision and rule (the provenance of
    `is_usage_related`), how many issue reports, and the reason given most often. Issue bodies
    only, usage-related or not, so the reports the gate kept out are counted too."""
    sql, params = filtered_reports(f, kinds=("issue",), usage_only=False)
    # Few distinct (flag, provenance, why) triples exist: count them first, parse each JSON once.
    return con.execute(f"""
        SELECT usage_related, rule, sum(n)::BIGINT AS reports, arg_max(why, n) AS most_common_reason
        FROM (SELECT is_usage_related AS usage_related, provenance::JSON->>'is_usage_related' AS rule, why, n
              FROM (SELECT is_usage_related, provenance, why, count(*) AS n FROM ({sql}) GROUP BY ALL))
        GROUP BY ALL ORDER BY usage_related DESC, reports DESC LIMIT ?""", [*params, limit]).df()


def evidence_tiers(con, f: Filters) -> pd.DataFrame:
    """Issue reports per evidence tier (strongest first) and decision, usage-related or not."""
    sql, params = filtered_reports(f, kinds=("issue",), usage_only=False)
    return con.execute(f"""
        SELECT * FROM (SELECT coalesce(evidence_tier, 'unknown') AS tier, is_usage_related AS usage_related,
                              count(*) AS reports FROM ({sql}) GROUP BY ALL)
        ORDER BY list_position(?, tier) NULLS LAST, usage_related DESC""",
                       [*params, list(TIERS)]).df()


def parse_failures(con, f: Filters, limit: int = 200) -> pd.DataFrame:
    """Reports the parser failed on (stored empty, with the error), usage-related or not: the
    issue, the kind of text and the error. `attrs["total"]` counts them all."""
    sql, params = filtered_reports(f, usage_only=False)
    failed = f"SELECT repo, number, comment_id, kind, parse_error FROM ({sql}) WHERE parse_error IS NOT NULL"
    out = con.execute(f"""
        SELECT x.repo, x.number, x.kind, x.comment_id, i.title, x.parse_error, i.html_url
        FROM ({failed}) x JOIN issues i USING (repo, number) ORDER BY x.repo, x.number, x.comment_id LIMIT ?""",
                      [*params, limit]).df()
    out.attrs["total"] = con.execute(f"SELECT count(*) FROM ({failed})", params).fetchone()[0]
    return out


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
    """The clusters whose issues gained most reactions over the last 7 days of syncs (growth per
    issue: see _growth), summed over each cluster's issues."""
    sql, params = filtered_reports(f)
    key = _issue_key(f)
    cluster = "canonical" if f.repo else "repo, canonical"
    growth, growth_params = _growth(f)
    now_on, now_params = _same_issue(f, "mem", "s")
    title_on, title_params = _same_issue(f, "g", "i", a_number="canonical")
    # The filtered reports are read twice, each time for a few issues: the clusters of the issues
    # that moved, then every issue of the top clusters (for their reactions now).
    return con.execute(f"""
        WITH {growth}
        grew AS (SELECT DISTINCT r.repo, r.canonical, r.number FROM ({sql}) r SEMI JOIN growth USING ({key})),
        g AS (SELECT grew.repo, grew.canonical, sum(gained) AS reactions_gained
              FROM grew JOIN growth USING ({key}) GROUP BY 1, 2
              HAVING sum(gained) > 0 ORDER BY reactions_gained DESC, canonical, repo LIMIT ?),
        mem AS (SELECT DISTINCT r.repo, r.canonical, r.number FROM ({sql}) r SEMI JOIN g USING ({cluster})),
        now AS (SELECT mem.repo, mem.canonical, sum(s.now_total) AS reactions
                FROM mem JOIN (SELECT {_issue_key(f, "s")}, arg_max(s.reactions_total, s.taken_at) AS now_total
                               FROM reaction_snapshots s SEMI JOIN mem ON {now_on} GROUP BY {_issue_key(f, "s")}) s
                     USING ({key})
                GROUP BY 1, 2)
        SELECT g.repo, g.canonical AS number, i.title, g.reactions_gained, now.reactions, i.html_url
        FROM g JOIN now USING (repo, canonical) JOIN issues i ON {title_on}
        ORDER BY g.reactions_gained DESC, g.canonical, g.repo""",
        [*growth_params, *params, limit, *params, *now_params, *title_params]).df()


# ---------------------------------------------------------------- triage corrections

# A corrected field differs from the parser's reading (a correction to "unknown" of a field the
# parser left empty agrees with it). Duplicate and canonical corrections have no parsed value.
_DISAGREES = "(c.parsed IS DISTINCT FROM c.value AND NOT (c.parsed IS NULL AND c.value = 'unknown'))"


def _corrections_in(f: Filters) -> tuple[str, list]:
    """Corrections (alias c) of the issues in the filtered repository."""
    return ("SELECT * FROM corrections c WHERE (? IS NULL OR c.repo = ?)", [f.repo, f.repo])


def disagreement_by_field(con, f: Filters) -> pd.DataFrame:
    """Per corrected field: corrections in force, how many say otherwise than the parser, and that
    as a share of the issues the parser read (issues, usage-related or not)."""
    sql, params = _corrections_in(f)
    issues = con.execute("SELECT count(*) FROM reports WHERE kind = 'issue' AND (? IS NULL OR repo = ?)",
                         [f.repo, f.repo]).fetchone()[0]
    out = con.execute(f"""
        SELECT field, count(*) AS corrections, count(*) FILTER ({_DISAGREES}) AS parser_disagrees
        FROM ({sql}) c GROUP BY field ORDER BY list_position(?, field) NULLS LAST, field""",
                      [*params, list(CORRECTED_FIELDS)]).df()
    out["of_issues"] = issues
    out["disagreement_pct"] = (100 * out["parser_disagrees"] / issues).round(2) if issues else 0.0
    return out


def disagreement_by_category(con, f: Filters) -> pd.DataFrame:
    """Per category the parser gave (before any correction): issues, and issues a triager said
    the parser misread (any field)."""
    sql, params = _corrections_in(f)
    return con.execute(f"""
        WITH c AS ({sql}),
             parser AS (SELECT r.repo, r.number, coalesce(k.parsed, r.error_category, 'unknown') AS category
                        FROM reports r LEFT JOIN c k ON k.repo = r.repo AND k.number = r.number
                                                    AND k.field = 'error_category'
                        WHERE r.kind = 'issue' AND (? IS NULL OR r.repo = ?)),
             misread AS (SELECT DISTINCT repo, number FROM c WHERE {_DISAGREES})
        SELECT category AS parser_category, count(*) AS issues,
               count(m.number) AS misread, round(100.0 * count(m.number) / count(*), 2) AS misread_pct
        FROM parser p LEFT JOIN misread m USING (repo, number)
        GROUP BY category HAVING count(m.number) > 0 ORDER BY misread DESC, issues DESC""",
                       [*params, f.repo, f.repo]).df()


def corrections_list(con, f: Filters, limit: int = 500) -> pd.DataFrame:
    """Every correction in force with the parser's reading beside it, newest first."""
    sql, params = _corrections_in(f)
    return con.execute(f"""
        SELECT c.repo, c.number, i.title, c.field, c.parsed AS parser, c.value AS corrected,
               {_DISAGREES} AS disagrees, c.corrected_by, c.corrected_at, c.note, i.html_url
        FROM ({sql}) c LEFT JOIN issues i USING (repo, number)
        ORDER BY c.corrected_at DESC LIMIT ?""", [*params, limit]).df()
