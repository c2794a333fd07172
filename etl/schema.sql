-- Usage Radar database schema (DuckDB). Paste into the DuckDB CLI to create an empty database.
-- Raw GitHub data and derived reports are kept apart; every table is keyed so that loading the
-- same data twice changes nothing (INSERT OR REPLACE on the key).

-- Raw: one row per issue or pull request, as the issues endpoint returns it.
CREATE TABLE IF NOT EXISTS issues (
    repo            VARCHAR   NOT NULL,
    number          INTEGER   NOT NULL,
    id              BIGINT,
    title           VARCHAR,
    body            VARCHAR,
    state           VARCHAR,
    state_reason    VARCHAR,
    author          VARCHAR,
    labels          VARCHAR[],
    created_at      TIMESTAMP,
    updated_at      TIMESTAMP,
    closed_at       TIMESTAMP,
    comment_count   INTEGER,
    reactions_total INTEGER,
    reactions_plus1 INTEGER,
    reactions_minus1 INTEGER,
    reactions_laugh INTEGER,
    reactions_hooray INTEGER,
    reactions_confused INTEGER,
    reactions_heart INTEGER,
    reactions_rocket INTEGER,
    reactions_eyes  INTEGER,
    html_url        VARCHAR,
    is_pull_request BOOLEAN   NOT NULL DEFAULT FALSE,
    PRIMARY KEY (repo, number)
);

CREATE TABLE IF NOT EXISTS comments (
    repo            VARCHAR   NOT NULL,
    id              BIGINT    NOT NULL,
    issue_number    INTEGER   NOT NULL,
    author          VARCHAR,
    author_association VARCHAR,
    body            VARCHAR,
    created_at      TIMESTAMP,
    updated_at      TIMESTAMP,
    reactions_total INTEGER,
    html_url        VARCHAR,
    PRIMARY KEY (repo, id)
);

-- Issue events (repo-wide endpoint) and per-issue timeline items. Timeline items without an id
-- (cross-references) get a stable synthetic negative id derived from their content.
CREATE TABLE IF NOT EXISTS timeline_events (
    repo            VARCHAR   NOT NULL,
    id              BIGINT    NOT NULL,
    issue_number    INTEGER   NOT NULL,
    event           VARCHAR   NOT NULL,
    actor           VARCHAR,
    created_at      TIMESTAMP,
    label           VARCHAR,
    source_repo     VARCHAR,   -- cross-referenced / marked_as_duplicate: the other issue
    source_number   INTEGER,
    PRIMARY KEY (repo, id)
);

-- Derived: one row per report (the issue body, each report-like comment, each bare me-too).
CREATE TABLE IF NOT EXISTS reports (
    repo            VARCHAR   NOT NULL,
    number          INTEGER   NOT NULL,
    comment_id      BIGINT    NOT NULL,   -- 0 for the issue body
    kind            VARCHAR   NOT NULL,   -- 'issue' | 'comment' | 'me_too'
    author          VARCHAR,
    created_at      TIMESTAMP,
    is_usage_related BOOLEAN,
    version         VARCHAR,
    version_key     VARCHAR,              -- sortable form of version (etl.versions.sort_key)
    os              VARCHAR,
    terminal        VARCHAR,
    plan            VARCHAR,
    provider        VARCHAR,
    model           VARCHAR,
    http_status     INTEGER,
    error_type      VARCHAR,
    error_category  VARCHAR,
    signature       VARCHAR,
    provenance      VARCHAR,              -- JSON object: field -> source (for the category: the rule)
    why             VARCHAR,              -- the rule and phrase that decided is_usage_related and error_category
    evidence_tier   VARCHAR,              -- how strong the evidence that decided is (etl.parse.classify.TIERS)
    parser_version  VARCHAR,
    parse_error     VARCHAR,              -- the parser's failure on this text (or its thread), else NULL
    -- Kept at load time so that counting a million reports needs no join and no string hashing:
    author_id       INTEGER,              -- authors.id: distinct reporters as small integers
    canonical       INTEGER,              -- clusters.canonical_number: duplicates fold into it
    cluster_key     BIGINT,               -- repos.id << 32 | canonical: distinct issues across repos
    PRIMARY KEY (repo, number, comment_id)
);

CREATE SEQUENCE IF NOT EXISTS author_ids;
CREATE TABLE IF NOT EXISTS authors (
    author          VARCHAR   PRIMARY KEY,
    id              INTEGER   NOT NULL DEFAULT nextval('author_ids')
);

CREATE TABLE IF NOT EXISTS issue_links (
    repo            VARCHAR   NOT NULL,
    number          INTEGER   NOT NULL,
    target_repo     VARCHAR   NOT NULL,
    target_number   INTEGER   NOT NULL,
    kind            VARCHAR   NOT NULL,   -- 'duplicate_of' | 'mentions' | 'cross_reference'
    source          VARCHAR   NOT NULL,   -- 'body' | 'comment' | 'event' | 'timeline'
    PRIMARY KEY (repo, number, target_repo, target_number, kind, source)
);

-- Canonical clusters. canonical_number folds GitHub's duplicates (closed as duplicate, the
-- duplicate label or event, with "Duplicate of #N"): counts of distinct issues use it.
-- error_canonical also joins issues whose reports carry the same specific error signature:
-- "the same error elsewhere", and the issue to follow for it.
CREATE TABLE IF NOT EXISTS clusters (
    repo            VARCHAR   NOT NULL,
    number          INTEGER   NOT NULL,
    canonical_number INTEGER  NOT NULL,
    error_canonical INTEGER   NOT NULL,
    PRIMARY KEY (repo, number)
);

-- Issues whose cluster may have moved, queued in the same transaction as the change that moved
-- it, so a run killed before its clusters step leaves the work for the next run.
CREATE TABLE IF NOT EXISTS cluster_queue (
    repo            VARCHAR   NOT NULL,
    number          INTEGER   NOT NULL,
    PRIMARY KEY (repo, number)
);

CREATE TABLE IF NOT EXISTS reaction_snapshots (
    repo            VARCHAR   NOT NULL,
    number          INTEGER   NOT NULL,
    taken_at        TIMESTAMP NOT NULL,
    reactions_total INTEGER,
    reactions_plus1 INTEGER,
    comment_count   INTEGER,
    PRIMARY KEY (repo, number, taken_at)
);

-- Incremental sync: high-water mark and ETag per repo and endpoint.
CREATE TABLE IF NOT EXISTS sync_state (
    repo            VARCHAR   NOT NULL,
    endpoint        VARCHAR   NOT NULL,
    high_water      VARCHAR,
    etag            VARCHAR,
    updated_at      TIMESTAMP,
    PRIMARY KEY (repo, endpoint)
);

CREATE SEQUENCE IF NOT EXISTS sync_run_ids;
CREATE TABLE IF NOT EXISTS sync_runs (
    run_id          INTEGER   PRIMARY KEY DEFAULT nextval('sync_run_ids'),
    repo            VARCHAR,
    kind            VARCHAR,              -- 'pull' | 'import' | 'demo' | 'reparse'
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP,
    requests        INTEGER,
    not_modified    INTEGER,
    issues_seen     INTEGER,
    issues_changed  INTEGER,
    comments_seen   INTEGER,
    rate_remaining  INTEGER,
    outcome         VARCHAR,              -- 'ok' | 'error: …' | 'interrupted'
    detail          VARCHAR
);

-- Triage corrections in force: a mirror of `<name>.corrections.duckdb` (etl/corrections.py), which
-- holds them all with their history. Reports carry the corrected values; `parsed` keeps what the
-- parser read for the field, so both can be shown and compared.
CREATE TABLE IF NOT EXISTS corrections (
    repo            VARCHAR   NOT NULL,
    number          INTEGER   NOT NULL,
    field           VARCHAR   NOT NULL,   -- etl.corrections.FIELDS
    value           VARCHAR   NOT NULL,   -- as text: 'false', '2.1.4', 'unknown', '123'
    parsed          VARCHAR,
    corrected_by    VARCHAR,
    corrected_at    TIMESTAMP,
    note            VARCHAR,
    PRIMARY KEY (repo, number, field)
);

-- What the database holds: repo, and whether it is synthetic demo data.
CREATE SEQUENCE IF NOT EXISTS repo_ids;
CREATE TABLE IF NOT EXISTS repos (
    repo            VARCHAR   PRIMARY KEY,
    is_demo         BOOLEAN   NOT NULL DEFAULT FALSE,
    added_at        TIMESTAMP,
    id              INTEGER   NOT NULL DEFAULT nextval('repo_ids')
);

-- A database made by an earlier version gains the columns added since; `python -m etl reparse`
-- then fills the derived ones (status says when that is needed).
ALTER TABLE repos ADD COLUMN IF NOT EXISTS id INTEGER DEFAULT nextval('repo_ids');
ALTER TABLE reports ADD COLUMN IF NOT EXISTS author_id INTEGER;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS canonical INTEGER;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS cluster_key BIGINT;
ALTER TABLE clusters ADD COLUMN IF NOT EXISTS error_canonical INTEGER;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS why VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS parse_error VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS evidence_tier VARCHAR;
