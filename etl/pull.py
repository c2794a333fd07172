"""`python -m etl pull`: keep a repo's issues, comments and events in sync with GitHub.

The request plan per repo (DESIGN §4); every page is committed together with its cursor:
1. comments, repo-wide, updated ascending since the comments high-water mark;
2. issues and PRs, updated ascending since the issues high-water mark;
3. events, repo-wide, newest first down to the newest event stored — only when the issues moved
   since the last walk (an event bumps its issue's `updated_at`);
4. a bounded re-sweep of recently active open issues, because a reaction does not bump
   `updated_at`; at most once per `resweep_every`;
5. the reports of every issue that changed (cursor: `updated_at|number`), then the timeline of
   each usage-related one, for its cross-references (its own cursor);
6. the clusters of the issues touched on the way (only those).
The database is handed to a waiting reader before every request (etl/db.py), so the app reads
between pages. An unchanged re-sync is two conditional requests (comments, issues) answered 304,
and writes nothing.
"""
from __future__ import annotations

import re
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import duckdb

from etl import db, graph, load, records
from etl.github import GitHubClient, GitHubError, RateLimitExhausted

COMMENTS, ISSUES, EVENTS, EVENTS_CHECKED, RESWEEP, REPORTS, TIMELINE = (
    "comments", "issues", "events", "events_checked", "resweep", "reports", "timeline")
MAX_PASSES = 5  # closing passes that pick up items updated while we were paging
EVENTS_BACKFILL_PAGES = 10  # a first sync reads recent events only: issue objects carry the current state
REPORTS_BATCH = 2000  # issues whose reports are derived per transaction
TIMELINE_BATCH = 100  # timelines fetched per transaction
GITHUB_TIME = "%Y-%m-%dT%H:%M:%SZ"
REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass
class Options:
    since: str | None = None  # GitHub form (parse_since); overrides the stored high-water marks
    full: bool = False  # ignore stored marks and ETags: fetch everything again
    resweep_days: int = 14
    resweep_every: timedelta = timedelta(hours=1)


@dataclass
class Counts:
    issues_seen: int = 0
    issues_changed: int = 0
    comments_seen: int = 0
    events_seen: int = 0
    timelines: int = 0
    reswept: int = 0
    skipped: int = 0  # objects not in the shape we expect


def parse_since(value: str) -> str:
    """An ISO 8601 date or time (naive means UTC) in GitHub's `…Z` form."""
    try:
        t = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or time: {value!r} (e.g. 2025-06-01 or 2025-06-01T12:00:00Z)") from None
    if t.tzinfo is not None:
        t = t.astimezone(timezone.utc)
    return t.strftime(GITHUB_TIME)


def check_repo_name(value: str) -> str:
    if not REPO_NAME.match(value):
        raise ValueError(f"not OWNER/NAME: {value!r}")
    return value


@contextmanager
def transaction(con):
    with _ctrl_c_held():
        con.begin()
        try:
            yield
            con.commit()
        except BaseException:
            con.rollback()
            raise


@contextmanager
def _ctrl_c_held():
    """Hold Ctrl-C until the block ends: inside a query DuckDB turns it into an aborted transaction."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed = []
    previous = signal.signal(signal.SIGINT, lambda *_: pressed.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


class SyncState:
    """A repo's cursors in `sync_state`: high-water mark and ETag per endpoint.

    With `ignore_before` (a --full run) rows written before that time read as absent.
    """

    def __init__(self, con, repo: str, ignore_before: datetime | None = None):
        self.con, self.repo, self.ignore_before = con, repo, ignore_before

    def _row(self, endpoint: str):
        return self.con.execute(
            "SELECT high_water, etag, updated_at FROM sync_state WHERE repo = ? AND endpoint = ? "
            "AND (CAST(? AS TIMESTAMP) IS NULL OR updated_at >= ?)",
            [self.repo, endpoint, self.ignore_before, self.ignore_before]).fetchone() or (None, None, None)

    def get(self, endpoint: str) -> tuple[str | None, str | None]:
        return self._row(endpoint)[:2]

    def written_at(self, endpoint: str) -> datetime | None:
        return self._row(endpoint)[2]

    def set(self, endpoint: str, high_water: str | None, etag: str | None = None) -> None:
        self.con.execute("INSERT OR REPLACE INTO sync_state VALUES (?, ?, ?, ?, ?)",
                         [self.repo, endpoint, high_water, etag, load.now()])


class Progress:
    """One status line on stderr, redrawn in place on a terminal; waits are shown either way."""

    def __init__(self, stream):
        self.stream, self.tty = stream, stream.isatty()
        self._last = 0.0

    def show(self, text: str) -> None:
        if self.tty and time.monotonic() - self._last > 0.1:
            self._last = time.monotonic()
            self.stream.write("\r" + text[:150] + "\x1b[K")
            self.stream.flush()

    def wait(self, seconds: float, reason: str) -> None:
        if self.tty:
            self._last = 0.0
            self.show(f"{reason}; waiting {seconds:.1f}s")
        else:
            print(f"{reason}; waiting {seconds:.1f}s", file=self.stream, flush=True)

    def clear(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class RepoSync:
    """One repo's sync on an open writer connection."""

    def __init__(self, con, client: GitHubClient, repo: str, options: Options, progress: Progress):
        self.con, self.client, self.repo, self.opts, self.progress = con, client, repo, options, progress
        self.base = f"/repos/{repo}"
        self.state = SyncState(con, repo, load.now() if options.full else None)
        self.counts = Counts()
        self.phase = "starting"
        self.wrote = False

    def write(self):
        """A transaction on the database; a run that never opens one leaves the file untouched."""
        self.wrote = True
        return transaction(self.con)

    def fetched(self, pages):
        """The client's pages; before each request, the database goes to a reader that waits."""
        pages = iter(pages)
        while True:
            self.con.give_way()
            page = next(pages, None)
            if page is None:
                return
            yield page

    def run(self) -> Counts:
        if not self.con.execute("SELECT 1 FROM repos WHERE repo = ?", [self.repo]).fetchone():
            with self.write():
                load.ensure_repo(self.con, self.repo)
        covered_from = self.opts.since or self.state.get(ISSUES)[0]
        self.had_issues = self.con.execute("SELECT count(*) > 0 FROM issues WHERE repo = ?", [self.repo]).fetchone()[0]
        self.phase = "comments"
        self.sync_listing(COMMENTS, "/issues/comments", self.save_comments)
        self.phase = "issues"
        self.sync_listing(ISSUES, "/issues", self.save_issues, {"state": "all"})
        self.phase = "events"
        self.sync_events()
        self.phase = "re-sweep"
        self.resweep(covered_from)
        self.derive_reports()
        self.sync_timelines()
        self.phase = "clusters"
        queued = graph.queued_clusters(self.con, self.repo)  # this run's, and a killed run's
        if queued:
            with self.write():
                graph.rebuild_clusters(self.con, self.repo, queued)
        return self.counts

    def show_progress(self) -> None:
        c = self.counts
        self.progress.show(f"{self.repo}: {self.phase} · issues {c.issues_seen} · comments {c.comments_seen} · "
                           f"events {c.events_seen} · timelines {c.timelines} · {self.client.requests} requests")

    # --- savers: one page in the open transaction ---------------------------------------------

    def save_comments(self, items: list[dict]) -> None:
        touched = self._saved(load.upsert_comments, records.comment_row, items)
        graph.queue_clusters(self.con, self.repo, touched)
        if self.had_issues:  # an edited comment does not bump its issue: derive its reports now
            graph.rebuild_derived(self.con, self.repo, touched)
        self.counts.comments_seen += len(items)

    def save_issues(self, items: list[dict]) -> None:
        self.counts.issues_seen += len(items)
        changed = self._saved(load.upsert_issues, records.issue_row, items)
        graph.queue_clusters(self.con, self.repo, changed)
        self.counts.issues_changed += len(changed)

    def _saved(self, upsert, row_of, items: list[dict]) -> list[int]:
        """Upsert a page; objects not in the expected shape are skipped and counted, not fatal."""
        try:
            return upsert(self.con, self.repo, items)
        except records.RecordError:
            good = [o for o in items if _converts(row_of, self.repo, o)]
            self.counts.skipped += len(items) - len(good)
            return upsert(self.con, self.repo, good)

    # --- 1, 2: listings sorted by updated_at ---------------------------------------------------

    def sync_listing(self, endpoint: str, path: str, save, params: dict | None = None) -> None:
        """Page from the high-water mark on, then close with a pass from the new mark: it picks up
        items updated while we paged, and its ETag makes the next unchanged sync a 304."""
        hw, etag = self.state.get(endpoint)
        since = self.opts.since or hw
        for _ in range(MAX_PASSES):
            new_hw = self._listing_pass(endpoint, path, save, params, since, hw, etag if since == hw else None)
            if new_hw == since:  # 304, or only the boundary items came back
                return
            since = hw = new_hw
            etag = None

    def _listing_pass(self, endpoint, path, save, params, since, hw, etag) -> str | None:
        query = {**(params or {}), "sort": "updated", "direction": "asc", "per_page": 100}
        if since:
            query["since"] = since
        first = True
        for page in self.fetched(self.client.pages(self.base + path, query, etag)):
            if page.not_modified:
                return since
            with self.write():
                save(page.items)
                hw = max([hw or "", *(o.get("updated_at") or "" for o in page.items)]) or None
                whole = first and not page.next_url and hw == since  # the ETag covers the whole answer
                self.state.set(endpoint, hw, page.etag if whole else None)
            first = False
            self.show_progress()
        return hw

    # --- 3: events, newest first ---------------------------------------------------------------

    def sync_events(self) -> None:
        issues_hw = self.state.get(ISSUES)[0]
        if self.state.get(EVENTS_CHECKED)[0] == issues_hw:
            return
        newest, etag = self.state.get(EVENTS)
        newest_id = int(newest) if newest else None
        top, first_etag = newest_id or 0, None
        pages = self.fetched(self.client.pages(self.base + "/issues/events", {"per_page": 100},
                                               etag if newest_id is not None else None))
        for n, page in enumerate(pages, 1):
            if page.not_modified:
                break
            first_etag = first_etag or page.etag
            fresh = [e for e in page.items if newest_id is None or (e.get("id") or 0) > newest_id]
            top = max([top, *(e.get("id") or 0 for e in fresh)])
            done = (len(fresh) < len(page.items) or not page.next_url
                    or (newest_id is None and n >= EVENTS_BACKFILL_PAGES))
            with self.write():
                graph.queue_clusters(self.con, self.repo, self._saved(load.upsert_events, records.event_row, fresh))
                if done:  # the mark moves only once the walk reached what was stored: no gaps
                    self.state.set(EVENTS, str(top), first_etag)
                    self.state.set(EVENTS_CHECKED, issues_hw)
            self.counts.events_seen += len(fresh)
            self.show_progress()
            if done:
                return
        with self.write():
            self.state.set(EVENTS_CHECKED, issues_hw)

    # --- 4: reports and timelines of the issues that changed --------------------------------------

    def derive_reports(self) -> None:
        """Reports of the issues updated after the reports cursor, a batch per transaction. Once
        per run rather than once per page: a full sync spends most of its time here."""
        pending = self._pending(REPORTS, with_prs=True)  # PRs get no reports, but their links count
        for i in range(0, len(pending), REPORTS_BATCH):
            batch = pending[i:i + REPORTS_BATCH]
            with self.write():
                graph.queue_clusters(self.con, self.repo, [n for n, _ in batch])
                graph.rebuild_derived(self.con, self.repo, [n for n, _ in batch])
                number, updated = batch[-1]
                self.state.set(REPORTS, f"{updated}|{number}")
            self.phase = f"reports {i + len(batch)}/{len(pending)}"
            self.show_progress()

    def sync_timelines(self) -> None:
        pending = self._pending(TIMELINE, usage_only=True)  # one at a time: GitHub asks for serial requests
        for i in range(0, len(pending), TIMELINE_BATCH):
            self._timeline_batch(pending[i:i + TIMELINE_BATCH], len(pending))

    def _timeline_batch(self, batch: list[tuple[int, str]], total: int) -> None:
        self.con.give_way()
        items = [item for number, _ in batch for item in self._cross_references(number)]
        with self.write():
            graph.queue_clusters(self.con, self.repo, [i["issue"]["number"] for i in items])
            load.upsert_events(self.con, self.repo, items)
            graph.rebuild_links(self.con, self.repo, [i["issue"]["number"] for i in items])  # only where refs came
            number, updated = batch[-1]
            self.state.set(TIMELINE, f"{updated}|{number}")
        self.counts.timelines += len(batch)
        self.phase = f"timelines {self.counts.timelines}/{total}"
        self.show_progress()

    def _pending(self, cursor_endpoint: str, usage_only: bool = False, with_prs: bool = False) -> list[tuple[int, str]]:
        """Issues (and PRs if asked) updated after a cursor `updated_at|number`, in cursor order."""
        cursor = self.state.get(cursor_endpoint)[0] or "1970-01-01T00:00:00Z|0"
        updated, number = cursor.rsplit("|", 1)
        after = records.ts(updated)
        usage = ("AND EXISTS (SELECT 1 FROM reports r WHERE r.repo = i.repo AND r.number = i.number "
                 "AND r.kind = 'issue' AND r.is_usage_related)") if usage_only else ""
        return self.con.execute(
            f"""SELECT i.number, strftime(i.updated_at, '{GITHUB_TIME}') FROM issues i
                WHERE i.repo = ? AND (? OR NOT i.is_pull_request) {usage}
                  AND (i.updated_at > ? OR (i.updated_at = ? AND i.number > ?))
                ORDER BY i.updated_at, i.number""",
            [self.repo, with_prs, after, after, int(number)]).fetchall()

    def _cross_references(self, number: int) -> list[dict]:
        try:
            pages = list(self.client.pages(f"{self.base}/issues/{number}/timeline", {"per_page": 100}))
        except GitHubError as exc:
            if exc.status in (404, 410):  # deleted or transferred since we listed it
                return []
            raise
        return [{**item, "issue": {"number": number}}  # a timeline item does not name its issue
                for page in pages for item in page.items if item.get("event") == "cross-referenced"]

    # --- re-sweep of recently active open issues, for reactions -----------------------------------

    def resweep(self, covered_from: str | None) -> None:
        today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        horizon = (today - timedelta(days=self.opts.resweep_days)).strftime(GITHUB_TIME)
        if covered_from and covered_from > horizon:
            last = self.state.written_at(RESWEEP)
            if last and load.now() - last < self.opts.resweep_every:
                return
            stored_horizon, stored_etag = self.state.get(RESWEEP)
            etag = self._resweep_pages(horizon, stored_etag if stored_horizon == horizon else None)
            if etag is not None and (horizon, etag) == (stored_horizon, stored_etag):
                return  # a 304: nothing to write (the next run asks again, for free)
        elif self.wrote:  # this run's issues pass covered the window: date it, since the run writes anyway
            etag = None
        else:
            return
        with self.write():
            self.state.set(RESWEEP, horizon, etag)

    def _resweep_pages(self, horizon: str, etag: str | None) -> str | None:
        """Open issues updated since the horizon; returns the ETag when one page held them all."""
        query = {"state": "open", "sort": "updated", "direction": "asc", "since": horizon, "per_page": 100}
        for n, page in enumerate(self.fetched(self.client.pages(self.base + "/issues", query, etag)), 1):
            if page.not_modified:
                return etag
            with self.write():  # upsert_issues snapshots the reaction counts that moved
                self.counts.issues_changed += len(self._saved(load.upsert_issues, records.issue_row, page.items))
                # reactions move engagement, which picks a cluster's canonical issue
                graph.queue_clusters(self.con, self.repo, [o["number"] for o in page.items if isinstance(o, dict)
                                                           and isinstance(o.get("number"), int)])
            self.counts.reswept += len(page.items)
            self.show_progress()
            if n == 1 and not page.next_url:
                return page.etag
        return None


def _converts(row_of, repo: str, obj) -> bool:
    try:
        row_of(repo, obj)
        return True
    except (records.RecordError, AttributeError, TypeError, ValueError):
        return False


def pull(repos: list[str], client: GitHubClient, db_path=None, options: Options | None = None,
         out=None, err=None) -> int:
    """Sync each repo into the database; returns the exit status (0, or 2 if a repo failed)."""
    out, err = out or sys.stdout, err or sys.stderr  # looked up now: the streams may be replaced
    progress = Progress(err)
    failed = False
    with db.writing(db_path) as con:
        def wait(seconds: float, reason: str) -> None:  # a rate-limit wait: readers need not wait with us
            con.release()
            progress.wait(seconds, reason)

        client.on_wait = wait
        for repo in repos:
            failed |= not _pull_repo(con, client, repo, options or Options(), progress, out, err)
    return 2 if failed else 0


def _pull_repo(con, client, repo, options, progress, out, err) -> bool:
    sync = RepoSync(con, client, repo, options, progress)
    started, t0 = load.now(), time.monotonic()
    requests0, not_modified0 = client.requests, client.not_modified
    outcome = "interrupted"
    try:
        sync.run()
        outcome = "ok"
    except RateLimitExhausted as exc:
        outcome = f"error: {exc}"
        raise
    except GitHubError as exc:
        outcome = f"error: {exc}"
        print(f"error: {repo}: {exc}", file=err)
        return False
    finally:
        progress.clear()
        c = sync.counts
        run = dict(requests=client.requests - requests0, not_modified=client.not_modified - not_modified0,
                   issues_seen=c.issues_seen, issues_changed=c.issues_changed, comments_seen=c.comments_seen,
                   rate_remaining=client.rate_remaining)
        if sync.wrote or outcome != "ok":  # an unchanged sync leaves the file as it was
            _record_run(con, repo, started, outcome, run, c)
        print(_summary(repo, run, c, time.monotonic() - t0, outcome == "ok" and not sync.wrote), file=out, flush=True)
    return True


def _record_run(con, repo, started, outcome, run: dict, c: Counts) -> None:
    detail = f"events {c.events_seen}, timelines {c.timelines}, re-swept {c.reswept}, skipped {c.skipped}"
    try:
        with transaction(con):
            load.record_run(con, repo, "pull", started, outcome, detail=detail, **run)
    except (duckdb.Error, db.DatabaseError):
        pass  # an interrupted connection cannot record the run; the data is safe either way


def _summary(repo: str, run: dict, c: Counts, seconds: float, untouched: bool) -> str:
    left = "?" if run["rate_remaining"] is None else run["rate_remaining"]
    skipped = f", {c.skipped} objects skipped (unexpected shape)" if c.skipped else ""
    unchanged = "; nothing changed, database untouched" if untouched else ""
    return (f"pull {repo}: {c.issues_changed} issues new or changed ({c.issues_seen} seen), "
            f"{c.comments_seen} comments, {c.events_seen} events, {c.timelines} timelines{skipped}; "
            f"{run['requests']} requests ({run['not_modified']} not modified), rate limit left {left}, "
            f"{seconds:.1f}s{unchanged}")
